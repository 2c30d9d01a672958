"""sigaudit stage: aggregate."""
