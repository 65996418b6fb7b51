"""The case API (JSON under /api/v1): a sub-application with its own OpenAPI document."""
