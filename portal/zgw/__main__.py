"""Mirror-mode commands for a municipality's administrator:

python -m portal.zgw subscribe      register the webhook with the Notificaties API (idempotent)
python -m portal.zgw worker         handle stored notifications (run one or more; Ctrl+C stops)
python -m portal.zgw reconcile      refresh known parties and open cases (run e.g. hourly from cron)
python -m portal.zgw municipality   create the municipality from PORTAL_MUNICIPALITY_* on an empty
                                    database (the portal also does this when it starts)
"""

from __future__ import annotations

import argparse
import sys
import time

from portal.config import get_settings
from portal.db import make_engine
from portal.zgw.client import ZgwClient, ZgwError
from portal.zgw.notifications import process_pending
from portal.zgw.parties import reconcile
from portal.zgw.subscription import ensure_subscription


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal.zgw", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("subscribe", "worker", "reconcile", "municipality"))
    parser.add_argument("--once", action="store_true", help="worker: handle what is waiting, then stop")
    args = parser.parse_args(argv)
    settings = get_settings()
    if not settings.zgw_enabled:
        print("PORTAL_ZGW_ZAKEN_URL is not set: the portal is its own case store, nothing to do.", file=sys.stderr)
        return 2
    if args.command == "municipality":
        from sqlmodel import Session

        from portal.services.organisation import ensure_organisation

        with Session(make_engine(settings)) as db:
            organisation = ensure_organisation(db, settings)
        if organisation is None:
            print(
                "No municipality: set PORTAL_MUNICIPALITY_RSIN (9 digits) and PORTAL_MUNICIPALITY_NAME", file=sys.stderr
            )
            return 1
        print(f"Municipality: {organisation.name} (RSIN {organisation.rsin})")
        return 0
    client = ZgwClient.from_settings(settings)
    try:
        if args.command == "subscribe":
            created, url = ensure_subscription(client, settings)
            print(("Subscribed: " if created else "Already subscribed: ") + url)
        elif args.command == "reconcile":
            print(reconcile(make_engine(settings), client, settings.zgw_allowed_confidentiality))
        else:
            engine = make_engine(settings)
            while True:
                handled = process_pending(engine, client, settings.zgw_allowed_confidentiality)
                if args.once:
                    print(f"Handled {handled} notification(s)")
                    break
                if not handled:
                    time.sleep(2)
    except ZgwError as error:
        print(f"The case system could not be reached: {error.reason} {error.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
