"""The hub app's tables."""
