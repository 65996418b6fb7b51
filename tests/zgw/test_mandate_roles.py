"""Mirror mode and mandates (issue 20): a rol's indicatieMachtiging, with payloads in the
shapes of Open Zaak's mandate recipe (docs/client-development/mandate.rst)."""

from __future__ import annotations

import pytest

from portal.zgw.mapping import map_role

DIGID_AUTHORIZEE = {
    "zaak": "http://example.com",
    "betrokkeneType": "natuurlijk_persoon",
    "roltype": "http://example.com/roltype-initiator",
    "omschrijvingGeneriek": "initiator",
    "roltoelichting": "Created zaak",
    "indicatieMachtiging": "gemachtigde",
    "betrokkeneIdentificatie": {"inpBsn": "111222333"},
    "authenticatieContext": {
        "source": "digid",
        "levelOfAssurance": "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
        "representee": {"identifierType": "bsn", "identifier": "999991036"},
        "mandate": {"services": [{"id": "b18dd73f-4e6a-4b8c-9d1e-2f3a4b5c6d01"}]},
    },
}
DIGID_REPRESENTEE = {
    "zaak": "http://example.com",
    "betrokkeneType": "natuurlijk_persoon",
    "roltype": "http://example.com/roltype-belanghebbende",
    "omschrijvingGeneriek": "belanghebbende",
    "indicatieMachtiging": "machtiginggever",
    "betrokkeneIdentificatie": {"inpBsn": "999991036"},
    "authenticatieContext": None,
}
EH_AUTHORIZEE = {
    "zaak": "http://example.com",
    "betrokkeneType": "vestiging",
    "roltype": "http://example.com/roltype-initiator",
    "omschrijvingGeneriek": "initiator",
    "contactpersoonRol": {"naam": "acting subject name"},
    "indicatieMachtiging": "gemachtigde",
    "betrokkeneIdentificatie": {"kvkNummer": "24681357", "vestigingsNummer": "000012345678"},
}


@pytest.mark.parametrize(
    ("rol", "bsn", "kvk", "mandate"),
    [
        (DIGID_AUTHORIZEE, "111222333", None, "gemachtigde"),
        (DIGID_REPRESENTEE, "999991036", None, "machtiginggever"),
        (EH_AUTHORIZEE, None, "24681357", "gemachtigde"),
        ({**DIGID_REPRESENTEE, "indicatieMachtiging": ""}, "999991036", None, ""),
        (
            {key: value for key, value in DIGID_REPRESENTEE.items() if key != "indicatieMachtiging"},
            "999991036",
            None,
            "",
        ),
    ],
)
def test_indicatie_machtiging_is_kept(rol, bsn, kvk, mandate):
    role = map_role(rol)
    assert role is not None
    assert (role.bsn, role.kvk, role.mandate) == (bsn, kvk, mandate)


@pytest.mark.parametrize("value", ["eigen", "GEMACHTIGDE", 1, ["gemachtigde"]])
def test_an_unknown_indicatie_machtiging_leaves_the_rol_out_not_the_zaak(value):
    """Whether this person acts for someone else cannot be told: the rol is left out and
    logged (issue 18: a field the mapping cannot use never refuses the whole zaak)."""
    skipped: list[str] = []
    assert map_role({**DIGID_AUTHORIZEE, "indicatieMachtiging": value}, skipped) is None
    assert skipped == ["rol.indicatieMachtiging"]
