"""A sweep's aggregate per learning rate and decay, best cell starred: :func:`sweep_heatmap`."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._figure import begin_figure, finish_figure
from ._grid import LOG_LEVELS_DECADES
from ._labels import format_number, format_value
from ._style import DEFAULT_CMAP

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["sweep_heatmap"]

#: How :func:`sweep_heatmap` names the values of a sweep's table.
_SWEEP_VALUES = {"fun": "final f", "nit": "iterations to tol", "distance": "distance to the nearest minimum"}
_BEST_MARKER = "*"


def _sweep_summary(table: Any, by: Sequence[str], value: str, aggregate: Any) -> tuple[list[np.ndarray], np.ndarray]:
    """``table.summary``: the unique values of each ``by`` column and the aggregate, one axis per column.

    ``nit`` counts as iterations *to tol*: a run that stopped otherwise (``status`` not 0) never got
    there, so it counts as infinitely many.
    """
    if value == "nit" and "status" in table.columns:
        from ..sweep import SweepTable

        to_tol = np.where(np.asarray(table["status"]) == 0, np.asarray(table["nit"], dtype=float), np.inf)
        table = SweepTable({**{name: table[name] for name in by}, "nit": to_tol}, tuple(by))
    summary = table.summary(by=tuple(by), value=value, aggregate=aggregate)
    axes = [np.asarray(summary[name]) for name in by]
    grid = np.asarray(summary[value], dtype=float)
    if grid.shape != tuple(len(values) for values in axes):  # pragma: no cover - the table's own contract
        raise ValueError(f"table.summary gave an array of shape {grid.shape} for {len(axes)} columns")
    return axes, grid


def _is_positive_numbers(values: np.ndarray) -> bool:
    return values.dtype.kind in "iuf" and bool(np.all(np.isfinite(values))) and bool(np.all(values > 0))


def _cell_edges(values: np.ndarray, log: bool) -> np.ndarray:
    """Edges of cells centred on sorted ``values``: geometric midpoints on a log axis, the indices' otherwise."""
    if not log:
        return np.arange(len(values) + 1) - 0.5
    logs = np.log10(values.astype(float))
    if len(logs) == 1:
        inner, first, last = np.empty(0), logs[0] - 0.5, logs[0] + 0.5
    else:
        inner = (logs[:-1] + logs[1:]) / 2
        first, last = logs[0] - (inner[0] - logs[0]), logs[-1] + (logs[-1] - inner[-1])
    return 10.0 ** np.concatenate([[first], inner, [last]])


