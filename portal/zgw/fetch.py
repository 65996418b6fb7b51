"""Fetch a zaak and everything its page needs, as raw ZGW JSON (the "graph").

No interpretation here: ``portal.zgw.mapping.map_zaak`` turns the graph into a snapshot.
Catalogue objects (zaaktype, statustypen, resultaattypen) change rarely, so one sync run
passes a ``cache`` dict and fetches each of them once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Any

from portal import clock
from portal.zgw.client import ZgwClient, ZgwError

log = logging.getLogger("portal.zgw")


def _cached(client: ZgwClient, cache: dict[str, Any], url: str) -> dict[str, Any]:
    if url not in cache:
        cache[url] = client.get_object(url)
    return cache[url]


# Asked along with the zaken a search finds (Zaken API 1.5 ``expand``, which Open Zaak
# implements): every zaak's rollen, resultaat and document links come with the page of the
# search instead of three requests per zaak. Its statussen cannot be expanded (only the
# current status), so they are still asked for, unless the zaak is unchanged.
EXPAND = "rollen,resultaat,zaakinformatieobjecten"
# Part of every source digest: raise it when the graph is fetched or read differently.
SOURCE_FORMAT = "1"


def _included(zaak: dict[str, Any], name: str) -> list[dict[str, Any]] | None:
    """The objects a search included for ``name`` (``expand``) when they are exactly the
    ones the zaak lists; None when they were not included (then they are asked for)."""
    expanded = zaak.get("_expand")
    listed = zaak.get(name)
    if not isinstance(expanded, dict) or not isinstance(listed, list):
        return None
    included = expanded.get(name, [])
    if not isinstance(included, list) or not all(isinstance(item, dict) for item in included):
        return None
    if sorted(str(item.get("url")) for item in included) != sorted(str(url) for url in listed):
        return None
    return included


def _included_resultaat(zaak: dict[str, Any]) -> dict[str, Any] | None:
    expanded = zaak.get("_expand")
    resultaat = expanded.get("resultaat") if isinstance(expanded, dict) else None
    if isinstance(resultaat, dict) and resultaat.get("url") == zaak.get("resultaat"):
        return resultaat
    return None


def source_digest(graph: dict[str, Any], today: date) -> str:
    """The hash of everything the case system answered about a zaak except its statussen:
    the zaak (its ``status`` names the current one; statussen are never changed, a new one
    becomes the current one), its rollen, resultaat, documents and catalogue. Equal to the
    digest of the last full apply on an unchanged case: the zaak needs no more requests.
    ``today`` is part of it while the zaak is suspended (its legal deadline moves daily),
    as in ``sync.snapshot_digest``. A status set with a date before the current one's is
    the one change it misses: its notification brings it, or the zaak's next change."""
    parts = {key: value for key, value in graph.items() if key not in ("statussen", "source_digest")}
    opschorting = graph["zaak"].get("opschorting")
    if isinstance(opschorting, dict) and opschorting.get("indicatie") is True:
        parts["today"] = today.isoformat()
    text = SOURCE_FORMAT + json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def fetch_zaak_graph(
    client: ZgwClient,
    zaak_url: str,
    cache: dict[str, Any] | None = None,
    zaak: dict[str, Any] | None = None,
    *,
    today: date | None = None,
    known_digest: str = "",
) -> dict[str, Any]:
    """``zaak``: the zaak as a search just returned it (the same representation as its own
    URL gives, with ``_expand`` when the search asked for it), which saves asking for it
    and for what it includes again. ``known_digest``: the source digest of our copy; when
    the zaak's is the same, its statussen are not fetched (``"statussen": None``)."""
    cache = {} if cache is None else cache
    today = today or clock.today()
    if zaak is None or zaak.get("url") != zaak_url:
        zaak = client.get_object(zaak_url)
    zaaktype_url = zaak.get("zaaktype")
    if not isinstance(zaaktype_url, str):
        raise ZgwError("invalid_body", zaak_url, "zaaktype")
    zaaktype = _cached(client, cache, zaaktype_url)
    key = f"statustypen:{zaaktype_url}"
    if key not in cache:
        cache[key] = list(client.paginate(client.url("catalogi", "statustypen"), {"zaaktype": zaaktype_url}))
    rollen = _included(zaak, "rollen")
    if rollen is None:
        rollen = list(client.paginate(client.url("zaken", "rollen"), {"zaak": zaak_url}))
    resultaat = resultaattype = None
    if isinstance(zaak.get("resultaat"), str) and zaak["resultaat"]:
        resultaat = _included_resultaat(zaak) or client.get_object(zaak["resultaat"])
        if isinstance(resultaat.get("resultaattype"), str):
            resultaattype = _cached(client, cache, resultaat["resultaattype"])
    links = _included(zaak, "zaakinformatieobjecten")
    if links is None:
        links = list(client.paginate(client.url("zaken", "zaakinformatieobjecten"), {"zaak": zaak_url}))
    documenten = []
    for link in links:
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
    graph: dict[str, Any] = {
        "zaak": {name: value for name, value in zaak.items() if name != "_expand"},
        "zaaktype": zaaktype,
        "statustypen": cache[key],
        "statussen": None,
        "rollen": rollen,
        "resultaat": resultaat,
        "resultaattype": resultaattype,
        "documenten": documenten,
    }
    graph["source_digest"] = source_digest(graph, today)
    if graph["source_digest"] != known_digest:
        complete_graph(client, graph)
    return graph


