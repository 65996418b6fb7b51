"""The pure mapping ZGW JSON → snapshot: table tests, no network, no database."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest

from devtools.fake_zgw.app import demo_fake
from portal.zgw.mapping import MappingError, map_role, map_zaak, result_code

ALLOWED = frozenset({"openbaar", "beperkt_openbaar", "zaakvertrouwelijk"})
TODAY = date(2026, 3, 2)


def graph_of(number: str) -> dict:
    """The graph fetch_zaak_graph would return, assembled from the fake's data directly."""
    fake = demo_fake("http://zgw.test", TODAY)
    zaak = fake.zaak(number)
    zaaktype = fake.zaaktypen[zaak["zaaktype"].rsplit("/", 1)[1]]
    resultaat = fake.resultaten.get(zaak["resultaat"].rsplit("/", 1)[1]) if zaak["resultaat"] else None
    return copy.deepcopy(
        {
            "zaak": zaak,
            "zaaktype": zaaktype,
            "statustypen": [st for st in fake.statustypen.values() if st["zaaktype"] == zaaktype["url"]],
            "statussen": [s for s in fake.statussen.values() if s["zaak"] == zaak["url"]],
            "rollen": [r for r in fake.rollen.values() if r["zaak"] == zaak["url"]],
            "resultaat": resultaat,
            "resultaattype": fake.resultaattypen[resultaat["resultaattype"].rsplit("/", 1)[1]] if resultaat else None,
            "documenten": [
                {"link": link, "document": fake.documenten[link["informatieobject"].rsplit("/", 1)[1]]}
                for link in fake.zios.values()
                if link["zaak"] == zaak["url"]
            ],
        }
    )


def test_a_full_zaak_maps_one_to_one():
    snapshot = map_zaak(graph_of("ZAAK-2026-0000101"), ALLOWED)
    assert snapshot.number == "ZAAK-2026-0000101"
    assert snapshot.rsin == "001234560"
    assert snapshot.case_type.code == "omgevingsvergunning-regulier"
    assert snapshot.case_type.legal_term == "P8W" and snapshot.case_type.max_extension == "P6W"
    assert snapshot.case_type.extension_allowed and snapshot.case_type.is_public
    assert [step.order for step in snapshot.case_type.status_types] == sorted(
        step.order for step in snapshot.case_type.status_types
    )
    assert snapshot.extension is not None and snapshot.extension.duration == "P6W"
    assert len(snapshot.statuses) == 3 and snapshot.current_status == snapshot.statuses[-1]
    assert snapshot.current_status.set_at.tzinfo is None  # naive UTC, as stored
    initiator = next(role for role in snapshot.roles if role.role_type == "initiator")
    assert initiator.bsn == "999993653"
    handler = next(role for role in snapshot.roles if role.role_type == "behandelaar")
    assert handler.employee_login == "e.devries" and handler.phone == "020 555 0101"


def test_documents_are_filtered_by_the_confidentiality_allow_list():
    graph = graph_of("ZAAK-2026-0000103")  # a decided case: a decision letter and an internal memo
    snapshot = map_zaak(graph, ALLOWED)
    assert [document.title for document in snapshot.documents] == ["Besluit"]
    assert snapshot.hidden_documents == 1
    assert map_zaak(graph, frozenset({"openbaar"})).documents == ()


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("Verleend", "granted"),
        ("Vergunning verleend", "granted"),
        ("Toegekend", "granted"),
        ("Gedeeltelijk verleend", "partly_granted"),
        ("Geweigerd", "refused"),
        ("Afgewezen", "refused"),
        ("Ingetrokken", "withdrawn"),
        ("Buiten behandeling gesteld", "not_admissible"),
        ("Bezwaar ongegrond", "refused"),
        ("Bezwaar gegrond", "granted"),
        ("Afgehandeld", "completed"),
        ("", "completed"),
    ],
)
def test_result_words(words, code):
    assert result_code(words) == code


