"""The review app's tables."""
