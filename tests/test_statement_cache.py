"""The engine's cache of compiled statements (portal/statement_cache.py): a statement built
once is found by its key's identity, without hashing the key again; an equal key of another
statement object still finds what was compiled; what it returns is always what was stored
for an equal key."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlmodel import Session

from portal.models import Case
from portal.statement_cache import StatementCache


class Part:
    """A part of a key that counts how often it is hashed."""

    hashed = 0

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        Part.hashed += 1
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Part) and other.name == self.name


def key(statement_key: tuple, columns: tuple = ()) -> tuple:
    return ("dialect", statement_key, columns, False, False)


def test_a_key_seen_before_is_found_without_hashing_it_again():
    cache = StatementCache(size=10)
    statement_key = (Part("select"), Part("where"))
    cache[key(statement_key)] = "compiled"
    Part.hashed = 0
    for _ in range(5):
        assert cache.get(key(statement_key)) == "compiled"
    assert Part.hashed == 0


def test_an_equal_key_of_another_object_is_found_by_its_hash_and_then_by_identity():
    cache = StatementCache(size=10)
    cache[key((Part("select"), Part("where")))] = "compiled"
    other = (Part("select"), Part("where"))  # equal, not the same object
    Part.hashed = 0
    assert cache.get(key(other)) == "compiled"
    assert Part.hashed > 0
    Part.hashed = 0
    assert cache.get(key(other)) == "compiled"
    assert Part.hashed == 0
    # Another key, or the same key with other column keys, is not what was stored.
    assert cache.get(key((Part("select"), Part("order")))) is None
    assert cache.get(key(other, columns=("id",))) is None


def test_what_it_remembers_is_bounded_and_forgotten_keys_are_still_found_by_hash():
    cache = StatementCache(size=3)
    keys = [(Part(f"select {number}"),) for number in range(5)]
    for number, statement_key in enumerate(keys):
        cache[key(statement_key)] = f"compiled {number}"
    assert len(cache._by_identity) <= 3
    assert len(cache) == 3  # the LRU behind holds the three most recent
    for number, statement_key in enumerate(keys[2:], start=2):
        assert cache[key(statement_key)] == f"compiled {number}"
    assert cache.get(key(keys[0])) is None  # dropped by the LRU: compiled again when run


def test_the_engine_runs_statements_through_it(app, db: Session):
    """The engine's own option: a statement run twice is compiled once and then found by
    its key's identity; the rows are those of its own parameters."""
    cache = app.state.engine.get_execution_options()["compiled_cache"]
    assert isinstance(cache, StatementCache)
    # The engine is shared by earlier tests: its identities are forgotten all at once at 500,
    # which could fall between the run and the check below. Start from none remembered.
    cache._by_identity.clear()
    statement = select(Case.number).where(Case.id == bindparam("case_id"))
    first, second = db.execute(select(Case.id).order_by(Case.id).limit(2)).scalars().all()
    numbers = [db.execute(statement, {"case_id": case_id}).scalar_one() for case_id in (first, second)]
    assert numbers == [db.get(Case, first).number, db.get(Case, second).number]
    statement_key = statement._generate_cache_key().key
    assert any(known is statement_key for known, _compiled in cache._by_identity.values())
