"""The fund app's selectors."""
