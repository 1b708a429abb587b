"""What the figures are given: an objective (or its catalogue name) and runs, checked and labelled.

A *run* is a result of :func:`rmsprop.minimize`; ``runs`` is one, a list or a dict
``label -> result``; a result of :func:`rmsprop.minimize_many` with ``trajectories=True``
is one run per row.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ._labels import format_number, settings_label

if TYPE_CHECKING:  # pragma: no cover
    from ..objectives import Objective

__all__ = ["Run", "as_objective", "as_runs", "result_field"]


def as_objective(objective: Any, what: str, two_d: bool = True, domain: Any = None) -> Objective:
    """Return the objective a figure is given: an Objective, a catalogue name, a formula, or a function.

    A string is a catalogue name when it is one (``"rosenbrock"``, ``"three-hump-camel"``),
    and otherwise a formula, read by :func:`rmsprop.objectives.from_expression` (never
    run as Python). A callable ``f(x)`` becomes :meth:`Objective.from_function
    <rmsprop.objectives.Objective.from_function>` over ``domain``, which it needs. With an
    Objective or a formula, ``domain`` replaces its window.

    Parameters
    ----------
    objective : Objective, str or callable
        The objective, a name of :func:`rmsprop.objectives.names`, a formula, or a
        function ``f(x)`` of a point ``x`` (``x[0]`` is x1).
    what : str
        The figure, for the message (``"contour"``, ``"paths"``, ...).
    two_d : bool, optional
        Whether the figure needs a 2-D objective; default True.
    domain : sequence of (lo, hi) pairs, optional
        The domain: needed with a function; else it replaces the objective's own.

    Returns
    -------
    Objective
        The objective.

    Raises
    ------
    TypeError
        If ``objective`` is none of these.
    ValueError
        If a string is neither a catalogue name nor a formula, a function comes without
        ``domain``, ``domain`` is malformed, or the figure needs 2-D and the objective is
        not.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> as_objective("seed", "contour")
    Objective(name='seed', dim=2, formula='5*x1**2 + 7*x2**2')
    >>> as_objective("x**2 + 3*y**2", "contour", domain=((-1, 1), (-2, 2))).domain
    ((-1.0, 1.0), (-2.0, 2.0))
    >>> as_objective(lambda x: x[0] ** 2 + x[1] ** 2, "paths", domain=(-1, 1))
    Objective(name='f', dim=2, formula='')
    >>> as_objective(lambda x: x[0] ** 2 + x[1] ** 2, "paths")
    Traceback (most recent call last):
    ...
    ValueError: paths was given a function: say where it lives with domain=((x1_lo, x1_hi), (x2_lo, x2_hi))
    >>> as_objective("rosenbrok", "contour")
    Traceback (most recent call last):
    ...
    ValueError: unknown objective 'rosenbrok' (did you mean 'rosenbrock'?); choose one of: seed, rosenbrock, ...
    >>> as_objective(objectives.get("rosenbrock", dim=3), "contour")
    Traceback (most recent call last):
    ...
    ValueError: contour needs a 2-D objective; 'rosenbrock' has dim 3
    """
    import dataclasses

    from .. import objectives
    from ..objectives._objective import domain_pairs

    if isinstance(objective, str):
        if objective.replace("-", "_") in objectives.names():
            objective = objectives.get(objective)
        else:
            try:
                objective = objectives.from_expression(objective, domain=domain)
            except ValueError:
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", objective.strip()):
                    raise  # a formula, refused: from_expression says where and why
                close = difflib.get_close_matches(objective.replace("-", "_"), objectives.names(), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValueError(
                    f"unknown objective {objective!r}{hint}; choose one of: {', '.join(objectives.names())}, "
                    "or write a formula such as '(1 - x)**2 + 100*(y - x**2)**2'"
                ) from None
    elif callable(objective) and not isinstance(objective, objectives.Objective):
        if domain is None:
            raise ValueError(
                f"{what} was given a function: say where it lives with domain=((x1_lo, x1_hi), (x2_lo, x2_hi))"
            )
        objective = objectives.Objective.from_function(objective, domain=domain)
    if not isinstance(objective, objectives.Objective):
        raise TypeError(
            "objective must be an rmsprop.objectives.Objective, a catalogue name, a formula or a function "
            f"with domain=; got {type(objective).__name__}"
        )
    if domain is not None and objective.domain != (pairs := domain_pairs(domain, objective.dim)):
        objective = dataclasses.replace(objective, domain=pairs)
    if two_d and objective.dim != 2:
        raise ValueError(f"{what} needs a 2-D objective; {objective.name!r} has dim {objective.dim}")
    return objective


class Run(NamedTuple):
    """One run as a figure draws it: its legend label, its iterates and their values.

    Parameters
    ----------
    label : str
        The run's name in legends.
    x : numpy.ndarray, shape (n, d)
        The iterates, the start first (``path_x``).
    f : numpy.ndarray, shape (n,)
        f at each iterate (``path_fun``).
    result : object
        The result (or, for a row of a batch, a dict of its ``path_x`` and
        ``path_fun``) the run was read from.

    Examples
    --------
    >>> import numpy as np
    >>> run = Run("three steps", np.zeros((4, 2)), np.ones(4), None)
    >>> run.label, run.nit
    ('three steps', 3)
    """

    label: str
    x: np.ndarray  # (n, d)
    f: np.ndarray  # (n,)
    result: Any

    @property
    def nit(self) -> int:
        """The iterations of the run: one less than its iterates."""
        return len(self.x) - 1


def _is_result(value: Any) -> bool:
    if isinstance(value, Mapping):
        return "path_x" in value
    return hasattr(value, "path_x")


def result_field(result: Any, name: str) -> Any:
    """Return a field of a result: ``result[name]`` for a mapping, else ``result.name``.

    Parameters
    ----------
    result : mapping or object
        A result of :func:`rmsprop.minimize` (an ``OptimizeResult``, which is both) or
        a plain dict or object with the same fields.
    name : str
        The field, e.g. ``"path_x"``.

    Returns
    -------
    object
        The field's value.

    Raises
    ------
    KeyError, AttributeError
        If the result has no such field.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> result_field({"nit": 3}, "nit"), result_field(SimpleNamespace(nit=4), "nit")
    (3, 4)
    """
    return result[name] if isinstance(result, Mapping) else getattr(result, name)


def as_runs(runs: Any, labels: Any = None, dim: int | None = None, objective_name: str = "") -> list[Run]:
    """Normalise ``runs`` (a result, a list of results, a dict label -> result) and label them.

    A result of :func:`rmsprop.minimize_many` with ``trajectories=True`` is one run per
    row, labelled ``"run [i]"`` (or ``"<label> [i]"``). Runs without a label are named
    by their settings (:func:`settings_label`); labels that would repeat get the
    start, ``" from (x1, x2)"``, and then ``" #2"``, ``" #3"``, ...

    Parameters
    ----------
    runs : result or list of results or dict
        One result, a list (or tuple) of them, or a dict label -> result; a result is
        anything with ``path_x`` and ``path_fun`` (a mapping or an object).
    labels : str or sequence of str, optional
        One label per entry of ``runs``, replacing theirs.
    dim : int, optional
        The objective's dimension, which every run must have.
    objective_name : str, optional
        The objective's name, for the message.

    Returns
    -------
    list of Run
        One per run, with distinct labels.

    Raises
    ------
    TypeError
        If ``runs`` (or one of its entries) is not a result.
    ValueError
        If there is no run, ``labels`` does not match the runs in number, or a run's
        arrays do not have the shapes of a trajectory (or of ``dim`` coordinates).

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> again = rmsprop.minimize(objectives.get("seed"), [1.0, 1.0], learning_rate=0.1, maxiter=10)
    >>> [(run.label, run.nit) for run in as_runs({"from (-4, 3)": result, "from (1, 1)": again})]
    [('from (-4, 3)', 50), ('from (1, 1)', 10)]
    >>> [run.label for run in as_runs([again, again])]
    ['rmsprop lr=0.1 decay=0.9 from (1, 1)', 'rmsprop lr=0.1 decay=0.9 from (1, 1) #2']
    """
    items: list[tuple[str | None, Any]]
    if _is_result(runs):
        items = [(None, runs)]
    elif isinstance(runs, Mapping):
        items = [(str(key), value) for key, value in runs.items()]
    elif isinstance(runs, (list, tuple)):
        items = [(None, value) for value in runs]
    else:
        raise TypeError(
            "runs must be a result of rmsprop.minimize, a list of them or a dict label -> result; "
            f"got {type(runs).__name__}"
        )
    if not items:
        raise ValueError("runs is empty; give at least one result of rmsprop.minimize")
    if labels is not None:
        if isinstance(labels, str):
            labels = [labels]
        if not isinstance(labels, Sequence) or len(labels) != len(items):
            count = len(labels) if isinstance(labels, Sequence) else type(labels).__name__
            raise ValueError(f"labels must be one string per run ({len(items)}); got {count}")
        items = [(str(label), value) for label, (_, value) in zip(labels, items)]
    out = []
    for index, (label, result) in enumerate(items):
        name = f"run {label!r}" if label is not None else f"run {index}"
        if not _is_result(result):
            raise TypeError(
                f"{name} is a {type(result).__name__}, not a result of rmsprop.minimize (it needs path_x, path_fun)"
            )
        x = np.asarray(result_field(result, "path_x"), dtype=float)
        if x.ndim == 3:  # rmsprop.minimize_many(..., trajectories=True): one row per run, NaN after nit
            out.extend(_batch_rows(result, x, name, label if label is not None else "run"))
            continue
        if x.ndim != 2 or len(x) == 0:
            raise ValueError(f"{name}: path_x must have shape (nit + 1, dim); got {x.shape}")
        f = np.asarray(result_field(result, "path_fun"), dtype=float).reshape(-1)
        if len(f) != len(x):
            raise ValueError(f"{name}: path_fun has {len(f)} values for {len(x)} iterates")
        if label is None:
            settings = result.get("settings") if isinstance(result, Mapping) else getattr(result, "settings", None)
            label = settings_label(settings) if isinstance(settings, Mapping) else f"run {index}"
        out.append(Run(label, x, f, result))
    for run in out:
        if dim is not None and run.x.shape[1] != dim:
            raise ValueError(
                f"run {run.label!r} has {run.x.shape[1]} coordinates but objective {objective_name!r} has {dim}"
            )
    return _distinct_labels(out)


def _batch_rows(result: Any, x: np.ndarray, name: str, label: str) -> list[Run]:
    """The runs of a batch result (``path_x`` of shape (B, maxiter + 1, d)), labelled ``label [i]``."""
    f = np.asarray(result_field(result, "path_fun"), dtype=float)
    nit = np.asarray(result_field(result, "nit")).reshape(-1)
    if f.shape != x.shape[:2] or nit.shape != (x.shape[0],) or x.shape[1] == 0:
        raise ValueError(
            f"{name}: a batch needs path_x (B, T, d), path_fun (B, T) and nit (B,); "
            f"got {x.shape}, {f.shape}, {nit.shape}"
        )
    full = result.get("path_full_fun") if isinstance(result, Mapping) else getattr(result, "path_full_fun", None)
    rows = []
    for i in range(x.shape[0]):
        n = int(nit[i]) + 1
        row = {"path_x": x[i, :n], "path_fun": f[i, :n]}
        if full is not None:  # a finite sum's: the full loss beside the batches' (rmsprop.plot.minibatch_paths)
            row["path_full_fun"] = np.asarray(full, dtype=float)[i, :n]
            row["batches_per_epoch"] = result_field(result, "batches_per_epoch")
        rows.append(Run(f"{label} [{i}]", row["path_x"], row["path_fun"], row))
    return rows


def _distinct_labels(runs: list[Run]) -> list[Run]:
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.label] = counts.get(run.label, 0) + 1
    if all(count == 1 for count in counts.values()):
        return runs
    renamed = []
    for run in runs:
        if counts[run.label] > 1:
            start = ", ".join(format_number(v) for v in run.x[0])
            run = run._replace(label=f"{run.label} from ({start})")
        renamed.append(run)
    seen: dict[str, int] = {}
    final = []
    for run in renamed:
        seen[run.label] = seen.get(run.label, 0) + 1
        final.append(run if seen[run.label] == 1 else run._replace(label=f"{run.label} #{seen[run.label]}"))
    return final
