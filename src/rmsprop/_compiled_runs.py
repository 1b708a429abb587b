"""The Python side of the compiled runs: whether they may run here, and the tables of numbers they take.

Two engines run whole RMSprop runs in compiled code (:mod:`rmsprop._compiled`): the batch
engine of :func:`rmsprop.minimize_many` and the single run of :func:`rmsprop.minimize`. Both
run when Numba can be imported and the environment variable ``RMSPROP_DISABLE_JIT`` is not
``1`` (read at every call), on the catalogue objectives with a compiled formula, and both take
the step's numbers as the tables :func:`step_tables` builds from the rule's own
:func:`rmsprop.rule.step.scalars`, so that their numbers are the single run's.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import numpy as np

from .rule.settings import Settings
from .rule.step import SCALARS, scalars

__all__ = ["compiled_module", "compiled_objectives_available", "StepTables", "step_tables"]

_compiled_modules: Any = None  # the compiled package once imported; False when Numba is missing


def compiled_module() -> Any:
    """:mod:`rmsprop._compiled` with its run modules loaded, or ``None`` where the compiled runs may not run.

    Returns
    -------
    module or None
        The package (its ``batch``, ``single``, ``objectives`` and ``run_parts`` loaded), or
        ``None`` when Numba is missing or ``RMSPROP_DISABLE_JIT=1``.

    Examples
    --------
    >>> compiled_module().__name__
    'rmsprop._compiled'
    """
    global _compiled_modules
    if os.environ.get("RMSPROP_DISABLE_JIT", "") == "1":
        return None
    if _compiled_modules is None:
        try:
            from . import _compiled
            from ._compiled import batch, objectives, run_parts, single  # noqa: F401 - attributes of the package
        except ImportError:  # no Numba: the NumPy engines run everything
            _compiled_modules = False
        else:
            _compiled_modules = _compiled
    return _compiled_modules or None


def compiled_objectives_available(name: str) -> bool:
    """Whether the compiled runs can run the catalogue objective ``name`` here.

    Parameters
    ----------
    name : str
        A catalogue name.

    Returns
    -------
    bool
        True where Numba can be imported, ``RMSPROP_DISABLE_JIT`` is not ``1`` and ``name`` has a compiled formula.

    Examples
    --------
    >>> compiled_objectives_available("rastrigin")  # NumPy's sin and cos: the NumPy engine's
    False
    >>> compiled_objectives_available("rosenbrock")
    True
    """
    module = compiled_module()
    return module is not None and name in module.objectives.OBJECTIVES


class StepTables(NamedTuple):
    """The step's numbers as a compiled run reads them (:func:`rmsprop._compiled.run_parts.scalars_at`).

    Parameters
    ----------
    rates : numpy.ndarray
        ``(rows, 4)`` in the data's dtype: the columns ``RATES`` (``lr, neg_lr, lr_weight_decay,
        keras_decay_factor``), one row per rate (per run, per step, or one for all).
    per_run : numpy.ndarray
        ``(rows, 3)``: ``decay, one_minus_decay, eps``, one row per run (or one for all).
    shared : numpy.ndarray
        ``(3,)``: ``momentum, weight_decay, clip_value``.
    """

    rates: np.ndarray
    per_run: np.ndarray
    shared: np.ndarray


def step_tables(rule: Settings, lr: Any, decay: Any, eps: Any, dtype: Any) -> StepTables:
    """The tables of the step's numbers for rates ``lr`` and per-run ``decay`` and ``eps``, in ``dtype``.

    Each number is :func:`rmsprop.rule.step.scalars`' (formed in float64, then rounded), so a
    compiled run takes the steps of the NumPy form.

    Parameters
    ----------
    rule : Settings
        The rule's settings (those of every run, ``decay`` and ``eps`` aside).
    lr : float or numpy.ndarray
        The rate, or one per row of the ``rates`` table (per run, or per step of a schedule).
    decay, eps : numpy.ndarray
        1-D float64: one value per run, or one for all (of equal lengths).
    dtype : numpy.dtype
        The runs' precision.

    Returns
    -------
    StepTables
        The three tables, C-contiguous.

    Examples
    --------
    >>> import numpy as np
    >>> tables = step_tables(Settings(), np.array([0.1, 0.05]), np.array([0.9]), np.array([1e-8]), np.float32)
    >>> tables.rates.tolist()
    [[0.10000000149011612, -0.10000000149011612, 0.0, 1.0], [0.05000000074505806, -0.05000000074505806, 0.0, 1.0]]
    >>> tables.per_run.dtype, tables.per_run.shape
    (dtype('float32'), (1, 3))
    """
    from ._compiled.run_parts import PER_RUN, RATES, SHARED

    dtype = np.dtype(dtype)
    by_rate = dict(zip(SCALARS, scalars(rule, lr, 1.0, None, None, dtype)))
    by_run = dict(zip(SCALARS, scalars(rule, 0.0, 1.0, None, None, dtype, decay=decay, eps=eps)))

    def table(source: dict, names: tuple) -> np.ndarray:
        columns = np.broadcast_arrays(*(source[name] for name in names))
        return np.ascontiguousarray(np.stack(columns, axis=-1).reshape(-1, len(names)))

    return StepTables(table(by_rate, RATES), table(by_run, PER_RUN), np.array([by_run[n] for n in SHARED], dtype))
