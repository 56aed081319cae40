"""The review app's services."""
