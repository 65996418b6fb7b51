"""SQLAlchemy's cache of compiled statements, found by the identity of a statement's key
before its hash (issue 22).

Every execution looks its compiled SQL up in the engine's cache by the statement's cache
key: a tuple describing the whole statement, hashed anew each time (Python does not keep a
tuple's hash). The pages run statements built once per shape of login, so their keys are
big and always the same objects: the case page's lists (one ``UNION ALL`` of eight lists)
have a key of 17,871 parts, 74 µs to hash; with the case statement's, 6 % of the case
page's CPU in a profile of the server.

A statement built once keeps its key (SQLAlchemy memoises it on the statement), so the same
key object comes back on every execution. ``StatementCache`` remembers, per key object, what
it compiled to, and holds on to the key object so that its ``id`` cannot be taken by
another; only a key it has not seen is hashed, in SQLAlchemy's own LRU cache behind it. It
is given to the engine as the documented ``compiled_cache`` execution option.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from sqlalchemy.util import LRUCache

# SQLAlchemy's key: (dialect, the statement's cache key, column keys, schema translation?,
# executemany?). Only the second part is big.
_Key = tuple[Any, ...]


class StatementCache(MutableMapping[_Key, Any]):
    """A ``compiled_cache`` (``Connection.execution_options``) that finds a key object it
    has seen by its identity. At most ``size`` of them are remembered (then forgotten all at
    once: statements built per request, for someone acting for another person, come and go);
    the LRU cache behind holds ``size`` compiled statements, as the engine's own does."""

    def __init__(self, size: int = 500) -> None:
        self._size = size
        self._by_hash: LRUCache[_Key, Any] = LRUCache(size)
        # (id of the statement's key, the other parts) -> (the statement's key, compiled)
        self._by_identity: dict[_Key, tuple[Any, Any]] = {}

    @staticmethod
    def _identity(key: _Key) -> _Key:
        dialect, statement_key, *rest = key
        return (dialect, id(statement_key), *rest)

    def get(self, key: _Key, default: Any = None) -> Any:
        known = self._by_identity.get(self._identity(key))
        # The entry holds its key object, so no other object can have its id while it is
        # there; the check says so where it is relied on.
        if known is not None and known[0] is key[1]:
            return known[1]
        compiled = self._by_hash.get(key)
        if compiled is None:
            return default
        self._remember(key, compiled)
        return compiled

    def _remember(self, key: _Key, compiled: Any) -> None:
        if len(self._by_identity) >= self._size:
            self._by_identity.clear()
        self._by_identity[self._identity(key)] = (key[1], compiled)

    def __getitem__(self, key: _Key) -> Any:
        compiled = self.get(key)
        if compiled is None:
            raise KeyError(key)
        return compiled

    def __setitem__(self, key: _Key, compiled: Any) -> None:
        self._by_hash[key] = compiled
        self._remember(key, compiled)

    def __delitem__(self, key: _Key) -> None:
        self._by_identity.pop(self._identity(key), None)
        del self._by_hash[key]

    def __iter__(self) -> Iterator[_Key]:
        return iter(self._by_hash)

    def __len__(self) -> int:
        return len(self._by_hash)

    def clear(self) -> None:
        self._by_identity.clear()
        self._by_hash.clear()
