"""A small ZGW-compatible case system for development, demos and contract tests.

Serves the Zaken, Catalogi, Documenten and Notificaties endpoints the portal uses, filled
with the demo municipality. Dev-only: nothing in ``portal`` imports it. Every response it
gives is validated against the official specifications in the contract tests
(``tests/zgw/test_contract.py``). Start it with ``python -m devtools.fake_zgw``.
"""

from devtools.fake_zgw.app import FakeZgw, create_fake_app

__all__ = ["FakeZgw", "create_fake_app"]
