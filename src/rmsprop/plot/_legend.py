"""Legends that hide nothing: inside the axes where no drawn point lies under them, else below the axes."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["INSIDE_LOCATIONS", "covered_points", "defer_placement", "place_clear", "place_deferred"]

#: The places inside the axes a legend may take, in the order they are tried.
INSIDE_LOCATIONS = (
    "upper right",
    "upper left",
    "lower right",
    "lower left",
    "center right",
    "center left",
    "upper center",
    "lower center",
)

#: Pixels of room kept around the legend's box: the half-width of a start or end marker.
_MARGIN = 6.0


def covered_points(ax, legend, points: np.ndarray) -> int:
    """Count the ``points`` (data coordinates, shape ``(n, 2)``) inside the axes that ``legend``'s box covers.

    The box is the legend's window extent grown by a marker's half-width on each side;
    points outside the axes (not drawn) and non-finite ones are not counted.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The Axes the points are drawn on.
    legend : matplotlib.legend.Legend
        The legend.
    points : numpy.ndarray
        The points, ``(n, 2)``, in data coordinates.

    Returns
    -------
    int
        How many points lie under the legend.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop.plot._figure import new_figure
    >>> ax = new_figure((3.0, 3.0), None).add_subplot()
    >>> _ = ax.plot([0, 1], [0, 1], label="a line")
    >>> legend = ax.legend(loc="upper left")
    >>> covered_points(ax, legend, np.array([[0.02, 0.98], [0.5, 0.5]]))
    1
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    if points.size == 0:
        return 0
    shown = ax.transData.transform(points)
    box = ax.bbox
    inside = (shown[:, 0] >= box.x0) & (shown[:, 0] <= box.x1) & (shown[:, 1] >= box.y0) & (shown[:, 1] <= box.y1)
    extent = legend.get_window_extent()
    under = (
        (shown[:, 0] >= extent.x0 - _MARGIN)
        & (shown[:, 0] <= extent.x1 + _MARGIN)
        & (shown[:, 1] >= extent.y0 - _MARGIN)
        & (shown[:, 1] <= extent.y1 + _MARGIN)
    )
    return int(np.count_nonzero(inside & under))


def place_clear(ax, make_legend: Callable[..., Any], points: Any):
    """Add a legend where it covers none of ``points``: a corner or side inside the axes, else below them.

    The figure must be laid out already (drawn, or :func:`place_deferred` runs it), so that
    the boxes are those of the figure as it will be saved. Each place of
    :data:`INSIDE_LOCATIONS` is tried in turn; when every one covers a point, the legend
    goes below the axes, under the tick labels and the axis label, in as many columns (at
    most 3) as fit in the axes' width.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The Axes.
    make_legend : callable
        ``make_legend(**options)`` adds the legend to ``ax`` with matplotlib's legend
        options (``loc``, ``bbox_to_anchor``, ...) and returns it.
    points : array_like
        The points drawn, ``(n, 2)`` in data coordinates.

    Returns
    -------
    legend : matplotlib.legend.Legend
        The legend.
    place : str
        The place taken: one of :data:`INSIDE_LOCATIONS`, or ``"below"``.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop.plot._figure import new_figure
    >>> figure = new_figure((3.0, 3.0), None)
    >>> ax = figure.add_subplot()
    >>> corners = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [0.5, 0.5]])
    >>> _ = ax.plot(*corners.T, "o", label="points")
    >>> figure.draw_without_rendering()
    >>> place_clear(ax, ax.legend, corners[:1])[1]
    'upper right'
    >>> place_clear(ax, ax.legend, np.mgrid[0:1:9j, 0:1:9j].reshape(2, -1).T)[1]
    'below'
    """
    from matplotlib.transforms import offset_copy

    points = np.asarray(points, dtype=float).reshape(-1, 2)
    legend = make_legend(loc=INSIDE_LOCATIONS[0])
    for location in INSIDE_LOCATIONS:
        legend.set_loc(location)
        if covered_points(ax, legend, points) == 0:
            return legend, location
    below = ax.bbox.y0 - ax.xaxis.get_tightbbox().y0 + 4.0  # pixels under the axes taken by ticks and label
    anchor = offset_copy(ax.transAxes, y=-below, units="dots")
    for columns in range(min(len(legend.get_texts()), 3), 0, -1):  # a short box, no wider than the axes
        legend = make_legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=anchor, ncols=columns)
        if legend.get_window_extent().width <= ax.bbox.width:
            break
    return legend, "below"


def defer_placement(figure, ax, make_legend: Callable[..., Any], points: Any):
    """Add a legend now (upper right) and have :func:`place_deferred` move it clear of ``points`` once all is drawn.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The root figure of ``ax``.
    ax : matplotlib.axes.Axes
        The Axes.
    make_legend : callable
        As for :func:`place_clear`.
    points : array_like
        As for :func:`place_clear`.

    Returns
    -------
    matplotlib.legend.Legend
        The legend, until it is placed.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop.plot._figure import new_figure
    >>> figure = new_figure((3.0, 3.0), None)
    >>> ax = figure.add_subplot()
    >>> _ = ax.plot([0, 1], [1, 1], label="a line along the top")
    >>> _ = ax.set(xlim=(0, 1), ylim=(0, 1))
    >>> top = np.mgrid[0:1:21j, 0.7:1:7j].reshape(2, -1).T  # points over the top third
    >>> _ = defer_placement(figure, ax, ax.legend, top)
    >>> place_deferred(figure)
    ['lower right']
    """
    pending = figure.__dict__.setdefault("rmsprop_pending_legends", [])
    pending.append((ax, make_legend, points))
    return make_legend(loc=INSIDE_LOCATIONS[0])


def place_deferred(figure) -> list[str]:
    """Lay the figure out and place the legends :func:`defer_placement` left for now (:func:`place_clear`).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The root figure.

    Returns
    -------
    list of str
        The place each legend took, in the order they were deferred; empty when none was.

    Examples
    --------
    >>> from rmsprop.plot._figure import new_figure
    >>> place_deferred(new_figure((2.0, 2.0), None))
    []
    """
    pending = figure.__dict__.pop("rmsprop_pending_legends", [])
    if not pending:
        return []
    with warnings.catch_warnings():  # a layout that cannot be met warns at the final draw, once
        warnings.simplefilter("ignore", UserWarning)
        figure.draw_without_rendering()
    return [place_clear(ax, make_legend, points)[1] for ax, make_legend, points in pending]
