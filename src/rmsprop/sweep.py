"""Hyperparameter sweeps: every combination of a grid of settings, from every start, as one table.

>>> from rmsprop.sweep import sweep, parse_range                      # doctest: +SKIP
>>> table = sweep("rosenbrock", {"learning_rate": parse_range("1e-3:1:25:log"),
...                              "decay": parse_range("0.5,0.9,0.99")}, starts=100)
>>> table.best()                                                       # doctest: +SKIP
{'learning_rate': ..., 'decay': ..., 'combination': ..., 'fun': ...}

Run ``combination * N + start`` of the table is :func:`rmsprop.minimize` from start
``start`` (of ``N``) with the settings of combination ``combination`` (the Cartesian product
of the grid, in the order ``learning_rate, decay, eps, flavor``, then the other keys sorted;
the first key varies slowest), ``maxiter`` and ``gtol=tol``: bit for bit where
:func:`rmsprop.minimize_many`'s table says its rows are (the seed objective, Rosenbrock,
and on the compiled engine every catalogue objective it compiles). A library flavor
(``grid["flavor"]``, a name of :data:`rmsprop.compat.FLAVORS`) is
``minimize(..., optimizer=compat.configure(flavor, learning_rate=..., decay=..., eps=...,
**options))``, run by that very call, so it is exact everywhere.

How the work is split
---------------------
The runs are cut into *chunks*: a chunk belongs to one *group* (one flavor and one value of
each option other than ``learning_rate``, ``decay`` and ``eps``) and is a contiguous range of
the group's ``(combination, start)`` pairs, combination-major; at most ``chunk_size`` runs
(default :data:`DEFAULT_CHUNK_SIZE` for this package's rule, :data:`DEFAULT_FLAVOR_CHUNK_SIZE`
for a library flavor, which runs one ``minimize`` per run). The cut depends on the sweep's
spec alone, never on the machine, so a chunk saved by one machine is the chunk another would
compute. A chunk is computed by :func:`_run_chunk`, one pure top-level function of picklable
arguments (a :class:`ChunkTask`: the objective as its catalogue name and dimension or its
formula, or the object itself when it is neither; the starts and per-run settings of the
chunk's rows) returning plain arrays, so it runs the same in this process, in a spawned
process or on a Dask worker, and gives the same numbers wherever it runs.

Where the chunks run (``executor``)
-----------------------------------
* ``None``: on this machine. Chunks on the compiled engine of :func:`rmsprop.minimize_many`
  run here one after the other: its kernel is parallel over all cores already (Numba's
  ``prange``, and it releases the GIL), and running two at once from threads would
  oversubscribe the cores, and abort the process under Numba's ``workqueue`` threading
  layer, which refuses concurrent launches. The other chunks (the NumPy engine, library
  flavors), which hold the GIL most of the time, go to a pool of spawned processes, one per
  core, when there are two or more of them and enough work to repay starting the processes
  (about :data:`POOL_MIN_SECONDS` by a rough estimate); otherwise they too run here. As with
  any use of ``multiprocessing``, a script that starts a sweep must guard it with
  ``if __name__ == "__main__":``.
* a ``dask.distributed.Client``, or a scheduler address such as ``"tcp://host:8786"`` (a
  client is then opened and closed here): one task per chunk (``client.submit``), gathered
  with ``distributed.as_completed``. Results are written to ``out`` here, on the client side,
  one per chunk, so a task that Dask runs again (its worker died) can never add rows twice.
  The workers need this package (and Numba, for the compiled engine: a worker without it
  runs the NumPy engine, whose rows differ in the last bit for a few objectives).

Saving and restarting (``out``)
-------------------------------
``out/sweep.json`` holds the spec (objective, grid, the starts' count, dimension, seed and
SHA-256, ``maxiter``, ``tol``, the chunk sizes, the format's version). Each finished chunk
is ``out/chunks/chunk-000012.npz`` (written atomically, read with ``allow_pickle=False``):
``meta`` (JSON: the spec's SHA-256, the chunk's index and runs, a SHA-256 of its arrays),
``runs``, ``x``, ``fun``, ``nit``, ``status``. A sweep started again with the same folder and
spec loads every chunk that reads back whole and matches, and computes the others (a damaged
file is recomputed, not trusted); another spec in the folder is refused. At the end the table
is written to ``out/sweep.csv`` (and ``out/sweep.parquet`` when pyarrow can be imported).
One sweep at a time per folder.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.util
import io
import itertools
import json
import math
import numbers
import os
import re
import threading
import uuid
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from . import compat
from ._atomic import atomic_path, remove_leftovers, target_path, write_atomically
from ._rmsprop import OPTION_NAMES
from ._validate import in_range
from .objectives import Objective

__all__ = [
    "sweep",
    "SweepTable",
    "parse_range",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_FLAVOR_CHUNK_SIZE",
    "POOL_MIN_SECONDS",
    "RULE",
    "AGGREGATES",
]

#: ``grid["flavor"]`` for this package's rule, :func:`rmsprop.rmsprop` (the default).
RULE = "rmsprop"
#: Runs per chunk for this package's rule (``minimize_many`` runs a chunk as one batch).
DEFAULT_CHUNK_SIZE = 50_000
#: Runs per chunk for a library flavor (one ``minimize`` per run: about 30 us per iteration).
DEFAULT_FLAVOR_CHUNK_SIZE = 1_000
#: Local chunks off the compiled engine go to a process pool when they add up to this many seconds (a rough guess).
POOL_MIN_SECONDS = 3.0

FORMAT = "rmsprop-sweep"
CHUNK_FORMAT = "rmsprop-sweep-chunk"
VERSION = 1

#: The settings that vary per run inside a chunk; the other grid keys make the groups.
SETTINGS = ("learning_rate", "decay", "eps")
#: Every key a grid may have.
GRID_KEYS = SETTINGS + ("flavor",) + tuple(OPTION_NAMES)

_CHUNK_NAME = re.compile(r"chunk-(\d{6,})\.npz")
_CHUNK_LEFTOVER = re.compile(r"\.chunk-\d{6,}-[0-9a-f]{8}\.tmp\.npz")
# What reading a damaged or foreign chunk file can raise (zipfile, zlib, numpy.lib.format, json).
_READ_ERRORS = (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, RuntimeError, NotImplementedError,
                MemoryError, zipfile.BadZipFile, zlib.error)
_INSTALL_DASK = 'running a sweep on a Dask cluster needs dask.distributed: pip install "rmsprop[cluster]"'


# ======================================================================================
# The chunk: one pure function of picklable arguments
# ======================================================================================


class _Source(NamedTuple):
    """How to build the objective again anywhere: ``("catalogue", name, dim)`` or ``("formula", text, dim)``."""

    kind: str
    text: str
    dim: int


@dataclass(frozen=True)
class ChunkTask:
    """Everything one chunk needs: :func:`_run_chunk` ``(task)`` computes its rows.

    ``objective`` is a catalogue or formula source (rebuilt, and cached, where the task
    runs) or an :class:`~rmsprop.objectives.Objective`; ``x0`` the starts of the chunk's
    rows, ``(n, d)`` float64; ``learning_rate``, ``decay``, ``eps`` one float64 per row,
    or ``None`` where the grid does not set them (the flavor's default then);
    ``options`` the group's other settings.
    """

    objective: Any
    flavor: str
    options: tuple  # ((name, value), ...), sorted
    x0: np.ndarray
    learning_rate: np.ndarray | None
    decay: np.ndarray | None
    eps: np.ndarray | None
    maxiter: int
    tol: float


# Numba's ``workqueue`` threading layer aborts the process on concurrent launches of a parallel
# kernel: threads of one process (a Dask worker with several threads) take turns on it.
_COMPILED_LOCK = threading.Lock()


def _run_chunk(task: ChunkTask) -> dict:
    """The rows of one chunk: ``x`` (n, d) float64, ``fun`` (n,) float64, ``nit`` and ``status`` (n,) int64.

    Row ``i`` is ``rmsprop.minimize`` from ``task.x0[i]`` with row ``i``'s settings; the rule
    runs as one :func:`rmsprop.minimize_many` batch, a library flavor one ``minimize`` per row.
    Pure: the same task gives the same arrays wherever it runs.
    """
    objective = _objective_of(task.objective)
    options = dict(task.options)
    rows = task.x0.shape[0]
    if task.flavor == RULE:
        from ._batch import minimize_many

        settings = {name: getattr(task, name) for name in SETTINGS if getattr(task, name) is not None}
        lock = _COMPILED_LOCK if _compiled_engine(objective, task.flavor, options) else _NO_LOCK
        with lock:
            result = minimize_many(objective, task.x0, maxiter=task.maxiter, gtol=task.tol, **settings, **options)
        return {"x": np.ascontiguousarray(result.x, dtype=np.float64), "fun": np.asarray(result.fun, np.float64),
                "nit": np.asarray(result.nit, np.int64), "status": np.asarray(result.status, np.int64),
                "engine": result.engine}

    from ._minimize import minimize

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
        result = minimize(objective, task.x0[i], optimizer=optimizers[key], maxiter=task.maxiter, gtol=task.tol)
        x[i], fun[i], nit[i], status[i] = result.x, result.fun, result.nit, result.status
    return {"x": x, "fun": fun, "nit": nit, "status": status, "engine": "minimize"}


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


_NO_LOCK = _NoLock()


def _objective_of(source: Any) -> Objective:
    if isinstance(source, _Source):
        return _rebuilt(source.kind, source.text, source.dim)
    return source


@functools.lru_cache(maxsize=16)
def _rebuilt(kind: str, text: str, dim: int) -> Objective:
    """A catalogue objective or a typed formula, built again (once per process)."""
    from . import objectives

    if kind == "catalogue":
        return objectives.get(text, dim=dim)
    return objectives.from_expression(text)


def _compiled_engine(objective: Objective, flavor: str, options: dict) -> bool:
    """Whether ``minimize_many`` runs these rows on its compiled (Numba, parallel) engine."""
    if flavor != RULE or options.get("arithmetic", "seed") != "seed" or not isinstance(objective, Objective):
        return False
    from . import _batch

    name = _batch._compiled_name(objective)
    if name is None:
        return False
    kernels = _batch._kernels()
    return kernels is not None and name in kernels.OBJECTIVES


# ======================================================================================
# Checking the inputs and planning the chunks
# ======================================================================================


class _Group(NamedTuple):
    """One flavor and one value of each other option: the combinations that can share a batch."""

    flavor: str
    options: tuple  # ((name, value), ...), sorted
    combinations: np.ndarray  # int64, increasing
    chunk_size: int


class _Chunk(NamedTuple):
    index: int
    group: int
    first: int  # position in the group's (combination, start) pairs, combination-major
    stop: int


@dataclass
class _Plan:
    objective: Objective
    source: _Source | None  # None: a custom objective, sent as itself
    keys: tuple
    values: dict  # key -> list of values
    shape: tuple
    starts: np.ndarray  # (N, d) float64
    maxiter: int
    tol: float
    groups: list
    chunks: list
    spec: dict
    digest: str

    @property
    def total(self) -> int:
        return int(math.prod(self.shape)) * self.starts.shape[0]

    def rows(self, chunk: _Chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(runs, combinations, starts)`` of the chunk's rows."""
        group = self.groups[chunk.group]
        position = np.arange(chunk.first, chunk.stop, dtype=np.int64)
        count = self.starts.shape[0]
        combinations = group.combinations[position // count]
        start = position % count
        return combinations * count + start, combinations, start

    def task(self, chunk: _Chunk, portable: bool) -> ChunkTask:
        group = self.groups[chunk.group]
        _, combinations, start = self.rows(chunk)
        index = _unravel(combinations, self.shape)
        per_run = {}
        for name in SETTINGS:
            if name in self.keys:
                per_run[name] = np.array(self.values[name], dtype=np.float64)[index[self.keys.index(name)]]
            else:
                per_run[name] = None
        objective = self.source if portable and self.source is not None else self.objective
        return ChunkTask(objective, group.flavor, group.options, np.ascontiguousarray(self.starts[start]),
                         maxiter=self.maxiter, tol=self.tol, **per_run)

    def cost(self, chunk: _Chunk) -> float:
        """A rough guess of the chunk's seconds (for deciding whether a process pool pays)."""
        runs = chunk.stop - chunk.first
        if self.groups[chunk.group].flavor != RULE:
            return runs * self.maxiter * 3e-5
        return self.maxiter * (1e-4 + runs * self.starts.shape[1] * 5e-8)


def _plan(objective: Any, grid: Any, starts: Any, maxiter: Any, tol: Any, seed: Any, chunk_size: Any) -> _Plan:
    """Check every input (one-line errors, before any work) and cut the runs into chunks."""
    if isinstance(maxiter, bool) or not isinstance(maxiter, (int, np.integer)) or maxiter < 0:
        raise ValueError(f"maxiter must be an integer >= 0; got {maxiter!r}")
    maxiter = int(maxiter)
    try:
        tol = in_range("tol", tol, 0.0)
    except TypeError as error:
        raise ValueError(str(error)) from None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
    seed = int(seed)
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer))
                                   or chunk_size < 1):
        raise ValueError(f"chunk_size must be an integer >= 1 (or None for the defaults); got {chunk_size!r}")

    count = _start_count(starts)
    objective, source, identity = _objective(objective, None if count is not None else _start_dim(starts))
    if count is not None:
        lo, hi = np.array(objective.domain, dtype=np.float64).T
        x0 = np.random.default_rng(seed).uniform(lo, hi, size=(count, objective.dim))
    else:
        x0 = _start_array(starts, objective)
    keys, values = _grid(grid)
    shape = tuple(len(values[key]) for key in keys)
    _check_size(math.prod(shape) * x0.shape[0], x0.shape[1], len(keys))

    groups = _groups(keys, values, shape, chunk_size)
    for group in groups:
        _check_group(group, keys, values, shape)
    chunks = []
    for g, group in enumerate(groups):
        pairs = group.combinations.size * x0.shape[0]
        for first in range(0, pairs, group.chunk_size):
            chunks.append(_Chunk(len(chunks), g, first, min(first + group.chunk_size, pairs)))

    spec = {
        "format": FORMAT,
        "version": VERSION,
        "objective": identity,
        "grid": {key: list(values[key]) for key in keys},  # None, bools, ints, finite floats, strings
        "starts": {"count": int(x0.shape[0]), "dim": int(x0.shape[1]), "seed": seed if count is not None else None,
                   "sha256": hashlib.sha256(np.ascontiguousarray(x0, dtype="<f8").tobytes()).hexdigest()},
        "maxiter": maxiter,
        "tol": tol,
        "chunk_size": {"rule": int(chunk_size or DEFAULT_CHUNK_SIZE),
                       "flavor": int(chunk_size or DEFAULT_FLAVOR_CHUNK_SIZE)},
    }
    spec = json.loads(json.dumps(spec, allow_nan=False))  # as it reads back from sweep.json
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return _Plan(objective, source, keys, values, shape, x0, maxiter, tol, groups, chunks, spec, digest)


