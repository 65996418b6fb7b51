"""Development-only tools: not part of the product package."""
