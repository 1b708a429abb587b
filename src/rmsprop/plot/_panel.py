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


def panel(
    objective: Any,
    runs: Any,
    *,
    domain: Any = None,
    labels: Any = None,
    with_surface: bool = True,
    gradient_field: bool = False,
    colors: Any = None,
    resolution: int = 160,
    window: Any = None,
    levels: Any = None,
    scale: str = "auto",
    cmap: Any = None,
    title: str | None = None,
    figsize=None,
    dpi: float | None = None,
    save: Any = None,
) -> Figure:
    """Draw the surface, the paths on the contours, the loss and the step sizes of ``runs`` in one figure.

    The objective is 2-D; the surface is left out with ``with_surface=False``. With
    the surface: a 2 x 2 grid (surface, paths / loss, step sizes); without: the
    paths on the left, the loss above the step sizes on the right. The axes are
    ``fig.axes`` in that order (colour bars after them).

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
        Each needs ``path_jac`` (for the step sizes).
    labels : sequence of str, optional
        One legend label per run; default their settings (:func:`settings_label`).
    colors : sequence of color, optional
        One colour per run; default the axes' colour cycle.
    with_surface : bool, optional
        Whether to draw the 3-D surface; default True.
    gradient_field : bool, optional
        Whether to draw arrows of ``-grad f`` over the contours; default False.
    resolution : int, optional
        The grid's points per side, 2 to 4000; default 160.
    window : sequence of two (lo, hi) pairs, optional
        The window drawn; default the objective's domain grown to hold the paths (at
        most three times its width).
    levels : int or sequence of float, optional
        A count (default 20) or the levels themselves (see :func:`contour_levels`).
    scale : {"auto", "log", "linear"}, optional
        How the levels are spaced; default ``"auto"``.
    cmap : str or matplotlib.colors.Colormap, optional
        The colour map; default ``"viridis"``.
    title : str, optional
        The figure's title; default the objective's name and formula.
    figsize : tuple of float, optional
        The size in inches; default (13, 10) with the surface, (13, 6) without.
    dpi : float, optional
        The resolution of the figure and of the file.
    save : str or os.PathLike, optional
        A ``.png``, ``.svg`` or ``.pdf`` file to write, atomically.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Raises
    ------
    TypeError
        If ``objective`` or ``runs`` is of the wrong type.
    ValueError
        If the objective is not 2-D, there is no run or a run does not match it or
        has no ``path_jac``, or an option is out of range.

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> figure = panel("seed", result, resolution=20, figsize=(6, 5))
    >>> [ax.get_title() for ax in figure.axes[:4]]
    ['Surface', 'rmsprop on seed: 50 iterations', 'Gap to the minimum, f - f*', 'Effective step size per coordinate']
    >>> figure.get_suptitle()
    'seed: f = 5*x1**2 + 7*x2**2'
    """
    objective = as_objective(objective, "panel", domain=domain)
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
    shown = paths_on(
        ax_paths, objective, items, colors, gradient_field, resolution, window, levels, scale, True, cmap, True, True
    )
    if with_surface:
        draw_surface(ax_surface, objective, shown, min(resolution, 80), cmap, items, colors)
        ax_surface.set_title("Surface")
    draw_loss(ax_loss, items, colors, finite_minimum(objective))
    draw_steps(ax_steps, items, colors)
    figure.suptitle(title if title is not None else objective_title(objective, 90))
    return finish_figure(figure, target, dpi)
