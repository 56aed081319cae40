"""The review app's admin: nothing to administer (no tables of its own; ADR 0011)."""
