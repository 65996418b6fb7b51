"""``python -m portal.api_clients``: make, list and revoke case-API client tokens.

    python -m portal.api_clients create zaaksysteem --scopes cases:read cases:write
    python -m portal.api_clients list
    python -m portal.api_clients revoke zaaksysteem

The token is printed once; only its SHA-256 is stored."""

from __future__ import annotations

import argparse
import sys

from sqlmodel import Session, select

from portal.config import get_settings
from portal.db import make_engine
from portal.models import ApiClient
from portal.services.api_clients import SCOPES, ClientError, create_client, revoke_client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.api_clients", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="make a client and print its token")
    create.add_argument("name")
    create.add_argument("--scopes", nargs="+", required=True, choices=SCOPES)
    revoke = commands.add_parser("revoke", help="revoke a client's token")
    revoke.add_argument("name")
    commands.add_parser("list", help="list clients")
    arguments = parser.parse_args(argv)
    engine = make_engine(get_settings())
    try:
        with Session(engine) as db:
            if arguments.command == "create":
                client, token = create_client(db, arguments.name, arguments.scopes)
                print(f"Client {client.name} ({client.scopes}). Token (shown once, keep it secret):\n{token}")
            elif arguments.command == "revoke":
                client = revoke_client(db, arguments.name)
                print(f"Client {client.name} revoked at {client.revoked_at:%Y-%m-%d %H:%M} UTC")
            else:
                for client in db.exec(select(ApiClient).order_by(ApiClient.name)).all():
                    state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
                    print(f"{client.name}\t{client.scopes}\t{state}")
    except ClientError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
