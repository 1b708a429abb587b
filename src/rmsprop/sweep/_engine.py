"""What the sweep asks of the batch engine, :mod:`rmsprop._batch`: every call into its internals, in one place.

``_batch`` is being rewritten; these four functions are what a new one must offer the sweep.
"""

from __future__ import annotations

from typing import Any

from ..objectives import Objective
from ._grid import RULE

__all__ = ["compiled_name", "compiled_engine", "check_rule_settings", "physical_memory"]


def compiled_name(objective: Objective) -> str | None:
    """The catalogue name ``minimize_many`` knows this objective by (its own formula and gradient), or ``None``."""
    from .. import _batch

    return _batch._compiled_name(objective)


def compiled_engine(objective: Objective, flavor: str, options: dict) -> bool:
    """Whether ``minimize_many`` runs these rows on its compiled (Numba, parallel) engine."""
    if flavor != RULE or options.get("arithmetic", "seed") != "seed":
        return False
    from .. import _batch

    name = _batch._compiled_name(objective)
    if name is None:
        return False
    kernels = _batch._kernels()
    return kernels is not None and name in kernels.OBJECTIVES


def check_rule_settings(learning_rate: Any, decay: Any, eps: Any, options: dict, runs: int) -> None:
    """Check the rule's per-run settings as ``minimize_many`` will: its TypeError or ValueError, or nothing."""
    from .._batch import _settings

    _settings(learning_rate, decay, eps, options, runs)


def physical_memory() -> int | None:
    """This machine's memory in bytes, or ``None`` when it cannot be told."""
    from .._batch import _physical_memory

    return _physical_memory()
