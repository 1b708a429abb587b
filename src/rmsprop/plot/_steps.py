"""RMSprop's effective per-coordinate step against the iteration: :func:`effective_steps`, :func:`step_sizes`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._figure import begin_figure, finish_figure
from ._runs import as_runs, result_field
from ._style import LINESTYLES, run_colors

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ._runs import Run

__all__ = ["draw_steps", "effective_steps", "step_sizes"]


def effective_steps(result: Any) -> np.ndarray:
    r"""The effective per-coordinate step of each iteration of a run, shape ``(nit, dim)``.

    ``steps[t, i] = |x_{t+1,i} - x_{t,i}| / |g_{t,i}|`` with ``x = result.path_x`` and
    ``g = result.path_jac`` (the gradient at each iterate); NaN where ``g_{t,i} = 0``.
    It is the factor that multiplies the gradient in the step. For plain RMSprop
    (``x <- x - lr * g / sqrt(e + eps)``, no momentum, clipping or weight decay) it is
    ``lr / sqrt(e_{t+1} + eps)``: the per-coordinate learning rate RMSprop adapts,
    up to the rounding of ``x_{t+1} - x_t``. For plain gradient descent it is the
    learning rate itself.

    Parameters
    ----------
    result : OptimizeResult or mapping
        A run with ``path_x`` and ``path_jac``, shape ``(nit + 1, dim)`` each (a result
        of :func:`rmsprop.minimize`).

    Returns
    -------
    numpy.ndarray
        ``steps``, shape ``(nit, dim)``.

    Raises
    ------
    ValueError
        If ``path_x`` is not ``(nit + 1, dim)``, the run has no ``path_jac`` (a row of
        :func:`rmsprop.minimize_many`), or ``path_jac`` has another shape.

    Examples
    --------
    The first step of RMSprop from ``(-4, 3)`` on the seed is ``lr / sqrt(e_1 + eps)``
    with ``e_1 = (1 - decay) g^2``:

    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> import numpy as np
    >>> steps = effective_steps(result)
    >>> steps.shape
    (50, 2)
    >>> g = result.path_jac[0]
    >>> np.allclose(steps[0], 0.1 / np.sqrt(0.1 * g**2 + 1e-8))
    True
    """
    x = np.asarray(result_field(result, "path_x"), dtype=float)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"path_x must have shape (nit + 1, dim); got {x.shape}")
    try:
        g = np.asarray(result_field(result, "path_jac"), dtype=float)
    except (KeyError, AttributeError) as error:
        raise ValueError(
            "step sizes need path_jac (the gradient at each iterate, which rmsprop.minimize records); this run has none"
        ) from error
    if g.shape != x.shape:
        raise ValueError(f"path_jac must have the shape of path_x, {x.shape}; got {g.shape}")
    step = np.abs(np.diff(x, axis=0))
    gradient = np.abs(g[:-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gradient == 0, np.nan, step / np.where(gradient == 0, 1.0, gradient))


def draw_steps(ax, runs: Sequence[Run], colors):
    """Draw the effective per-coordinate steps of ``runs`` on ``ax``, log y-axis (see :func:`step_sizes`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A 2-D Axes.
    runs : sequence of Run
        The runs; each needs ``path_jac``.
    colors : sequence of color
        One colour per run.

    Raises
    ------
    ValueError
        If a run has no ``path_jac`` (see :func:`effective_steps`).

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> from rmsprop.plot._figure import new_figure
    >>> from rmsprop.plot._runs import as_runs
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> draw_steps(ax, as_runs(result), ["C0"])
    >>> ax.get_yscale(), [line.get_linestyle() for line in ax.get_lines()]
    ('log', ['-', '--'])
    """
    total = sum(run.x.shape[1] for run in runs)
    for run, color in zip(runs, colors):
        steps = effective_steps(run.result)
        for i in range(steps.shape[1]):
            label = f"{run.label}: x{i + 1}" if len(runs) > 1 else f"x{i + 1}"
            ax.plot(
                np.arange(len(steps)),
                steps[:, i],
                color=color,
                linestyle=LINESTYLES[i % len(LINESTYLES)],
                linewidth=1.4,
                label=label if total <= 12 else None,
            )
    finite = np.concatenate([effective_steps(run.result).ravel() for run in runs])
    finite = finite[np.isfinite(finite)]
    if finite.size and np.all(finite > 0):
        ax.set_yscale("log")
    elif finite.size and np.any(finite > 0):
        ax.set_yscale("log", nonpositive="mask")
    ax.set_xlabel("iteration")
    ax.set_ylabel("step size |Δx_i| / |g_i|")
    ax.set_title("Effective step size per coordinate")
    ax.grid(True, which="major", alpha=0.3)
    if total <= 12:
        ax.legend(fontsize="small", framealpha=0.85)


def step_sizes(
    runs: Any,
    *,
    labels: Any = None,
    colors: Any = None,
    title: str | None = None,
    figsize=(6.4, 4.4),
    dpi: float | None = None,
    ax: Any = None,
    save: Any = None,
) -> Figure:
    """RMSprop's effective per-coordinate step against the iteration, log y-axis.

    The step of iteration ``t`` in coordinate ``i`` is
    ``|x_{t+1,i} - x_{t,i}| / |g_{t,i}|`` (:func:`effective_steps`; NaN, so not
    drawn, where ``g_{t,i} = 0``): for plain RMSprop, ``lr / sqrt(e + eps)``, the
    quantity RMSprop adapts. One line per coordinate (line styles ``x1`` solid,
    ``x2`` dashed, ...) and per run (colours as :func:`paths`); the legend names them
    when there are at most 12 lines.

    Parameters
    ----------
    runs : result or list of results or dict
        One result of :func:`rmsprop.minimize`, a list of them or a dict label -> result
        (see :func:`as_runs`).
        Each needs ``path_jac``.
    labels : sequence of str, optional
        One legend label per run; default their settings (:func:`settings_label`).
    colors : sequence of color, optional
        One colour per run; default the axes' colour cycle.
    title : str, optional
        The title; default ``"Effective step size per coordinate"``.
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
        If ``runs`` or ``ax`` is of the wrong type.
    ValueError
        If there is no run, a run has no ``path_jac``, or ``dpi`` or ``save`` is refused.

    Examples
    --------
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> ax = step_sizes(result, figsize=(4, 3)).axes[0]
    >>> ax.get_yscale(), [line.get_label() for line in ax.get_lines()]
    ('log', ['x1', 'x2'])
    """
    items = as_runs(runs, labels)
    figure, ax, target = begin_figure(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    draw_steps(ax, items, run_colors(len(items), colors))
    if title is not None:
        ax.set_title(title)
    return finish_figure(figure, target, dpi)