def _start_count(starts: Any) -> int | None:
    """``starts`` as a number of starts to draw, or ``None`` for an array of starts."""
    if isinstance(starts, bool):
        raise ValueError(f"starts must be a number of starts (an int >= 1) or an array (N, dim); got {starts!r}")
    if isinstance(starts, (int, np.integer)):
        if starts < 1:
            raise ValueError(f"starts must be at least 1; got {starts}")
        return int(starts)
    return None


def _start_dim(starts: Any) -> int | None:
    shape = np.shape(starts) if isinstance(starts, (list, tuple, np.ndarray)) else ()
    return int(shape[1]) if len(shape) == 2 else None


def _start_array(starts: Any, objective: Objective) -> np.ndarray:
    try:
        x0 = np.array(starts)
    except (TypeError, ValueError):
        x0 = None
    if x0 is None or x0.dtype.kind not in "biuf":
        got = type(starts).__name__ if x0 is None else f"dtype {x0.dtype}"
        raise ValueError(f"starts must be a number of starts or an array (N, dim) of real numbers; got {got}")
    if x0.ndim != 2 or x0.shape[1] != objective.dim or x0.shape[0] == 0:
        raise ValueError(f"starts must have shape (N, {objective.dim}) with N >= 1 for objective "
                         f"{objective.name!r}; got shape {x0.shape}")
    x0 = np.ascontiguousarray(x0, dtype=np.float64)
    finite = np.isfinite(x0).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise ValueError(f"starts must be finite; row {row} is {x0[row].tolist()}")
    return x0


