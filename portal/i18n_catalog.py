"""Checks the Dutch catalog against the messages in code and templates.

Used by the test suite (every message must have a Dutch translation) and by
developers: ``python -m portal.i18n_catalog`` lists what is missing or unused.
"""

from __future__ import annotations

import sys

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT
from portal.i18n import LOCALES_DIR

# N_ marks ids translated later; ChangeRefused(field, message_id, ...) is translated when read.
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "ChangeRefused": (2,)}
METHOD_MAP = [
    ("portal/**.py", "python"),
    ("a11y/**.py", "python"),
    ("portal/templates/**.html", "jinja2"),
    # Dev tooling (login simulator, demo) is outside the product but shares its catalog.
    ("devtools/**.py", "python"),
    ("devtools/**/templates/**.html", "jinja2"),
]
_JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
OPTIONS = {"portal/templates/**.html": _JINJA, "devtools/**/templates/**.html": _JINJA}


def messages_in_code() -> dict[str, str]:
    """msgid → first place it is used."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, METHOD_MAP, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        if "/vendor/" in filename or filename.startswith(("tests/", ".venv/")):
            continue
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def dutch_translations() -> dict[str, str]:
    result: dict[str, str] = {}
    for po_file in sorted((LOCALES_DIR / "nl" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale="nl_NL"):
                if not message.id or message.fuzzy:
                    continue
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                text = message.string[0] if isinstance(message.string, tuple) else message.string
                if text:
                    result[msgid] = text
    return result


def main() -> int:
    used = messages_in_code()
    translated = dutch_translations()
    missing = {msgid: where for msgid, where in used.items() if msgid not in translated}
    unused = sorted(set(translated) - set(used))
    for msgid, where in sorted(missing.items(), key=lambda item: item[1]):
        print(f"missing  {where}  {msgid!r}")
    for msgid in unused:
        print(f"unused   {msgid!r}")
    print(f"{len(used)} messages, {len(missing)} without Dutch, {len(unused)} unused", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
