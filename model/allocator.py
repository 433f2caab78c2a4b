"""Keep freed chunk buffers in the process instead of returning them to the OS.

Each chunk allocates and frees arrays of a few MB. With glibc's default, dynamic
thresholds, freed memory at the top of the heap is trimmed back to the OS and every
new chunk page-faults it in again, which costs more than the arithmetic on small
arrays. Raising the trim and mmap thresholds once per process (the knobs behind the
MALLOC_TRIM_THRESHOLD_ / MALLOC_MMAP_THRESHOLD_ environment variables, which Dask also
recommends for its workers) lets chunks reuse the same pages. Peak memory is
unchanged; memory freed after a run is simply held until the process exits. On other
C libraries this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
TRIM_BYTES = 512 * 2**20
MMAP_BYTES = 64 * 2**20


@cache
def keep_freed_memory() -> bool:
    """Apply the thresholds once; returns whether the C library accepted them."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_BYTES)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_BYTES))
