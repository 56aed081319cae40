"""The review app's views."""
