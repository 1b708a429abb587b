"""The objective of a sweep, and how another process builds it again: a catalogue name or a formula."""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from ..objectives import Objective
from ._engine import compiled_name

__all__ = ["Source", "resolve_objective", "objective_of"]


class Source(NamedTuple):
    """How to build the objective again anywhere: ``("catalogue", name, dim)`` or ``("formula", text, dim)``.

    Parameters
    ----------
    kind : str
        ``"catalogue"`` or ``"formula"``.
    text : str
        The catalogue name, or the formula.
    dim : int
        The number of coordinates.

    Examples
    --------
    >>> source = Source("catalogue", "rosenbrock", 3)
    >>> objective_of(source)
    Objective(name='rosenbrock', dim=3, formula='sum_{i=1}^{n-1} [100*(x_{i+1} - x_i**2)**2 + (1 - x_i)**2]')
    """

    kind: str
    text: str
    dim: int


def resolve_objective(objective: Any, dim: int | None) -> tuple[Objective, Source | None, dict]:
    """Resolve the sweep's objective: the objective, how to build it again elsewhere, its identity.

    Parameters
    ----------
    objective : Objective or str
        An objective, a catalogue name (``-`` read as ``_``), or a formula
        (:func:`rmsprop.objectives.from_expression`).
    dim : int or None
        The coordinates a catalogue objective of any dimension should have (the width
        of an array of starts), or ``None`` for its default.

    Returns
    -------
    objective : Objective
        The objective.
    source : Source or None
        How another process builds it again; ``None`` for a custom objective, which
        must travel as itself.
    identity : dict
        What the sweep's spec records: ``{"kind": "catalogue", "name", "dim"}``,
        ``{"kind": "formula", "formula", "dim"}`` or ``{"kind": "custom", "name",
        "formula", "dim"}``.

    Raises
    ------
    TypeError
        If ``objective`` is neither an Objective nor a str.
    ValueError
        If the text is neither a catalogue name nor a formula that
        :func:`rmsprop.objectives.from_expression` accepts.

    Examples
    --------
    >>> resolve_objective("rosenbrock", 3)[1:]
    (Source(kind='catalogue', text='rosenbrock', dim=3), {'kind': 'catalogue', 'name': 'rosenbrock', 'dim': 3})
    >>> resolve_objective("x**2 + y**2", None)[2]
    {'kind': 'formula', 'formula': 'x**2 + y**2', 'dim': 2}
    >>> resolve_objective("rosenbrok", None)
    Traceback (most recent call last):
    ...
    ValueError: unknown objective 'rosenbrok': not a catalogue name (...) nor a formula (...)
    """
    from .. import objectives

    if isinstance(objective, str):
        key = objective.replace("-", "_")
        if key in objectives.names():
            try:
                built = objectives.get(key, dim=dim)
            except ValueError:  # a width this objective cannot take: the starts' check below says so
                built = objectives.get(key)
            return built, Source("catalogue", key, built.dim), {"kind": "catalogue", "name": key, "dim": built.dim}
        try:
            built = objectives.from_expression(objective)
        except ValueError as error:
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", objective.strip()):
                raise ValueError(
                    f"unknown objective {objective!r}: not a catalogue name "
                    f"({', '.join(objectives.names())}) nor a formula ({error})"
                ) from None
            raise
        return (
            built,
            Source("formula", objective, built.dim),
            {"kind": "formula", "formula": objective, "dim": built.dim},
        )
    if not isinstance(objective, Objective):
        raise TypeError(
            f"objective must be an rmsprop.objectives.Objective, a catalogue name or a formula; "
            f"got {type(objective).__name__}"
        )
    if compiled_name(objective) is not None:  # the catalogue's own formula and gradient
        return (
            objective,
            Source("catalogue", objective.name, objective.dim),
            {"kind": "catalogue", "name": objective.name, "dim": objective.dim},
        )
    if (
        objective.reference == "typed expression"
        and getattr(objective.f, "__module__", None) == _EXPRESSION
        and getattr(objective.grad, "__module__", None) == _EXPRESSION
    ):
        return (
            objective,
            Source("formula", objective.formula, objective.dim),
            {"kind": "formula", "formula": objective.formula, "dim": objective.dim},
        )
    return (
        objective,
        None,
        {"kind": "custom", "name": objective.name, "formula": objective.formula, "dim": objective.dim},
    )


_EXPRESSION = "rmsprop.objectives._expression.numpy_code"  # where from_expression makes f and grad


def objective_of(source: Any) -> Objective:
    """Return the objective a task names: rebuilt from a :class:`Source` (once per process), or itself.

    Parameters
    ----------
    source : Source or Objective
        What the task holds.

    Returns
    -------
    Objective
        The objective; the same object for the same source within a process (a cache
        of 16).

    Examples
    --------
    >>> source = Source("formula", "x**2 + y**2", 2)
    >>> objective_of(source) is objective_of(source), float(objective_of(source)([3.0, 4.0]))
    (True, 25.0)
    """
    if isinstance(source, Source):
        return _rebuilt(source.kind, source.text, source.dim)
    return source


@functools.lru_cache(maxsize=16)
def _rebuilt(kind: str, text: str, dim: int) -> Objective:
    """A catalogue objective or a typed formula, built again (once per process)."""
    from .. import objectives

    if kind == "catalogue":
        return objectives.get(text, dim=dim)
    return objectives.from_expression(text)