def _item(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _categorical_ticks(axis, values: np.ndarray, most: int = 25) -> None:
    step = max(1, math.ceil(len(values) / most))
    positions = np.arange(0, len(values), step)
    axis.set_ticks(positions, [format_value(_item(values[i])) for i in positions])


def sweep_heatmap(
    table: Any,
    *,
    x: str = "learning_rate",
    y: str = "decay",
    value: str = "fun",
    aggregate: Any = "median",
    log_x: bool = True,
    log_color: bool | None = None,
    cmap: Any = None,
    title: str | None = None,
    figsize=None,
    dpi: float | None = None,
    ax: Any = None,
    save: Any = None,
) -> Figure:
    """Draw a heatmap of a sweep: ``aggregate`` of ``value`` over the starts, per ``x`` and ``y`` setting.

    A sweep of :func:`rmsprop.sweep.sweep`; ``x`` along the columns, ``y`` along the rows.
    ``table`` is the :class:`rmsprop.sweep.SweepTable`; the cells are ``table.summary(by=(x, y),
    value=value, aggregate=aggregate)``. ``value``: ``"fun"``, the final loss; ``"distance"``; any
    numeric column; ``"nit"`` counts the iterations to tol: a run that did not reach tol counts as
    infinitely many, so a cell whose median run did not reach it has no value. The ``x`` axis is
    logarithmic when ``log_x`` and its values are positive numbers (the learning rate); otherwise, and
    always for ``y``, each value gets one equal column (row), labelled with it. The colour scale is
    logarithmic when ``log_color`` is true, or, by default, when no value is negative and the positive
    ones span at least 2.5 decades: cells at or below 0 then take the bottom colour (the bar's lower
    arrow). Cells without a finite value (NaN, ±inf) are hatched grey; when every cell is, a note in
    the middle says why (for ``"nit"``, :meth:`~rmsprop.sweep.SweepTable.tolerance_note`: no run
    reached the tolerance, and what to do) and there is no colour bar. A star marks the best cell (the
    lowest value; the marker has ``gid="best"``, its settings in ``rmsprop_best`` and in the legend).
    When another setting of the sweep takes several values (``eps``, ``flavor``, ...), each of its
    values (each combination of them) gets its own panel, all on one colour scale; ``ax`` then cannot be
    given.

    Parameters
    ----------
    table : SweepTable
        The result of :func:`rmsprop.sweep.sweep`.
    x : str, optional
        The setting along the columns; default ``"learning_rate"``.
    y : str, optional
        The setting along the rows; default ``"decay"``.
    value : str, optional
        The column aggregated: ``"fun"`` (default), ``"nit"``, ``"distance"`` or any
        numeric column.
    aggregate : str or callable, optional
        A name of :data:`rmsprop.sweep.AGGREGATES` or a function ``array -> float``;
        default ``"median"``.
    log_x : bool, optional
        Whether the x axis may be logarithmic (when its values are positive numbers);
        default True.
    log_color : bool or None, optional
        Whether the colour scale is logarithmic; default ``None``: chosen as above.
    cmap : str or matplotlib.colors.Colormap, optional
        The colour map; default ``"viridis"``.
    title : str, optional
        The title; default ``"<aggregate> <value> over <N> starts"``.
    figsize : tuple of float, optional
        The size of a new figure, in inches; default (7, 5.4) for one panel.
    dpi : float, optional
        The resolution of a new figure and of the file.
    ax : matplotlib.axes.Axes, optional
        A 2-D Axes to draw on (one panel only).
    save : str or os.PathLike, optional
        A ``.png``, ``.svg`` or ``.pdf`` file to write, atomically.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (the root figure of ``ax`` when given).

    Raises
    ------
    TypeError
        If ``table`` is not a sweep's table.
    ValueError
        If ``x`` or ``y`` is not a setting of the sweep, they are the same, ``value`` is
        not a column, the table is empty, ``ax`` is given for several panels, or
        ``aggregate``, ``dpi`` or ``save`` is refused.

    Examples
    --------
    >>> from rmsprop.sweep import sweep
    >>> table = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1, 1.0], "decay": [0.5, 0.9]},
    ...               starts=4, maxiter=50)
    >>> ax = sweep_heatmap(table, figsize=(4, 3)).axes[0]
    >>> ax.get_title(), ax.get_xscale()
    ('median final f over 4 starts', 'log')
    >>> [line.rmsprop_best for line in ax.get_lines() if line.get_gid() == "best"]
    [{'learning_rate': 0.1, 'decay': 0.5, 'fun': 0.030177901825105692}]

    A setting with several values besides ``x`` and ``y`` gets one panel per value:

    >>> table = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": 0.9, "eps": [1e-8, 1e-3]},
    ...               starts=2, maxiter=20)
    >>> [ax.get_title() for ax in sweep_heatmap(table, figsize=(6, 3)).axes[:2]]
    ['eps=1e-8', 'eps=0.001']
    """
    from matplotlib.patches import Patch, Rectangle

    names = list(getattr(table, "names", ()))
    if not hasattr(table, "summary") or not hasattr(table, "columns"):
        raise TypeError(f"table must be an rmsprop.sweep.SweepTable; got {type(table).__name__}")
    for what, name in (("x", x), ("y", y)):
        if name not in names:
            raise ValueError(f"{what}={name!r} is not a setting of the sweep; its settings: {', '.join(names)}")
    if x == y:
        raise ValueError(f"x and y must be different settings; both are {x!r}")
    if value not in table.columns:
        raise ValueError(f"value={value!r} is not a column of the table; its columns: {', '.join(table.columns)}")
    if len(table) == 0:
        raise ValueError("the table has no runs to draw")
    others = [name for name in names if name not in (x, y) and len(set(np.asarray(table[name]).tolist())) > 1]
    axes_values, grid = _sweep_summary(table, (x, y, *others), value, aggregate)
    x_values, y_values, other_values = axes_values[0], axes_values[1], axes_values[2:]
    panels = list(np.ndindex(*grid.shape[2:]))
    if ax is not None and len(panels) > 1:
        raise ValueError(
            f"the sweep varies {', '.join(others)} too, which takes {len(panels)} panels; "
            "leave ax=None to draw one panel per value"
        )
    columns = min(3, len(panels))
    rows = math.ceil(len(panels) / columns)
    if figsize is None:
        figsize = (7.0, 5.4) if len(panels) == 1 else (4.8 * columns + 1.2, 4.4 * rows + 1.0)
    figure, ax, target = begin_figure(ax, save, figsize, dpi)

    import matplotlib
    from matplotlib.colors import LogNorm, Normalize

    log_x = bool(log_x) and _is_positive_numbers(x_values)
    finite = grid[np.isfinite(grid)]
    positive = finite[finite > 0]
    if log_color is None:
        log_color = (
            positive.size > 0
            and not np.any(finite < 0)
            and math.log10(positive.max() / positive.min()) >= LOG_LEVELS_DECADES
        )
    log_color = bool(log_color) and positive.size > 0
    norm: Normalize
    if log_color:
        low, high = float(positive.min()), float(positive.max())
        norm = LogNorm(vmin=low, vmax=high if high > low else low * 10)
        under = bool(np.any(finite <= 0))
        shown = np.where(np.isfinite(grid) & (grid <= 0), low / 2, grid)
    else:
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        norm = Normalize(vmin=low, vmax=high if high > low else low + 1)
        under = False
        shown = grid
    colormap = matplotlib.colormaps[cmap or DEFAULT_CMAP] if cmap is None or isinstance(cmap, str) else cmap
    colormap = colormap.with_extremes(bad=(0, 0, 0, 0))  # NaN cells: the hatched patch below shows through
    best = None
    if finite.size:
        flat = np.where(np.isfinite(grid), grid, np.inf)
        best = np.unravel_index(int(np.argmin(flat)), grid.shape)

    x_edges = _cell_edges(x_values, log_x)
    y_edges = _cell_edges(y_values, False)
    x_centres = x_values.astype(float) if log_x else np.arange(len(x_values), dtype=float)
    label = _SWEEP_VALUES.get(value, value)
    mesh = None
    panel_axes = []
    for number, index in enumerate(panels):
        if ax is not None:
            target_ax = ax
        else:
            target_ax = figure.add_subplot(rows, columns, number + 1)
        panel_axes.append(target_ax)
        cells = shown[(slice(None), slice(None)) + index].T  # rows: y, columns: x
        missing = ~np.isfinite(cells)
        if missing.any():
            target_ax.add_patch(
                Rectangle(
                    (x_edges[0], y_edges[0]),
                    x_edges[-1] - x_edges[0],
                    y_edges[-1] - y_edges[0],
                    facecolor="0.93",
                    edgecolor="0.6",
                    hatch="//",
                    linewidth=0,
                    zorder=0,
                )
            )
        mesh = target_ax.pcolormesh(
            x_edges, y_edges, np.ma.masked_invalid(cells), cmap=colormap, norm=norm, shading="flat", zorder=1
        )
        if log_x:
            target_ax.set_xscale("log")
        else:
            _categorical_ticks(target_ax.xaxis, x_values)
        _categorical_ticks(target_ax.yaxis, y_values)
        target_ax.set_xlim(x_edges[0], x_edges[-1])
        target_ax.set_ylim(y_edges[0], y_edges[-1])
        target_ax.set_xlabel(x + (" (log scale)" if log_x else ""))
        target_ax.set_ylabel(y)
        if others:
            target_ax.set_title(
                ", ".join(
                    f"{name}={format_value(_item(values[i]))}" for name, values, i in zip(others, other_values, index)
                ),
                fontsize="medium",
            )
        handles = []
        if best is not None and tuple(best[2:]) == index:
            i, j = best[0], best[1]
            settings = {x: _item(x_values[i]), y: _item(y_values[j])}
            settings.update({name: _item(values[k]) for name, values, k in zip(others, other_values, best[2:])})
            text = ", ".join(f"{name}={format_value(v)}" for name, v in settings.items())
            (marker,) = target_ax.plot(
                [x_centres[i]],
                [j],
                linestyle="none",
                marker=_BEST_MARKER,
                markersize=17,
                color="white",
                markeredgecolor="black",
                markeredgewidth=1.2,
                zorder=3,
                gid="best",
                label=f"best: {text} ({label} {format_number(grid[best])})",
            )
            marker.rmsprop_best = {**settings, value: float(grid[best])}
            handles.append(marker)
        if missing.any():
            handles.append(
                Patch(
                    facecolor="0.93",
                    edgecolor="0.6",
                    hatch="//",
                    label="did not reach tol" if value == "nit" else "no finite value",
                )
            )
        if handles:
            target_ax.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.13),
                fontsize="small",
                frameon=False,
                ncols=1,
            )
    starts = len(np.unique(np.asarray(table["start"]))) if "start" in table.columns else None
    aggregate_name = aggregate if isinstance(aggregate, str) else getattr(aggregate, "__name__", "aggregate")
    if finite.size:
        bar = figure.colorbar(mesh, ax=panel_axes, extend="min" if under else "neither", shrink=0.9)
        bar.set_label(f"{aggregate_name} {label}" + (" (log scale)" if log_color else ""))
    else:  # nothing to colour: a note says why, in place of a colour bar of no values
        note = (table.tolerance_note() if value == "nit" else None) or f"no cell has a finite {label}"
        for target_ax in panel_axes:
            target_ax.text(
                0.5,
                0.5,
                textwrap.fill(note, 38),
                transform=target_ax.transAxes,
                ha="center",
                va="center",
                fontsize="small",
                wrap=True,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"},
                zorder=4,
                gid="note",
            )
    if title is None:
        title = f"{aggregate_name} {label}" + (f" over {starts} starts" if starts is not None else "")
    (figure.suptitle if ax is None and len(panels) > 1 else panel_axes[0].set_title)(title)
    return finish_figure(figure, target, dpi)
