"""One figure of a few runs: the surface, the paths on the contours, the loss, the step sizes: :func:`panel`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._figure import begin_figure, finish_figure
from ._grid import check_resolution
from ._labels import objective_title
from ._loss import draw_loss, finite_minimum
from ._paths import paths_on
from ._runs import as_objective, as_runs
from ._steps import draw_steps
from ._style import run_colors
from ._surface import draw_surface

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["panel"]


def panel(objective: Any, runs: Any, *, labels: Any = None, with_surface: bool = True, gradient_field: bool = False,
          colors: Any = None, resolution: int = 160, window: Any = None, levels: Any = None, scale: str = "auto",
          cmap: Any = None, title: str | None = None, figsize=None, dpi: float | None = None,
          save: Any = None) -> Figure:
    """One figure with the surface (unless ``with_surface=False``), the paths on the
    contours, the loss and the step sizes of ``runs`` on a 2-D objective.

    With the surface: a 2 x 2 grid (surface, paths / loss, step sizes); without: the
    paths on the left, the loss above the step sizes on the right. The axes are
    ``fig.axes`` in that order (colour bars after them). Returns the Figure.
    """
    objective = as_objective(objective, "panel")
    resolution = check_resolution(resolution)
    items = as_runs(runs, labels, objective.dim, objective.name)
    if figsize is None:
        figsize = (13.0, 10.0) if with_surface else (13.0, 6.0)
    figure, _, target = begin_figure(None, save, figsize, dpi)
    colors = run_colors(len(items), colors)
    if with_surface:
        grid = figure.add_gridspec(2, 2)
        ax_surface = figure.add_subplot(grid[0, 0], projection="3d")
        ax_paths = figure.add_subplot(grid[0, 1])
        ax_loss = figure.add_subplot(grid[1, 0])
        ax_steps = figure.add_subplot(grid[1, 1])
    else:
        grid = figure.add_gridspec(2, 2, width_ratios=(1.25, 1.0))
        ax_paths = figure.add_subplot(grid[:, 0])
        ax_loss = figure.add_subplot(grid[0, 1])
        ax_steps = figure.add_subplot(grid[1, 1])
    shown = paths_on(ax_paths, objective, items, colors, gradient_field, resolution, window, levels, scale, True,
                     cmap, True, True)
    if with_surface:
        draw_surface(ax_surface, objective, shown, min(resolution, 80), cmap, items, colors)
        ax_surface.set_title("Surface")
    draw_loss(ax_loss, items, colors, finite_minimum(objective))
    draw_steps(ax_steps, items, colors)
    figure.suptitle(title if title is not None else objective_title(objective, 90))
    return finish_figure(figure, target, dpi)
