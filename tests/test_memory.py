"""Issue 22: a served worker keeps two malloc arenas however many threads it runs
(portal/memory.py). Counted by glibc itself (``malloc_info``) in a fresh process whose
threads each allocate, with and without the limit; the test suite's own process has its
arenas already."""

from __future__ import annotations

import subprocess
import sys

from portal.config import PROJECT_ROOT

COUNT_ARENAS = """
import ctypes, ctypes.util, sys, tempfile, threading
from portal.memory import limit_malloc_arenas
if sys.argv[1] == "limit":
    assert limit_malloc_arenas()
kept = []
together = threading.Barrier(8)  # all threads alive at once, as in a worker's pool
def work():
    kept.append([bytearray(64 * 1024) for _ in range(20)])  # beyond pymalloc: glibc's malloc
    together.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile(suffix=".xml") as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(open(out.name).read().count("<heap nr="))
"""


def _arenas(mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", COUNT_ARENAS, mode], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_a_worker_keeps_two_malloc_arenas_however_many_threads_allocate():
    assert _arenas("limit") <= 2
    assert _arenas("default") > 2  # without the limit the same threads get arenas of their own
