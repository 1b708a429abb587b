"""The plan of a sweep: every input checked, the starts, the grid's groups cut into chunks, and the spec.

The runs are cut into *chunks*: a chunk belongs to one *group* (one flavor and one value of
each option other than ``learning_rate``, ``decay`` and ``eps``) and is a contiguous range of
the group's ``(combination, start)`` pairs, combination-major; at most ``chunk_size`` runs.
The cut depends on the sweep's spec alone, never on the machine, so a chunk saved by one
machine is the chunk another would compute.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .. import compat
from .._noise import run_seeds
from .._validate import in_range
from ..objectives import Objective
from ._chunk import ChunkTask
from ._engine import check_rule_settings, physical_memory
from ._grid import NOISE, RULE, SETTINGS, read_grid, unravel
from ._messages import one_line
from ._source import Source, resolve_objective

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_FLAVOR_CHUNK_SIZE",
    "FORMAT",
    "VERSION",
    "Group",
    "Chunk",
    "Plan",
    "make_plan",
    "spec_digest",
    "renamed",
]

#: Runs per chunk of a group that ``minimize_many`` runs as one batch: the rule, and every library flavor
#: that is the rule with some settings (all of them, but Keras's clipping).
DEFAULT_CHUNK_SIZE = 50_000
#: Runs per chunk of a group run one ``minimize`` per run (far slower per run than a batch): Keras's clipping,
#: which is not the rule's (its own formulas, in float32).
DEFAULT_FLAVOR_CHUNK_SIZE = 1_000

#: ``sweep.json``'s ``format``; its ``version`` (and the chunk files').
FORMAT = "rmsprop-sweep"
VERSION = 1


class Group(NamedTuple):
    """One flavor and one value of each other option: the combinations that can share a batch.

    ``batch`` says whether :func:`rmsprop.minimize_many` runs them (the rule, or a flavor whose
    optimizer is the rule with some settings, :attr:`rmsprop.GradientTransformation.rule`), or
    one :func:`rmsprop.minimize` per run (Keras's clipping); it follows from the spec alone.

    Parameters
    ----------
    flavor : str
        :data:`RULE` or a library flavor.
    options : tuple of (str, object)
        The values of the other options (not ``learning_rate``, ``decay``, ``eps``),
        sorted by name.
    combinations : numpy.ndarray
        The group's combination numbers, int64, increasing.
    chunk_size : int
        The most runs per chunk of this group.
    batch : bool
        Whether ``minimize_many`` runs the group (else one ``minimize`` per run).

    Examples
    --------
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "centered": [False, True]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=None)
    >>> for group in plan.groups:
    ...     print(group.flavor, group.options, group.combinations, group.chunk_size, group.batch)
    rmsprop (('centered', False),) [0 2] 50000 True
    rmsprop (('centered', True),) [1 3] 50000 True
    >>> plan = make_plan("seed", {"learning_rate": 0.1, "flavor": ["rmsprop", "keras"], "clip_norm": [None, 1.0]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=None)
    >>> for group in plan.groups:
    ...     print(group.flavor, group.options, group.chunk_size, group.batch)
    rmsprop (('clip_norm', None),) 50000 True
    rmsprop (('clip_norm', 1.0),) 50000 True
    keras (('clip_norm', None),) 50000 True
    keras (('clip_norm', 1.0),) 1000 False
    """

    flavor: str
    options: tuple  # ((name, value), ...), sorted
    combinations: np.ndarray  # int64, increasing
    chunk_size: int
    batch: bool


class Chunk(NamedTuple):
    """A contiguous range of one group's ``(combination, start)`` pairs; ``index`` names its file.

    Parameters
    ----------
    index : int
        The chunk's number in the sweep (its file is ``chunk-<index>.npz``).
    group : int
        The index of its :class:`Group` in ``Plan.groups``.
    first, stop : int
        Its range of positions in the group's ``(combination, start)`` pairs,
        combination-major.

    Examples
    --------
    >>> from rmsprop.sweep._plan import make_plan
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=5)
    >>> plan.chunks
    [Chunk(index=0, group=0, first=0, stop=5), Chunk(index=1, group=0, first=5, stop=10),
     Chunk(index=2, group=0, first=10, stop=12)]
    """

    index: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.index (public field name)
    group: int
    first: int  # position in the group's (combination, start) pairs, combination-major
    stop: int


@dataclass
class Plan:
    """A checked sweep: its objective, grid, starts, groups and chunks, its spec and the spec's SHA-256.

    Made by :func:`make_plan`.

    Parameters
    ----------
    objective : Objective
        The objective.
    source : Source or None
        How another process builds it again; ``None`` for a custom objective.
    keys : tuple of str
        The grid's keys, in sweep order.
    values : dict
        Key -> its list of values.
    shape : tuple of int
        The number of values of each key.
    starts : numpy.ndarray, shape (N, d)
        The starts, float64.
    maxiter : int
        The iterations at most per run.
    gtol : float
        The stopping tolerance.
    groups : list of Group
        The groups.
    chunks : list of Chunk
        The chunks, in order.
    spec : dict
        What ``sweep.json`` holds (as it reads back).
    digest : str
        :func:`spec_digest` of ``spec``.
    noise_seed : int or None
        The seed of the runs' gradient noise (:func:`rmsprop._noise.run_seeds`), where the grid has ``noise``.

    Examples
    --------
    >>> from rmsprop.sweep._plan import make_plan
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=5)
    >>> plan.total, plan.keys, plan.shape, plan.starts.shape, len(plan.chunks)
    (12, ('learning_rate', 'decay'), (2, 2), (3, 2), 3)
    >>> plan.spec["grid"], plan.spec["chunk_size"]
    ({'learning_rate': [0.01, 0.1], 'decay': [0.5, 0.9]}, {'rule': 5, 'flavor': 5})
    """

    objective: Objective
    source: Source | None  # None: a custom objective, sent as itself
    keys: tuple
    values: dict  # key -> list of values
    shape: tuple
    starts: np.ndarray  # (N, d) float64
    maxiter: int
    gtol: float
    groups: list
    chunks: list
    spec: dict
    digest: str
    noise_seed: int | None = None

    @functools.cached_property
    def previous_digest(self) -> str:
        """The digest of this spec as the version before wrote it, ``tol`` for ``gtol``: its chunk files name it."""
        return spec_digest(renamed(self.spec, "gtol", "tol"))

    @property
    def total(self) -> int:
        """The runs of the sweep: the combinations times the starts."""
        return int(math.prod(self.shape)) * self.starts.shape[0]

    def rows(self, chunk: Chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(runs, combinations, starts)`` of the chunk's rows.

        Parameters
        ----------
        chunk : Chunk
            A chunk of this plan.

        Returns
        -------
        runs, combinations, starts : numpy.ndarray
            For each row, its run number (``combination * N + start``), its combination
            and its start's index, int64.
        """
        group = self.groups[chunk.group]
        position = np.arange(chunk.first, chunk.stop, dtype=np.int64)
        count = self.starts.shape[0]
        combinations = group.combinations[position // count]
        start = position % count
        return combinations * count + start, combinations, start

    def task(self, chunk: Chunk, portable: bool) -> ChunkTask:
        """Return what computing the chunk needs.

        Parameters
        ----------
        chunk : Chunk
            A chunk of this plan.
        portable : bool
            Whether the task goes to another process: the objective is then its
            :class:`Source` (when it has one) rather than itself.

        Returns
        -------
        ChunkTask
            The task for :func:`run_chunk`.
        """
        group = self.groups[chunk.group]
        runs, combinations, start = self.rows(chunk)
        index = unravel(combinations, self.shape)
        per_run = {}
        for name in SETTINGS:
            if name in self.keys:
                per_run[name] = np.array(self.values[name], dtype=np.float64)[index[self.keys.index(name)]]
            else:
                per_run[name] = None
        objective = self.source if portable and self.source is not None else self.objective
        return ChunkTask(
            objective,
            group.flavor,
            group.options,
            np.ascontiguousarray(self.starts[start]),
            maxiter=self.maxiter,
            gtol=self.gtol,
            batch=group.batch,
            **per_run,
            seed=None if self.noise_seed is None else run_seeds(self.noise_seed, runs),
        )

    def cost(self, chunk: Chunk) -> float:
        """Return a rough guess of the chunk's seconds (for deciding whether a process pool pays).

        Parameters
        ----------
        chunk : Chunk
            A chunk of this plan.

        Returns
        -------
        float
            The guess, from the runs, ``maxiter`` and the dimension.
        """
        runs = chunk.stop - chunk.first
        if not self.groups[chunk.group].batch:
            return runs * self.maxiter * 3e-5
        return self.maxiter * (1e-4 + runs * self.starts.shape[1] * 5e-8)


def make_plan(objective: Any, grid: Any, starts: Any, maxiter: Any, gtol: Any, seed: Any, chunk_size: Any) -> Plan:
    """Check every input (one-line errors, before any work) and cut the runs into chunks.

    Parameters
    ----------
    objective : Objective or str
        As :func:`sweep`'s.
    grid : mapping
        As :func:`sweep`'s (see :func:`~._grid.read_grid`).
    starts : int or array_like, shape (N, d)
        A number of starts to draw in the objective's domain, or the starts.
    maxiter : int
        The iterations at most per run, ``>= 0``.
    gtol : float
        The stopping tolerance, ``>= 0``.
    seed : int
        The seed of ``np.random.default_rng`` that draws the starts, ``>= 0``.
    chunk_size : int or None
        The most runs per chunk, or ``None`` for :data:`DEFAULT_CHUNK_SIZE` (a group that
        ``minimize_many`` runs) and :data:`DEFAULT_FLAVOR_CHUNK_SIZE` (one ``minimize`` per run).

    Returns
    -------
    Plan
        The checked sweep.

    Raises
    ------
    TypeError
        If ``objective`` is neither an Objective nor a str.
    ValueError
        If anything else is wrong (one line): a setting out of range, an unknown
        objective or grid key, starts of the wrong shape or not finite, a grid that
        the rule or a flavor refuses, or a table that would not fit in memory.

    Examples
    --------
    >>> from rmsprop.sweep._plan import make_plan
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=5)
    >>> plan.total, [chunk.stop - chunk.first for chunk in plan.chunks]
    (12, [5, 5, 2])
    >>> make_plan("seed", {"learning_rate": [0.1, -1.0]}, 3, 20, 1e-5, 0, None)
    Traceback (most recent call last):
    ...
    ValueError: grid: ...
    """
    if isinstance(maxiter, bool) or not isinstance(maxiter, (int, np.integer)) or maxiter < 0:
        raise ValueError(f"maxiter must be an integer >= 0; got {maxiter!r}")
    maxiter = int(maxiter)
    try:
        gtol = in_range("gtol", gtol, 0.0)
    except TypeError as error:
        raise ValueError(str(error)) from None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
    seed = int(seed)
    if chunk_size is not None and (
        isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1
    ):
        raise ValueError(f"chunk_size must be an integer >= 1 (or None for the defaults); got {chunk_size!r}")

    count = _start_count(starts)
    objective, source, identity = resolve_objective(objective, None if count is not None else _start_dim(starts))
    if count is not None:
        lo, hi = np.array(objective.domain, dtype=np.float64).T
        x0 = np.random.default_rng(seed).uniform(lo, hi, size=(count, objective.dim))
    else:
        x0 = _start_array(starts, objective)
    keys, values = read_grid(grid)
    shape = tuple(len(values[key]) for key in keys)
    _check_size(math.prod(shape) * x0.shape[0], x0.shape[1], len(keys))

    groups = _groups(keys, values, shape, None if chunk_size is None else int(chunk_size))
    chunks: list[Chunk] = []
    for g, group in enumerate(groups):
        pairs = group.combinations.size * x0.shape[0]
        for first in range(0, pairs, group.chunk_size):
            chunks.append(Chunk(len(chunks), g, first, min(first + group.chunk_size, pairs)))

    spec = {
        "format": FORMAT,
        "version": VERSION,
        "objective": identity,
        "grid": {key: list(values[key]) for key in keys},  # None, bools, ints, finite floats, strings
        "starts": {
            "count": int(x0.shape[0]),
            "dim": int(x0.shape[1]),
            "seed": seed if count is not None else None,
            "sha256": hashlib.sha256(np.ascontiguousarray(x0, dtype="<f8").tobytes()).hexdigest(),
        },
        "maxiter": maxiter,
        "gtol": gtol,
        "chunk_size": {
            "rule": int(chunk_size or DEFAULT_CHUNK_SIZE),
            "flavor": int(chunk_size or DEFAULT_FLAVOR_CHUNK_SIZE),
        },
    }
    noise_seed = seed if "noise" in keys else None
    if noise_seed is not None:  # only then: the specs of sweeps without noise stay as they were
        spec["noise_seed"] = noise_seed
    spec = json.loads(json.dumps(spec, allow_nan=False))  # as it reads back from sweep.json
    return Plan(
        objective, source, keys, values, shape, x0, maxiter, gtol, groups, chunks, spec, spec_digest(spec), noise_seed
    )


def spec_digest(spec: dict) -> str:
    """Return the SHA-256 of a spec (its JSON, keys sorted): what each chunk file names its sweep by.

    Parameters
    ----------
    spec : dict
        A sweep's spec.

    Returns
    -------
    str
        The digest, 64 hex digits; the same for equal specs, whatever their key order.

    Examples
    --------
    >>> spec_digest({"a": 1, "b": 2}) == spec_digest({"b": 2, "a": 1})
    True
    >>> spec_digest({"a": 1})
    'f9d86028c6e0d64e225186f96acb69338b2c59764df79162107f5c4bb34d1310'
    """
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def renamed(spec: dict, old: str, new: str) -> dict:
    """Return ``spec`` with its key ``old`` called ``new``, in the same place.

    Parameters
    ----------
    spec : dict
        A sweep's spec.
    old, new : str
        The key's old and new names.

    Returns
    -------
    dict
        A new dict, its keys in the same order.

    Examples
    --------
    >>> renamed({"maxiter": 10, "tol": 1e-5, "seed": 0}, "tol", "gtol")
    {'maxiter': 10, 'gtol': 1e-05, 'seed': 0}
    """
    return {(new if key == old else key): value for key, value in spec.items()}


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
        raise ValueError(
            f"starts must have shape (N, {objective.dim}) with N >= 1 for objective "
            f"{objective.name!r}; got shape {x0.shape}"
        )
    x0 = np.ascontiguousarray(x0, dtype=np.float64)
    finite = np.isfinite(x0).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise ValueError(f"starts must be finite; row {row} is {x0[row].tolist()}")
    return x0


def _check_size(runs: int, dim: int, keys: int) -> None:
    """Refuse a table that cannot fit in memory, before any work."""
    need = float(runs) * (8 * (2 * dim + 7 + keys))
    memory = physical_memory()
    if memory is not None and need > memory:
        raise ValueError(
            f"a sweep of {runs} runs needs {need / 2**30:.3g} GiB for its table, more than this "
            f"machine's {memory / 2**30:.3g} GiB; sweep fewer combinations or starts at a time"
        )


def _groups(keys: tuple, values: dict, shape: tuple, chunk_size: int | None) -> list[Group]:
    combinations = np.arange(math.prod(shape), dtype=np.int64)
    index = unravel(combinations, shape)
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
        options = tuple(sorted(chosen.items()))
        batch = _check_group(flavor, options, members, keys, values, shape)
        size = chunk_size or (DEFAULT_CHUNK_SIZE if batch else DEFAULT_FLAVOR_CHUNK_SIZE)
        groups.append(Group(flavor, options, members, int(size), batch))
    return groups


def _check_group(
    flavor: str, options: tuple, combinations: np.ndarray, keys: tuple, values: dict, shape: tuple
) -> bool:
    """Build the optimizer of every combination of a group (as the chunks will), turning errors into one line.

    Returns whether ``minimize_many`` runs the group: the rule, or a flavor whose every optimizer is the rule.
    """
    index = unravel(combinations, shape)
    per_run = {
        name: np.array(values[name], dtype=np.float64)[index[keys.index(name)]] for name in SETTINGS if name in keys
    }
    given = {name: value for name, value in options if name not in NOISE}
    if flavor == RULE:
        try:
            check_rule_settings(
                per_run.get("learning_rate"), per_run.get("decay"), per_run.get("eps"), given, combinations.size
            )
        except (TypeError, ValueError) as error:
            raise ValueError(f"grid: {one_line(error)}") from None
        return True
    batch = True
    for i in range(combinations.size):
        settings = {name: float(array[i]) for name, array in per_run.items()}
        try:
            batch &= compat.configure(flavor, **settings, **given).rule is not None
        except (TypeError, ValueError) as error:
            shown = ", ".join(f"{name}={value!r}" for name, value in {**settings, **given}.items())
            raise ValueError(f"grid: flavor {flavor} with {shown or 'its defaults'}: {one_line(error)}") from None
    return batch
