"""Operator commands for the case listing (``portal.models.listing``), the derived table
"Mijn zaken" reads:

    python -m portal.listing check     # exit 1 when it differs from a rebuild
    python -m portal.listing rebuild   # recompute every row, in one transaction

The app keeps it up to date by itself; ``rebuild`` is for data written around the app
(a restore of only some tables, a bulk load with COPY, a hand-made SQL fix).
"""

from __future__ import annotations

import argparse
import sys

from portal.config import get_settings
from portal.db import make_engine
from portal.models.listing import expected_rows, rebuild, stored_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.listing", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check", "rebuild"])
    arguments = parser.parse_args(argv)
    engine = make_engine(get_settings())
    try:
        if arguments.command == "rebuild":
            with engine.begin() as connection:
                print(f"{rebuild(connection)} listing rows")
            return 0
        with engine.connect() as connection:
            stored, expected = stored_rows(connection), expected_rows(connection)
        if stored == expected:
            print(f"{len(stored)} listing rows, as a rebuild would give")
            return 0
        print(
            f"The listing differs from the cases: {len(stored - expected)} rows too many or stale, "
            f"{len(expected - stored)} missing. Run: python -m portal.listing rebuild",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
