"""sigaudit stage: sources."""
