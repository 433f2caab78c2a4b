"""What machine a benchmark ran on, printed beside every figure."""

from __future__ import annotations

from pathlib import Path


def cpu_model() -> str:
    """The processor's model name from /proc/cpuinfo (else the platform's description)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()
