"""Fetch a zaak and everything its page needs, as raw ZGW JSON (the "graph").

No interpretation here: ``portal.zgw.mapping.map_zaak`` turns the graph into a snapshot.
Catalogue objects (zaaktype, statustypen, resultaattypen) change rarely, so one sync run
passes a ``cache`` dict and fetches each of them once.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from portal.zgw.client import ZgwClient, ZgwError

log = logging.getLogger("portal.zgw")


def _cached(client: ZgwClient, cache: dict[str, Any], url: str) -> dict[str, Any]:
    if url not in cache:
        cache[url] = client.get_object(url)
    return cache[url]


def fetch_zaak_graph(
    client: ZgwClient, zaak_url: str, cache: dict[str, Any] | None = None, zaak: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``zaak``: the zaak as a search just returned it (the same representation as its own
    URL gives), which saves asking for it again."""
    cache = {} if cache is None else cache
    if zaak is None or zaak.get("url") != zaak_url:
        zaak = client.get_object(zaak_url)
    zaaktype_url = zaak.get("zaaktype")
    if not isinstance(zaaktype_url, str):
        raise ZgwError("invalid_body", zaak_url, "zaaktype")
    zaaktype = _cached(client, cache, zaaktype_url)
    key = f"statustypen:{zaaktype_url}"
    if key not in cache:
        cache[key] = list(client.paginate(client.url("catalogi", "statustypen"), {"zaaktype": zaaktype_url}))
    statussen = list(client.paginate(client.url("zaken", "statussen"), {"zaak": zaak_url}))
    rollen = list(client.paginate(client.url("zaken", "rollen"), {"zaak": zaak_url}))
    resultaat = resultaattype = None
    if isinstance(zaak.get("resultaat"), str) and zaak["resultaat"]:
        resultaat = client.get_object(zaak["resultaat"])
        if isinstance(resultaat.get("resultaattype"), str):
            resultaattype = _cached(client, cache, resultaat["resultaattype"])
    documenten = []
    for link in client.paginate(client.url("zaken", "zaakinformatieobjecten"), {"zaak": zaak_url}):
        informatieobject = link.get("informatieobject")
        try:
            eio = client.get_object(informatieobject) if isinstance(informatieobject, str) else None
        except ZgwError as error:
            if error.reason not in ("not_found", "host_not_allowed"):
                raise
            # A link to a removed document, or one outside our Documenten API: not shown.
            log.warning("Document %s of %s skipped: %s", informatieobject, zaak_url, error.reason)
            continue
        if eio is not None:
            documenten.append({"link": link, "document": eio})
    return {
        "zaak": zaak,
        "zaaktype": zaaktype,
        "statustypen": cache[key],
        "statussen": statussen,
        "rollen": rollen,
        "resultaat": resultaat,
        "resultaattype": resultaattype,
        "documenten": documenten,
    }


def fetch_graphs(
    client: ZgwClient,
    urls: Iterable[str],
    cache: dict[str, Any] | None = None,
    found: dict[str, dict[str, Any]] | None = None,
) -> Iterator[tuple[str, dict[str, Any] | ZgwError]]:
    """``fetch_zaak_graph`` for many zaken, ``client.parallel`` at a time (only HTTP runs in
    the pool; the caller applies each graph in its own thread, with its own session).
    Yields (url, graph or the ZgwError) in the order given, at most a few zaken ahead of
    the caller, so memory stays bounded however many zaken there are. ``found``: zaken a
    search returned, by URL (``find_zaken``), not asked for again."""
    cache = {} if cache is None else cache
    found = found or {}
    workers = max(1, client.parallel)

    def one(url: str) -> dict[str, Any] | ZgwError:
        try:
            return fetch_zaak_graph(client, url, cache, found.get(url))
        except ZgwError as error:
            return error

    pending: deque[tuple[str, Future]] = deque()
    remaining = iter(urls)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="zgw-fetch") as pool:
        try:
            for url in remaining:
                pending.append((url, pool.submit(one, url)))
                if len(pending) >= 2 * workers:
                    break
            while pending:
                url, future = pending.popleft()
                following = next(remaining, None)
                if following is not None:
                    pending.append((following, pool.submit(one, following)))
                yield url, future.result()
        finally:
            for _url, future in pending:
                future.cancel()


def find_zaken(
    client: ZgwClient, *, bsn: str | None = None, branch_number: str | None = None
) -> dict[str, dict[str, Any]]:
    """The zaken where a rol names this person (BSN) or branch (vestigingsnummer), by URL.

    Zaken API 1.5 has no filter on kvkNummer, so a company-wide eHerkenning login is
    refreshed through the zaken we already mirror for it, notifications and reconciliation.
    """
    if bsn:
        params = {"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": bsn}
    elif branch_number:
        params = {"rol__betrokkeneIdentificatie__vestiging__vestigingsNummer": branch_number}
    else:
        return {}
    zaken = {}
    for zaak in client.paginate(client.url("zaken", "zaken"), params):
        if isinstance(zaak.get("url"), str):
            zaken[zaak["url"]] = zaak
    return zaken


def find_zaak_urls(client: ZgwClient, *, bsn: str | None = None, branch_number: str | None = None) -> list[str]:
    return list(find_zaken(client, bsn=bsn, branch_number=branch_number))


def zaken_for_document(client: ZgwClient, document_url: str) -> list[str]:
    """The zaken a document (enkelvoudiginformatieobject) is linked to."""
    links = client.paginate(client.url("zaken", "zaakinformatieobjecten"), {"informatieobject": document_url})
    return [link["zaak"] for link in links if isinstance(link.get("zaak"), str)]
