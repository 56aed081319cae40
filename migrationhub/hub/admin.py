"""The hub app's admin."""
