"""The shape of the code, checked on every test run: the import-linter contracts in
pyproject.toml ([tool.importlinter]: a pure domain, models below services, routes that ask
services instead of querying models, no route importing another, nothing in the product
importing dev tooling), ruff's lint rules and mypy --strict on portal/domain and
portal/services. `make lint` runs the same three commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from portal.config import PROJECT_ROOT

BIN = Path(sys.executable).parent
RUFF_PATHS = ("portal", "devtools", "a11y", "bench", "scripts", "migrations", "tests")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_import_contracts_are_kept():
    result = run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = run(str(BIN / "ruff"), "check", "--no-cache", *RUFF_PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_domain_and_services():
    result = run(str(BIN / "mypy"), "--no-incremental", "--cache-dir", "/dev/null")
    assert result.returncode == 0, result.stdout + result.stderr
