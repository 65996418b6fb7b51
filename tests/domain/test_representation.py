"""Claim parsing for acting on behalf of someone else (issue 20): table tests with payloads
of the shapes the Dutch brokers and Open Forms use, including the strict refusals."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.representation import (
    ClaimPaths,
    Representation,
    RepresentationRefused,
    claim_at,
    parse_digid_machtigen,
    parse_eherkenning_bewindvoering,
)

TODAY = date(2026, 12, 2)
FATHER, DAUGHTER = "999991036", "111222333"
SERVICE = "b18dd73f-4e6a-4b8c-9d1e-2f3a4b5c6d01"

DIGID = ClaimPaths(
    representee="urn:nl-eid-gdi:1.0:LegalSubjectID",
    authorizee="urn:nl-eid-gdi:1.0:ActingSubjectID",
    service="urn:nl-eid-gdi:1.0:ServiceUUID",
    valid_until="valid_until",
)
# Open Forms' test payload shape: flat claim names with dots in them.
OPEN_FORMS = ClaimPaths(representee="aanvrager.bsn", authorizee="gemachtigde.bsn", service="service_id")
EH = ClaimPaths(
    representee="sel_uid",
    authorizee="urn:etoegang:core:LegalSubjectID",
    authorizee_qualifier="namequalifier",
    acting_subject="urn:etoegang:core:ActingSubjectID",
    service="urn:etoegang:core:ServiceID",
    service_alternative="urn:etoegang:core:ServiceUUID",
    branch="urn:etoegang:1.9:ServiceRestriction:Vestigingsnr",
)
EH_SERVICE = "urn:etoegang:DV:00000001002308836000:services:9113"


def digid_claims(**changes):
    claims = {
        "sub": "x",
        "urn:nl-eid-gdi:1.0:LegalSubjectID": FATHER,
        "urn:nl-eid-gdi:1.0:ActingSubjectID": DAUGHTER,
        "urn:nl-eid-gdi:1.0:ServiceUUID": SERVICE,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def eh_claims(**changes):
    claims = {
        "sub": "y",
        "urn:etoegang:core:LegalSubjectID": "24681357",
        "namequalifier": "urn:etoegang:1.9:EntityConcernedTypes:KvKnr",
        "urn:etoegang:core:ActingSubjectID": "4B75A0EA107B3D36C82FD675B5B78CC2F181B22E33D85F2D4A5DA6345248156A@2D8FF1EF",
        "sel_uid": "999991048",
        "urn:etoegang:core:ServiceID": EH_SERVICE,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def test_digid_machtigen_with_the_broker_claim_names():
    mandate = parse_digid_machtigen(digid_claims(), DIGID, "substantieel", TODAY)
    assert mandate.representee_bsn == FATHER
    assert mandate.authorizee_bsn == DAUGHTER
    assert mandate.services == (SERVICE,)
    assert mandate.level == "substantieel"
    assert mandate.kind == "digid_machtigen" and mandate.role is None and mandate.authorizee_kvk is None


def test_open_forms_shaped_payload_with_those_names_as_claim_paths():
    claims = {"aanvrager.bsn": FATHER, "gemachtigde.bsn": DAUGHTER, "service_id": SERVICE}
    mandate = parse_digid_machtigen(claims, OPEN_FORMS, "midden", TODAY)
    assert (mandate.representee_bsn, mandate.authorizee_bsn, mandate.services) == (FATHER, DAUGHTER, (SERVICE,))


def test_open_forms_example_values_are_refused_because_they_are_not_valid_bsns():
    # The example uses 000000000 and 999999999: neither passes the 11-proef.
    claims = {"aanvrager.bsn": "000000000", "gemachtigde.bsn": "999999999", "service_id": SERVICE}
    with pytest.raises(RepresentationRefused) as refused:
        parse_digid_machtigen(claims, OPEN_FORMS, "midden", TODAY)
    assert refused.value.reason == "representee_invalid"


def test_nested_claim_paths_are_followed():
    claims = {"aanvrager": {"bsn": FATHER}, "gemachtigde": {"bsn": DAUGHTER}, "service_id": [SERVICE]}
    mandate = parse_digid_machtigen(claims, OPEN_FORMS, "midden", TODAY)
    assert mandate.representee_bsn == FATHER and mandate.services == (SERVICE,)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param({"urn:nl-eid-gdi:1.0:LegalSubjectID": None}, "representee_missing", id="no-representee"),
        pytest.param({"urn:nl-eid-gdi:1.0:LegalSubjectID": ""}, "representee_missing", id="empty-representee"),
        pytest.param({"urn:nl-eid-gdi:1.0:LegalSubjectID": "999991037"}, "representee_invalid", id="11-proef"),
        pytest.param({"urn:nl-eid-gdi:1.0:LegalSubjectID": "12345678"}, "representee_invalid", id="8-digits"),
        pytest.param({"urn:nl-eid-gdi:1.0:LegalSubjectID": 999991036.0}, "representee_invalid", id="a-float"),
        pytest.param({"urn:nl-eid-gdi:1.0:LegalSubjectID": True}, "representee_invalid", id="a-boolean"),
        pytest.param({"urn:nl-eid-gdi:1.0:LegalSubjectID": [FATHER, DAUGHTER]}, "representee_invalid", id="two-people"),
        pytest.param({"urn:nl-eid-gdi:1.0:LegalSubjectID": {"bsn": FATHER}}, "representee_invalid", id="an-object"),
        pytest.param(
            {"urn:nl-eid-gdi:1.0:LegalSubjectID": "kvk:999991036"}, "representee_invalid", id="unknown-prefix"
        ),
        pytest.param({"urn:nl-eid-gdi:1.0:ActingSubjectID": None}, "authorizee_missing", id="no-representative"),
        pytest.param(
            {"urn:nl-eid-gdi:1.0:ActingSubjectID": "１１１２２２３３３"}, "authorizee_invalid", id="wide-digits"
        ),
        pytest.param({"urn:nl-eid-gdi:1.0:ActingSubjectID": FATHER}, "representee_is_authorizee", id="to-oneself"),
        pytest.param({"urn:nl-eid-gdi:1.0:ServiceUUID": None}, "service_missing", id="no-service"),
        pytest.param({"urn:nl-eid-gdi:1.0:ServiceUUID": []}, "service_missing", id="empty-service-list"),
        pytest.param({"urn:nl-eid-gdi:1.0:ServiceUUID": 7}, "service_invalid", id="service-not-text"),
        pytest.param({"urn:nl-eid-gdi:1.0:ServiceUUID": "a\nb"}, "service_invalid", id="service-control-char"),
        pytest.param({"urn:nl-eid-gdi:1.0:ServiceUUID": ["s"] * 21}, "service_invalid", id="too-many-services"),
        pytest.param({"valid_until": "2026-12-01"}, "mandate_expired", id="ended-yesterday"),
        pytest.param({"valid_until": "morgen"}, "valid_until_invalid", id="not-a-date"),
    ],
)
def test_digid_machtigen_strict_refusals(changes, reason):
    with pytest.raises(RepresentationRefused) as refused:
        parse_digid_machtigen(digid_claims(**changes), DIGID, "substantieel", TODAY)
    assert refused.value.reason == reason
    # The message names the claim, never the value (no BSN in logs).
    assert FATHER not in str(refused.value) and DAUGHTER not in str(refused.value)


def test_a_known_prefix_and_the_last_day_are_accepted():
    claims = digid_claims(**{"urn:nl-eid-gdi:1.0:LegalSubjectID": f"s00000000:{FATHER}", "valid_until": "2026-12-02"})
    mandate = parse_digid_machtigen(claims, DIGID, "midden", TODAY)
    assert mandate.representee_bsn == FATHER and mandate.valid_until == TODAY
    assert not mandate.expired(TODAY) and mandate.expired(date(2026, 12, 3))


def test_eherkenning_bewindvoering_with_the_broker_claim_names():
    mandate = parse_eherkenning_bewindvoering(eh_claims(), EH, "EH3", TODAY)
    assert mandate.kind == "eherkenning_bewindvoering"
    assert mandate.representee_bsn == "999991048"
    assert mandate.authorizee_kvk == "24681357" and mandate.authorizee_rsin is None and mandate.authorizee_bsn is None
    assert mandate.acting_subject.startswith("4B75A0EA")
    assert mandate.services == (EH_SERVICE,)
    assert mandate.role == "bewindvoerder"
    # The opaque employee id is never the key on its own: the audit id is the office plus a hash.
    assert mandate.authorizee_audit_id.startswith("kvk:24681357/medewerker:")
    assert "4B75A0EA" not in mandate.authorizee_audit_id


def test_eherkenning_rsin_service_uuid_and_branch():
    claims = eh_claims(
        **{
            "urn:etoegang:core:LegalSubjectID": "002308836",
            "namequalifier": "urn:etoegang:1.9:EntityConcernedTypes:RSIN",
            "urn:etoegang:core:ServiceID": None,
            "urn:etoegang:core:ServiceUUID": "4e2a1f9c-2c1b-4e7d-9d84-0a1b2c3d4e5f",
            "urn:etoegang:1.9:ServiceRestriction:Vestigingsnr": "000012345678",
        }
    )
    mandate = parse_eherkenning_bewindvoering(claims, EH, "EH2+", TODAY)
    assert mandate.authorizee_rsin == "002308836" and mandate.authorizee_kvk is None
    assert mandate.services == ("4e2a1f9c-2c1b-4e7d-9d84-0a1b2c3d4e5f",)
    assert mandate.branch_number == "000012345678"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param({"urn:etoegang:core:LegalSubjectID": None}, "authorizee_missing", id="no-organisation"),
        pytest.param({"urn:etoegang:core:LegalSubjectID": "2468135"}, "authorizee_invalid", id="7-digit-kvk"),
        pytest.param({"namequalifier": "urn:etoegang:1.9:EntityConcernedTypes:Bsn"}, "authorizee_invalid", id="bsn"),
        pytest.param(
            {"urn:etoegang:core:LegalSubjectID": "123456789", "namequalifier": "RSIN"},
            "authorizee_invalid",
            id="rsin-11-proef",
        ),
        pytest.param({"urn:etoegang:core:ActingSubjectID": None}, "acting_subject_missing", id="no-employee"),
        pytest.param({"urn:etoegang:core:ActingSubjectID": "a\x00b"}, "acting_subject_invalid", id="nul-byte"),
        pytest.param({"sel_uid": None}, "representee_missing", id="no-client"),
        pytest.param({"sel_uid": "999991049"}, "representee_invalid", id="client-11-proef"),
        pytest.param({"urn:etoegang:core:ServiceID": None}, "service_missing", id="no-service"),
        pytest.param({"urn:etoegang:1.9:ServiceRestriction:Vestigingsnr": "123"}, "branch_invalid", id="short-branch"),
    ],
)
def test_eherkenning_bewindvoering_strict_refusals(changes, reason):
    with pytest.raises(RepresentationRefused) as refused:
        parse_eherkenning_bewindvoering(eh_claims(**changes), EH, "EH3", TODAY)
    assert refused.value.reason == reason


def test_role_claim_when_configured():
    paths = ClaimPaths(**{**EH.__dict__, "role": "rol"})
    assert parse_eherkenning_bewindvoering(eh_claims(rol="Mentor"), paths, "EH3", TODAY).role == "mentor"
    with pytest.raises(RepresentationRefused) as refused:
        parse_eherkenning_bewindvoering(eh_claims(rol="oom"), paths, "EH3", TODAY)
    assert refused.value.reason == "role_invalid"


def test_the_session_form_round_trips():
    mandate = parse_digid_machtigen(digid_claims(valid_until="2027-01-31"), DIGID, "substantieel", TODAY)
    assert Representation.from_dict(mandate.to_dict()) == mandate
    assert Representation.from_dict(None) is None


@pytest.mark.parametrize(
    ("claims", "path", "expected"),
    [
        ({"a.b": 1, "a": {"b": 2}}, "a.b", 1),  # a literal key wins
        ({"a": {"b": 2}}, "a.b", 2),
        ({"a": {"b": 2}}, "a.c", None),
        ({"a": [1]}, "a.b", None),
        ({"a": 1}, None, None),
    ],
)
def test_claim_at(claims, path, expected):
    assert claim_at(claims, path) == expected


def test_the_representatives_rol_follows_open_zaaks_mandate_recipe():
    from portal.domain.representation import gemachtigde_rol

    mandate = parse_digid_machtigen(digid_claims(), DIGID, "midden", TODAY)
    rol = gemachtigde_rol(mandate, "https://oz/zaken/1", "https://oz/roltypen/initiator")
    assert rol["betrokkeneType"] == "natuurlijk_persoon"
    assert rol["indicatieMachtiging"] == "gemachtigde"
    assert rol["betrokkeneIdentificatie"] == {"inpBsn": DAUGHTER}
    assert rol["authenticatieContext"] == {
        "source": "digid",
        "levelOfAssurance": "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
        "representee": {"identifierType": "bsn", "identifier": FATHER},
        "mandate": {"services": [{"id": SERVICE}]},
    }
    office = parse_eherkenning_bewindvoering(
        eh_claims(**{"urn:etoegang:1.9:ServiceRestriction:Vestigingsnr": "000012345678"}), EH, "EH2+", TODAY
    )
    rol = gemachtigde_rol(office, "https://oz/zaken/1", "https://oz/roltypen/initiator", "J. de Vries")
    assert rol["betrokkeneType"] == "vestiging"
    assert rol["betrokkeneIdentificatie"] == {"kvkNummer": "24681357", "vestigingsNummer": "000012345678"}
    assert rol["contactpersoonRol"] == {"naam": "J. de Vries"}
    context = rol["authenticatieContext"]
    assert context["source"] == "eherkenning"
    assert context["levelOfAssurance"] == "urn:etoegang:core:assurance-class:loa2plus"
    assert context["actingSubject"] == office.acting_subject
    assert context["mandate"] == {"services": [{"id": EH_SERVICE}], "role": "bewindvoerder"}


def test_an_eherkenning_rol_carries_the_service_uuid_next_to_the_service_id():
    """Open Zaak's eHerkenning mandate wants each service's id and uuid."""
    from portal.domain.representation import gemachtigde_rol

    uuid = "4e2a1f9c-2c1b-4e7d-9d84-0a1b2c3d4e5f"
    office = parse_eherkenning_bewindvoering(eh_claims(**{"urn:etoegang:core:ServiceUUID": uuid}), EH, "EH3", TODAY)
    assert office.services == (EH_SERVICE,) and office.service_uuid == uuid
    rol = gemachtigde_rol(office, "https://oz/zaken/1", "https://oz/roltypen/b")
    assert rol["authenticatieContext"]["mandate"]["services"] == [{"id": EH_SERVICE, "uuid": uuid}]
    assert rol["betrokkeneType"] == "niet_natuurlijk_persoon"
    assert rol["betrokkeneIdentificatie"] == {"kvkNummer": "24681357"}
    # a ServiceUUID that is not one is left out, never refused (it decides nothing)
    assert (
        parse_eherkenning_bewindvoering(
            eh_claims(**{"urn:etoegang:core:ServiceUUID": "nope"}), EH, "EH3", TODAY
        ).service_uuid
        is None
    )
    assert Representation.from_dict(office.to_dict()) == office


def test_the_represented_persons_rol_is_machtiginggever():
    from portal.domain.representation import machtiginggever_rol

    mandate = parse_digid_machtigen(digid_claims(), DIGID, "midden", TODAY)
    assert machtiginggever_rol(mandate, "https://oz/zaken/1", "https://oz/roltypen/b") == {
        "zaak": "https://oz/zaken/1",
        "roltype": "https://oz/roltypen/b",
        "roltoelichting": "Machtiginggever (via Mijn Zaken)",
        "indicatieMachtiging": "machtiginggever",
        "betrokkeneType": "natuurlijk_persoon",
        "betrokkeneIdentificatie": {"inpBsn": FATHER},
    }


def _rol(kind, ident, mandate="gemachtigde", representee=None):
    rol = {"betrokkeneType": kind, "betrokkeneIdentificatie": ident, "indicatieMachtiging": mandate}
    if representee:
        rol["authenticatieContext"] = {"representee": {"identifierType": "bsn", "identifier": representee}}
    return rol


@pytest.mark.parametrize(
    ("rol", "found"),
    [
        pytest.param(_rol("natuurlijk_persoon", {"inpBsn": DAUGHTER}), True, id="her-rol"),
        pytest.param(_rol("natuurlijk_persoon", {"inpBsn": DAUGHTER}, representee=FATHER), True, id="for-him"),
        pytest.param(_rol("natuurlijk_persoon", {"inpBsn": DAUGHTER}, ""), False, id="her-own-rol"),
        pytest.param(
            _rol("natuurlijk_persoon", {"inpBsn": DAUGHTER}, representee="999990019"), False, id="for-another"
        ),
        pytest.param(_rol("natuurlijk_persoon", {"inpBsn": FATHER}), False, id="someone-else"),
        pytest.param(_rol("natuurlijk_persoon", "nope"), False, id="malformed"),
    ],
)
def test_the_representatives_rol_is_recognised_in_the_zaken_api(rol, found):
    from portal.domain.representation import is_gemachtigde_rol

    mandate = parse_digid_machtigen(digid_claims(), DIGID, "midden", TODAY)
    assert is_gemachtigde_rol(rol, mandate) is found


@pytest.mark.parametrize(
    ("branch", "rol", "found"),
    [
        (None, _rol("niet_natuurlijk_persoon", {"kvkNummer": "24681357"}), True),
        (None, _rol("niet_natuurlijk_persoon", {"kvkNummer": "13572468"}), False),
        (None, _rol("vestiging", {"kvkNummer": "24681357", "vestigingsNummer": "000012345678"}), False),
        ("000012345678", _rol("vestiging", {"kvkNummer": "24681357", "vestigingsNummer": "000012345678"}), True),
        ("000012345678", _rol("vestiging", {"kvkNummer": "24681357", "vestigingsNummer": "000087654321"}), False),
        ("000012345678", _rol("niet_natuurlijk_persoon", {"kvkNummer": "24681357"}), False),
    ],
)
def test_the_offices_rol_is_recognised_by_kvk_number_and_branch(branch, rol, found):
    from portal.domain.representation import is_gemachtigde_rol

    claims = eh_claims(**({"urn:etoegang:1.9:ServiceRestriction:Vestigingsnr": branch} if branch else {}))
    office = parse_eherkenning_bewindvoering(claims, EH, "EH3", TODAY)
    assert is_gemachtigde_rol(rol, office) is found


def test_the_machtiginggever_rol_is_recognised():
    from portal.domain.representation import is_machtiginggever_rol

    mandate = parse_digid_machtigen(digid_claims(), DIGID, "midden", TODAY)
    assert is_machtiginggever_rol(_rol("natuurlijk_persoon", {"inpBsn": FATHER}, "machtiginggever"), mandate)
    assert not is_machtiginggever_rol(_rol("natuurlijk_persoon", {"inpBsn": FATHER}, ""), mandate)  # the initiator
    assert not is_machtiginggever_rol(_rol("natuurlijk_persoon", {"inpBsn": DAUGHTER}, "machtiginggever"), mandate)


def test_the_representative_key_names_nobody_and_tells_representatives_apart():
    her = parse_digid_machtigen(digid_claims(), DIGID, "midden", TODAY)
    again = parse_digid_machtigen(digid_claims(), DIGID, "substantieel", TODAY)
    other = parse_digid_machtigen(
        digid_claims(**{"urn:nl-eid-gdi:1.0:ActingSubjectID": "999990019"}), DIGID, None, TODAY
    )
    assert her.representative_key == again.representative_key != other.representative_key
    assert DAUGHTER not in her.representative_key and len(her.representative_key) == 64
    one = parse_eherkenning_bewindvoering(eh_claims(), EH, "EH3", TODAY)
    colleague = parse_eherkenning_bewindvoering(
        eh_claims(**{"urn:etoegang:core:ActingSubjectID": "x"}), EH, "EH3", TODAY
    )
    assert one.representative_key == colleague.representative_key  # the office is the party, not the employee
