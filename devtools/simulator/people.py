"""Names the simulator returns for the demo people, so the header can greet them
("Ingelogd met DigiD: Jan Jansen"). Any other valid BSN or KVK number signs in
too, without a name. The identifiers are the shared demo data spec."""

from __future__ import annotations

RESIDENTS = {
    "999993653": "Jan Jansen",
    "999990019": "Fatima el Amrani",
    "123456782": "Pieter de Vries",
    "999995522": "Noor Visser",  # issue 24: the demo's complaints
}

BUSINESSES = {
    "12345678": "Bakkerij De Korenschoof B.V.",
    "87654321": "Hoveniersbedrijf Groen en Zonen",
}

# Branches of the demo businesses (vestigingsnummer -> address), shown as a hint.
BRANCHES = {
    "12345678": {"000012345678": "Marktstraat 5", "000023456789": "Stationsweg 20"},
    "87654321": {},
}

# Acting for someone else (issue 20): a daughter for her father (DigiD Machtigen), and a
# bewindvoerder office with two clients (eHerkenning bewindvoering).
DAUGHTER = "111222333"  # Sanne Bakker, acting for her father Henk Bakker
FATHER = "999991036"
RESIDENTS[DAUGHTER] = "Sanne Bakker"
RESIDENTS[FATHER] = "Henk Bakker"
BEWINDVOERDERS = {"24681357": "Bewindvoering Zorgvuldig B.V."}
BEWINDVOERDER_CLIENTS = {"24681357": ("999990019", "999991048")}
