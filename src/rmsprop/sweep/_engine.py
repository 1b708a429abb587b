"""What the sweep asks of the batch engine, :mod:`rmsprop._batch`, in one place."""

from __future__ import annotations

from typing import Any

from ..objectives import Objective
from ._grid import RULE

__all__ = ["compiled_name", "compiled_engine", "check_rule_settings", "physical_memory"]


def compiled_name(objective: Objective) -> str | None:
    """The catalogue name ``minimize_many`` knows this objective by (its own formula and gradient), or ``None``."""
    from .._batch_problem import compiled_name as name_of

    return name_of(objective)


def compiled_engine(objective: Objective, flavor: str, options: dict) -> bool:
    """Whether ``minimize_many`` runs these rows on its compiled (Numba, parallel) engine."""
    if flavor != RULE:
        return False
    from .._batch import compiled_objectives_available

    name = compiled_name(objective)
    return name is not None and compiled_objectives_available(name)


def check_rule_settings(learning_rate: Any, decay: Any, eps: Any, options: dict, runs: int) -> None:
    """Check the rule's per-run settings as ``minimize_many`` will: its TypeError or ValueError, or nothing."""
    from .._batch import check_settings

    check_settings(learning_rate, decay, eps, options, runs)


def physical_memory() -> int | None:
    """This machine's memory in bytes, or ``None`` when it cannot be told."""
    from .._batch import physical_memory as memory

    return memory()
