"""masked_address: enough of an address to recognise it, never the whole of it."""

from __future__ import annotations

import pytest

from portal.domain.delivery_status import masked_address


@pytest.mark.parametrize(
    ("channel", "address", "shown"),
    [
        ("email", "jan.jansen@example.org", "j…@example.org"),
        ("email", "J@x.nl", "J…@x.nl"),
        ("email", "j…@example.org", "j…@example.org"),  # already masked: unchanged
        ("email", "no-at-sign", "…"),
        ("sms", "+31612345678", "06…78"),
        ("sms", "+32470123456", "+32…56"),
        ("sms", "06…78", "06…78"),
        ("sms", "+31", "…"),
        ("letter", "J. Jansen\nDorpsstraat 1\n1234 AB Voorbeeldstad", "… Voorbeeldstad"),
        ("letter", "J. Jansen\nDorpsstraat 1\n1234AB  Den Haag", "… Den Haag"),
        ("letter", "Postbus 12\nBrussel", "… Brussel"),
        ("letter", "", ""),
        ("email", "", ""),
    ],
)
def test_masked_address(channel, address, shown):
    assert masked_address(channel, address) == shown
    assert masked_address(channel, shown) == shown  # idempotent: retention may run twice