def _objective(objective: Any, dim: int | None) -> tuple[Objective, _Source | None, dict]:
    """The objective, how to build it again elsewhere (``None``: it must travel as itself), its identity."""
    from . import objectives

    if isinstance(objective, str):
        key = objective.replace("-", "_")
        if key in objectives.names():
            try:
                built = objectives.get(key, dim=dim)
            except ValueError:  # a width this objective cannot take: the starts' check below says so
                built = objectives.get(key)
            return built, _Source("catalogue", key, built.dim), {"kind": "catalogue", "name": key, "dim": built.dim}
        try:
            built = objectives.from_expression(objective)
        except ValueError as error:
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", objective.strip()):
                raise ValueError(f"unknown objective {objective!r}: not a catalogue name "
                                 f"({', '.join(objectives.names())}) nor a formula ({error})") from None
            raise
        return built, _Source("formula", objective, built.dim), {"kind": "formula", "formula": objective,
                                                                 "dim": built.dim}
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an rmsprop.objectives.Objective, a catalogue name or a formula; "
                        f"got {type(objective).__name__}")
    from . import _batch

    if _batch._compiled_name(objective) is not None:  # the catalogue's own formula and gradient
        return (objective, _Source("catalogue", objective.name, objective.dim),
                {"kind": "catalogue", "name": objective.name, "dim": objective.dim})
    if (objective.reference == "typed expression" and getattr(objective.f, "__module__", None) == _EXPRESSION
            and getattr(objective.grad, "__module__", None) == _EXPRESSION):
        return (objective, _Source("formula", objective.formula, objective.dim),
                {"kind": "formula", "formula": objective.formula, "dim": objective.dim})
    return objective, None, {"kind": "custom", "name": objective.name, "formula": objective.formula,
                             "dim": objective.dim}


_EXPRESSION = "rmsprop.objectives._expression.numpy_code"  # where from_expression makes f and grad


