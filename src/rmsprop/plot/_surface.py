"""The 3-D surface of a 2-D objective, with runs drawn on it: :func:`surface`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._figure import begin_figure, finish_figure
from ._grid import check_resolution, contour_grid, plot_window
from ._labels import objective_title
from ._runs import as_objective, as_runs
from ._style import DEFAULT_CMAP, MINIMUM_COLOR, MINIMUM_MARKER, path_markevery, run_colors

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["draw_surface", "surface"]


def draw_surface(ax, objective, window, resolution, cmap, runs=(), colors=(), view=True):
    X, Y, Z = contour_grid(objective, window, resolution)
    ax.computed_zorder = False  # paths and minima over the surface, where they lie on it
    ax.plot_surface(X, Y, np.ma.masked_invalid(Z), cmap=cmap if cmap is not None else DEFAULT_CMAP,
                    rcount=min(resolution, 60), ccount=min(resolution, 60), linewidth=0, antialiased=True,
                    alpha=0.8 if runs else 0.95, zorder=1)
    for run, color in zip(runs, colors):
        ax.plot(run.x[:, 0], run.x[:, 1], run.f, color=color, linewidth=1.8, marker=".", markersize=3,
                markevery=path_markevery(len(run.x)), zorder=10, label=run.label)
    minima = np.asarray(objective.minima, dtype=float)
    if len(minima):
        with np.errstate(all="ignore"):
            values = np.asarray(objective.f(minima.T), dtype=float)
        ax.scatter(minima[:, 0], minima[:, 1], values, marker=MINIMUM_MARKER, s=160, color=MINIMUM_COLOR,
                   edgecolors="black", depthshade=False, zorder=11)
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_zlabel("f")
    if view:
        ax.view_init(elev=32, azim=-125)


def surface(objective: Any, *, runs: Any = None, labels: Any = None, resolution: int = 80, window: Any = None,
            cmap: Any = None, colors: Any = None, title: str | None = None, figsize=(7.0, 5.5),
            dpi: float | None = None, ax: Any = None, save: Any = None) -> Figure:
    """The 3-D surface ``f(x1, x2)`` of a 2-D objective over its domain (or ``window``).

    ``runs`` (optional) are drawn on the surface at their ``f`` values; the known
    minima are gold stars. ``resolution`` is the grid's points per side. ``ax``
    must be a 3-D Axes. Returns the Figure.
    """
    objective = as_objective(objective, "surface")
    resolution = check_resolution(resolution)
    figure, ax, target = begin_figure(ax, save, figsize, dpi, three_d=True)
    items = as_runs(runs, labels, objective.dim, objective.name) if runs is not None else []
    view = ax is None  # a given Axes keeps its own view angles
    if ax is None:
        ax = figure.add_subplot(1, 1, 1, projection="3d")
    draw_surface(ax, objective, plot_window(objective, items, window), resolution, cmap, items,
                 run_colors(len(items), colors), view)
    ax.set_title(title if title is not None else objective_title(objective))
    return finish_figure(figure, target, dpi)
