"""The fund app's admin."""
