"""Minibatch runs beside full-batch ones: the paths on the full objective's contours, the batch and full losses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._figure import begin_figure, finish_figure
from ._grid import check_resolution
from ._labels import short_name
from ._paths import paths_on
from ._runs import as_objective, as_runs, result_field
from ._style import run_colors

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ._runs import Run

__all__ = ["draw_minibatch_losses", "minibatch_paths"]

_AXES = ("epoch", "iteration")


def _field(run: Run, name: str) -> Any:
    try:
        return result_field(run.result, name)
    except (KeyError, AttributeError):
        return None


def draw_minibatch_losses(ax, runs: Sequence[Run], colors, f_star: float | None, axis: str = "epoch") -> bool:
    """Draw each run's full loss (a line, a dot per epoch) over its batches' losses (thin, pale) on ``ax``.

    A run of :func:`rmsprop.minimize` on a :class:`~rmsprop.objectives.FiniteSum` has the
    batches' losses in ``path_fun`` and the full loss in ``path_full_fun``; a run on the full
    objective itself has the full loss in ``path_fun`` (one batch per epoch), and so has a
    full-batch run on the finite sum (``batch_size=None``), drawn once.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A 2-D Axes.
    runs : sequence of Run
        The runs (see :func:`rmsprop.plot._runs.as_runs`).
    colors : sequence of color
        One colour per run.
    f_star : float or None
        The full objective's minimum, drawn as a dashed line; ``None`` when not known.
    axis : {"epoch", "iteration"}, optional
        What the x-axis counts: passes over the data (iteration / batches per epoch, the fair
        comparison of batch sizes) or steps; default ``"epoch"``.

    Returns
    -------
    bool
        Whether the y-axis is logarithmic (every value drawn is positive).

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> problem = objectives.least_squares([[1.0], [2.0], [3.0]], [1.0, 2.5, 2.5], batch_size=1)
    >>> result = rmsprop.minimize(problem, [0.0], learning_rate=0.1, maxiter=problem.iterations(4))
    >>> from rmsprop.plot._figure import new_figure
    >>> from rmsprop.plot._runs import as_runs
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> draw_minibatch_losses(ax, as_runs(result, labels="B=1"), ["C0"], problem.full.min_value)
    True
    >>> [line.get_gid() for line in ax.get_lines()], ax.get_xlabel()
    (['batch:B=1', 'full:B=1', 'minimum'], 'epoch')
    """
    drawn, wanted = [], []  # every curve; the full losses and f*
    for run, color in zip(runs, colors):
        full = _field(run, "path_full_fun")
        per_epoch = int(_field(run, "batches_per_epoch") or 1) if full is not None else 1
        steps = np.arange(len(run.f))
        x = steps / per_epoch if axis == "epoch" else steps
        if full is not None and not np.array_equal(full, run.f):  # batches' losses of their own
            full = np.asarray(full, dtype=float)
            ax.plot(x, run.f, color=color, linewidth=0.7, alpha=0.35, gid=f"batch:{run.label}")
            drawn.append(run.f)
        else:
            full = run.f
        ax.plot(
            x,
            full,
            color=color,
            linewidth=1.6,
            marker="o",
            markersize=3,
            markevery=slice(0, None, per_epoch),
            label=run.label,
            gid=f"full:{run.label}",
        )
        drawn.append(full)
        wanted.append(full)
    if f_star is not None:
        ax.axhline(f_star, color="black", linestyle="--", linewidth=0.8, label="minimum f*", gid="minimum")
        drawn.append(np.array([f_star]))
        wanted.append(np.array([f_star]))
    values = np.concatenate([np.asarray(y, dtype=float) for y in drawn])
    values = values[np.isfinite(values)]
    log = values.size > 0 and bool(np.all(values > 0))
    if log:
        ax.set_yscale("log")
        lowest = np.concatenate([np.asarray(y, dtype=float) for y in wanted])
        lowest = lowest[np.isfinite(lowest)]
        if lowest.size:  # a single example's loss can be near 0: the full losses and f* set the view
            ax.set_ylim(bottom=float(lowest.min()) / 3)
    ax.set_xlabel(axis)
    ax.set_ylabel("f")
    ax.set_title("Full loss (dots: epochs) over the batches' losses (pale)")
    ax.grid(True, which="major", alpha=0.3)
    return log


def minibatch_paths(
    objective: Any,
    runs: Any,
    *,
    labels: Any = None,
    colors: Any = None,
    axis: str = "epoch",
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
    """Minibatch and full-batch runs of a finite sum: the paths on the full objective's contours, and the losses.

    For a 2-D objective, the paths on the left, over the contours of the full objective
    ``f`` (the noisy minibatch paths beside the full-batch path), and the losses on the
    right: each run's full loss ``f(x_k)`` (``path_full_fun``), a dot at each epoch, over
    its batches' losses ``f_k(x_k)`` (``path_fun``), pale. Any other dimension: the losses
    alone. A run on the full objective itself (``minimize(objective.full, ...)``) draws its
    ``path_fun`` as the full loss.

    Parameters
    ----------
    objective : FiniteSum or Objective
        The finite sum (its :attr:`~rmsprop.objectives.FiniteSum.full` is drawn), or the
        full objective.
    runs : result or list of results or dict
        Results of :func:`rmsprop.minimize` on it (with any batch size), or a
        :func:`rmsprop.minimize_many` result with ``trajectories=True``; a dict names them.
    labels : sequence of str, optional
        One legend label per run; default their settings.
    colors : sequence of color, optional
        One colour per run; default the axes' colour cycle.
    axis : {"epoch", "iteration"}, optional
        The x-axis of the losses: passes over the data, or steps; default ``"epoch"``.
    resolution : int, optional
        The contour grid's points per side, 2 to 4000; default 160.
    window : sequence of two (lo, hi) pairs, optional
        The window of the contours; default the objective's domain grown to hold the paths.
    levels : int or sequence of float, optional
        A count (default 20) or the levels themselves (see :func:`contour_levels`).
    scale : {"auto", "log", "linear"}, optional
        How the levels are spaced; default ``"auto"``.
    cmap : str or matplotlib.colors.Colormap, optional
        The colour map; default ``"viridis"``.
    title : str, optional
        The figure's title; default the objective's name and what is drawn.
    figsize : tuple of float, optional
        The size in inches; default (13, 5.4) with the paths, (7, 4.6) without.
    dpi : float, optional
        The resolution of the figure and of the file.
    save : str or os.PathLike, optional
        A ``.png``, ``.svg`` or ``.pdf`` file to write, atomically.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: ``axes[0]`` the paths (2-D only), then the losses (colour bars after them).

    Raises
    ------
    TypeError
        If ``objective`` or ``runs`` is of the wrong type.
    ValueError
        If there is no run, a run does not match the objective, ``axis`` is unknown, or an
        option is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> A, b, _ = objectives.synthetic_regression(40, 2, seed=1)
    >>> runs = {}
    >>> for size in (1, 10, None):
    ...     problem = objectives.least_squares(A, b, batch_size=size)
    ...     runs[f"batch {size or 'full'}"] = rmsprop.minimize(problem, [0.0, 0.0], learning_rate=0.05,
    ...                                                         maxiter=problem.iterations(3))
    >>> figure = minibatch_paths(problem, runs, resolution=30, figsize=(8, 3.5))
    >>> [ax.get_title() for ax in figure.axes[:2]]
    ['3 runs on least squares', "Full loss (dots: epochs) over the batches' losses (pale)"]
    >>> figure.axes[1].get_xlabel(), figure.get_suptitle()
    ('epoch', 'least squares: minibatches and the full batch')
    """
    from .. import objectives

    if isinstance(objective, objectives.FiniteSum):
        objective = objective.full
    objective = as_objective(objective, "minibatch_paths", two_d=False)
    if axis not in _AXES:
        raise ValueError(f"axis must be one of {', '.join(_AXES)}; got {axis!r}")
    resolution = check_resolution(resolution)
    items = as_runs(runs, labels, objective.dim, objective.name)
    two_d = objective.dim == 2
    if figsize is None:
        figsize = (13.0, 5.4) if two_d else (7.0, 4.6)
    figure, _, target = begin_figure(None, save, figsize, dpi)
    colors = run_colors(len(items), colors)
    if two_d:
        grid = figure.add_gridspec(1, 2, width_ratios=(1.15, 1.0))
        ax_paths, ax_loss = figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1])
        paths_on(ax_paths, objective, items, colors, False, resolution, window, levels, scale, True, cmap, True, True)
    else:
        ax_loss = figure.add_subplot(1, 1, 1)
    min_value = objective.min_value
    draw_minibatch_losses(ax_loss, items, colors, min_value if np.isfinite(min_value) else None, axis)
    ax_loss.legend(fontsize="small", framealpha=0.85)
    figure.suptitle(title if title is not None else f"{short_name(objective)}: minibatches and the full batch")
    return finish_figure(figure, target, dpi)