def _break(path: str, value):
    graph = graph_of("ZAAK-2026-0000101")
    target = graph
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return graph


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("zaak.identificatie", KeyError, "zaak.identificatie"),
        ("zaak.identificatie", "ZAAK 1/../x", "zaak.identificatie"),
        ("zaak.startdatum", "yesterday", "zaak.startdatum"),
        ("zaak.bronorganisatie", "123456789", "zaak.bronorganisatie"),
        ("zaak.vertrouwelijkheidaanduiding", "topgeheim", "zaak.vertrouwelijkheidaanduiding"),
        ("zaak.opschorting", "ja", "zaak.opschorting"),
        ("zaak.zaaktype", "http://zgw.test/catalogi/api/v1/zaaktypen/other", "zaak.zaaktype"),
        ("zaaktype.doorlooptijd", "acht weken", "zaaktype.doorlooptijd"),
        ("zaaktype.indicatieInternOfExtern", "beide", "zaaktype.indicatieInternOfExtern"),
        ("zaaktype.verlengingMogelijk", "ja", "zaaktype.verlengingMogelijk"),
        ("statustypen.0.volgnummer", "1", "statustype.volgnummer"),
        ("statussen.0.datumStatusGezet", "gisteren", "status.datumStatusGezet"),
        ("statussen.0.statustype", "http://zgw.test/catalogi/api/v1/statustypen/unknown", "status.statustype"),
    ],
)
def test_malformed_answers_are_refused_with_the_field(path, value, field):
    with pytest.raises(MappingError) as error:
        map_zaak(_break(path, value), ALLOWED)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("rol", "expected"),
    [
        (
            {
                "omschrijvingGeneriek": "initiator",
                "betrokkeneType": "natuurlijk_persoon",
                "betrokkeneIdentificatie": {"inpBsn": "999993653", "voornamen": "Jan", "geslachtsnaam": "Jansen"},
            },
            {"bsn": "999993653", "display_name": "Jan Jansen"},
        ),
        (
            {
                "omschrijvingGeneriek": "initiator",
                "betrokkeneType": "vestiging",
                "betrokkeneIdentificatie": {
                    "kvkNummer": "12345678",
                    "vestigingsNummer": "000012345678",
                    "handelsnaam": ["Bakkerij"],
                },
            },
            {"kvk": "12345678", "branch_number": "000012345678", "display_name": "Bakkerij"},
        ),
        (
            {
                "omschrijvingGeneriek": "behandelaar",
                "betrokkeneType": "medewerker",
                "betrokkeneIdentificatie": {"identificatie": "e.devries", "achternaam": "Vries"},
                "contactpersoonRol": {
                    "naam": "Eva de Vries",
                    "telefoonnummer": "020 555 0101",
                    "emailadres": "e@x.nl",
                    "functie": "Jurist",
                },
            },
            {
                "employee_login": "e.devries",
                "display_name": "Eva de Vries",
                "phone": "020 555 0101",
                "function": "Jurist",
            },
        ),
        (
            {
                "omschrijvingGeneriek": "initiator",
                "betrokkeneType": "organisatorische_eenheid",
                "betrokkeneIdentificatie": {"identificatie": "KCC"},
            },
            None,
        ),
        (
            {
                "omschrijvingGeneriek": "onbekend",
                "betrokkeneType": "natuurlijk_persoon",
                "betrokkeneIdentificatie": {"inpBsn": "999993653"},
            },
            None,
        ),
        (
            {
                "omschrijvingGeneriek": "initiator",
                "betrokkeneType": "natuurlijk_persoon",
                "betrokkeneIdentificatie": {"anpIdentificatie": "X1"},
            },
            None,
        ),
    ],
)
def test_roles(rol, expected):
    role = map_role(rol)
    if expected is None:
        assert role is None
    else:
        assert {key: getattr(role, key) for key in expected} == expected


def test_a_status_time_with_an_offset_becomes_naive_utc():
    graph = graph_of("ZAAK-2026-0000102")
    graph["statussen"][0]["datumStatusGezet"] = "2026-03-01T10:00:00+01:00"
    assert map_zaak(graph, ALLOWED).statuses[0].set_at == datetime(2026, 3, 1, 9, 0)


def test_a_field_the_mapping_cannot_use_is_skipped_never_the_whole_zaak():
    """Issue 18: a malformed identifier on a rol, an unusable verlenging duur or a broken
    document is named in ``skipped`` (the sync logs it); the zaak maps."""
    graph = _break("rollen.0.betrokkeneIdentificatie", {"inpBsn": "123456789"})
    graph["zaak"]["verlenging"] = {"reden": "x", "duur": "een week"}
    graph["rollen"].append(
        {
            "omschrijvingGeneriek": "belanghebbende",
            "betrokkeneType": "vestiging",
            "betrokkeneIdentificatie": {"vestigingsNummer": "123456", "handelsnaam": [], "kvkNummer": "12345678"},
        }
    )
    snapshot = map_zaak(graph, ALLOWED)
    assert {"rol.inpBsn", "zaak.verlenging.duur", "rol.vestigingsNummer"} <= set(snapshot.skipped)
    assert snapshot.extension is None
    assert all(role.bsn != "123456789" and role.kvk != "12345678" for role in snapshot.roles)


@pytest.mark.parametrize(
    ("verlenging", "expected"),
    [
        ({"duur": "P5D"}, ("", "P5D")),
        ({"reden": "", "duur": "P5D"}, ("", "P5D")),
        ({"reden": "x", "duur": "P1DT12H"}, ("x", "P2D")),
        ({"reden": "x", "duur": "PT5H"}, ("x", "P1D")),
        ({"reden": "x", "duur": "P1MT1S"}, ("x", "P1M1D")),
    ],
)
def test_verlengingen_need_only_a_duur_and_a_time_part_counts_as_whole_days(verlenging, expected):
    graph = graph_of("ZAAK-2026-0000102")
    graph["zaak"]["verlenging"] = verlenging
    extension = map_zaak(graph, ALLOWED).extension
    assert (extension.reason, extension.duration) == expected


def test_a_niet_natuurlijk_persoon_with_a_kvk_number_is_a_business_party():
    role = map_role(
        {
            "omschrijvingGeneriek": "initiator",
            "betrokkeneType": "niet_natuurlijk_persoon",
            "betrokkeneIdentificatie": {
                "innNnpId": "001234560",
                "annIdentificatie": "",
                "kvkNummer": "87654321",
                "vestigingsNummer": "",
                "statutaireNaam": "Groen en Zonen B.V.",
            },
        }
    )
    assert (role.kvk, role.branch_number, role.display_name) == ("87654321", None, "Groen en Zonen B.V.")
    # without a KVK number (only RSIN / ANN) nobody can sign in as it: not shown
    assert (
        map_role(
            {
                "omschrijvingGeneriek": "initiator",
                "betrokkeneType": "niet_natuurlijk_persoon",
                "betrokkeneIdentificatie": {"innNnpId": "001234560"},
            }
        )
        is None
    )