def complete_graph(client: ZgwClient, graph: dict[str, Any]) -> dict[str, Any]:
    """Fetch the statussen of a graph fetched without them (an unchanged zaak)."""
    if graph["statussen"] is None:
        zaak_url = graph["zaak"]["url"]
        graph["statussen"] = list(client.paginate(client.url("zaken", "statussen"), {"zaak": zaak_url}))
    return graph


def fetch_graphs(
    client: ZgwClient,
    urls: Iterable[str],
    cache: dict[str, Any] | None = None,
    found: dict[str, dict[str, Any]] | None = None,
    *,
    today: date | None = None,
    known: dict[str, str] | None = None,
) -> Iterator[tuple[str, dict[str, Any] | ZgwError]]:
    """``fetch_zaak_graph`` for many zaken, ``client.parallel`` at a time (only HTTP runs in
    the pool; the caller applies each graph in its own thread, with its own session).
    Yields (url, graph or the ZgwError) in the order given, at most a few zaken ahead of
    the caller, so memory stays bounded however many zaken there are. ``found``: zaken a
    search returned, by URL (``find_zaken``), not asked for again. ``known``: the source
    digests of our copies, by URL (an unchanged zaak comes without its statussen)."""
    cache = {} if cache is None else cache
    found = found or {}
    known = known or {}
    today = today or clock.today()
    workers = max(1, client.parallel)

    def one(url: str) -> dict[str, Any] | ZgwError:
        try:
            return fetch_zaak_graph(client, url, cache, found.get(url), today=today, known_digest=known.get(url, ""))
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
    """The zaken where a rol names this person (BSN) or branch (vestigingsnummer), by URL,
    each with its rollen, resultaat and document links included (``EXPAND``) when the case
    system supports ``expand``.

    Zaken API 1.5 has no filter on kvkNummer, so a company-wide eHerkenning login is
    refreshed through the zaken we already mirror for it, notifications and reconciliation.
    """
    if bsn:
        params = {"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": bsn}
    elif branch_number:
        params = {"rol__betrokkeneIdentificatie__vestiging__vestigingsNummer": branch_number}
    else:
        return {}
    try:
        return _search(client, {**params, "expand": EXPAND})
    except ZgwError as error:
        if error.reason != "http_4xx":
            raise
        # A case system that refuses expand (400 for a parameter it does not know): the
        # plain search, and the included objects are asked for per zaak.
        log.info("The zaken search refused expand=%s (%s): searching without", EXPAND, error)
        return _search(client, params)


def _search(client: ZgwClient, params: dict[str, str]) -> dict[str, dict[str, Any]]:
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
