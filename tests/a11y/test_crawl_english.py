"""The English half of the crawl of the whole portal (the Dutch half and the route
coverage are in test_crawl.py; why two halves: crawl_assertions.py)."""

from __future__ import annotations

import pytest

from a11y.crawl import Crawler
from a11y.states import STATES
from tests.a11y.crawl_assertions import assert_checks_ran, assert_every_state_reached, assert_no_wcag_violations

pytestmark = [pytest.mark.browser, pytest.mark.long]


@pytest.fixture(scope="module")
def english_pages(browser, live_server, demo_data_restored, sign_in_attempts_cleared):
    return Crawler(browser, live_server).run(STATES, page_language="en")


def test_crawl_reaches_every_english_page(english_pages):
    assert_every_state_reached(english_pages, "en")


def test_english_pages_have_no_wcag_violations(english_pages):
    assert_no_wcag_violations(english_pages)


def test_the_checks_really_ran_on_every_english_page(english_pages):
    assert_checks_ran(english_pages, "en")
