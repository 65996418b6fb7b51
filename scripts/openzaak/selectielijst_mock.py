"""An offline stand-in for the Selectielijst API (https://selectielijst.openzaak.nl/api/v1/),
served from Open Zaak's own test fixtures, for the interop suite's Open Zaak.

Open Zaak validates a resultaattype's ``selectielijstklasse`` and
``resultaattypeomschrijving`` against this public API; the test machine reaches only the
package registries, so ``scripts/start-openzaak.sh`` runs this on 127.0.0.1:8142.

Usage: python selectielijst_mock.py PORT OPEN_ZAAK_SOURCE_DIR
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
SRC = sys.argv[2]
FILES = os.path.join(SRC, "src/openzaak/selectielijst/tests/files")
BASE = f"http://127.0.0.1:{PORT}"


def load(name):
    with open(os.path.join(FILES, name)) as handle:
        raw = handle.read().replace("https://selectielijst.openzaak.nl", BASE)
    data = json.loads(raw)
    return data["results"] if isinstance(data, dict) else data


DATA = {key: load(f"{key}.json") for key in ("procestypen", "resultaten", "resultaattypeomschrijvingen")}
INDEX = {item["url"].rstrip("/").split("/")[-1]: item for items in DATA.values() for item in items}
with open(os.path.join(FILES, "selectielijst.yaml"), "rb") as handle:
    SPEC = handle.read()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?")[0].rstrip("/")
        parts = path.split("/")  # ['', 'api', 'v1', collection, uuid?]
        body = None
        if path.endswith("openapi.yaml"):
            return self._send(200, SPEC, "application/yaml")
        if len(parts) == 4 and parts[3] in DATA:
            items = DATA[parts[3]]
            body = (
                items
                if parts[3] != "resultaten"
                else {"count": len(items), "next": None, "previous": None, "results": items}
            )
        elif len(parts) == 5 and parts[4] in INDEX:
            body = INDEX[parts[4]]
        if body is None:
            return self._send(404, b'{"detail":"not found"}')
        return self._send(200, json.dumps(body).encode())

    def _send(self, code, data, content_type="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
