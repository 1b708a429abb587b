"""Contours of a 2-D objective: the levels drawn on an Axes, the known minima, the gradient field; :func:`contour`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._figure import begin_figure, finish_figure, root_figure
from ._grid import check_resolution, contour_grid, contour_levels, plot_window
from ._labels import format_number, objective_title
from ._legend import defer_placement
from ._runs import as_objective
from ._style import DEFAULT_CMAP, MINIMUM_COLOR, MINIMUM_MARKER, Z_FIELD, Z_MINIMA

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["EQUAL_ASPECT_RATIO", "contour", "draw_contour", "draw_gradient_field", "draw_minima"]

#: Contours are drawn with equal aspect (one unit of x1 as long as one of x2) when the window's
#: sides differ by at most this ratio; a longer window fills the axes instead.
EQUAL_ASPECT_RATIO = 3.0


def draw_contour(ax, objective, window, resolution, levels, scale, filled, cmap, colorbar):
    """Draw the contours of a 2-D objective on ``ax`` over ``window``, with their colour bar.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A 2-D Axes.
    objective : Objective
        A 2-D objective.
    window : tuple of (float, float)
        ``((x1_lo, x1_hi), (x2_lo, x2_hi))``; the Axes' limits are set to it, with equal
        aspect when its sides differ by at most :data:`EQUAL_ASPECT_RATIO`.
    resolution : int
        The grid's points per side.
    levels : int or sequence of float or None
        See :func:`contour_levels`.
    scale : {"auto", "log", "linear"}
        See :func:`contour_levels`.
    filled : bool
        Whether to fill between the levels (under thin lines).
    cmap : str or matplotlib.colors.Colormap or None
        The colour map; ``None`` for :data:`DEFAULT_CMAP`.
    colorbar : bool
        Whether to add a colour bar.

    Returns
    -------
    matplotlib.contour.QuadContourSet
        The line contours; their ``rmsprop_scale`` says which levels were drawn
        (``"log"``, ``"linear"`` or ``"given"``).

    Raises
    ------
    ValueError
        If f has no finite value in the window, or ``levels``/``scale`` are refused.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> from rmsprop.plot._figure import new_figure
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> rosenbrock = objectives.get("rosenbrock")
    >>> lines = draw_contour(ax, rosenbrock, rosenbrock.domain, 30, None, "auto", True, None, False)
    >>> lines.rmsprop_scale, ax.get_xlim() == rosenbrock.domain[0]
    ('log', True)
    """
    from matplotlib.colors import BoundaryNorm

    X, Y, Z = contour_grid(objective, window, resolution)
    level_values, chosen = contour_levels(Z, objective.min_value, levels, scale)
    cmap = cmap if cmap is not None else DEFAULT_CMAP
    import matplotlib

    colormap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    norm = BoundaryNorm(level_values, colormap.N, extend="both") if len(level_values) > 1 else None
    if filled and len(level_values) > 1:
        filled_set = ax.contourf(
            X, Y, Z, levels=level_values, cmap=colormap, norm=norm, extend="both", alpha=0.45, zorder=0
        )
        lines = ax.contour(X, Y, Z, levels=level_values, cmap=colormap, norm=norm, linewidths=0.6, zorder=1)
        mappable = filled_set
    else:
        lines = ax.contour(X, Y, Z, levels=level_values, cmap=colormap, norm=norm, linewidths=1.0, zorder=1)
        mappable = lines
    lines.rmsprop_scale = chosen  # "log", "linear" or "given", for whoever reads the figure
    if colorbar:
        figure = root_figure(ax)
        from matplotlib.ticker import FuncFormatter

        bar = figure.colorbar(mappable, ax=ax, format=FuncFormatter(lambda v, _: format_number(v, 3)), shrink=0.9)
        bar.set_label("f" + (" (log-spaced levels)" if chosen == "log" else ""))
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    (x_lo, x_hi), (y_lo, y_hi) = window
    if 1 / EQUAL_ASPECT_RATIO <= (x_hi - x_lo) / (y_hi - y_lo) <= EQUAL_ASPECT_RATIO:
        ax.set_aspect("equal", adjustable="box")  # x1 and x2 share their unit: a circle looks round
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return lines


def draw_minima(ax, objective, window):
    """Mark the objective's known minima inside ``window`` with gold stars.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A 2-D Axes.
    objective : Objective
        A 2-D objective.
    window : tuple of (float, float)
        ``((x1_lo, x1_hi), (x2_lo, x2_hi))``: minima outside it are not drawn.

    Returns
    -------
    matplotlib.lines.Line2D or None
        The stars (``gid="minimum"``, label ``"minimum"``), or ``None`` when no known
        minimum lies in the window.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> from rmsprop.plot._figure import new_figure
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> stars = draw_minima(ax, objectives.get("himmelblau"), ((0, 5), (-5, 5)))
    >>> stars.get_gid(), len(stars.get_xdata())
    ('minimum', 2)
    >>> draw_minima(ax, objectives.get("seed"), ((1, 2), (1, 2))) is None
    True
    """
    minima = np.asarray(objective.minima, dtype=float)
    if len(minima):
        (x_lo, x_hi), (y_lo, y_hi) = window
        inside = (minima[:, 0] >= x_lo) & (minima[:, 0] <= x_hi) & (minima[:, 1] >= y_lo) & (minima[:, 1] <= y_hi)
        minima = minima[inside]
    if len(minima) == 0:
        return None
    (artist,) = ax.plot(
        minima[:, 0],
        minima[:, 1],
        linestyle="none",
        marker=MINIMUM_MARKER,
        markersize=15,
        markerfacecolor=MINIMUM_COLOR,
        markeredgecolor="black",
        markeredgewidth=0.8,
        zorder=Z_MINIMA,
        label="minimum",
    )
    artist.set_gid("minimum")
    return artist


def draw_gradient_field(ax, objective, window, count=21):
    """Draw arrows of ``-grad f``, all of one length, on a ``count`` x ``count`` grid over ``window``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A 2-D Axes.
    objective : Objective
        A 2-D objective.
    window : tuple of (float, float)
        ``((x1_lo, x1_hi), (x2_lo, x2_hi))``.
    count : int, optional
        Arrows per side; default 21.

    Returns
    -------
    matplotlib.quiver.Quiver
        The arrows (``gid="gradient field"``); none where the gradient is 0 or not finite.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> from rmsprop.plot._figure import new_figure
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> arrows = draw_gradient_field(ax, objectives.get("seed"), ((-1, 1), (-1, 1)), count=5)
    >>> arrows.get_gid(), arrows.N
    ('gradient field', 25)
    >>> round(float(arrows.U[0]), 6), round(float(arrows.V[0]), 6)   # at (-1, -1): -grad f = (10, 14), normalised
    (0.581238, 0.813733)
    """
    (x_lo, x_hi), (y_lo, y_hi) = window
    X, Y = np.meshgrid(np.linspace(x_lo, x_hi, count), np.linspace(y_lo, y_hi, count))
    with np.errstate(all="ignore"):
        G = np.asarray(objective.grad(np.stack([X, Y])), dtype=float)
        norm = np.hypot(G[0], G[1])
        U, V = -G[0] / norm, -G[1] / norm
    bad = ~(np.isfinite(U) & np.isfinite(V)) | (norm == 0)
    U, V = np.where(bad, np.nan, U), np.where(bad, np.nan, V)
    quiver = ax.quiver(
        X, Y, U, V, color="0.25", alpha=0.55, angles="xy", pivot="mid", scale=count * 1.25, width=0.0025, zorder=Z_FIELD
    )
    quiver.set_gid("gradient field")
    return quiver


def contour(
    objective: Any,
    *,
    domain: Any = None,
    resolution: int = 200,
    window: Any = None,
    levels: Any = None,
    scale: str = "auto",
    filled: bool = True,
    cmap: Any = None,
    colorbar: bool = True,
    minima: bool = True,
    title: str | None = None,
    figsize=(6.4, 5.2),
    dpi: float | None = None,
    ax: Any = None,
    save: Any = None,
) -> Figure:
    """Contours of a 2-D objective over its domain (or ``window``), filled unless ``filled=False``.

    The levels (``levels``: a count, default 20, or the values) are log-spaced when
    ``f - f_ref`` spans several decades over the window and evenly spaced otherwise
    (see :func:`contour_levels`; ``scale="log"``/``"linear"`` forces one); colours
    are spread evenly over the levels either way. Gold stars mark the known minima.
    The line contours carry ``rmsprop_scale`` (``"log"``, ``"linear"``, ``"given"``).

    Parameters
    ----------
    objective : Objective, str or callable
        A 2-D objective: an :class:`~rmsprop.objectives.Objective`, a catalogue name
        (``"rosenbrock"``), a formula (``"(1 - x)**2 + 100*(y - x**2)**2"``, read by
        :func:`rmsprop.objectives.from_expression`) or a function ``f(x)`` with ``domain``.
    domain : sequence of two (lo, hi) pairs, optional
        Where the objective lives (``((-2, 2), (-1, 3))``): needed with a function,
        replaces a formula's or an objective's window otherwise.
    resolution : int, optional
        The grid's points per side, 2 to 4000; default 200.
    window : sequence of two (lo, hi) pairs, optional
        The window drawn; default the objective's domain.
    levels : int or sequence of float, optional
        A count (default 20) or the levels themselves.
    scale : {"auto", "log", "linear"}, optional
        How the levels are spaced; default ``"auto"``.
    filled : bool, optional
        Whether to fill between the levels; default True.
    cmap : str or matplotlib.colors.Colormap, optional
        The colour map; default ``"viridis"``.
    colorbar : bool, optional
        Whether to add a colour bar; default True.
    minima : bool, optional
        Whether to mark the known minima (and add their legend); default True.
    title : str, optional
        The title; default the objective's name and formula.
    figsize : tuple of float, optional
        The size of a new figure, in inches; default (6.4, 5.2).
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
        If ``objective`` or ``ax`` is of the wrong type.
    ValueError
        If the objective is not 2-D or has no finite value in the window, or an
        option is out of range (``resolution``, ``levels``, ``scale``, ``window``,
        ``dpi``, ``save``'s suffix or folder, a PNG's size).

    Examples
    --------
    >>> figure = contour("rosenbrock", resolution=40, figsize=(4, 3))
    >>> ax = figure.axes[0]
    >>> ax.get_title(), [line.get_gid() for line in ax.get_lines()]
    ('rosenbrock', ['minimum'])
    >>> [getattr(lines, "rmsprop_scale", None) for lines in ax.collections]
    [None, 'log']

    Saved as a file (here in a temporary folder):

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = contour("seed", resolution=20, figsize=(2, 2), dpi=50, save=Path(folder, "seed.png"))
    ...     print(Path(folder, "seed.png").read_bytes()[1:4])
    b'PNG'
    """
    objective = as_objective(objective, "contour", domain=domain)
    resolution = check_resolution(resolution)
    figure, ax, target = begin_figure(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    window = plot_window(objective, (), window)
    draw_contour(ax, objective, window, resolution, levels, scale, filled, cmap, colorbar)
    ax.set_title(title if title is not None else objective_title(objective))
    if minima and draw_minima(ax, objective, window) is not None:
        minima_drawn = np.asarray(objective.minima, dtype=float)
        defer_placement(
            figure, ax, lambda **options: ax.legend(fontsize="small", framealpha=0.85, **options), minima_drawn
        )
    return finish_figure(figure, target, dpi)
