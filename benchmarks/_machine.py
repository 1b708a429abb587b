"""What the benchmark scripts record about the machine they ran on (imported by each script)."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata


def version(name: str) -> str | None:
    """The installed version of distribution ``name``, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def cpu_model() -> str:
    """The processor's model name (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo") as stream:
            return next(line.split(":", 1)[1].strip() for line in stream if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


def machine_info(packages: tuple[str, ...]) -> dict:
    """CPUs (all and usable), the processor, the platform, Python, the versions of ``packages``
    (``rmsprop`` and NumPy always) and whether the kernels were switched off."""
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
        "python": sys.version,
        "versions": {name: version(name) for name in ("rmsprop", "numpy", *packages)},
        "rmsprop_disable_jit": os.environ.get("RMSPROP_DISABLE_JIT") == "1",
    }
