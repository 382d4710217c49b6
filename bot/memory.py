"""Memory of this process: its peak, for the benchmark commands, and settling the heap after start-up."""

from __future__ import annotations

import gc
import resource
from pathlib import Path

_STATUS = Path("/proc/self/status")


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM is read first: Linux carries ru_maxrss across execve, so a child started from a large parent
    (pytest, a benchmark driver) would report the parent's peak instead of its own.
    """
    if _STATUS.exists():
        for line in _STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    # ru_maxrss is in kilobytes on Linux and bytes on macOS; /proc exists on the former anyway.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def settle_heap() -> None:
    """Collect once, then freeze what start-up built (modules, aiogram's pydantic schema objects, the
    knowledge base): it lives as long as the process, so the garbage collector need never walk it again
    (docs/performance.md)."""
    gc.collect()
    gc.freeze()
