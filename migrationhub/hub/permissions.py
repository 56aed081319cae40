"""The hub app's permissions."""
