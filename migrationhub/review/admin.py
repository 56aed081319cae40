"""The review app's admin."""
