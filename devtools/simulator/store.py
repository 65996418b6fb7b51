"""The simulator's own store: one table of authorization codes, in a metadata of its
own (not ``SQLModel.metadata``), so the product's models and its Alembic migrations
never contain it. ``mount_simulator`` creates the table in the app's database when the
simulator is switched on; production never mounts the simulator."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Engine
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class SimulatorModel(SQLModel, registry=registry()):
    """Base for the simulator's tables: a registry (and so a metadata) of its own."""


class SimulatorGrant(SimulatorModel, table=True):
    """An authorization code issued by the built-in login simulator (stored hashed)."""

    __tablename__ = "devtools_simulator_grant"

    code_hash: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=100)
    redirect_uri: str = Field(max_length=1000)
    scope: str = Field(default="openid", max_length=200)
    nonce: str | None = Field(default=None, max_length=200)
    code_challenge: str | None = Field(default=None, max_length=200)
    code_challenge_method: str | None = Field(default=None, max_length=10)
    claims: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None


def create_store(engine: Engine) -> None:
    """Create the simulator's table if it is not there (idempotent)."""
    SimulatorModel.metadata.create_all(engine)
