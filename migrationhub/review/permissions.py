"""The review app's permissions."""
