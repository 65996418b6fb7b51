"""``python -m devtools.notify_sink``: the local mail sink (SMTP, port 8025) and the fake
Notify SMS API (port 8026), keeping what they receive under var/sink/. Stop with Ctrl+C."""

from __future__ import annotations

import os
from pathlib import Path

import uvicorn

from devtools.notify_sink.mail import MailSink
from devtools.notify_sink.notify import FakeNotify
from portal.config import PROJECT_ROOT

DEV_API_KEY = "dev-11111111-2222-3333-4444-555555555555-66666666-7777-8888-9999-000000000000"


def main() -> None:
    root = Path(os.environ.get("PORTAL_VAR_DIR") or PROJECT_ROOT / "var") / "sink"  # where the sent-items page reads
    smtp_port = int(os.environ.get("PORTAL_SMTP_PORT", "8025"))
    notify_port = int(os.environ.get("SINK_NOTIFY_PORT", "8026"))
    fake = FakeNotify(api_key=os.environ.get("PORTAL_NOTIFY_API_KEY", DEV_API_KEY), directory=root / "sms")
    with MailSink(port=smtp_port, directory=root / "mail"):
        print(f"Mail sink on smtp://127.0.0.1:{smtp_port}, fake Notify on http://127.0.0.1:{notify_port} ({root})")
        uvicorn.run(fake.app(), host="127.0.0.1", port=notify_port, log_level="warning")


if __name__ == "__main__":
    main()
