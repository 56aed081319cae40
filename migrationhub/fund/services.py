"""The fund app's services."""
