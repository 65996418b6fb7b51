"""'Sent items' of the local sinks (development only, mounted with the login simulator):
what the portal "sent" -- e-mail caught by the mail sink (var/sink/mail/*.eml), text
messages received by the fake Notify (var/sink/sms/sms.jsonl) and the letters in the
print batches (var/letters/<day>/*.pdf) -- so a demo shows notices leaving the portal.

Read-only; file names in URLs are checked against the folder's own listing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from portal.templating import render

router = APIRouter(prefix="/simulator/verzonden")
MAX_ITEMS = 50
_MAIL_NAME = re.compile(r"\d{5}\.eml")
_BATCH = re.compile(r"\d{4}-\d{2}-\d{2}")
_LETTER = re.compile(r"[A-Za-z0-9_.-]{1,100}\.pdf")


def sink_dir(request: Request) -> Path:
    return request.app.state.settings.var_dir / "sink"


def letter_dir(request: Request) -> Path:
    return request.app.state.settings.effective_letter_dir


@dataclass(frozen=True)
class SentMail:
    name: str
    subject: str
    sender: str
    reply_to: str
    to: str
    language: str
    text: str
    has_html: bool


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    reference: str
    received: datetime | None


@dataclass(frozen=True)
class SentLetter:
    batch: str
    file: str
    case_number: str
    address: list[str]
    language: str
    ready: bool


def _parse(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def mails(root: Path) -> list[SentMail]:
    folder = root / "mail"
    found = []
    paths = sorted(folder.glob("*.eml"), reverse=True)[:MAX_ITEMS] if folder.is_dir() else []
    for path in paths:
        message = _parse(path)
        plain = message.get_body(("plain",))
        found.append(
            SentMail(
                path.name,
                str(message["Subject"] or ""),
                str(message["From"] or ""),
                str(message["Reply-To"] or ""),
                str(message["To"] or ""),
                str(message["Content-Language"] or ""),
                plain.get_content() if plain is not None else "",  # type: ignore[union-attr]
                message.get_body(("html",)) is not None,
            )
        )
    return found


def texts(root: Path) -> list[SentSms]:
    path = root / "sms" / "sms.jsonl"
    if not path.is_file():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines()[-MAX_ITEMS:]:
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        moment = item.get("received_at")
        found.append(
            SentSms(
                item.get("phone_number", ""),
                (item.get("content") or {}).get("body", ""),
                item.get("reference") or "",
                datetime.fromtimestamp(moment, UTC).replace(tzinfo=None) if moment else None,
            )
        )
    return list(reversed(found))


def letters(root: Path) -> list[SentLetter]:
    found: list[SentLetter] = []
    if not root.is_dir():
        return found
    for batch in sorted(
        (path for path in root.iterdir() if path.is_dir() and _BATCH.fullmatch(path.name)), reverse=True
    ):
        ready = (batch / "READY").exists()
        for meta in sorted(batch.glob("*.json"), reverse=True):
            if meta.name == "manifest.json":
                continue
            entry = json.loads(meta.read_text(encoding="utf-8"))
            found.append(
                SentLetter(
                    batch.name,
                    entry.get("file", ""),
                    entry.get("case_number", ""),
                    entry.get("address", []),
                    entry.get("language", ""),
                    ready,
                )
            )
            if len(found) >= MAX_ITEMS:
                return found
    return found


@router.get("")
def sent_items(request: Request):
    root = sink_dir(request)
    return render(
        request,
        "simulator/sent.html",
        {
            "mails": mails(root),
            "texts": texts(root),
            "letters": letters(letter_dir(request)),
            "sink_root": root,
            "letter_root": letter_dir(request),
        },
    )


@router.get("/e-mail/{name}")
def mail_html(request: Request, name: str):
    if not _MAIL_NAME.fullmatch(name):
        raise HTTPException(status_code=404)
    path = sink_dir(request) / "mail" / name
    if not path.is_file():
        raise HTTPException(status_code=404)
    html = _parse(path).get_body(("html",))
    if html is None:
        raise HTTPException(status_code=404)
    # As a mail program shows it: no scripts, no forms, its own origin (sandbox).
    return HTMLResponse(
        html.get_content(),  # type: ignore[union-attr]
        headers={"Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'"},
    )


@router.get("/brieven/{batch}/{name}")
def letter_pdf(request: Request, batch: str, name: str):
    if not _BATCH.fullmatch(batch) or not _LETTER.fullmatch(name):
        raise HTTPException(status_code=404)
    path = letter_dir(request) / batch / name
    if not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path, media_type="application/pdf", content_disposition_type="inline")
