"""Runs over the contours of a 2-D objective, and their legend: :func:`paths`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._contour import draw_contour, draw_gradient_field, draw_minima
from ._figure import begin_figure, finish_figure
from ._grid import check_resolution, plot_window
from ._runs import as_objective, as_runs
from ._style import END_MARKER, MINIMUM_COLOR, MINIMUM_MARKER, START_MARKER, Z_ENDS, Z_PATH, path_markevery, run_colors

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ._runs import Run

__all__ = ["legend_2d", "paths", "paths_on"]


def _draw_runs_2d(ax, runs: Sequence[Run], colors):
    """Each run's path (line and small markers), a start circle and an end square."""
    for run, color in zip(runs, colors):
        ax.plot(run.x[:, 0], run.x[:, 1], "-", color=color, linewidth=1.6, marker=".", markersize=4,
                markevery=path_markevery(len(run.x)), zorder=Z_PATH, label=run.label, gid=f"path:{run.label}")
        ax.plot(run.x[0, 0], run.x[0, 1], linestyle="none", marker=START_MARKER, markersize=8, color=color,
                markeredgecolor="black", markeredgewidth=0.8, zorder=Z_ENDS, gid=f"start:{run.label}")
        ax.plot(run.x[-1, 0], run.x[-1, 1], linestyle="none", marker=END_MARKER, markersize=7, color=color,
                markeredgecolor="black", markeredgewidth=0.8, zorder=Z_ENDS, gid=f"end:{run.label}")


def legend_2d(ax, runs: Sequence[Run], colors, objective, location="best"):
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=color, linewidth=1.6, marker=".", markersize=4, label=run.label)
        for run, color in zip(runs, colors)
    ]
    handles.append(Line2D([], [], linestyle="none", marker=START_MARKER, markersize=7, markerfacecolor="white",
                          markeredgecolor="black", label="start"))
    handles.append(Line2D([], [], linestyle="none", marker=END_MARKER, markersize=6, markerfacecolor="white",
                          markeredgecolor="black", label="end"))
    if len(objective.minima):
        handles.append(Line2D([], [], linestyle="none", marker=MINIMUM_MARKER, markersize=11,
                              markerfacecolor=MINIMUM_COLOR, markeredgecolor="black", label="minimum"))
    return ax.legend(handles=handles, loc=location, fontsize="small", framealpha=0.85)


def paths(objective: Any, runs: Any, *, labels: Any = None, gradient_field: bool = False, colors: Any = None,
          resolution: int = 200, window: Any = None, levels: Any = None, scale: str = "auto", filled: bool = True,
          cmap: Any = None, colorbar: bool = True, legend: bool = True, title: str | None = None,
          figsize=(7.0, 5.6), dpi: float | None = None, ax: Any = None, save: Any = None) -> Figure:
    """One or many runs over the contours of a 2-D objective.

    Each run is a line with small markers in its own colour (the axes' colour cycle,
    or ``colors``), a circle at its start and a square at its end; gold stars mark
    the known minima. The legend names each run by its settings (:func:`settings_label`)
    or by ``labels``. ``gradient_field=True`` adds arrows of ``-grad f`` normalised to
    one length. The window is the objective's domain grown to hold the paths (at
    most three times its width), or ``window``. Other options as :func:`contour`.
    Returns the Figure.
    """
    objective = as_objective(objective, "paths")
    resolution = check_resolution(resolution)
    items = as_runs(runs, labels, objective.dim, objective.name)
    figure, ax, target = begin_figure(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    paths_on(ax, objective, items, run_colors(len(items), colors), gradient_field, resolution, window, levels, scale,
             filled, cmap, colorbar, legend)
    if title is not None:
        ax.set_title(title)
    return finish_figure(figure, target, dpi)


def paths_on(ax, objective, items, colors, gradient_field, resolution, window, levels, scale, filled, cmap,
             colorbar, legend):
    window = plot_window(objective, items, window)
    draw_contour(ax, objective, window, resolution, levels, scale, filled, cmap, colorbar)
    if gradient_field:
        draw_gradient_field(ax, objective, window)
    draw_minima(ax, objective, window)
    _draw_runs_2d(ax, items, colors)
    if legend:
        legend_2d(ax, items, colors, objective)
    if len(items) == 1:
        ax.set_title(f"{items[0].label.split(' ')[0]} on {objective.name}: {items[0].nit} iterations")
    else:
        ax.set_title(f"{len(items)} runs on {objective.name}")
    return window