def _grid(grid: Any) -> tuple[tuple, dict]:
    """The grid's keys in sweep order and each key's list of values, checked."""
    if not isinstance(grid, Mapping):
        raise ValueError(f"grid must be a dict of setting -> value or list of values; got {type(grid).__name__}")
    for key in grid:
        if key not in GRID_KEYS:
            raise ValueError(f"unknown grid key {key!r}; the keys are: {', '.join(GRID_KEYS)}")
    keys = tuple(key for key in SETTINGS + ("flavor",) if key in grid)
    keys += tuple(sorted(key for key in grid if key not in keys))
    return keys, {key: _grid_values(key, grid[key]) for key in keys}


def _grid_values(key: str, given: Any) -> list:
    if isinstance(given, np.ndarray) and given.ndim > 1:
        raise ValueError(f"grid[{key!r}] must be a value or a 1-D list of values; got an array of shape {given.shape}")
    if isinstance(given, (set, frozenset, dict)) or (hasattr(given, "__next__") and not isinstance(given, str)):
        raise ValueError(f"grid[{key!r}] must be a value or a list of values (in order); got a {type(given).__name__}")
    if isinstance(given, (list, tuple, range)) or (isinstance(given, np.ndarray) and given.ndim == 1):
        values = list(given)
    else:
        values = [given.item() if isinstance(given, np.ndarray) else given]
    if not values:
        raise ValueError(f"grid[{key!r}] is empty; give at least one value")
    checked = [_grid_value(key, value) for value in values]
    seen = set()
    for value in checked:
        identity = (type(value).__name__, value)
        if identity in seen:
            raise ValueError(f"grid[{key!r}] lists {value!r} twice")
        seen.add(identity)
    return checked


def _grid_value(key: str, value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if key == "flavor":
        if value != RULE and value not in compat.FLAVORS:
            raise ValueError(f"unknown flavor {value!r} in grid['flavor']; choose from: "
                             f"{', '.join((RULE,) + tuple(compat.FLAVORS))}")
        return value
    if key in SETTINGS:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"grid[{key!r}] must hold numbers; got {value!r}")
        value = float(value)
    elif not (value is None or isinstance(value, (bool, int, float, str))):
        raise ValueError(f"grid[{key!r}] must hold numbers, booleans, strings or None; got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"grid[{key!r}] must hold finite numbers; got {value!r}")
    return value


def _check_size(runs: int, dim: int, keys: int) -> None:
    """Refuse a table that cannot fit in memory, before any work."""
    from ._batch import _physical_memory

    need = float(runs) * (8 * (2 * dim + 7 + keys))
    memory = _physical_memory()
    if memory is not None and need > memory:
        raise ValueError(f"a sweep of {runs} runs needs {need / 2**30:.3g} GiB for its table, more than this "
                         f"machine's {memory / 2**30:.3g} GiB; sweep fewer combinations or starts at a time")


def _unravel(combinations: np.ndarray, shape: tuple) -> tuple:
    """Each grid key's value index for each combination (nothing for an empty grid: one combination)."""
    return np.unravel_index(combinations, shape) if shape else ()


def _groups(keys: tuple, values: dict, shape: tuple, chunk_size: int | None) -> list[_Group]:
    combinations = np.arange(math.prod(shape), dtype=np.int64)
    index = _unravel(combinations, shape)
    grouping = [i for i, key in enumerate(keys) if key not in SETTINGS]
    if grouping:
        label = np.ravel_multi_index(tuple(index[i] for i in grouping), tuple(shape[i] for i in grouping))
    else:
        label = np.zeros_like(combinations)
    groups = []
    _, first = np.unique(label, return_index=True)
    for at in np.sort(first).tolist():  # in order of first appearance
        members = combinations[label == label[at]]
        chosen = {keys[i]: values[keys[i]][index[i][at]] for i in grouping}
        flavor = chosen.pop("flavor", RULE)
        size = chunk_size or (DEFAULT_CHUNK_SIZE if flavor == RULE else DEFAULT_FLAVOR_CHUNK_SIZE)
        groups.append(_Group(flavor, tuple(sorted(chosen.items())), members, int(size)))
    return groups


def _check_group(group: _Group, keys: tuple, values: dict, shape: tuple) -> None:
    """Build the optimizer of every combination of the group (as the chunks will), turning errors into one line."""
    index = _unravel(group.combinations, shape)
    per_run = {name: np.array(values[name], dtype=np.float64)[index[keys.index(name)]]
               for name in SETTINGS if name in keys}
    options = dict(group.options)
    if group.flavor == RULE:
        from ._batch import _settings

        try:
            _settings(per_run.get("learning_rate"), per_run.get("decay"), per_run.get("eps"), options,
                      group.combinations.size)
        except (TypeError, ValueError) as error:
            raise ValueError(f"grid: {_one_line(error)}") from None
        return
    for i in range(group.combinations.size):
        settings = {name: float(array[i]) for name, array in per_run.items()}
        try:
            compat.configure(group.flavor, **settings, **options)
        except (TypeError, ValueError) as error:
            shown = ", ".join(f"{name}={value!r}" for name, value in {**settings, **options}.items())
            raise ValueError(f"grid: flavor {group.flavor} with {shown or 'its defaults'}: "
                             f"{_one_line(error)}") from None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


# ======================================================================================
# The executors
# ======================================================================================


def _executor_kind(executor: Any) -> str:
    """``"local"``, ``"client"`` or ``"address"``, or a one-line TypeError; dask imported only where needed."""
    if executor is None:
        return "local"
    if isinstance(executor, str):
        if not executor.strip():
            raise ValueError("executor: the scheduler address is empty; give e.g. 'tcp://host:8786'")
        _distributed()
        return "address"
    if type(executor).__module__.split(".")[0] == "distributed":
        distributed = _distributed()
        if isinstance(executor, distributed.Client):
            return "client"
    raise TypeError(f"executor must be None (this machine), a dask.distributed.Client or a scheduler address "
                    f"such as 'tcp://host:8786'; got {type(executor).__name__}")


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ImportError(_INSTALL_DASK) from None
    return distributed


def _cpu_count() -> int:
    if hasattr(os, "process_cpu_count"):  # Python 3.13
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _run_local(plan: _Plan, pending: list[_Chunk], done: Callable[[_Chunk, dict], None]) -> None:
    """Run the chunks on this machine: compiled ones here (each uses every core), the others in spawned processes."""
    here, elsewhere = [], []
    for chunk in pending:
        group = plan.groups[chunk.group]
        compiled = _compiled_engine(plan.objective, group.flavor, dict(group.options))
        (here if compiled else elsewhere).append(chunk)
    workers = min(_cpu_count(), len(elsewhere))
    if workers < 2 or sum(plan.cost(chunk) for chunk in elsewhere) < POOL_MIN_SECONDS or not _picklable(plan):
        here, elsewhere = here + elsewhere, []
    for chunk in here:
        done(chunk, _run_chunk(plan.task(chunk, portable=False)))
    if not elsewhere:
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    queue = iter(elsewhere)  # a few chunks ahead of the workers, not every task in memory at once
    running: dict = {}
    finished = False
    try:
        for chunk in itertools.islice(queue, 2 * workers):
            running[pool.submit(_run_chunk, plan.task(chunk, portable=True))] = chunk
        while running:
            ready, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(ready, key=lambda future: running[future].index):
                chunk = running.pop(future)
                done(chunk, future.result())
                following = next(queue, None)
                if following is not None:
                    running[pool.submit(_run_chunk, plan.task(following, portable=True))] = following
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)


