"""Permits and messages page like the overview (keyset "next page" links): a business
with thousands of permits or messages gets 25 at a time, every one reachable, none
twice; a page link that is not ours shows the first page with a message and a 400."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.auth_helpers import BUSINESS_A, sign_in_business, sign_in_resident
from tests.isolated import demo_database
from tests.services.test_query_counts import BSN, TODAY, add_cases, add_permits, page_client


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("paging"), TODAY) as isolated:
        add_cases(isolated, 0, 40)
        add_permits(isolated, 0, 60)
        yield isolated


def walk(client, path: str, item: str) -> list[str]:
    """Follow "next page" from ``path``; the ``item`` texts of every page, in order."""
    seen: list[str] = []
    pages = 0
    while path:
        response = client.get(path)
        assert response.status_code == 200, path
        seen += re.findall(item, response.text)
        found = re.search(r'href="([^"]+)" rel="next"', response.text)
        path = found.group(1).replace("&amp;", "&") if found else ""
        pages += 1
        assert pages < 20
    return seen


def test_every_permit_once_in_expiry_order_across_pages(engine: Engine, settings):
    with page_client(engine, settings) as client:
        sign_in_business(client, BUSINESS_A, level="EH3")
        first = client.get("/mijn-vergunningen").text
        numbers = walk(client, "/mijn-vergunningen", r"ZAAK-QP-\d{4}")
    assert len(set(re.findall(r"ZAAK-QP-\d{4}", first))) <= 25  # a page, not all 60
    unique = list(dict.fromkeys(numbers))
    assert unique == [f"ZAAK-QP-{index:04d}" for index in range(60)]  # valid_until = today + index


def test_every_message_once_newest_first_across_pages(engine: Engine, settings):
    with page_client(engine, settings) as client:
        sign_in_resident(client, BSN, level="substantieel")
        first = client.get("/berichten")
        links = walk(client, "/berichten", r'href="/berichten/(\d+)"')
    ids = [int(found) for found in dict.fromkeys(links)]
    assert len(ids) >= 40 and len(ids) == len(set(ids))
    assert 'rel="next"' in first.text
    # The lead counts every unread message, not only those on the first page.
    unread = int(re.search(r"(\d+) (ongelezen|unread)", first.text).group(1))
    assert unread >= 40


@pytest.mark.parametrize("path", ["/berichten", "/mijn-vergunningen"])
@pytest.mark.parametrize("link", ["kapot", "x" * 200, "MXwyMDI2", "MHx8MQ", "MHwyMDI2LTEzLTAxfDE"])
def test_a_page_link_that_is_not_ours_shows_the_first_page_with_a_message(engine: Engine, settings, path, link):
    with page_client(engine, settings) as client:
        sign_in_business(client, BUSINESS_A, level="EH3")
        response = client.get(path, params={"na": link})
    assert response.status_code == 400
    assert 'id="page-link-error"' in response.text
    assert "De link naar deze pagina klopt niet" in response.text
