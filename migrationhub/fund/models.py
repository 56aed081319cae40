"""The fund app's tables."""
