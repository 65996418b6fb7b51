"""``like_escaped`` (portal/db.py): a search pattern escaped with backslashes means the
same on both databases. PostgreSQL gets no ESCAPE clause (the backslash is its default;
with the clause a prepared statement's generic plan called like_escape() on every row,
issue 22), SQLite gets ``ESCAPE '\\'``. Escaped %, _ and backslash are literal characters;
unescaped ones are wildcards."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, literal, select
from sqlmodel import Session

from portal.db import like_escaped
from portal.services.overview import _escape_like

TEXT = r"actie 50%_korting c:\map"


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("50%_korting", True),
        ("50%", True),
        ("%_k", True),
        ("c:\\map", True),
        ("50x_korting", False),  # % is no wildcard once escaped
        ("50%xkorting", False),  # nor is _
        ("c:map", False),  # the backslash is a character, not an escape
        ("actie", True),
        ("korting 50", False),
    ],
)
def test_an_escaped_pattern_matches_its_characters_literally(db: Session, search: str, found: bool):
    pattern = f"%{_escape_like(search)}%"
    statement = select(like_escaped(literal(TEXT), bindparam("pattern")))
    assert bool(db.execute(statement, {"pattern": pattern}).scalar_one()) is found


def test_an_unescaped_wildcard_is_still_a_wildcard(db: Session):
    statement = select(like_escaped(literal(TEXT), bindparam("pattern")))
    assert db.execute(statement, {"pattern": "actie 50_%"}).scalar_one()
    assert not db.execute(statement, {"pattern": "actie 5_korting%"}).scalar_one()
