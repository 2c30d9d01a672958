"""Stage: results on disk (SQLite)."""
