"""The fund app's views."""
