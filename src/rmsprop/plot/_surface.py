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
    """Draw the surface ``f(x1, x2)`` on a 3-D Axes, with runs at their ``f`` values and the minima.

    Parameters
    ----------
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D
        A 3-D Axes.
    objective : Objective
        A 2-D objective.
    window : tuple of (float, float)
        ``((x1_lo, x1_hi), (x2_lo, x2_hi))``.
    resolution : int
        The grid's points per side (the mesh drawn has at most 60 per side).
    cmap : str or matplotlib.colors.Colormap or None
        The colour map; ``None`` for :data:`DEFAULT_CMAP`.
    runs : sequence of Run, optional
        The runs to draw on the surface; default none.
    colors : sequence of color, optional
        One colour per run.
    view : bool, optional
        Whether to set the view angles (elevation 32, azimuth -125); default True.

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> from rmsprop.plot._figure import new_figure
    >>> from rmsprop.plot._runs import as_runs
    >>> ax = new_figure((3.0, 3.0), None).add_subplot(projection="3d")
    >>> draw_surface(ax, objectives.get("seed"), ((-5, 5), (-5, 5)), 20, None, as_runs(result), ["C0"])
    >>> ax.get_zlabel(), len(ax.get_lines()), (ax.elev, ax.azim)
    ('f', 1, (32, -125))
    """
    X, Y, Z = contour_grid(objective, window, resolution)
    ax.computed_zorder = False  # paths and minima over the surface, where they lie on it
    ax.plot_surface(
        X,
        Y,
        np.ma.masked_invalid(Z),
        cmap=cmap if cmap is not None else DEFAULT_CMAP,
        rcount=min(resolution, 60),
        ccount=min(resolution, 60),
        linewidth=0,
        antialiased=True,
        alpha=0.8 if runs else 0.95,
        zorder=1,
    )
    for run, color in zip(runs, colors):
        ax.plot(
            run.x[:, 0],
            run.x[:, 1],
            run.f,
            color=color,
            linewidth=1.8,
            marker=".",
            markersize=3,
            markevery=path_markevery(len(run.x)),
            zorder=10,
            label=run.label,
        )
    minima = np.asarray(objective.minima, dtype=float)
    if len(minima):
        with np.errstate(all="ignore"):
            values = np.asarray(objective.f(minima.T), dtype=float)
        ax.scatter(
            minima[:, 0],
            minima[:, 1],
            values,
            marker=MINIMUM_MARKER,
            s=160,
            color=MINIMUM_COLOR,
            edgecolors="black",
            depthshade=False,
            zorder=11,
        )
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_zlabel("f")
    if view:
        ax.view_init(elev=32, azim=-125)


def surface(
    objective: Any,
    *,
    domain: Any = None,
    runs: Any = None,
    labels: Any = None,
    resolution: int = 80,
    window: Any = None,
    cmap: Any = None,
    colors: Any = None,
    title: str | None = None,
    figsize=(7.0, 5.5),
    dpi: float | None = None,
    ax: Any = None,
    save: Any = None,
) -> Figure:
    """The 3-D surface ``f(x1, x2)`` of a 2-D objective over its domain (or ``window``).

    ``runs`` (optional) are drawn on the surface at their ``f`` values; the known
    minima are gold stars.

    Parameters
    ----------
    objective : Objective, str or callable
        A 2-D objective: an :class:`~rmsprop.objectives.Objective`, a catalogue name
        (``"rosenbrock"``), a formula (``"(1 - x)**2 + 100*(y - x**2)**2"``, read by
        :func:`rmsprop.objectives.from_expression`) or a function ``f(x)`` with ``domain``.
    domain : sequence of two (lo, hi) pairs, optional
        Where the objective lives (``((-2, 2), (-1, 3))``): needed with a function,
        replaces a formula's or an objective's window otherwise.
    runs : result or list of results or dict, optional
        Runs to draw on the surface (see :func:`as_runs`).
    labels : sequence of str, optional
        One legend label per run; default their settings (:func:`settings_label`).
    colors : sequence of color, optional
        One colour per run; default the axes' colour cycle.
    resolution : int, optional
        The grid's points per side, 2 to 4000; default 80.
    window : sequence of two (lo, hi) pairs, optional
        The window drawn; default the objective's domain grown to hold the runs.
    cmap : str or matplotlib.colors.Colormap, optional
        The colour map; default ``"viridis"``.
    title : str, optional
        The title; default the objective's name and formula.
    figsize : tuple of float, optional
        The size of a new figure, in inches; default (7.0, 5.5).
    dpi : float, optional
        The resolution of a new figure and of the file.
    ax : matplotlib.axes.Axes, optional
        A 3-D (``projection="3d"``) Axes to draw on instead of a new figure.
    save : str or os.PathLike, optional
        A ``.png``, ``.svg`` or ``.pdf`` file to write, atomically.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (the root figure of ``ax`` when given).

    Raises
    ------
    TypeError
        If ``objective``, ``runs`` or ``ax`` is of the wrong type.
    ValueError
        If the objective is not 2-D, ``ax`` is not 3-D, a run does not match, or an
        option is out of range.

    Examples
    --------
    >>> ax = surface("seed", resolution=20, figsize=(3, 3)).axes[0]
    >>> ax.name, ax.get_title(), ax.get_zlabel()
    ('3d', 'seed: f = 5*x1**2 + 7*x2**2', 'f')
    """
    objective = as_objective(objective, "surface", domain=domain)
    resolution = check_resolution(resolution)
    figure, ax, target = begin_figure(ax, save, figsize, dpi, three_d=True)
    items = as_runs(runs, labels, objective.dim, objective.name) if runs is not None else []
    view = ax is None  # a given Axes keeps its own view angles
    if ax is None:
        ax = figure.add_subplot(1, 1, 1, projection="3d")
    draw_surface(
        ax,
        objective,
        plot_window(objective, items, window),
        resolution,
        cmap,
        items,
        run_colors(len(items), colors),
        view,
    )
    ax.set_title(title if title is not None else objective_title(objective))
    return finish_figure(figure, target, dpi)
