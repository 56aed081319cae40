"""The review app's selectors."""
