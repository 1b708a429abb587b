"""The objective of a sweep, and how another process builds it again: a catalogue name or a formula."""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from ..objectives import Objective
from ._engine import compiled_name

__all__ = ["Source", "resolve_objective", "objective_of"]


class Source(NamedTuple):
    """How to build the objective again anywhere: ``("catalogue", name, dim)`` or ``("formula", text, dim)``."""

    kind: str
    text: str
    dim: int


def resolve_objective(objective: Any, dim: int | None) -> tuple[Objective, Source | None, dict]:
    """The objective, how to build it again elsewhere (``None``: it must travel as itself), its identity."""
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
                raise ValueError(f"unknown objective {objective!r}: not a catalogue name "
                                 f"({', '.join(objectives.names())}) nor a formula ({error})") from None
            raise
        return built, Source("formula", objective, built.dim), {"kind": "formula", "formula": objective,
                                                                 "dim": built.dim}
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an rmsprop.objectives.Objective, a catalogue name or a formula; "
                        f"got {type(objective).__name__}")
    if compiled_name(objective) is not None:  # the catalogue's own formula and gradient
        return (objective, Source("catalogue", objective.name, objective.dim),
                {"kind": "catalogue", "name": objective.name, "dim": objective.dim})
    if (objective.reference == "typed expression" and getattr(objective.f, "__module__", None) == _EXPRESSION
            and getattr(objective.grad, "__module__", None) == _EXPRESSION):
        return (objective, Source("formula", objective.formula, objective.dim),
                {"kind": "formula", "formula": objective.formula, "dim": objective.dim})
    return objective, None, {"kind": "custom", "name": objective.name, "formula": objective.formula,
                             "dim": objective.dim}


_EXPRESSION = "rmsprop.objectives._expression.numpy_code"  # where from_expression makes f and grad


def objective_of(source: Any) -> Objective:
    """The objective a task names: rebuilt from a :class:`Source` (once per process), or itself."""
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
