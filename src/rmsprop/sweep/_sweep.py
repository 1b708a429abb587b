"""The sweep: plan the chunks, load those ``out`` holds, run the others where ``executor`` says, build the table."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._noise import run_seeds
from ..objectives import Objective
from ._executors import connect, executor_kind, run_dask, run_local
from ._folder import ChunkFolder
from ._grid import unravel
from ._plan import Chunk, Plan, make_plan
from ._table import SweepTable, value_array

__all__ = ["sweep"]


def sweep(
    objective: Any,
    grid: Mapping[str, Any],
    starts: Any = 100,
    *,
    maxiter: int = 1000,
    gtol: float | None = None,
    seed: int = 0,
    executor: Any = None,
    out: Any = None,
    chunk_size: int | None = None,
    progress: Callable[[int, int], Any] | None = None,
    tol: float | None = None,
) -> SweepTable:
    """Run every combination of ``grid`` from every start; one row per run.

    Parameters
    ----------
    objective : Objective or str
        An :class:`~rmsprop.objectives.Objective`, a catalogue name (``"rosenbrock"``; with an
        array of starts of another width, that many coordinates), or a formula
        (:func:`rmsprop.objectives.from_expression`).
    grid : mapping
        Setting -> a value or a list of values. Keys: ``learning_rate``, ``decay``, ``eps``,
        ``flavor`` (``"rmsprop"``, this package's rule, by default, or a name of
        :data:`rmsprop.compat.FLAVORS`) and the other options of :func:`rmsprop.rmsprop`
        (``centered``, ``momentum``, ...). Every combination (the Cartesian product in the
        order ``learning_rate, decay, eps, flavor``, then the other keys sorted; the first
        varies slowest) runs from every start. A setting left out takes the flavor's default.
        ``noise`` (scales) and ``noise_relative`` (booleans) give the runs noisy gradients, as
        ``noise=GradientNoise(noise, noise_relative)`` of :func:`rmsprop.minimize`; run ``r``'s
        noise seed is :func:`rmsprop._noise.run_seeds` ``(seed, r)``, in the table's ``noise_seed``
        column (a function of the run's number alone: the same on any executor and chunk size).
    starts : int or array_like, shape (N, dim), optional
        A number ``N`` of starts, drawn uniformly in ``objective.domain`` by
        ``np.random.default_rng(seed)``, or an array ``(N, dim)`` of starts; default 100.
    maxiter : int, optional
        As ``maxiter`` of :func:`rmsprop.minimize`: the iterations at most per run; default 1000.
    gtol : float, optional
        As ``gtol`` of :func:`rmsprop.minimize`: a run stops when the largest
        gradient component in absolute value is at most ``gtol`` (default ``1e-5``; ``0`` runs all ``maxiter``).
    seed : int, optional
        The seed of the generator that draws the starts, and of the runs' noise, ``>= 0``; default 0.
    executor : None or distributed.Client or str, optional
        ``None`` (this machine, all its cores), a ``dask.distributed.Client``, or a scheduler
        address ``"tcp://host:port"`` (a client is opened and closed here).
    out : str or os.PathLike, optional
        A folder to save the sweep in as it goes (see :mod:`rmsprop.sweep`); a sweep started
        again with the same folder and spec computes only the chunks not saved yet.
    chunk_size : int, optional
        Runs per chunk (default :data:`DEFAULT_CHUNK_SIZE` for the rule and the flavors,
        :data:`DEFAULT_FLAVOR_CHUNK_SIZE` for Keras's clipping, run one ``minimize`` per
        run). Part of the spec.
    progress : callable, optional
        ``progress(done_runs, total_runs)``: called once before any work (with the runs
        loaded from ``out``) and after each chunk computed.
    tol : float, optional
        Deprecated (a DeprecationWarning): the old name of ``gtol``, which it stands for. Give
        one of them, not both.

    Returns
    -------
    SweepTable
        One row per run, run ``combination * N + start`` at index ``run`` (see
        :class:`SweepTable`); written to ``out`` too when given.

    Raises
    ------
    ValueError, TypeError
        Bad input (one line, before any work); ``out`` holding another sweep; both ``gtol``
        and ``tol`` given (TypeError).
    ImportError
        A cluster executor without dask.distributed installed.
    ConnectionError
        A scheduler address that cannot be reached.

    Examples
    --------
    Every combination of two learning rates and two decays, from three starts each:

    >>> table = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]}, starts=3,
    ...               maxiter=20)
    >>> len(table), table.names, table["combination"].tolist()
    (12, ('learning_rate', 'decay'), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3])
    >>> table.best()["learning_rate"], table.best()["decay"]
    (0.1, 0.9)

    Saved as it goes in ``out``; started again, it loads what was saved and computes
    nothing (``progress`` is told every run is done before any work):

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1]}, starts=3, maxiter=20,
    ...                   out=Path(folder, "out"), chunk_size=2)
    ...     calls = []
    ...     again = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1]}, starts=3, maxiter=20,
    ...                   out=Path(folder, "out"), chunk_size=2, progress=lambda done, total: calls.append(done))
    ...     print(len(list(Path(folder, "out", "chunks").iterdir())), Path(folder, "out", "sweep.csv").is_file(), calls)
    3 True [6]
    >>> bool((first["fun"] == again["fun"]).all())
    True
    """
    if tol is not None:
        if gtol is not None:
            raise TypeError("sweep() got both gtol and tol; tol is the deprecated name of gtol: give gtol only")
        warnings.warn("tol is deprecated; use gtol", DeprecationWarning, stacklevel=2)
        gtol = tol
    plan = make_plan(objective, grid, starts, maxiter, 1e-5 if gtol is None else gtol, seed, chunk_size)
    kind = executor_kind(executor)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable as progress(done_runs, total_runs); got {type(progress).__name__}")
    folder = ChunkFolder(out) if out is not None else None

    total, dim = plan.total, plan.starts.shape[1]
    x = np.full((total, dim), np.nan)
    fun = np.full(total, np.nan)
    nit = np.full(total, -1, np.int64)
    status = np.full(total, -1, np.int64)
    count = 0  # runs filled in
    pending = []
    if folder is not None:
        folder.open(plan)
    for chunk in plan.chunks:
        runs = plan.rows(chunk)[0]
        saved = folder.load(plan, chunk, runs) if folder is not None else None
        if saved is None:
            pending.append(chunk)
        else:
            x[runs], fun[runs], nit[runs], status[runs] = saved["x"], saved["fun"], saved["nit"], saved["status"]
            count += runs.size
    if progress is not None:
        progress(count, total)

    def done(chunk: Chunk, result: dict) -> None:
        nonlocal count
        runs = plan.rows(chunk)[0]
        if folder is not None:
            folder.save(plan, chunk, runs, result)
        x[runs], fun[runs], nit[runs], status[runs] = result["x"], result["fun"], result["nit"], result["status"]
        count += runs.size
        if progress is not None:
            progress(count, total)

    if pending:
        if kind == "local":
            run_local(plan, pending, done)
        elif kind == "client":
            run_dask(executor, plan, pending, done)
        else:
            client = connect(executor)
            try:
                run_dask(client, plan, pending, done)
            finally:
                client.close()
    table = _make_table(plan, x, fun, nit, status)
    if folder is not None:
        folder.write_table(table)
    return table


def _make_table(plan: Plan, x: np.ndarray, fun: np.ndarray, nit: np.ndarray, status: np.ndarray) -> SweepTable:
    """The table of a finished sweep: its columns in order (see :class:`SweepTable`)."""
    total, count = plan.total, plan.starts.shape[0]
    run = np.arange(total, dtype=np.int64)
    combination, start = run // count, run % count
    columns: dict[str, np.ndarray] = {"run": run, "combination": combination}
    index = unravel(combination, plan.shape)
    for i, key in enumerate(plan.keys):
        columns[key] = value_array(plan.values[key])[index[i]]
    columns["start"] = start
    if plan.noise_seed is not None:
        columns["noise_seed"] = run_seeds(plan.noise_seed, run)
    for j in range(x.shape[1]):
        columns[f"x0_{j + 1}"] = plan.starts[start, j]
    for j in range(x.shape[1]):
        columns[f"x_{j + 1}"] = x[:, j]
    columns["fun"], columns["nit"], columns["status"] = fun, nit, status
    columns["distance"] = _distances(plan.objective, x)
    return SweepTable(columns, plan.keys, spec=plan.spec)


def _distances(objective: Objective, x: np.ndarray) -> np.ndarray:
    """Each row's distance to the nearest known minimum; nan where none is known."""
    minima = np.asarray(objective.minima, dtype=np.float64)
    if minima.shape[0] == 0:
        return np.full(x.shape[0], np.nan)
    best = np.full(x.shape[0], np.inf)
    for point in minima:
        np.minimum(best, np.linalg.norm(x - point, axis=1), out=best)
    return best
