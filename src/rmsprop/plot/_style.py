"""The look the figures share: the colour map, the markers, the layers, the runs' colours."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._figure import load_matplotlib

__all__ = [
    "DEFAULT_CMAP",
    "END_MARKER",
    "LINESTYLES",
    "MINIMUM_COLOR",
    "MINIMUM_MARKER",
    "START_MARKER",
    "Z_ENDS",
    "Z_FIELD",
    "Z_MINIMA",
    "Z_PATH",
    "path_markevery",
    "run_colors",
]

DEFAULT_CMAP = "viridis"
START_MARKER = "o"
END_MARKER = "s"
MINIMUM_MARKER = "*"
MINIMUM_COLOR = "gold"
LINESTYLES = ("-", "--", ":", "-.")

# Z-order of the layers on a contour plot, bottom to top.
Z_FIELD, Z_MINIMA, Z_PATH, Z_ENDS = 2, 3, 4, 5


def run_colors(count: int, colors: Any = None) -> list[Any]:
    """Return one colour per run: ``colors``, or the axes' colour cycle, repeated as needed.

    Parameters
    ----------
    count : int
        The number of runs.
    colors : sequence of color, optional
        matplotlib colours to use, in order; default the colours of
        ``rcParams["axes.prop_cycle"]``.

    Returns
    -------
    list
        ``count`` colours, cycling through those given.

    Raises
    ------
    TypeError
        If ``colors`` is a string, not a sequence, or empty.

    Examples
    --------
    >>> run_colors(3, ["red", "blue"])
    ['red', 'blue', 'red']
    >>> len(run_colors(12))
    12
    """
    if colors is None:
        mpl = load_matplotlib()
        colors = mpl.rcParams["axes.prop_cycle"].by_key().get("color") or ["C0"]
    elif isinstance(colors, str) or not isinstance(colors, Sequence) or len(colors) == 0:
        raise TypeError("colors must be a non-empty list of matplotlib colours")
    return [colors[i % len(colors)] for i in range(count)]


def path_markevery(count: int) -> int:
    """Return the marker spacing on a path of ``count`` points: every point up to 150, about 100 of them beyond.

    Parameters
    ----------
    count : int
        The points of the path.

    Returns
    -------
    int
        matplotlib's ``markevery``: a marker every that many points.

    Examples
    --------
    >>> path_markevery(50), path_markevery(1000), path_markevery(1001)
    (1, 10, 10)
    """
    return 1 if count <= 150 else max(1, count // 100)
