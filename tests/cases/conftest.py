"""Fixtures for the case pages: one signed-in TestClient per demo party, reused by a
whole module (signing in goes through the real simulator flow each time)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.auth_helpers import sign_in_business, sign_in_resident


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed, for asserting on words."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        .replace("&#34;", '"')
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .strip()
    )


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _client(app, sign_in, *args, **kwargs):
    client = TestClient(app, base_url="http://127.0.0.1")
    client.__enter__()
    sign_in(client, *args, **kwargs)
    return client


@pytest.fixture(scope="module")
def jan(app):
    """Resident A, Jan Jansen (DigiD midden)."""
    client = _client(app, sign_in_resident, "999993653")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def fatima(app):
    """Resident B, Fatima el Amrani, at level substantieel (Wmo and bijstand need it)."""
    client = _client(app, sign_in_resident, "999990019", level="substantieel")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def fatima_midden(app):
    client = _client(app, sign_in_resident, "999990019", level="midden")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def pieter(app):
    client = _client(app, sign_in_resident, "123456782")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def bakery(app):
    """Business A, whole company (no branch)."""
    client = _client(app, sign_in_business, "12345678")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def bakery_station(app):
    """Business A, signed in for the Stationsweg branch only."""
    client = _client(app, sign_in_business, "12345678", branch="000023456789")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def gardener(app):
    client = _client(app, sign_in_business, "87654321")
    yield client
    client.__exit__(None, None, None)
