"""Tests of portal/services (queries and changes over the real database)."""
