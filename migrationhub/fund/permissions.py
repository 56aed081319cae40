"""The fund app's permissions."""
