"""The hub app's views."""
