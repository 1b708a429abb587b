"""One chunk of a sweep: :func:`run_chunk`, a pure top-level function of a picklable :class:`ChunkTask`.

It runs the same in this process, in a spawned process or on a Dask worker, and gives the same
numbers wherever it runs.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import compat
from .._noise import GradientNoise, noise_of
from ._engine import compiled_engine
from ._grid import RULE, SETTINGS
from ._source import objective_of

__all__ = ["ChunkTask", "run_chunk"]


@dataclass(frozen=True)
class ChunkTask:
    """Everything one chunk needs: :func:`run_chunk` ``(task)`` computes its rows.

    ``objective`` is a catalogue or formula source (rebuilt, and cached, where the task
    runs) or an :class:`~rmsprop.objectives.Objective`; ``x0`` the starts of the chunk's
    rows, ``(n, d)`` float64; ``learning_rate``, ``decay``, ``eps`` one float64 per row,
    or ``None`` where the grid does not set them (the flavor's default then);
    ``options`` the group's other settings; ``batch`` whether :func:`rmsprop.minimize_many`
    runs the rows (the group's :attr:`~._plan.Group.batch`).

    Parameters
    ----------
    objective : Source or Objective
        The objective, or how to build it again (see :class:`~._source.Source`).
    flavor : str
        :data:`RULE` (this package's rule) or a name of :data:`rmsprop.compat.FLAVORS`.
    options : tuple of (str, object)
        The group's other settings, sorted by name.
    x0 : numpy.ndarray, shape (n, d)
        The starts of the chunk's rows, float64.
    learning_rate, decay, eps : numpy.ndarray or None
        One float64 per row, or ``None`` where the grid does not set it.
    maxiter : int
        The iterations at most per run.
    gtol : float
        The stopping tolerance.
    batch : bool
        Whether ``minimize_many`` runs the rows, else one ``minimize`` per row.
    seed : numpy.ndarray or None, optional
        The seed of each row's gradient noise (int64), where the grid has ``noise``; default ``None``.

    Examples
    --------
    >>> from rmsprop.sweep._plan import make_plan
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=5)
    >>> task = plan.task(plan.chunks[1], portable=True)
    >>> task.objective, task.x0.shape, task.learning_rate, task.eps
    (Source(kind='formula', text='5*x1**2 + 7*x2**2', dim=2), (5, 2), array([0.01, 0.1 , 0.1 , 0.1 , 0.1 ]), None)
    """

    objective: Any
    flavor: str
    options: tuple  # ((name, value), ...), sorted
    x0: np.ndarray
    learning_rate: np.ndarray | None
    decay: np.ndarray | None
    eps: np.ndarray | None
    maxiter: int
    gtol: float
    batch: bool
    seed: np.ndarray | None = None


# Numba's ``workqueue`` threading layer aborts the process on concurrent launches of a parallel
# kernel: threads of one process (a Dask worker with several threads) take turns on it.
_COMPILED_LOCK = threading.Lock()


def run_chunk(task: ChunkTask) -> dict:
    """The rows of one chunk: ``x`` (n, d) float64, ``fun`` (n,) float64, ``nit`` and ``status`` (n,) int64.

    Row ``i`` is ``rmsprop.minimize`` from ``task.x0[i]`` with row ``i``'s settings; the rule
    and every flavor that is the rule with some settings run as one :func:`rmsprop.minimize_many`
    batch (``flavor=``), Keras's clipping one ``minimize`` per row. Pure: the same task gives
    the same arrays wherever it runs.

    Parameters
    ----------
    task : ChunkTask
        The chunk.

    Returns
    -------
    dict
        ``x``, ``fun``, ``nit``, ``status`` (one row per run) and ``engine``, the engine
        that ran them (``"numba"`` or ``"numpy"`` for a batch, ``"minimize"`` one run at
        a time).

    Examples
    --------
    >>> from rmsprop.sweep._plan import make_plan
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=5)
    >>> rows = run_chunk(plan.task(plan.chunks[0], portable=True))
    >>> rows["x"].shape, rows["nit"], rows["engine"]
    ((5, 2), array([20, 20, 20, 20, 20]), 'numpy')
    """
    objective = objective_of(task.objective)
    options = dict(task.options)
    rows = task.x0.shape[0]
    scale, relative = options.pop("noise", None), options.pop("noise_relative", False)
    noise = noise_of(None if scale is None else GradientNoise(scale, relative))
    seeds = task.seed if noise is not None else None
    if task.batch:
        from .._batch import minimize_many

        settings = {name: getattr(task, name) for name in SETTINGS if getattr(task, name) is not None}
        flavor = None if task.flavor == RULE else task.flavor
        lock = _COMPILED_LOCK if compiled_engine(objective, task.batch) else contextlib.nullcontext()
        with lock:
            result = minimize_many(
                objective,
                task.x0,
                maxiter=task.maxiter,
                gtol=task.gtol,
                flavor=flavor,
                noise=noise,
                seed=seeds,
                **settings,
                **options,
            )
        return {
            "x": np.ascontiguousarray(result.x, dtype=np.float64),
            "fun": np.asarray(result.fun, np.float64),
            "nit": np.asarray(result.nit, np.int64),
            "status": np.asarray(result.status, np.int64),
            "engine": result.engine,
        }

    from .._minimize import minimize

    x = np.empty_like(task.x0, dtype=np.float64)
    fun = np.empty(rows)
    nit = np.empty(rows, np.int64)
    status = np.empty(rows, np.int64)
    optimizers: dict[tuple, Any] = {}
    for i in range(rows):
        settings = {name: float(getattr(task, name)[i]) for name in SETTINGS if getattr(task, name) is not None}
        key = tuple(settings.values())
        if key not in optimizers:  # rows of one combination are contiguous: one optimizer each
            optimizers.clear()
            optimizers[key] = compat.configure(task.flavor, **settings, **options)
        seed = None if seeds is None else int(seeds[i])
        result = minimize(
            objective,
            task.x0[i],
            optimizer=optimizers[key],
            maxiter=task.maxiter,
            gtol=task.gtol,
            noise=noise,
            seed=seed,
        )
        x[i], fun[i], nit[i], status[i] = result.x, result.fun, result.nit, result.status
    return {"x": x, "fun": fun, "nit": nit, "status": status, "engine": "minimize"}
