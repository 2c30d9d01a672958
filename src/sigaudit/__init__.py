"""sigaudit: audit the digital signatures of Vietnamese state agencies' electronic documents."""

__version__ = "0.1.0"