def _picklable(plan: _Plan) -> bool:
    """Whether the objective can go to a spawned process (a source always can; a custom object perhaps)."""
    if plan.source is not None:
        return True
    import pickle

    try:
        pickle.dumps(plan.objective)
    except Exception:  # noqa: BLE001 - lambdas, closures, ...: such an objective runs here
        return False
    return True


def _run_dask(client: Any, plan: _Plan, pending: list[_Chunk], done: Callable[[_Chunk, dict], None]) -> None:
    """One task per chunk on the cluster, gathered as they complete; written here, so each chunk lands once."""
    distributed = _distributed()
    if plan.source is None:
        try:
            import cloudpickle

            cloudpickle.dumps(plan.objective)
        except Exception as error:  # noqa: BLE001 - whatever cloudpickle raises
            raise TypeError(f"objective {plan.objective.name!r} cannot be sent to the cluster "
                            f"({_one_line(error)}); give a catalogue name or a formula") from None
    queue = iter(pending)  # a few chunks ahead of the workers: the scheduler never holds them all
    futures: dict = {}

    def submit(chunk: _Chunk) -> Any:
        key = f"rmsprop-sweep-chunk-{chunk.index:06d}-{uuid.uuid4().hex}"
        future = client.submit(_run_chunk, plan.task(chunk, portable=True), key=key, pure=False)
        futures[future] = chunk
        return future

    try:
        window = max(8, 2 * sum(client.nthreads().values()))
        for chunk in itertools.islice(queue, window):
            submit(chunk)
        completed = distributed.as_completed(list(futures), loop=client.loop)  # not only with the default client
        for future in completed:
            result = future.result()
            chunk = futures.pop(future)
            future.release()
            done(chunk, result)
            following = next(queue, None)
            if following is not None:
                completed.add(submit(following))
    finally:
        if futures:  # interrupted or failed: take back what is still queued or running
            client.cancel(list(futures))


# ======================================================================================
# The folder: sweep.json, chunks/chunk-000012.npz, sweep.csv
# ======================================================================================


class _Folder:
    def __init__(self, out: Any) -> None:
        if not isinstance(out, (str, os.PathLike)):
            raise TypeError(f"out must be a folder path (str or os.PathLike); got {type(out).__name__}")
        self.path = Path(os.fsdecode(os.fspath(out))).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"out: {str(self.path)!r} is not a folder")
        self.chunks = self.path / "chunks"
        self.spec_file = self.path / "sweep.json"

    def open(self, plan: _Plan) -> None:
        """Create the folder, or check that it holds this sweep; write ``sweep.json``."""
        try:
            self.chunks.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ValueError(f"out: cannot create {str(self.chunks)!r}: {error.strerror or error}") from None
        for name in ("sweep.json", "sweep.csv", "sweep.parquet"):  # what a writer killed mid-write left
            remove_leftovers(self.path / name)
        for leftover in self.chunks.iterdir():
            if _CHUNK_LEFTOVER.fullmatch(leftover.name) and leftover.is_file():
                leftover.unlink(missing_ok=True)
        if self.spec_file.exists():
            try:
                saved = json.loads(self.spec_file.read_text(encoding="utf-8"))
            except (OSError, ValueError, UnicodeDecodeError) as error:
                raise ValueError(f"out: {str(self.spec_file)!r} cannot be read ({_one_line(error)}); give another "
                                 "folder, or remove it") from None
            if not isinstance(saved, dict) or saved.get("format") != FORMAT:
                raise ValueError(f"out: {str(self.spec_file)!r} is not a sweep's spec; give another folder, "
                                 "or remove it")
            if saved != plan.spec:
                fields = [key for key in plan.spec if saved.get(key) != plan.spec[key]]
                fields += [key for key in saved if key not in plan.spec]
                raise ValueError(f"out: {str(self.path)!r} holds another sweep (its {', '.join(fields)} "
                                 f"{'differs' if len(fields) == 1 else 'differ'}); give another folder, or "
                                 "remove that one")
            return
        text = json.dumps(plan.spec, indent=1, allow_nan=False) + "\n"
        write_atomically(self.spec_file, lambda stream: stream.write(text.encode()))

    def chunk_file(self, chunk: _Chunk) -> Path:
        return self.chunks / f"chunk-{chunk.index:06d}.npz"

    def save(self, plan: _Plan, chunk: _Chunk, runs: np.ndarray, result: dict) -> None:
        arrays = {"runs": runs, **{name: result[name] for name in ("x", "fun", "nit", "status")}}
        meta = {"format": CHUNK_FORMAT, "version": VERSION, "spec": plan.digest, "chunk": chunk.index,
                "first_run": int(runs[0]), "runs": int(runs.size), "engine": str(result.get("engine")),
                "sha256": _digest(arrays)}
        arrays["meta"] = np.array(json.dumps(meta))
        write_atomically(self.chunk_file(chunk), lambda stream: np.savez(stream, allow_pickle=False, **arrays))

    def load(self, plan: _Plan, chunk: _Chunk, runs: np.ndarray) -> dict | None:
        """The chunk's saved rows when its file reads back whole and belongs to this sweep; else ``None``."""
        path = self.chunk_file(chunk)
        if not path.is_file():
            return None
        try:
            with open(path, "rb") as stream, np.load(stream, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in ("meta", "runs", "x", "fun", "nit", "status")}
            meta = json.loads(str(arrays.pop("meta")[()]))
        except _READ_ERRORS:
            return None
        dim = plan.starts.shape[1]
        expected = {"runs": ((runs.size,), np.int64), "x": ((runs.size, dim), np.float64),
                    "fun": ((runs.size,), np.float64), "nit": ((runs.size,), np.int64),
                    "status": ((runs.size,), np.int64)}
        if not isinstance(meta, dict) or meta.get("format") != CHUNK_FORMAT or meta.get("version") != VERSION:
            return None
        if meta.get("spec") != plan.digest or meta.get("chunk") != chunk.index:
            return None
        if any(arrays[name].shape != shape or arrays[name].dtype != dtype for name, (shape, dtype) in expected.items()):
            return None
        if not np.array_equal(arrays["runs"], runs) or meta.get("sha256") != _digest(arrays):
            return None
        return arrays

    def write_table(self, table: "SweepTable") -> None:
        table.to_csv(self.path / "sweep.csv")
        if importlib.util.find_spec("pyarrow") is not None:
            table.to_parquet(self.path / "sweep.parquet")


