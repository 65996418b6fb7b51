"""How `make test` runs the suite. The long modules start first on several cores: a small
suite (two files of quick tests, one file marked long at the end of the collection) run
with the Makefile's own pytest-xdist options and our ordering hook (tests/collection.py).
And the processes it starts may keep Python's compiled bytecode."""

from __future__ import annotations

import re
import subprocess
import sys

from portal.config import PROJECT_ROOT

QUICK = "import time\n\n" + "".join(f"def test_{n}():\n    time.sleep(0.2)\n\n" for n in range(6))
LONG = "import time\n\nimport pytest\n\npytestmark = pytest.mark.long\n\n\ndef test_long():\n    time.sleep(1)\n"
RECORD = """import os, time

def pytest_runtest_logstart(nodeid, location):
    with open(os.environ["ORDER_FILE"], "a") as out:
        out.write(f"{time.monotonic()} {nodeid}\\n")
"""


def makefile_xdist_options() -> list[str]:
    recipe = re.search(r"^test: .*\n\t(.*)$", (PROJECT_ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    return [word for word in recipe.split() if word.startswith("--") and word != "--dist"] + ["--dist", "loadfile"]


def test_modules_marked_long_are_handed_out_first(tmp_path):
    (tmp_path / "test_a_quick.py").write_text(QUICK)
    (tmp_path / "test_b_quick.py").write_text(QUICK)
    (tmp_path / "test_z_long.py").write_text(LONG)
    (tmp_path / "record.py").write_text(RECORD)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    long: a long module\n")
    order = tmp_path / "order.txt"
    options = makefile_xdist_options()
    assert "--no-loadscope-reorder" in options
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", *options, "-p", "tests.collection", "-p", "record", "-q"],
        cwd=tmp_path,
        env={"PYTHONPATH": f"{PROJECT_ROOT}:{tmp_path}", "ORDER_FILE": str(order), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    started = [
        line.split(" ", 1)[1]
        for line in sorted(order.read_text().splitlines(), key=lambda entry: float(entry.split()[0]))
    ]
    # The long file is one of the two first files handed out (one per worker), not the last.
    first_files = list(dict.fromkeys(nodeid.split("::")[0] for nodeid in started))[:2]
    assert "test_z_long.py" in first_files, started


def test_the_makefile_lets_python_keep_its_bytecode(tmp_path):
    """A PYTHONDONTWRITEBYTECODE in the caller's environment made every process the suite
    starts compile the app and its libraries again (8 CPU-seconds per import instead of 3).
    A recipe of the Makefile runs without it."""
    probe = tmp_path / "probe.mk"
    probe.write_text(f'include {PROJECT_ROOT / "Makefile"}\nprobe:\n\t@echo "[$$PYTHONDONTWRITEBYTECODE]"\n')
    result = subprocess.run(
        ["make", "-s", "-f", str(probe), "probe"],
        cwd=PROJECT_ROOT,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
