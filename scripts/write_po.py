"""Write or extend a Dutch .po file from a Python dict of translations.

Usage: python scripts/write_po.py portal/locales/nl/LC_MESSAGES/AREA.po translations.py
The translations file defines T = {msgid: msgstr} and optionally
PLURALS = {(singular, plural): (nl_singular, nl_plural)}. Existing entries are kept
unless the dict gives a new text.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

target = Path(sys.argv[1])
data = runpy.run_path(sys.argv[2])
if target.exists():
    with target.open("rb") as handle:
        catalog = read_po(handle, locale="nl_NL")
else:
    catalog = Catalog(locale="nl_NL", project="mijn-zaken", charset="utf-8")
# Catalog.add keeps an existing translation, so remove the entry first to replace it.
for msgid, text in data.get("T", {}).items():
    if msgid in catalog:
        del catalog[msgid]
    catalog.add(msgid, text)
for (singular, plural), (one, many) in data.get("PLURALS", {}).items():
    if singular in catalog:
        del catalog[singular]
    catalog.add((singular, plural), (one, many))
target.parent.mkdir(parents=True, exist_ok=True)
with target.open("wb") as handle:
    write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
print(f"{target}: {len(catalog)} messages")
