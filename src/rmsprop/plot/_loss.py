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
    """Return f*, the objective's infimum, when it is known and finite; else ``None``.

    Parameters
    ----------
    objective : Objective or None
        The objective, if any.

    Returns
    -------
    float or None
        ``objective.min_value``, or ``None`` without an objective, or when f* is
        ``-inf`` (unbounded below) or ``nan`` (unknown, a typed formula).

    Examples
    --------
    >>> from rmsprop import objectives
    >>> finite_minimum(objectives.get("goldstein_price")), finite_minimum(objectives.get("saddle"))
    (3.0, None)
    """
    if objective is None or not math.isfinite(objective.min_value):
        return None
    return float(objective.min_value)


def draw_loss(ax, runs: Sequence[Run], colors, f_star: float | None):
    """Draw f (or ``f - f*``) against the iteration on ``ax``, one line per run; a log y-axis when all is positive.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A 2-D Axes.
    runs : sequence of Run
        The runs (see :func:`as_runs`).
    colors : sequence of color
        One colour per run.
    f_star : float or None
        f*, to draw the gap ``f - f*``; ``None`` to draw f.

    Returns
    -------
    bool
        Whether the y-axis is logarithmic (every finite value drawn is positive).

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> from rmsprop.plot._figure import new_figure
    >>> from rmsprop.plot._runs import as_runs
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> draw_loss(ax, as_runs(result), ["C0"], 0.0), ax.get_ylabel(), ax.get_title()
    (True, 'f - f*', 'Gap to the minimum, f - f*')
    """
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


def loss(
    runs: Any,
    *,
    objective: Any = None,
    domain: Any = None,
    labels: Any = None,
    colors: Any = None,
    title: str | None = None,
    figsize=(6.4, 4.4),
    dpi: float | None = None,
    ax: Any = None,
    save: Any = None,
) -> Figure:
    """``f`` against the iteration, one line per run (colours as :func:`paths`).

    With ``objective`` (an Objective or name) whose ``min_value`` f* is finite, the
    gap ``f - f*`` is drawn instead. The y-axis is logarithmic when every value is
    positive.

    Parameters
    ----------
    runs : result or list of results or dict
        One result of :func:`rmsprop.minimize`, a list of them or a dict label -> result
        (see :func:`as_runs`).
    objective : Objective, str or callable, optional
        The objective (an :class:`~rmsprop.objectives.Objective`, a catalogue name, a
        formula, or a function with ``domain``): its f* turns the curves into gaps, and
        its dimension is checked against the runs'.
    domain : sequence of (lo, hi) pairs, optional
        The domain of a function given as ``objective``.
    labels : sequence of str, optional
        One legend label per run; default their settings.
    colors : sequence of color, optional
        One colour per run; default the axes' colour cycle.
    title : str, optional
        The title; default it names what is drawn.
    figsize : tuple of float, optional
        The size of a new figure, in inches; default (6.4, 4.4).
    dpi : float, optional
        The resolution of a new figure and of the file.
    ax : matplotlib.axes.Axes, optional
        A 2-D Axes to draw on instead of a new figure.
    save : str or os.PathLike, optional
        A ``.png``, ``.svg`` or ``.pdf`` file to write, atomically.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (the root figure of ``ax`` when given).

    Raises
    ------
    TypeError
        If ``runs``, ``objective`` or ``ax`` is of the wrong type.
    ValueError
        If there is no run, the runs do not match the objective or ``labels``, or
        ``dpi`` or ``save`` is refused.

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> slow = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.01, maxiter=50)
    >>> ax = loss({"lr 0.1": result, "lr 0.01": slow}, objective="seed", figsize=(4, 3)).axes[0]
    >>> ax.get_yscale(), ax.get_ylabel(), [line.get_label() for line in ax.get_lines()]
    ('log', 'f - f*', ['lr 0.1', 'lr 0.01'])
    """
    objective = None if objective is None else as_objective(objective, "loss", two_d=False, domain=domain)
    items = as_runs(
        runs, labels, None if objective is None else objective.dim, "" if objective is None else objective.name
    )
    figure, ax, target = begin_figure(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    colors = run_colors(len(items), colors)
    draw_loss(ax, items, colors, finite_minimum(objective))
    ax.legend(fontsize="small", framealpha=0.85)
    if title is not None:
        ax.set_title(title)
    return finish_figure(figure, target, dpi)
