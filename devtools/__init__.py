"""Development-only tools. Nothing in ``portal`` imports this package."""
