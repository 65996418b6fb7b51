"""The simulator's signing key: RS256, generated into ``var_dir`` on first use
(never committed). Several workers may start at once, so the file is created
atomically and whoever comes second uses the first one's key."""

from __future__ import annotations

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path

from joserfc.jwk import KeySet, RSAKey

KEY_FILE = "simulator_signing_key.json"


@lru_cache
def signing_key(var_dir: Path) -> RSAKey:
    path = var_dir / KEY_FILE
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256", "kid": secrets.token_hex(8)})
        temporary = var_dir / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        temporary.write_text(json.dumps(key.as_dict(private=True)))
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)  # fails when another worker was first
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return RSAKey.import_key(json.loads(path.read_text()))


def public_jwks(var_dir: Path) -> dict:
    return KeySet([signing_key(var_dir)]).as_dict(private=False)
