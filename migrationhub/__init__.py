"""MigrationHub: partnerships, knowledge and tools for migration governance."""

__version__ = "0.1.0"
