"""The catalogue of the demo municipality 'Gemeente Voorbeeldstad': organisation,
teams, employees and the ten case types (nine kinds of request and complaints) with their steps and required documents.

Plain data, kept apart from ``devtools.demo`` (which writes it, and the cases, to the
database) so the texts can be read and reviewed on their own. Resident texts are
Dutch at B1 level ("u"-form) with an English version, written for the resident.

Legal terms are ISO-8601 durations (ZGW doorlooptijd / servicenorm /
verlengingstermijn); the source of each term is in ``legal_source`` (shown next to
the date) and ``legal_basis_*`` (the full citation).
"""

from __future__ import annotations

from typing import Any, Final

ORGANISATION: Final[dict[str, Any]] = {
    "name": "Gemeente Voorbeeldstad",
    "rsin": "001234560",
    "phone": "14 0123",
    "email": "info@voorbeeldstad.example",
    "visiting_address": "Stadhuisplein 1, 1234 AB Voorbeeldstad",
    "postal_address": "Postbus 100, 1200 AA Voorbeeldstad",
    "opening_hours_nl": (
        "Telefoon 14 0123: maandag tot en met vrijdag 8.00–17.00 uur. "
        "Gemeentehuis: maandag tot en met vrijdag 9.00–16.30 uur, donderdag ook 18.00–20.00 uur, "
        "alleen op afspraak."
    ),
    "opening_hours_en": (
        "Phone 14 0123: Monday to Friday 8 am–5 pm. "
        "Town hall: Monday to Friday 9 am–4.30 pm, Thursday also 6–8 pm, by appointment only."
    ),
    "digital_help_nl": (
        "Lukt het niet online? Kom naar het Informatiepunt Digitale Overheid in de bibliotheek, "
        "Stationsplein 2, dinsdag en donderdag 10.00–16.00 uur. Een medewerker helpt u met inloggen "
        "met DigiD en met het invullen van formulieren. U hoeft geen afspraak te maken. "
        "Neem uw telefoon of uw DigiD-gegevens mee."
    ),
    "digital_help_en": (
        "Having trouble online? Visit the Digital Government Information Point in the library, "
        "Stationsplein 2, Tuesday and Thursday 10 am–4 pm. Staff help you sign in with DigiD and "
        "fill in forms. No appointment needed. Bring your phone or your DigiD details."
    ),
}

# Natural key: name_nl.
TEAMS: Final[list[dict[str, str]]] = [
    {
        "name_nl": "Team Vergunningen",
        "name_en": "Permits team",
        "email": "vergunningen@voorbeeldstad.example",
        "phone": "020 555 0100",
    },
    {
        "name_nl": "Team Zorg en Welzijn",
        "name_en": "Care and Wellbeing team",
        "email": "zorg@voorbeeldstad.example",
        "phone": "020 555 0200",
    },
    {
        "name_nl": "Team Juridische Zaken",
        "name_en": "Legal Affairs team",
        "email": "bezwaar@voorbeeldstad.example",
        "phone": "",
    },
    {
        "name_nl": "Team Buitenruimte",
        "name_en": "Public Space team",
        "email": "buitenruimte@voorbeeldstad.example",
        "phone": "020 555 0400",
    },
    {
        "name_nl": "Team Werk en Inkomen",
        "name_en": "Work and Income team",
        "email": "werkeninkomen@voorbeeldstad.example",
        "phone": "020 555 0500",
    },
]

