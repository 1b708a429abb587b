"""What the sweep asks of the batch engine, :mod:`rmsprop._batch`, in one place."""

from __future__ import annotations

from typing import Any

from ..objectives import Objective

__all__ = ["compiled_name", "compiled_engine", "check_rule_settings", "physical_memory"]


def compiled_name(objective: Objective) -> str | None:
    """Return the catalogue name ``minimize_many`` knows this objective by (its own formula and gradient), or ``None``.

    Parameters
    ----------
    objective : Objective
        The sweep's objective.

    Returns
    -------
    str or None
        The name, for a catalogue objective; ``None`` for any other (a typed formula, a
        custom objective).

    Examples
    --------
    >>> from rmsprop import objectives
    >>> compiled_name(objectives.get("seed")), compiled_name(objectives.from_expression("5*x1**2 + 7*x2**2"))
    ('seed', None)
    """
    from .._batch_problem import compiled_name as name_of

    return name_of(objective)


def compiled_engine(objective: Objective, batch: bool) -> bool:
    """Tell whether ``minimize_many`` runs a group's rows on its compiled (Numba, parallel) engine.

    Parameters
    ----------
    objective : Objective
        The sweep's objective.
    batch : bool
        Whether ``minimize_many`` runs the group (:attr:`~._plan.Group.batch`: the rule, or a
        flavor that is the rule with some settings), not one ``minimize`` per run.

    Returns
    -------
    bool
        True for a batch group on a catalogue objective that the compiled kernels know,
        when Numba is there (and ``RMSPROP_DISABLE_JIT`` is not ``1``).

    Examples
    --------
    >>> from rmsprop import objectives
    >>> compiled_engine(objectives.get("seed"), False)
    False
    >>> compiled_engine(objectives.from_expression("x**2 + y**2"), True)
    False
    """
    if not batch:
        return False
    from .._compiled_runs import compiled_objectives_available

    name = compiled_name(objective)
    return name is not None and compiled_objectives_available(name)


def check_rule_settings(learning_rate: Any, decay: Any, eps: Any, options: dict, runs: int) -> None:
    """Check the rule's per-run settings as ``minimize_many`` will: its TypeError or ValueError, or nothing.

    Parameters
    ----------
    learning_rate, decay, eps : numpy.ndarray or None
        One value per run, or ``None`` for the default.
    options : dict
        The other options of :func:`rmsprop.rmsprop`.
    runs : int
        The number of runs.

    Raises
    ------
    TypeError, ValueError
        As ``minimize_many`` would for these settings.

    Examples
    --------
    >>> import numpy as np
    >>> check_rule_settings(np.array([0.01, 0.1]), np.array([0.9, 0.9]), None, {}, 2)
    >>> check_rule_settings(np.array([-0.1]), None, None, {}, 1)
    Traceback (most recent call last):
    ...
    ValueError: ...
    """
    from .._batch_inputs import check_settings

    check_settings(learning_rate, decay, eps, options, runs)


def physical_memory() -> int | None:
    """Return this machine's memory in bytes, or ``None`` when it cannot be told.

    Returns
    -------
    int or None
        The physical memory.

    Examples
    --------
    >>> memory = physical_memory()
    >>> memory is None or memory > 2**20
    True
    """
    from .._batch_inputs import physical_memory as memory

    return memory()
