"""The objective's value (or its gap to f*) against the iteration: :func:`loss`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._figure import begin_figure, finish_figure
from ._runs import as_objective, as_runs
from ._style import run_colors

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..objectives import Objective
    from ._runs import Run

__all__ = ["draw_loss", "finite_minimum", "loss"]


def finite_minimum(objective: Objective | None) -> float | None:
    if objective is None or not math.isfinite(objective.min_value):
        return None
    return float(objective.min_value)


def draw_loss(ax, runs: Sequence[Run], colors, f_star: float | None):
    values = [run.f - f_star if f_star is not None else run.f for run in runs]
    for run, color, y in zip(runs, colors, values):
        ax.plot(np.arange(len(y)), y, color=color, linewidth=1.6, label=run.label)
    finite = np.concatenate([y[np.isfinite(y)] for y in values])
    log = finite.size > 0 and bool(np.all(finite > 0))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("f - f*" if f_star is not None else "f")
    ax.set_title("Gap to the minimum, f - f*" if f_star is not None else "Objective value f")
    ax.grid(True, which="major", alpha=0.3)
    return log


def loss(runs: Any, *, objective: Any = None, labels: Any = None, colors: Any = None, title: str | None = None,
         figsize=(6.4, 4.4), dpi: float | None = None, ax: Any = None, save: Any = None) -> Figure:
    """``f`` against the iteration, one line per run (colours as :func:`paths`).

    With ``objective`` (an Objective or name) whose ``min_value`` f* is finite, the
    gap ``f - f*`` is drawn instead. The y-axis is logarithmic when every value is
    positive. Returns the Figure.
    """
    objective = None if objective is None else as_objective(objective, "loss", two_d=False)
    items = as_runs(runs, labels, None if objective is None else objective.dim,
                    "" if objective is None else objective.name)
    figure, ax, target = begin_figure(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    colors = run_colors(len(items), colors)
    draw_loss(ax, items, colors, finite_minimum(objective))
    ax.legend(fontsize="small", framealpha=0.85)
    if title is not None:
        ax.set_title(title)
    return finish_figure(figure, target, dpi)
