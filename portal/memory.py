"""How many malloc arenas a worker keeps (issue 22: a worker's memory under load).

glibc gives each thread that allocates while another holds the lock an arena of its own, up
to eight per core, and rarely hands freed arena memory back. The routes and the session
lookups run in a pool of threads (``Settings.db_pool_size``, 10 by default), so one worker
could grow by 55 MB at 16 users: 142 → 206 MB in ``make bench`` at 1,000,000 cases, over
the 200 MB target. With two arenas the same run peaked at 151 MB; the threads take turns on
the GIL anyway, so they seldom wait for an arena.

Set in code, at the start of each worker and before its thread pool starts, so it holds
however the portal is started (``MALLOC_ARENA_MAX=2`` in the environment does the same).
Other C libraries (musl, macOS) have no such setting: nothing happens there.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """True when glibc took the limit."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name)
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None or not hasattr(libc, "gnu_get_libc_version"):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
