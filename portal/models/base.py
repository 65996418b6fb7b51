"""A base for tables whose ``@validates`` methods clean a value (e.g. "1234.56.782" ->
"123456782"), so the clean value is what gets stored."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel


class ValidatedModel(SQLModel):
    """SQLModel sets each attribute twice: through SQLAlchemy (which runs ``@validates``
    and keeps its return value) and then through Pydantic, which writes the raw value
    over it. So a validator could refuse a value but not clean it. Writing the
    validator's result back afterwards makes the cleaned value the stored one."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        validators = type(self).__mapper__.validators  # type: ignore[attr-defined]
        if name in validators:
            method, _options = validators[name]
            # The validator already accepted ``value``; running it again is pure.
            self.__dict__[name] = method(self, name, value)
