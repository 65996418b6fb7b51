"""The one URL check of client and webhook (issue 18, item 12a): a table of nasty inputs."""

from __future__ import annotations

import pytest

from portal.zgw.urls import clean, remove_dot_segments, under

BASE = "http://open-zaak.example/zaken/api/v1"
BASES = [BASE, "https://docs.example:8443/documenten/api/v1/"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # accepted, and fetched in this form
        (BASE + "/zaken/1", "http://open-zaak.example/zaken/api/v1/zaken/1"),
        ("HTTP://Open-Zaak.EXAMPLE:80/zaken/api/v1/zaken/1", "http://open-zaak.example/zaken/api/v1/zaken/1"),
        (BASE + "/zaken/./1", "http://open-zaak.example/zaken/api/v1/zaken/1"),
        (BASE + "/rollen/../zaken/1?x=1", "http://open-zaak.example/zaken/api/v1/zaken/1?x=1"),
        (BASE, "http://open-zaak.example/zaken/api/v1"),
        (  # a next-page link: the query holds an encoded URL, kept as it is
            BASE + "/rollen?zaak=http%3A%2F%2Fopen-zaak.example%2Fzaken%2Fapi%2Fv1%2Fzaken%2F1&page=2",
            "http://open-zaak.example/zaken/api/v1/rollen?zaak=http%3A%2F%2Fopen-zaak.example%2Fzaken%2Fapi%2Fv1%2Fzaken%2F1&page=2",
        ),
        ("https://docs.example:8443/documenten/api/v1/x", "https://docs.example:8443/documenten/api/v1/x"),
        # refused: dot segments that climb out of the API
        (BASE + "/../../../../x", None),
        (BASE + "/zaken/../../../../x", None),
        (BASE + "/%2e%2e/%2e%2e/%2E%2E/x", None),
        (BASE + "/.%2e/.%2e/.%2e/x", None),
        (BASE + "/zaken/..", "http://open-zaak.example/zaken/api/v1/"),
        (BASE + "/..", None),
        ("http://open-zaak.example/zaken/api/v1evil/zaken/1", None),
        ("http://open-zaak.example/zaken/api/v2/zaken/1", None),
        # refused: encoded separators, backslashes, whitespace, control characters
        (BASE + "/..%2f..%2f..%2fx", None),
        (BASE + "/..%5c..%5cx", None),
        (BASE + "\\..\\..\\x", None),
        (BASE + "/zaken/1\r\nHost: evil", None),
        (BASE + "/zaken/%00", None),
        (" " + BASE + "/zaken/1", None),
        # refused: other hosts, ports, schemes, userinfo
        ("http://open-zaak.example:8080/zaken/api/v1/zaken/1", None),
        ("https://open-zaak.example/zaken/api/v1/zaken/1", None),
        ("http://open-zaak.example.evil.example/zaken/api/v1/zaken/1", None),
        ("http://open-zaak.example@evil.example/zaken/api/v1/zaken/1", None),
        ("http://evil.example@open-zaak.example/zaken/api/v1/zaken/1", None),
        ("http://user:pw@open-zaak.example/zaken/api/v1/zaken/1", None),
        ("http://evil.example/zaken/api/v1/zaken/1", None),
        ("//open-zaak.example/zaken/api/v1/zaken/1", None),
        ("/zaken/api/v1/zaken/1", None),
        ("file:///etc/passwd", None),
        ("javascript:alert(1)", None),
        ("http://open-zaak.example:99999/zaken/api/v1/zaken/1", None),
        ("http://open-zaak.example:abc/zaken/api/v1/zaken/1", None),
        ("http://[::1/zaken/api/v1/", None),
        ("http://öpen-zaak.example/zaken/api/v1/zaken/1", None),
        ("https://docs.example/documenten/api/v1/x", None),  # default port 443 ≠ 8443
        ("", None),
        (None, None),
        (12, None),
        (BASE + "/" + "a" * 3000, None),
    ],
)
def test_one_url_check(url, expected):
    found = under(url, BASES)
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [  # RFC 3986 §5.4 examples, as paths
        ("/a/b/c/./../../g", "/a/g"),
        ("mid/content=5/../6", "mid/6"),
        ("/a/b/c/../../../../g", "/g"),
        ("/./g", "/g"),
        ("/g.", "/g."),
        ("/..g", "/..g"),
        ("/a/b/..", "/a/"),
        ("/a/b/.", "/a/b/"),
    ],
)
def test_remove_dot_segments_follows_the_rfc(path, expected):
    assert remove_dot_segments(path) == expected


def test_default_ports_are_the_same_port():
    assert clean("https://h.example:443/a") == clean("https://H.example/a")
    assert clean("http://h.example:80/a") == clean("http://h.example/a")