def _digest(arrays: dict) -> str:
    """SHA-256 of the chunk's arrays (names, dtypes, shapes and bytes, in a fixed order)."""
    digest = hashlib.sha256()
    for name in ("runs", "x", "fun", "nit", "status"):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


# ======================================================================================
# The sweep
# ======================================================================================


def sweep(
    objective: Any,
    grid: Mapping[str, Any],
    starts: Any = 100,
    *,
    maxiter: int = 1000,
    tol: float = 1e-5,
    seed: int = 0,
    executor: Any = None,
    out: Any = None,
    chunk_size: int | None = None,
    progress: Callable[[int, int], Any] | None = None,
) -> "SweepTable":
    """Run every combination of ``grid`` from every start; one row per run.

    Parameters
    ----------
    objective:
        An :class:`~rmsprop.objectives.Objective`, a catalogue name (``"rosenbrock"``; with an
        array of starts of another width, that many coordinates), or a formula
        (:func:`rmsprop.objectives.from_expression`).
    grid:
        Setting -> a value or a list of values. Keys: ``learning_rate``, ``decay``, ``eps``,
        ``flavor`` (``"rmsprop"``, this package's rule, by default, or a name of
        :data:`rmsprop.compat.FLAVORS`) and the other options of :func:`rmsprop.rmsprop`
        (``centered``, ``momentum``, ...). Every combination (the Cartesian product in the
        order ``learning_rate, decay, eps, flavor``, then the other keys sorted; the first
        varies slowest) runs from every start. A setting left out takes the flavor's default.
    starts:
        A number ``N`` of starts, drawn uniformly in ``objective.domain`` by
        ``np.random.default_rng(seed)``, or an array ``(N, dim)`` of starts.
    maxiter, tol:
        As ``maxiter`` and ``gtol`` of :func:`rmsprop.minimize`.
    executor:
        ``None`` (this machine, all its cores), a ``dask.distributed.Client``, or a scheduler
        address ``"tcp://host:port"`` (a client is opened and closed here).
    out:
        A folder to save the sweep in as it goes (see the module's docstring); a sweep started
        again with the same folder and spec computes only the chunks not saved yet.
    chunk_size:
        Runs per chunk (default :data:`DEFAULT_CHUNK_SIZE` for the rule,
        :data:`DEFAULT_FLAVOR_CHUNK_SIZE` for a library flavor). Part of the spec.
    progress:
        ``progress(done_runs, total_runs)``: called once before any work (with the runs
        loaded from ``out``) and after each chunk computed.

    Returns
    -------
    SweepTable

    Raises
    ------
    ValueError, TypeError
        Bad input (one line, before any work); ``out`` holding another sweep.
    ImportError
        A cluster executor without dask.distributed installed.
    """
    plan = _plan(objective, grid, starts, maxiter, tol, seed, chunk_size)
    kind = _executor_kind(executor)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable as progress(done_runs, total_runs); got {type(progress).__name__}")
    folder = _Folder(out) if out is not None else None

    total, dim = plan.total, plan.starts.shape[1]
    x = np.full((total, dim), np.nan)
    fun = np.full(total, np.nan)
    nit = np.full(total, -1, np.int64)
    status = np.full(total, -1, np.int64)
    filled = np.zeros(total, bool)
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
            filled[runs] = True
    count = int(filled.sum())
    if progress is not None:
        progress(count, total)

    def done(chunk: _Chunk, result: dict) -> None:
        nonlocal count
        runs = plan.rows(chunk)[0]
        if filled[runs].any():  # pragma: no cover - each chunk is handed over once
            raise RuntimeError(f"chunk {chunk.index} arrived twice")
        if folder is not None:
            folder.save(plan, chunk, runs, result)
        x[runs], fun[runs], nit[runs], status[runs] = result["x"], result["fun"], result["nit"], result["status"]
        filled[runs] = True
        count += runs.size
        if progress is not None:
            progress(count, total)

    if pending:
        if kind == "local":
            _run_local(plan, pending, done)
        elif kind == "client":
            _run_dask(executor, plan, pending, done)
        else:
            client = _connect(executor)
            try:
                _run_dask(client, plan, pending, done)
            finally:
                client.close()
    if not filled.all():  # pragma: no cover - every chunk is computed or loaded above
        raise RuntimeError(f"{int((~filled).sum())} runs of the sweep are missing")
    table = _table(plan, x, fun, nit, status)
    if folder is not None:
        folder.write_table(table)
    return table


