"""The hub app's selectors."""
