"""The hub app's services."""
