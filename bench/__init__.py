"""Benchmarks, run with ``python -m bench`` (kept out of the pytest run)."""