# Natural key: login_id. ``team`` refers to TEAMS[*]["name_nl"].
EMPLOYEES: Final[list[dict[str, Any]]] = [
    {
        "login_id": "e.devries",
        "name": "Eva de Vries",
        "team": "Team Vergunningen",
        "function_nl": "Vergunningverlener",
        "function_en": "Permit officer",
        "email": "e.devries@voorbeeldstad.example",
        "direct_phone": "020 555 0101",
        "show_direct_contact": True,
        "roles": "handler team_lead",
    },
    {
        "login_id": "m.bakker",
        "name": "Mohamed Bakker",
        "team": "Team Zorg en Welzijn",
        "function_nl": "Wmo-consulent",
        "function_en": "Wmo adviser",
        "email": "m.bakker@voorbeeldstad.example",
        "direct_phone": "020 555 0201",
        "show_direct_contact": True,
    },
    # "Ja, tenzij" (Den Haag, proposal 3): she chose not to show her direct line; the
    # number is stored for colleagues but must never reach a resident's screen.
    {
        "login_id": "s.jansen",
        "name": "Sanne Jansen",
        "team": "Team Juridische Zaken",
        "function_nl": "Jurist bezwaarschriften",
        "function_en": "Objections lawyer",
        "email": "s.jansen@voorbeeldstad.example",
        "direct_phone": "020 555 0301",
        "show_direct_contact": False,
    },
    {
        "login_id": "k.peters",
        "name": "Kees Peters",
        "team": "Team Buitenruimte",
        "function_nl": "Medewerker buitenruimte",
        "function_en": "Public space officer",
        "email": "k.peters@voorbeeldstad.example",
        "direct_phone": "020 555 0401",
        "show_direct_contact": True,
    },
    {
        "login_id": "l.smit",
        "name": "Lisa Smit",
        "team": "Team Werk en Inkomen",
        "function_nl": "Consulent Werk en Inkomen",
        "function_en": "Income support adviser",
        "email": "l.smit@voorbeeldstad.example",
        "direct_phone": "020 555 0501",
        "show_direct_contact": True,
        # Issue 24: she also routes complaints to someone not involved (Awb 9:7).
        "roles": "handler administrator complaints_coordinator",
    },
]


def _step(
    name_nl: str, name_en: str, text_nl: str, text_en: str, *, final: bool = False, notify: bool = True
) -> dict[str, Any]:
    return {
        "name_nl": name_nl,
        "name_en": name_en,
        "resident_text_nl": text_nl,
        "resident_text_en": text_en,
        "is_final": final,
        "notify": notify,
    }


def _doc(name_nl: str, name_en: str, description_nl: str, description_en: str) -> dict[str, str]:
    return {"name_nl": name_nl, "name_en": name_en, "description_nl": description_nl, "description_en": description_en}


RECEIVED_APPLICATION = _step(
    "Ontvangen",
    "Received",
    "We hebben uw aanvraag ontvangen. We kijken nu of alle gegevens compleet zijn.",
    "We have received your application. We are now checking that everything is complete.",
)
DECISION_MADE = _step(
    "Besluit genomen",
    "Decision made",
    "In deze stap nemen we een besluit over uw aanvraag. U krijgt het besluit in uw berichten. "
    "Daarin staat ook wat u kunt doen als u het er niet mee eens bent.",
    "In this step we make a decision on your application. You receive the decision in your messages. "
    "It also explains what you can do if you do not agree.",
    final=True,
)

