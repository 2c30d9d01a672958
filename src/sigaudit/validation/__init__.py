"""sigaudit stage: validation."""
