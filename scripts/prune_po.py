"""Remove Dutch entries whose message id no longer appears in code or templates.

Usage: python scripts/prune_po.py   (rewrites every portal/locales/nl/LC_MESSAGES/*.po)
"""

from babel.messages.pofile import read_po, write_po

from portal.i18n import LOCALES_DIR
from portal.i18n_catalog import messages_in_code

used = set(messages_in_code())
for po_file in sorted((LOCALES_DIR / "nl" / "LC_MESSAGES").glob("*.po")):
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale="nl_NL")
    unused = [
        message.id
        for message in catalog
        if message.id and (message.id[0] if isinstance(message.id, tuple) else message.id) not in used
    ]
    for msgid in unused:
        del catalog[msgid]
    if unused:
        with po_file.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True)
        print(f"{po_file.name}: removed {len(unused)}")