# Natural key: code. Steps are ordered (StatusType.order = position + 1).
CASE_TYPES: Final[list[dict[str, Any]]] = [
    {
        "code": "omgevingsvergunning-regulier",
        "name_nl": "Omgevingsvergunning (reguliere procedure)",
        "name_en": "Environment and planning permit (regular procedure)",
        "description_nl": (
            "Voor bouwen en verbouwen, zoals een dakkapel, een uitbouw of een terras. "
            "We beslissen binnen 8 weken. Soms hebben we meer tijd nodig, bijvoorbeeld voor een advies. "
            "Dan mogen we de termijn één keer met maximaal 6 weken verlengen. Dat moeten we u "
            "laten weten vóór de 8 weken om zijn."
        ),
        "description_en": (
            "For building and alterations, such as a dormer window, an extension or a terrace. "
            "We decide within 8 weeks. Sometimes we need more time, for example for advice. "
            "We may then extend the term once by at most 6 weeks, and we must tell you before "
            "the 8 weeks are over."
        ),
        "legal_basis_nl": "Omgevingswet, artikel 16.64 (reguliere voorbereidingsprocedure)",
        "legal_basis_en": "Environment and Planning Act (Omgevingswet), article 16.64 (regular procedure)",
        "legal_source": "Omgevingswet 16.64",
        "legal_term": "P8W",
        "service_norm": None,
        "extension_allowed": True,
        "max_extension": "P6W",
        "max_extensions": 1,
        "suspension_allowed": True,
        "dwangsom_applies": True,
        "min_assurance": "midden",
        "is_permit": True,
        "steps": [
            RECEIVED_APPLICATION,
            _step(
                "In behandeling",
                "Being assessed",
                "Uw aanvraag is compleet. Een vergunningverlener kijkt of uw plan past binnen "
                "de regels voor uw straat en wijk.",
                "Your application is complete. A permit officer checks whether your plan "
                "fits the rules for your street and neighbourhood.",
            ),
            _step(
                "Advies gevraagd",
                "Advice requested",
                "We vragen advies aan de commissie ruimtelijke kwaliteit. Deze commissie "
                "kijkt of uw plan past bij hoe de straat eruitziet. Dit duurt meestal 2 tot 4 weken.",
                "We ask the spatial quality committee for advice. This committee checks whether "
                "your plan suits the look of the street. This usually takes 2 to 4 weeks.",
            ),
            DECISION_MADE,
        ],
        "documents": [
            _doc(
                "Bouwtekening",
                "Building drawing",
                "Een tekening van de huidige en de nieuwe situatie, met de maten.",
                "A drawing of the current and the new situation, with measurements.",
            ),
            _doc(
                "Situatietekening",
                "Site plan",
                "Een kaart waarop staat waar op uw perceel u gaat bouwen.",
                "A map showing where on your plot you will build.",
            ),
            _doc(
                "Foto's van de huidige situatie",
                "Photos of the current situation",
                "Twee of drie foto's van de plek waar u gaat bouwen.",
                "Two or three photos of the place where you will build.",
            ),
        ],
    },
    {
        "code": "kapvergunning",
        "name_nl": "Kapvergunning (bomen kappen)",
        "name_en": "Tree felling permit",
        "description_nl": (
            "U heeft een vergunning nodig als u een boom wilt kappen die dikker is dan 20 centimeter, "
            "gemeten op 1,30 meter hoogte. We beslissen binnen 8 weken."
        ),
        "description_en": (
            "You need a permit to fell a tree with a trunk thicker than 20 centimetres, measured at "
            "1.30 metres high. We decide within 8 weeks."
        ),
        "legal_basis_nl": "Algemene plaatselijke verordening Voorbeeldstad, artikel 4:11; Algemene wet bestuursrecht, artikel 4:13",
        "legal_basis_en": "General Local Bylaw (APV) of Voorbeeldstad, article 4:11; General Administrative Law Act (Awb), article 4:13",
        "legal_source": "Awb 4:13",
        "legal_term": "P8W",
        "service_norm": None,
        "extension_allowed": True,
        "max_extension": "P6W",
        "max_extensions": 1,
        "suspension_allowed": True,
        "dwangsom_applies": True,
        "min_assurance": "midden",
        "is_permit": True,
        "steps": [
            RECEIVED_APPLICATION,
            _step(
                "In behandeling",
                "Being assessed",
                "Een vergunningverlener bekijkt uw aanvraag. We kijken of de boom waardevol is voor "
                "de buurt en of er een goede reden is om hem te kappen.",
                "A permit officer is looking at your application. We check whether the tree is "
                "valuable to the neighbourhood and whether there is a good reason to fell it.",
            ),
            _step(
                "Boom bekeken",
                "Tree inspected",
                "Onze boomdeskundige bekijkt de boom. U hoeft daarvoor niet thuis te zijn. "
                "We gebruiken het advies van de boomdeskundige voor ons besluit.",
                "Our tree expert inspects the tree. You do not need to be at home for this. "
                "We use the expert's advice for our decision.",
            ),
            DECISION_MADE,
        ],
        "documents": [
            _doc(
                "Foto van de boom",
                "Photo of the tree",
                "Een foto waarop de hele boom te zien is.",
                "A photo showing the whole tree.",
            ),
            _doc(
                "Kaart met de plek van de boom",
                "Map showing where the tree is",
                "Een tekening of kaart waarop staat waar de boom staat.",
                "A drawing or map showing where the tree stands.",
            ),
            _doc(
                "Bomenrapport",
                "Tree report",
                "Alleen nodig als u de boom wilt kappen omdat hij ziek of gevaarlijk is.",
                "Only needed if you want to fell the tree because it is diseased or dangerous.",
            ),
        ],
    },
    {
        "code": "evenementenvergunning",
        "name_nl": "Evenementenvergunning",
        "name_en": "Event permit",
        "description_nl": (
            "Voor een evenement zoals een buurtfeest, markt of proeverij op straat. De wet geeft ons "
            "8 weken om te beslissen. We beloven u binnen 6 weken een besluit."
        ),
        "description_en": (
            "For an event such as a street party, market or tasting in a public place. The law gives us "
            "8 weeks to decide. We promise you a decision within 6 weeks."
        ),
        "legal_basis_nl": "Algemene plaatselijke verordening Voorbeeldstad, artikel 2:25; Algemene wet bestuursrecht, artikel 4:13",
        "legal_basis_en": "General Local Bylaw (APV) of Voorbeeldstad, article 2:25; General Administrative Law Act (Awb), article 4:13",
        "legal_source": "Awb 4:13",
        "legal_term": "P8W",
        "service_norm": "P6W",
        "extension_allowed": True,
        "max_extension": "P6W",
        "max_extensions": 1,
        "suspension_allowed": True,
        "dwangsom_applies": True,
        "min_assurance": "midden",
        "is_permit": True,
        "steps": [
            RECEIVED_APPLICATION,
            _step(
                "In behandeling",
                "Being assessed",
                "Een vergunningverlener bekijkt uw plan voor het evenement: de plek, de tijden, "
                "het geluid en de veiligheid.",
                "A permit officer is looking at your plan for the event: the place, the times, the noise and safety.",
            ),
            _step(
                "Advies hulpdiensten",
                "Advice from emergency services",
                "We vragen politie, brandweer en de GHOR (geneeskundige hulp) om advies over de "
                "veiligheid van uw evenement.",
                "We are asking the police, fire service and medical emergency services for advice on "
                "the safety of your event.",
            ),
            DECISION_MADE,
        ],
        "documents": [
            _doc(
                "Plattegrond van het evenement",
                "Map of the event",
                "Een tekening met de plek van tenten, podium, kramen en nooduitgangen.",
                "A drawing showing tents, stage, stalls and emergency exits.",
            ),
            _doc(
                "Veiligheidsplan",
                "Safety plan",
                "Alleen nodig bij meer dan 500 bezoekers tegelijk.",
                "Only needed for more than 500 visitors at the same time.",
            ),
        ],
    },
    {
        "code": "parkeervergunning",
        "name_nl": "Parkeervergunning",
        "name_en": "Parking permit",
        "description_nl": (
            "Een vergunning om in uw eigen parkeerzone te parkeren, voor bewoners en bedrijven. "
            "De wet geeft ons 8 weken. We beloven u binnen 2 weken een besluit."
        ),
        "description_en": (
            "A permit to park in your own parking zone, for residents and businesses. The law gives us "
            "8 weeks. We promise you a decision within 2 weeks."
        ),
        "legal_basis_nl": "Parkeerverordening Voorbeeldstad, artikel 2; Algemene wet bestuursrecht, artikel 4:13",
        "legal_basis_en": "Parking Bylaw of Voorbeeldstad, article 2; General Administrative Law Act (Awb), article 4:13",
        "legal_source": "Awb 4:13",
        "legal_term": "P8W",
        "service_norm": "P2W",
        "extension_allowed": True,
        "max_extension": "P4W",
        "max_extensions": 1,
        "suspension_allowed": True,
        "dwangsom_applies": True,
        "min_assurance": "midden",
        "is_permit": True,
        "steps": [
            RECEIVED_APPLICATION,
            _step(
                "In behandeling",
                "Being assessed",
                "We controleren uw adres en uw kenteken. En we kijken of er in uw zone nog plek is.",
                "We are checking your address and your registration number, and whether there is "
                "still room in your zone.",
            ),
            _step(
                "Besluit genomen",
                "Decision made",
                "In deze stap nemen we een besluit. U krijgt het besluit in uw berichten.",
                "In this step we make a decision. You receive the decision in your messages.",
            ),
            _step(
                "Afgerond",
                "Completed",
                "We zetten uw vergunning in ons systeem. De parkeercontrole ziet dan uw kenteken. "
                "U hoeft niets achter de voorruit te leggen.",
                "We put your permit in our system. Parking wardens can then see your registration number. "
                "You do not need to put anything behind the windscreen.",
                final=True,
            ),
        ],
        "documents": [
            _doc(
                "Kentekenbewijs",
                "Vehicle registration certificate",
                "Een kopie of foto van het kentekenbewijs (deel 1).",
                "A copy or photo of the registration certificate (part 1).",
            ),
        ],
    },
    {
        "code": "exploitatievergunning-horeca",
        "name_nl": "Exploitatievergunning horeca",
        "name_en": "Hospitality operating licence",
        "description_nl": (
            "Voor het openen of overnemen van een café, restaurant, lunchroom of bakkerij met zitplaatsen. "
            "We beslissen binnen 8 weken."
        ),
        "description_en": (
            "To open or take over a café, restaurant, lunchroom or bakery with seating. We decide within 8 weeks."
        ),
        "legal_basis_nl": "Algemene plaatselijke verordening Voorbeeldstad, artikel 2:28; Algemene wet bestuursrecht, artikel 4:13",
        "legal_basis_en": "General Local Bylaw (APV) of Voorbeeldstad, article 2:28; General Administrative Law Act (Awb), article 4:13",
        "legal_source": "Awb 4:13",
        "legal_term": "P8W",
        "service_norm": None,
        "extension_allowed": True,
        "max_extension": "P8W",
        "max_extensions": 1,
        "suspension_allowed": True,
        "dwangsom_applies": True,
        "min_assurance": "midden",
        "is_permit": True,
        "steps": [
            RECEIVED_APPLICATION,
            _step(
                "In behandeling",
                "Being assessed",
                "Een vergunningverlener bekijkt uw aanvraag en hoe de ruimte is ingericht.",
                "A permit officer is looking at your application and the layout of your premises.",
            ),
            _step(
                "Bibob-toets en advies politie",
                "Integrity screening and police advice",
                "We vragen de politie om advies. We doen ook een Bibob-toets: we kijken of niemand "
                "de vergunning kan gebruiken voor misdaad. Dat doen we bij elke horecazaak.",
                "We are asking the police for advice. We also carry out an integrity screening (Bibob) "
                "to make sure the licence cannot be used for crime. We do this for every hospitality business.",
            ),
            DECISION_MADE,
        ],
        "documents": [
            _doc(
                "Plattegrond van de zaak",
                "Floor plan of the premises",
                "Een tekening van de ruimte met de zitplaatsen en de uitgangen.",
                "A drawing of the premises with the seating and the exits.",
            ),
            _doc(
                "Huurcontract of koopakte",
                "Lease or deed of purchase",
                "Bewijs dat u de ruimte mag gebruiken.",
                "Proof that you may use the premises.",
            ),
            _doc(
                "Verklaring Sociale Hygiëne",
                "Social Hygiene certificate",
                "Van minstens één leidinggevende.",
                "Of at least one manager.",
            ),
        ],
    },
    {
        "code": "wmo-aanvraag",
        "name_nl": "Aanvraag Wmo-voorziening (hulp en ondersteuning thuis)",
        "name_en": "Application for Wmo support (help and support at home)",
        "description_nl": (
            "Hulp en ondersteuning thuis, zoals hulp bij het huishouden, een scootmobiel of een "
            "aanpassing in uw woning (Wet maatschappelijke ondersteuning). Na het gesprek met de "
            "Wmo-consulent beslissen we binnen 2 weken over uw aanvraag."
        ),
        "description_en": (
            "Help and support at home, such as help with housekeeping, a mobility scooter or an "
            "adaptation to your home (Social Support Act, Wmo). After your conversation with the "
            "Wmo adviser we decide on your application within 2 weeks."
        ),
        "legal_basis_nl": "Wet maatschappelijke ondersteuning 2015, artikel 2.3.5, eerste lid",
        "legal_basis_en": "Social Support Act 2015 (Wmo 2015), article 2.3.5, paragraph 1",
        "legal_source": "Wmo 2015 art. 2.3.5",
        "legal_term": "P2W",
        "service_norm": None,
        "extension_allowed": True,
        "max_extension": "P4W",
        "max_extensions": 1,
        "suspension_allowed": True,
        "dwangsom_applies": True,
        "min_assurance": "substantieel",
        "is_permit": False,
        "steps": [
            RECEIVED_APPLICATION,
            _step(
                "In behandeling",
                "Being assessed",
                "Uw Wmo-consulent bekijkt uw aanvraag en het verslag van uw gesprek. "
                "We kijken welke hulp het beste bij u past.",
                "Your Wmo adviser is looking at your application and the report of your conversation. "
                "We are working out which help suits you best.",
            ),
            _step(
                "Advies ingewonnen",
                "Advice obtained",
                "We vragen een onafhankelijke arts of ergotherapeut om advies. Een ergotherapeut helpt "
                "mensen om dagelijkse dingen zelf te blijven doen. Deze persoon neemt misschien contact met u op.",
                "We ask an independent doctor or occupational therapist for advice. An occupational "
                "therapist helps people to keep doing everyday tasks themselves. This person may contact you.",
                notify=False,
            ),
            DECISION_MADE,
        ],
        "documents": [
            _doc(
                "Verslag van het gesprek",
                "Report of the conversation",
                "Dit verslag krijgt u van uw Wmo-consulent. U tekent het voor gezien.",
                "Your Wmo adviser gives you this report. You sign it to confirm you have read it.",
            ),
            _doc(
                "Verklaring van uw huisarts",
                "Statement from your GP",
                "Alleen als we daarom vragen. Uw huisarts schrijft hierin welke beperkingen u heeft.",
                "Only if we ask for it. Your GP describes your limitations in it.",
            ),
        ],
    },
    {
        "code": "bijstand",
        "name_nl": "Aanvraag bijstandsuitkering",
        "name_en": "Application for social assistance benefit",
        "description_nl": (
            "Geld om van te leven als u niet genoeg inkomen of geld op de bank heeft "
            "(Participatiewet). We beslissen binnen 8 weken."
        ),
        "description_en": (
            "Money to live on if you do not have enough income or savings (Participation Act). "
            "We decide within 8 weeks."
        ),
        "legal_basis_nl": "Participatiewet, artikel 44, eerste lid; Algemene wet bestuursrecht, artikel 4:13",
        "legal_basis_en": "Participation Act (Participatiewet), article 44, paragraph 1; General Administrative Law Act (Awb), article 4:13",
        "legal_source": "Participatiewet art. 44",
        "legal_term": "P8W",
        "service_norm": None,
        "extension_allowed": True,
        "max_extension": "P4W",
        "max_extensions": 1,
        "suspension_allowed": True,
        "dwangsom_applies": True,
        "min_assurance": "substantieel",
        "is_permit": False,
        "steps": [
            RECEIVED_APPLICATION,
            _step(
                "Gesprek gepland",
                "Meeting scheduled",
                "We plannen een gesprek met u. In het gesprek bespreken we uw situatie en "
                "welke papieren we nog nodig hebben.",
                "We schedule a meeting with you. In the meeting we discuss your situation and which "
                "papers we still need.",
            ),
            _step(
                "In behandeling",
                "Being assessed",
                "We controleren uw gegevens, zoals uw inkomen, uw bankrekening en uw woonsituatie.",
                "We are checking your details, such as your income, bank account and living situation.",
            ),
            DECISION_MADE,
        ],
        "documents": [
            _doc(
                "Bankafschriften van de laatste 3 maanden",
                "Bank statements for the last 3 months",
                "Van al uw rekeningen, ook spaarrekeningen.",
                "For all your accounts, including savings accounts.",
            ),
            _doc(
                "Huurcontract",
                "Rental agreement",
                "Of een andere verklaring waar u woont.",
                "Or another statement showing where you live.",
            ),
            _doc(
                "Identiteitsbewijs",
                "Proof of identity",
                "U laat dit zien tijdens het gesprek. U hoeft het niet te uploaden.",
                "You show it at the meeting. You do not need to upload it.",
            ),
        ],
    },
    {
        "code": "bezwaar",
        "name_nl": "Bezwaar tegen een besluit",
        "name_en": "Objection to a decision",
        "description_nl": (
            "U bent het niet eens met een besluit van de gemeente. We beslissen binnen 6 weken op "
            "uw bezwaar. Soms hebben we meer tijd nodig. Dan mogen we de termijn met maximaal "
            "6 weken verlengen."
        ),
        "description_en": (
            "You do not agree with a decision of the municipality. We decide on your objection within "
            "6 weeks. Sometimes we need more time; we may then extend the term by at most 6 weeks."
        ),
        "legal_basis_nl": "Algemene wet bestuursrecht, artikel 7:10, eerste en derde lid",
        "legal_basis_en": "General Administrative Law Act (Awb), article 7:10, paragraphs 1 and 3",
        "legal_source": "Awb 7:10",
        "legal_term": "P6W",
        "service_norm": None,
        "extension_allowed": True,
        "max_extension": "P6W",
        # Awb 7:10(4) allows a further postponement only with the objector's consent;
        # we model the one extension of 7:10(3).
        "max_extensions": 1,
        "suspension_allowed": True,
        "dwangsom_applies": True,
        "min_assurance": "midden",
        "is_permit": False,
        "steps": [
            _step(
                "Ontvangen",
                "Received",
                "We hebben uw bezwaar ontvangen. We kijken nu of alle gegevens compleet zijn.",
                "We have received your objection. We are now checking that everything is complete.",
            ),
            _step(
                "In behandeling",
                "Being assessed",
                "Een jurist bekijkt uw bezwaar en het besluit waar het over gaat. Misschien belt "
                "de jurist u om te kijken of we samen een oplossing vinden.",
                "A lawyer is looking at your objection and the decision it is about. The lawyer may "
                "call you to see whether we can find a solution together.",
            ),
            _step(
                "Hoorzitting",
                "Hearing",
                "We nodigen u uit voor een hoorzitting. Dat is een gesprek waarin u vertelt waarom "
                "u het niet eens bent met het besluit. U mag iemand meenemen.",
                "We invite you to a hearing. This is a meeting where you explain why you disagree "
                "with the decision. You may bring someone with you.",
            ),
            _step(
                "Besluit op bezwaar",
                "Decision on the objection",
                "In deze stap nemen we een besluit over uw bezwaar. U krijgt het besluit in uw berichten. "
                "Daarin staat ook of u daarna naar de rechter kunt (in beroep gaan).",
                "In this step we decide on your objection. You receive the decision in your messages. "
                "It also says whether you can then go to court (appeal).",
                final=True,
            ),
        ],
        "documents": [
            _doc(
                "Kopie van het besluit",
                "Copy of the decision",
                "Het besluit waar u het niet mee eens bent.",
                "The decision you do not agree with.",
            ),
        ],
    },
    {
        "code": "melding-openbare-ruimte",
        "name_nl": "Melding openbare ruimte",
        "name_en": "Report about a public space",
        "description_nl": (
            "Ziet u iets kapot of vies op straat, zoals een losse stoeptegel of een lantaarnpaal die "
            "niet brandt? Meld het ons. We lossen het meestal binnen 5 werkdagen op en altijd binnen 2 weken."
        ),
        "description_en": (
            "Have you seen something broken or dirty in the street, such as a loose paving stone or a "
            "street light that is out? Report it to us. We usually fix it within 5 working days and "
            "always within 2 weeks."
        ),
        "legal_basis_nl": (
            "Een melding is geen aanvraag voor een besluit, dus er geldt geen wettelijke beslistermijn. "
            "De 2 weken zijn een afspraak van de gemeente (Servicenormen Voorbeeldstad)."
        ),
        "legal_basis_en": (
            "A report is not an application for a decision, so no statutory decision term applies. "
            "The 2 weeks are the municipality's own promise (Voorbeeldstad service standards)."
        ),
        "legal_source": "Servicenormen Voorbeeldstad",
        "legal_term": "P2W",
        # 5 working days: a Term counts calendar days, and 5 working days is one calendar
        # week unless a holiday falls in it (the date is then moved to a working day anyway).
        "service_norm": "P1W",
        "extension_allowed": False,
        "max_extension": None,
        "max_extensions": None,
        "suspension_allowed": False,
        # Awb 4:17 is about decisions on applications; a report is not one.
        "dwangsom_applies": False,
        "min_assurance": "midden",
        "is_permit": False,
        "steps": [
            _step(
                "Ontvangen",
                "Received",
                "We hebben uw melding ontvangen. Bedankt dat u het ons laat weten.",
                "We have received your report. Thank you for letting us know.",
            ),
            _step(
                "Bekeken",
                "Inspected",
                "Een medewerker bekijkt de plek. Daarna weten we wat er moet gebeuren.",
                "An officer inspects the location. Then we know what needs to be done.",
            ),
            _step(
                "Ingepland",
                "Scheduled",
                "We plannen het werk in. Onze ploeg of een aannemer komt het probleem oplossen.",
                "We schedule the work. Our crew or a contractor comes to fix the problem.",
            ),
            _step(
                "Afgehandeld",
                "Resolved",
                "Onze ploeg of een aannemer lost het probleem op. Klopt er daarna toch iets niet? "
                "Doe dan een nieuwe melding.",
                "Our crew or a contractor fixes the problem. Is something still wrong after that? "
                "Please make a new report.",
                final=True,
            ),
        ],
        "documents": [
            _doc(
                "Foto",
                "Photo",
                "Een foto van het probleem helpt ons, maar is niet verplicht.",
                "A photo of the problem helps us, but is not required.",
            ),
        ],
    },
    # Issue 24: complaints about how we treated someone (Awb title 9.1). The term is the
    # law's (Awb 9:11: 6 weeks; 10 with a complaints committee, ``complaint_committee``),
    # postponed once by at most 4 weeks; no suspension and no dwangsom (portal.domain.complaints).
    {
        "code": "klacht",
        "name_nl": "Klacht over hoe wij u behandelden",
        "name_en": "Complaint about how we treated you",
        "description_nl": (
            "Bent u niet goed behandeld door de gemeente of door een medewerker? Bijvoorbeeld: u werd "
            "onvriendelijk behandeld, een afspraak werd niet nagekomen of u werd niet teruggebeld. Dan kunt "
            "u een klacht indienen. Iemand die er niet bij betrokken was, behandelt uw klacht. U krijgt "
            "binnen 6 weken antwoord."
        ),
        "description_en": (
            "Were you not treated well by the municipality or by one of our staff? For example: someone was "
            "rude, a promise was not kept or nobody called you back. Then you can file a complaint. Someone "
            "who was not involved handles it. You get an answer within 6 weeks."
        ),
        "legal_basis_nl": "Algemene wet bestuursrecht, titel 9.1, artikelen 9:1 tot en met 9:12",
        "legal_basis_en": "General Administrative Law Act (Awb), title 9.1, articles 9:1 to 9:12",
        "legal_source": "Awb 9:11",
        "legal_term": "P6W",
        "service_norm": None,
        "extension_allowed": True,
        "max_extension": "P4W",
        "max_extensions": 1,
        "suspension_allowed": False,
        "dwangsom_applies": False,
        "complaint_committee": False,
        "min_assurance": "midden",
        "is_permit": False,
        "steps": [
            _step(
                "Ontvangen",
                "Received",
                "We hebben uw klacht ontvangen. Onze klachtencoördinator kiest iemand die er niet bij "
                "betrokken was om uw klacht te behandelen.",
                "We have received your complaint. Our complaints coordinator chooses someone who was not "
                "involved to handle it.",
            ),
            _step(
                "In behandeling",
                "Being handled",
                "Iemand die er niet bij betrokken was, onderzoekt uw klacht. Die persoon neemt contact met u op.",
                "Someone who was not involved is looking into your complaint. They will contact you.",
            ),
            _step(
                "Horen",
                "Hearing",
                "U mag in een gesprek vertellen wat er is gebeurd. Ook de medewerker over wie u klaagt, "
                "mag zijn of haar kant vertellen.",
                "You may tell us in a meeting what happened. The employee you complain about may also tell their side.",
            ),
            _step(
                "Afgehandeld",
                "Handled",
                "U krijgt ons antwoord op uw klacht in uw berichten. Daarin staat wat we hebben gevonden, "
                "wat ons oordeel is en bij welke ombudsman u daarna terecht kunt.",
                "You receive our answer to your complaint in your messages. It says what we found, our "
                "judgment, and which ombudsman you can go to next.",
                final=True,
            ),
        ],
        "documents": [],
    },
]
