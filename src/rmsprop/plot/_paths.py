"""Runs over the contours of a 2-D objective, and their legend: :func:`paths`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._contour import draw_contour, draw_gradient_field, draw_minima
from ._figure import begin_figure, finish_figure, root_figure
from ._grid import check_resolution, plot_window
from ._labels import short_name
from ._legend import defer_placement
from ._runs import as_objective, as_runs
from ._style import END_MARKER, MINIMUM_COLOR, MINIMUM_MARKER, START_MARKER, Z_ENDS, Z_PATH, path_markevery, run_colors

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ._runs import Run

__all__ = ["legend_2d", "paths", "paths_on"]


def _draw_runs_2d(ax, runs: Sequence[Run], colors):
    """Each run's path (line and small markers), a start circle and an end square."""
    for run, color in zip(runs, colors):
        ax.plot(
            run.x[:, 0],
            run.x[:, 1],
            "-",
            color=color,
            linewidth=1.6,
            marker=".",
            markersize=4,
            markevery=path_markevery(len(run.x)),
            zorder=Z_PATH,
            label=run.label,
            gid=f"path:{run.label}",
        )
        ax.plot(
            run.x[0, 0],
            run.x[0, 1],
            linestyle="none",
            marker=START_MARKER,
            markersize=8,
            color=color,
            markeredgecolor="black",
            markeredgewidth=0.8,
            zorder=Z_ENDS,
            gid=f"start:{run.label}",
        )
        ax.plot(
            run.x[-1, 0],
            run.x[-1, 1],
            linestyle="none",
            marker=END_MARKER,
            markersize=7,
            color=color,
            markeredgecolor="black",
            markeredgewidth=0.8,
            zorder=Z_ENDS,
            gid=f"end:{run.label}",
        )


def legend_2d(ax, runs: Sequence[Run], colors, objective, location=None):
    """Add the legend of runs over contours: one entry per run, then ``start``, ``end`` and ``minimum``.

    The legend covers no iterate, start, end or minimum: once the figure is finished it takes
    the first corner or side of the axes clear of them all, or else goes below the axes
    (:func:`~rmsprop.plot._legend.defer_placement`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The Axes of the paths.
    runs : sequence of Run
        The runs drawn.
    colors : sequence of color
        Their colours.
    objective : Objective
        The objective (``minimum`` is listed when it has known minima).
    location : str, optional
        matplotlib's ``loc``; default: chosen clear of the points drawn.

    Returns
    -------
    matplotlib.legend.Legend
        The legend.

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> from rmsprop.plot._figure import new_figure
    >>> from rmsprop.plot._runs import as_runs
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> legend = legend_2d(ax, as_runs(result, labels="lr 0.1"), ["C0"], objectives.get("seed"))
    >>> [text.get_text() for text in legend.get_texts()]
    ['lr 0.1', 'start', 'end', 'minimum']
    """
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=color, linewidth=1.6, marker=".", markersize=4, label=run.label)
        for run, color in zip(runs, colors)
    ]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker=START_MARKER,
            markersize=7,
            markerfacecolor="white",
            markeredgecolor="black",
            label="start",
        )
    )
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker=END_MARKER,
            markersize=6,
            markerfacecolor="white",
            markeredgecolor="black",
            label="end",
        )
    )
    if len(objective.minima):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=MINIMUM_MARKER,
                markersize=11,
                markerfacecolor=MINIMUM_COLOR,
                markeredgecolor="black",
                label="minimum",
            )
        )

    def make_legend(**options):
        return ax.legend(handles=handles, fontsize="small", framealpha=0.85, **options)

    if location is not None:
        return make_legend(loc=location)
    points = np.concatenate([run.x[:, :2] for run in runs] + [np.asarray(objective.minima, dtype=float)[:, :2]])
    return defer_placement(root_figure(ax), ax, make_legend, points)