def _connect(address: str) -> Any:
    distributed = _distributed()
    try:
        return distributed.Client(address, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ConnectionError(f"cannot reach the Dask scheduler at {address!r}: {_one_line(error)}") from None


def _table(plan: _Plan, x: np.ndarray, fun: np.ndarray, nit: np.ndarray, status: np.ndarray) -> "SweepTable":
    total, count = plan.total, plan.starts.shape[0]
    run = np.arange(total, dtype=np.int64)
    combination, start = run // count, run % count
    columns: dict[str, np.ndarray] = {"run": run, "combination": combination}
    index = _unravel(combination, plan.shape)
    for i, key in enumerate(plan.keys):
        columns[key] = _value_array(plan.values[key])[index[i]]
    columns["start"] = start
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


def _value_array(values: list) -> np.ndarray:
    """A grid key's values as one array: bool, int64, float64, str, or object (mixed, or with None)."""
    if all(isinstance(v, bool) for v in values):
        return np.array(values, dtype=bool)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.float64)
    if all(isinstance(v, str) for v in values):
        return np.array(values, dtype=str)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


# ======================================================================================
# The table
# ======================================================================================

#: The aggregates of :meth:`SweepTable.summary` and :meth:`SweepTable.best` by name (a callable works too).
AGGREGATES: dict[str, Callable[[np.ndarray], float]] = {
    "median": np.median,
    "mean": np.mean,
    "min": np.min,
    "max": np.max,
    "std": np.std,
    "count": lambda values: float(values.size),
}

_INT_COLUMNS = ("run", "combination", "start", "nit", "status")


class SweepTable:
    """One row per run of a sweep; columns in order (see :func:`sweep`).

    ``run``, ``combination``, one column per grid key (``names``), ``start``,
    ``x0_1..x0_d``, ``x_1..x_d``, ``fun``, ``nit``, ``status``, ``distance`` (to the
    nearest known minimum; nan when none is known). ``spec`` is the sweep's spec (the
    content of ``sweep.json``) or ``None``. The arrays are read-only.
    """

    def __init__(self, columns: Mapping[str, Any], names: Sequence[str] = (), *, spec: dict | None = None) -> None:
        arrays = {}
        length = None
        for name, values in columns.items():
            array = np.array(values)  # a copy, made read-only below
            if array.ndim != 1:
                raise ValueError(f"column {name!r} must be 1-D; got shape {array.shape}")
            if length is not None and array.shape[0] != length:
                raise ValueError(f"column {name!r} has {array.shape[0]} rows, not {length}")
            length = array.shape[0]
            array.flags.writeable = False
            arrays[str(name)] = array
        names = tuple(names)
        missing = [name for name in names if name not in arrays]
        if missing:
            raise ValueError(f"names {missing} are not columns of the table")
        self._columns = arrays
        self._length = length or 0
        self.names = names
        self.spec = spec

    # -- access ----------------------------------------------------------------------

    @property
    def columns(self) -> dict[str, np.ndarray]:
        """Column name -> 1-D NumPy array (read-only), in the table's order."""
        return dict(self._columns)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._columns[name]
        except (KeyError, TypeError):
            raise KeyError(f"no column {name!r}; the columns: {', '.join(self._columns)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def __len__(self) -> int:
        return self._length

    @property
    def dim(self) -> int:
        """The number of coordinates (of the columns ``x_1..x_d``)."""
        return sum(1 for name in self._columns if re.fullmatch(r"x_\d+", name))

    def __repr__(self) -> str:
        combinations = len(np.unique(self._columns["combination"])) if "combination" in self._columns else "?"
        return (f"SweepTable({self._length} runs, {combinations} combinations of {', '.join(self.names) or 'nothing'}"
                f"; columns {', '.join(self._columns)})")

    # -- files -----------------------------------------------------------------------

    def to_csv(self, path: Any) -> Path:
        """Write the table as CSV: a header, then one line per run; floats as ``repr`` (they read back exactly).

        Booleans are ``True``/``False``, ``None`` an empty field. Written atomically.
        """
        target = target_path(path, (".csv",), "the CSV file")
        texts = [_csv_texts(array) for array in self._columns.values()]

        def write(stream: Any) -> None:
            text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(list(self._columns))
            writer.writerows(zip(*texts))
            text.flush()
            text.detach()

        return write_atomically(target, write)

    @classmethod
    def from_csv(cls, path: Any) -> "SweepTable":
        """Read a table written by :meth:`to_csv` (grid columns typed back: numbers, booleans, None, strings)."""
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}")
        with open(path, newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))
        if not rows or rows[0][:2] != ["run", "combination"] or "start" not in rows[0]:
            raise ValueError(f"{os.fspath(path)!r} is not a sweep table (its header is not run,combination,...)")
        header, body = rows[0], rows[1:]
        fields = list(zip(*body)) if body else [()] * len(header)
        names = tuple(header[2:header.index("start")])
        columns = {}
        for name, texts in zip(header, fields):
            if name in _INT_COLUMNS:
                columns[name] = np.array([int(t) for t in texts], dtype=np.int64)
            elif name in names and name != "flavor":
                columns[name] = _value_array([_parse_value(t) for t in texts])
            elif name == "flavor":
                columns[name] = np.array(texts, dtype=str)
            else:
                columns[name] = np.array([float(t) for t in texts], dtype=np.float64)
        return cls(columns, names)

    def to_parquet(self, path: Any) -> Path:
        """Write the table as Parquet (needs pyarrow; a ValueError without it). Written atomically."""
        if importlib.util.find_spec("pyarrow") is None:
            raise ValueError("writing Parquet needs pyarrow (pip install pyarrow); to_csv needs nothing more")
        import pyarrow
        import pyarrow.parquet

        target = target_path(path, (".parquet",), "the Parquet file")
        table = pyarrow.table({name: pyarrow.array(array.tolist() if array.dtype.kind in "OU" else array)
                               for name, array in self._columns.items()})
        with atomic_path(target) as temporary:
            pyarrow.parquet.write_table(table, str(temporary))
        return target

    # -- summaries -------------------------------------------------------------------

    def summary(self, by: Any = ("learning_rate", "decay"), value: str = "fun", aggregate: Any = "median") -> dict:
        """The ``aggregate`` of column ``value`` over the runs of each combination of the ``by`` columns.

        Returns a dict: each ``by`` name -> its sorted unique values; ``value`` (e.g. ``"fun"``) and
        ``"values"`` -> the same array of shape ``(len(unique_1), ..., len(unique_k))`` (nan
        where no run has that combination); ``"count"`` -> the runs in each cell. Grid keys not
        in ``by`` are pooled. ``aggregate``: a name of :data:`AGGREGATES` or a callable
        ``array -> float``.
        """
        by = (by,) if isinstance(by, str) else tuple(by)
        if not by:
            raise ValueError("summary needs at least one column in by")
        for name in by:
            self._column(name)
        if len(set(by)) != len(by):
            raise ValueError(f"by names a column twice: {by}")
        reduce = _aggregate(aggregate)
        values = self._numbers(value)
        uniques, inverses = zip(*(_unique(self._columns[name]) for name in by))
        shape = tuple(len(u) for u in uniques)
        cell = np.ravel_multi_index(inverses, shape) if self._length else np.zeros(0, np.int64)
        out, count = _reduce_cells(values, cell, math.prod(shape), reduce)
        result: dict[str, Any] = {name: u for name, u in zip(by, uniques)}
        result[value] = result["values"] = out.reshape(shape)
        result["count"] = count.reshape(shape)
        return result

    def best(self, value: str = "fun", aggregate: Any = "median") -> dict:
        """The combination with the lowest ``aggregate`` of ``value`` over its runs (the first of equals).

        Returns a dict: its grid settings, ``"combination"`` (its index) and ``value`` -> the aggregate.
        """
        reduce = _aggregate(aggregate)
        values = self._numbers(value)
        if not self._length:
            raise ValueError("the table is empty")
        combinations, cell = np.unique(self._columns["combination"], return_inverse=True)
        out, _ = _reduce_cells(values, cell.reshape(-1), combinations.size, reduce)
        if np.isnan(out).all():
            raise ValueError(f"no combination has a {aggregate if isinstance(aggregate, str) else 'finite'} "
                             f"{value} that is a number")
        winner = int(np.nanargmin(out))
        row = int(np.flatnonzero(cell == winner)[0])
        result = {name: _item(self._columns[name][row]) for name in self.names}
        result["combination"] = int(combinations[winner])
        result[value] = float(out[winner])
        return result

    def _column(self, name: Any) -> np.ndarray:
        if name not in self._columns:
            raise ValueError(f"no column {name!r}; the columns: {', '.join(self._columns)}")
        return self._columns[name]

    def _numbers(self, name: str) -> np.ndarray:
        array = self._column(name)
        if array.dtype.kind not in "biuf":
            raise ValueError(f"column {name!r} does not hold numbers")
        return array.astype(np.float64)


