"""Repository-wide checks."""