def paths(
    objective: Any,
    runs: Any,
    *,
    domain: Any = None,
    labels: Any = None,
    gradient_field: bool = False,
    colors: Any = None,
    resolution: int = 200,
    window: Any = None,
    levels: Any = None,
    scale: str = "auto",
    filled: bool = True,
    cmap: Any = None,
    colorbar: bool = True,
    legend: bool = True,
    title: str | None = None,
    figsize=(7.0, 5.6),
    dpi: float | None = None,
    ax: Any = None,
    save: Any = None,
) -> Figure:
    """One or many runs over the contours of a 2-D objective.

    Each run is a line with small markers in its own colour (the axes' colour cycle,
    or ``colors``), a circle at its start and a square at its end; gold stars mark
    the known minima. The legend names each run by its settings (:func:`settings_label`)
    or by ``labels``. ``gradient_field=True`` adds arrows of ``-grad f`` normalised to
    one length. The window is the objective's domain grown to hold the paths (at
    most three times its width), or ``window``. Other options as :func:`contour`.

    Parameters
    ----------
    objective : Objective, str or callable
        A 2-D objective: an :class:`~rmsprop.objectives.Objective`, a catalogue name
        (``"rosenbrock"``), a formula (``"(1 - x)**2 + 100*(y - x**2)**2"``, read by
        :func:`rmsprop.objectives.from_expression`) or a function ``f(x)`` with ``domain``.
    domain : sequence of two (lo, hi) pairs, optional
        Where the objective lives (``((-2, 2), (-1, 3))``): needed with a function,
        replaces a formula's or an objective's window otherwise.
    runs : result or list of results or dict
        One result of :func:`rmsprop.minimize`, a list of them or a dict label -> result
        (see :func:`as_runs`).
    labels : sequence of str, optional
        One legend label per run; default their settings (:func:`settings_label`).
    colors : sequence of color, optional
        One colour per run; default the axes' colour cycle.
    gradient_field : bool, optional
        Whether to draw arrows of ``-grad f``; default False.
    resolution : int, optional
        The grid's points per side, 2 to 4000; default 200.
    window : sequence of two (lo, hi) pairs, optional
        The window drawn; default the objective's domain grown to hold the paths (at
        most three times its width).
    levels : int or sequence of float, optional
        A count (default 20) or the levels themselves (see :func:`contour_levels`).
    scale : {"auto", "log", "linear"}, optional
        How the levels are spaced; default ``"auto"``.
    filled : bool, optional
        Whether to fill between the levels; default True.
    cmap : str or matplotlib.colors.Colormap, optional
        The colour map of the contours; default ``"viridis"``.
    colorbar : bool, optional
        Whether to add a colour bar; default True.
    legend : bool, optional
        Whether to add the legend; default True.
    title : str, optional
        The title; default ``"<optimizer> on <objective>: <n> iterations"`` for one run,
        ``"<k> runs on <objective>"`` for several.
    figsize : tuple of float, optional
        The size of a new figure, in inches; default (7.0, 5.6).
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
        If ``objective``, ``runs``, ``colors`` or ``ax`` is of the wrong type.
    ValueError
        If the objective is not 2-D, there is no run or a run does not match it, or an
        option is out of range (as for :func:`contour`).

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> ax = paths("seed", result, resolution=40, figsize=(4, 3)).axes[0]
    >>> ax.get_title(), [text.get_text() for text in ax.get_legend().get_texts()]
    ('rmsprop on seed: 50 iterations', ['rmsprop lr=0.1 decay=0.9', 'start', 'end', 'minimum'])
    >>> start = [line for line in ax.get_lines() if line.get_gid().startswith("start:")][0]
    >>> start.get_xydata().tolist()
    [[-4.0, 3.0]]

    Several runs, named by a dict, over the gradient field:

    >>> slow = rmsprop.minimize(objectives.get("seed"), [4.0, 4.0], learning_rate=0.01, maxiter=50)
    >>> ax = paths("seed", {"lr 0.1": result, "lr 0.01": slow}, gradient_field=True, resolution=40).axes[0]
    >>> ax.get_title(), [text.get_text() for text in ax.get_legend().get_texts()][:2]
    ('2 runs on seed', ['lr 0.1', 'lr 0.01'])
    """
    objective = as_objective(objective, "paths", domain=domain)
    resolution = check_resolution(resolution)
    items = as_runs(runs, labels, objective.dim, objective.name)
    figure, ax, target = begin_figure(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    paths_on(
        ax,
        objective,
        items,
        run_colors(len(items), colors),
        gradient_field,
        resolution,
        window,
        levels,
        scale,
        filled,
        cmap,
        colorbar,
        legend,
    )
    if title is not None:
        ax.set_title(title)
    return finish_figure(figure, target, dpi)


def paths_on(
    ax, objective, items, colors, gradient_field, resolution, window, levels, scale, filled, cmap, colorbar, legend
):
    """Draw runs over the contours on ``ax``: contours, gradient field, minima, paths, legend and title.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A 2-D Axes.
    objective : Objective
        A 2-D objective.
    items : list of Run
        The runs (see :func:`as_runs`).
    colors : sequence of color
        One colour per run.
    gradient_field : bool
        Whether to draw arrows of ``-grad f``.
    resolution : int
        The grid's points per side.
    window : sequence of two (lo, hi) pairs or None
        The window, or ``None`` for the domain grown to hold the paths.
    levels : int or sequence of float or None
        See :func:`contour_levels`.
    scale : {"auto", "log", "linear"}
        See :func:`contour_levels`.
    filled : bool
        Whether to fill between the levels.
    cmap : str or matplotlib.colors.Colormap or None
        The colour map.
    colorbar : bool
        Whether to add a colour bar.
    legend : bool
        Whether to add the legend.

    Returns
    -------
    tuple of (float, float)
        The window drawn.

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> from rmsprop.plot._figure import new_figure
    >>> from rmsprop.plot._runs import as_runs
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> paths_on(ax, objectives.get("seed"), as_runs(result, labels="lr 0.1"), ["C0"], False, 30, None, None,
    ...          "auto", True, None, False, True)
    ((-5.0, 5.0), (-5.0, 5.0))
    >>> [line.get_gid() for line in ax.get_lines()]
    ['minimum', 'path:lr 0.1', 'start:lr 0.1', 'end:lr 0.1']
    """
    window = plot_window(objective, items, window)
    draw_contour(ax, objective, window, resolution, levels, scale, filled, cmap, colorbar)
    if gradient_field:
        draw_gradient_field(ax, objective, window)
    draw_minima(ax, objective, window)
    _draw_runs_2d(ax, items, colors)
    if len(items) == 1:
        ax.set_title(f"{items[0].label.split(' ')[0]} on {short_name(objective)}: {items[0].nit} iterations")
    else:
        ax.set_title(f"{len(items)} runs on {short_name(objective)}")
    if legend:
        legend_2d(ax, items, colors, objective)
    return window