def _aggregate(aggregate: Any) -> Callable[[np.ndarray], float]:
    if callable(aggregate):
        return aggregate
    if isinstance(aggregate, str) and aggregate in AGGREGATES:
        return AGGREGATES[aggregate]
    raise ValueError(f"unknown aggregate {aggregate!r}; choose from {', '.join(AGGREGATES)} or give a function")


def _unique(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique values and each row's index among them (first-seen order where values do not sort)."""
    try:
        unique, inverse = np.unique(column, return_inverse=True)
        return unique, inverse.reshape(-1)
    except TypeError:  # an object column mixing None and numbers
        seen: dict[Any, int] = {}
        inverse = np.array([seen.setdefault(v, len(seen)) for v in column.tolist()], dtype=np.int64)
        unique = np.empty(len(seen), dtype=object)
        unique[:] = list(seen)
        return unique, inverse


def _reduce_cells(values: np.ndarray, cell: np.ndarray, cells: int, reduce: Callable) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[order], np.arange(cells + 1))
    out = np.full(cells, np.nan)
    count = np.diff(bounds)
    for i in np.flatnonzero(count).tolist():
        out[i] = float(reduce(values[order[bounds[i]:bounds[i + 1]]]))
    return out, count


def _item(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _csv_texts(array: np.ndarray) -> list[str]:
    if array.dtype.kind == "f":
        return [repr(v) for v in array.tolist()]
    return ["" if v is None else str(v) for v in array.tolist()]


def _parse_value(text: str) -> Any:
    if text == "":
        return None
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


# ======================================================================================
# The command line's grammar for a list of values
# ======================================================================================


def parse_range(text: str) -> list[float]:
    """A list of floats from the command line's grammar.

    ``"1e-3:1:25:log"``: 25 log-spaced values from 1e-3 to 1 (both ends exact);
    ``"0:1:11"`` or ``"0:1:11:lin"``: 11 evenly spaced values; ``"0.5,0.9,0.99"``: those
    values; ``"0.1"``: one value. Anything else is a one-line ValueError.
    """
    if not isinstance(text, str):
        raise TypeError(f"a range must be a str such as '1e-3:1:25:log'; got {type(text).__name__}")
    shown = text.strip()
    usage = "write START:STOP:COUNT[:log|lin] (e.g. 1e-3:1:25:log), a list (0.5,0.9,0.99) or one number"
    if not shown:
        raise ValueError(f"empty range; {usage}")
    if ":" in shown:
        parts = [part.strip() for part in shown.split(":")]
        if len(parts) not in (3, 4):
            raise ValueError(f"bad range {shown!r}: {usage}")
        scale = parts[3].lower() if len(parts) == 4 else "lin"
        if scale not in ("lin", "log"):
            raise ValueError(f"bad range {shown!r}: the spacing must be 'lin' or 'log', not {parts[3]!r}")
        start, stop = _number(parts[0], shown, usage), _number(parts[1], shown, usage)
        try:
            count = int(parts[2])
        except ValueError:
            raise ValueError(f"bad range {shown!r}: the count {parts[2]!r} is not a whole number") from None
        if count < 1:
            raise ValueError(f"bad range {shown!r}: the count must be at least 1; got {count}")
        if count == 1 and start != stop:
            raise ValueError(f"bad range {shown!r}: one value cannot run from {start!r} to {stop!r}; "
                             "give a count of 2 or more, or one number")
        if scale == "log":
            if start <= 0 or stop <= 0:
                raise ValueError(f"bad range {shown!r}: a log range needs START and STOP > 0")
            values = np.geomspace(start, stop, count)
        else:
            values = np.linspace(start, stop, count)
        return [float(v) for v in values]
    return [_number(part.strip(), shown, usage) for part in shown.split(",")]


def _number(part: str, text: str, usage: str) -> float:
    try:
        value = float(part)
    except ValueError:
        raise ValueError(f"bad range {text!r}: {part!r} is not a number; {usage}") from None
    if not math.isfinite(value):
        raise ValueError(f"bad range {text!r}: {part!r} is not a finite number")
    return value

