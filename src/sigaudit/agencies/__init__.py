"""sigaudit stage: agencies."""
