"""Where a 2-D objective is sampled, and the levels of its contours: the window, the grid, the levels."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..objectives import Objective
    from ._runs import Run

__all__ = [
    "LOG_LEVELS_DECADES",
    "MAX_GROWTH",
    "MAX_LEVELS",
    "MAX_SIDE_RATIO",
    "check_resolution",
    "contour_grid",
    "contour_levels",
    "plot_window",
]

#: ``f - f_ref`` spanning more than this many decades over the window (from the 5 %
#: quantile of its positive values to its maximum) gets log-spaced contour levels.
LOG_LEVELS_DECADES = 2.5

#: How far beyond the objective's domain a default window grows to hold a path, in domain widths.
MAX_GROWTH = 5.0

#: The most one side of a default window may exceed the other, as a ratio.
MAX_SIDE_RATIO = 2.0

#: The most contour levels, as a count or as a sequence.
MAX_LEVELS = 1000


def plot_window(objective: Objective, runs: Sequence[Run] = (), window: Any = None) -> tuple[tuple[float, float], ...]:
    """Return the plotting window: ``window`` as given, or the objective's domain grown to hold the paths.

    The objective's domain is its interesting region (Rosenbrock's valley, Rastrigin's
    square, every known minimum) and is always shown whole. It grows to hold every finite
    iterate with a 5 % margin; an iterate farther than :data:`MAX_GROWTH` domain widths
    beyond the domain (a run that diverges) is left outside, so that the region stays
    visible. Then the shorter side of a 2-D window is widened about its centre until the
    sides differ by at most :data:`MAX_SIDE_RATIO`, so that a path that leaves along one
    axis does not squash the other.

    Parameters
    ----------
    objective : Objective
        A 2-D objective.
    runs : sequence of Run, optional
        The runs to hold (their finite iterates); default none.
    window : sequence of two (lo, hi) pairs, optional
        The window to use as it is, checked.

    Returns
    -------
    tuple of (float, float)
        ``((x1_lo, x1_hi), (x2_lo, x2_hi))``.

    Raises
    ------
    ValueError
        If ``window`` is not two pairs of finite numbers with ``lo < hi``.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import objectives
    >>> from rmsprop.plot._runs import Run
    >>> seed = objectives.get("seed")
    >>> plot_window(seed), plot_window(seed, window=[(-1, 1), (0, 2)])
    (((-5.0, 5.0), (-5.0, 5.0)), ((-1.0, 1.0), (0.0, 2.0)))

    A path that leaves the domain widens the window to hold it; the other side follows
    (at most twice as long), and an iterate of a diverging run is left out:

    >>> run = Run("far", np.array([[0.0, 0.0], [6.0, 0.0], [30.0, 0.0], [1e9, 0.0]]), np.zeros(4), None)
    >>> plot_window(seed, [run])
    ((-5.0, 31.75), (-9.1875, 9.1875))
    """
    if window is not None:
        try:
            bounds = tuple((float(lo), float(hi)) for lo, hi in window)
        except (TypeError, ValueError) as error:
            raise ValueError(f"window must be ((x1_lo, x1_hi), (x2_lo, x2_hi)); got {window!r}") from error
        if len(bounds) != 2 or not all(math.isfinite(lo) and math.isfinite(hi) and lo < hi for lo, hi in bounds):
            raise ValueError(f"window must be ((x1_lo, x1_hi), (x2_lo, x2_hi)) with lo < hi; got {window!r}")
        return bounds
    widened: list[tuple[float, float]] = []
    for axis, (lo, hi) in enumerate(objective.domain):
        values = np.concatenate([run.x[:, axis] for run in runs]) if runs else np.empty(0)
        width = hi - lo
        values = values[np.isfinite(values) & (values >= lo - MAX_GROWTH * width) & (values <= hi + MAX_GROWTH * width)]
        if values.size:
            low, high = float(values.min()), float(values.max())
            margin = 0.05 * (max(hi, high) - min(lo, low))
            if low < lo:
                lo = low - margin
            if high > hi:
                hi = high + margin
        widened.append((float(lo), float(hi)))
    if len(widened) == 2:
        sides = [hi - lo for lo, hi in widened]
        short = int(sides[1] < sides[0])
        if sides[1 - short] > MAX_SIDE_RATIO * sides[short]:
            centre, half = sum(widened[short]) / 2, sides[1 - short] / MAX_SIDE_RATIO / 2
            widened[short] = (centre - half, centre + half)
    return tuple(widened)


def check_resolution(resolution: Any) -> int:
    """Return ``resolution``, the grid's points per side, as an int in [2, 4000], or an error.

    Parameters
    ----------
    resolution : int
        The points per side.

    Returns
    -------
    int
        ``int(resolution)``.

    Raises
    ------
    ValueError
        If it is not an integer (a bool is not one) or lies outside [2, 4000].

    Examples
    --------
    >>> check_resolution(200)
    200
    >>> check_resolution(1)
    Traceback (most recent call last):
    ...
    ValueError: resolution must be an integer in [2, 4000]; got 1
    """
    if isinstance(resolution, bool) or not isinstance(resolution, numbers.Integral) or not 2 <= int(resolution) <= 4000:
        raise ValueError(f"resolution must be an integer in [2, 4000]; got {resolution!r}")
    return int(resolution)


def contour_grid(objective: Objective, window, resolution: int):
    """Sample f on ``resolution`` x ``resolution`` points spanning ``window``.

    Parameters
    ----------
    objective : Objective
        A 2-D objective.
    window : sequence of two (lo, hi) pairs
        ``((x1_lo, x1_hi), (x2_lo, x2_hi))``, both ends included.
    resolution : int
        The points per side.

    Returns
    -------
    X, Y : numpy.ndarray
        The grid, ``np.meshgrid`` of the two ``linspace``; shape ``(resolution,
        resolution)``.
    Z : numpy.ndarray
        f on the grid, NaN where it is not finite (no floating-point warnings).

    Raises
    ------
    ValueError
        If no value in the window is finite.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> X, Y, Z = contour_grid(objectives.get("seed"), ((-1, 1), (-1, 1)), 3)
    >>> Z
    array([[12.,  7., 12.],
           [ 5.,  0.,  5.],
           [12.,  7., 12.]])
    """
    (x_lo, x_hi), (y_lo, y_hi) = window
    X, Y = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    with np.errstate(all="ignore"):
        Z = np.asarray(objective.f(np.stack([X, Y])), dtype=float)
    Z = np.where(np.isfinite(Z), Z, np.nan)
    if not np.isfinite(Z).any():
        raise ValueError(f"objective {objective.name!r} has no finite value in the window {window}")
    return X, Y, Z


def contour_levels(
    Z: Any, min_value: float = -math.inf, levels: Any = None, scale: str = "auto"
) -> tuple[np.ndarray, str]:
    """The contour levels for the values ``Z`` on a grid, and the scale chosen (``"log"``/``"linear"``).

    ``f_ref`` is the smallest value on the grid, or ``min_value`` (f*) where that is finite
    and smaller. With ``scale="auto"``, the levels are log-spaced, ``f_ref + geomspace(lo,
    hi)``, when ``Z - f_ref`` spans more than :data:`LOG_LEVELS_DECADES` decades (from the
    5 % quantile of its positive values to its maximum; Rosenbrock, Beale,
    Goldstein-Price), and evenly spaced otherwise (the seed's quadratic). ``lo`` is the
    0.5 % quantile of the positive ``Z - f_ref``. ``levels`` is a count (default 20) or
    the levels themselves (returned sorted, with the scale ``"given"``).

    Parameters
    ----------
    Z : array_like
        The values on the grid (NaN where not finite).
    min_value : float, optional
        f*, the objective's infimum; default ``-inf`` (unknown or unbounded).
    levels : int or sequence of float, optional
        A count from 2 to :data:`MAX_LEVELS` (default 20), or 1 to :data:`MAX_LEVELS`
        finite levels.
    scale : {"auto", "log", "linear"}, optional
        ``"auto"`` (default) chooses as above; ``"log"`` or ``"linear"`` forces one (a
        log scale needs two positive gaps, or the levels are linear).

    Returns
    -------
    levels : numpy.ndarray
        The levels, increasing. Linear levels are matplotlib's ``MaxNLocator`` ticks
        over the values' range, so their count is about, not exactly, ``levels``.
    scale : str
        ``"log"``, ``"linear"`` or ``"given"``.

    Raises
    ------
    ValueError
        If ``Z`` has no finite value, ``scale`` is unknown, or ``levels`` is neither a
        count in range nor a sequence of finite numbers of allowed length.

    Examples
    --------
    The seed's quadratic gets evenly spaced levels:

    >>> from rmsprop import objectives
    >>> seed = objectives.get("seed")
    >>> _, _, Z = contour_grid(seed, seed.domain, 50)
    >>> levels, scale = contour_levels(Z, seed.min_value, levels=5)
    >>> levels, scale
    (array([  0.,  50., 100., 150., 200., 250., 300.]), 'linear')

    Rosenbrock's values span many decades, so its levels are log-spaced:

    >>> rosenbrock = objectives.get("rosenbrock")
    >>> _, _, Z = contour_grid(rosenbrock, rosenbrock.domain, 50)
    >>> levels, scale = contour_levels(Z, rosenbrock.min_value, levels=5)
    >>> scale, [float(f"{level:.3g}") for level in levels]
    ('log', [0.282, 2.74, 26.6, 258.0, 2510.0])
    >>> contour_levels(Z, levels=[3, 1, 2])
    (array([1., 2., 3.]), 'given')
    """
    Z = np.asarray(Z, dtype=float)
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise ValueError("no finite values to draw contours of")
    if scale not in ("auto", "log", "linear"):
        raise ValueError(f"scale must be 'auto', 'log' or 'linear'; got {scale!r}")
    if levels is not None and not isinstance(levels, numbers.Integral):
        given = np.unique(np.asarray(levels, dtype=float))
        if given.ndim != 1 or not 1 <= given.size <= MAX_LEVELS or not np.all(np.isfinite(given)):
            raise ValueError(f"levels must be a count or a sequence of 1 to {MAX_LEVELS} finite numbers")
        return given, "given"
    count = 20 if levels is None else int(levels)
    if isinstance(levels, bool) or not 2 <= count <= MAX_LEVELS:
        raise ValueError(f"levels must be a count from 2 to {MAX_LEVELS} or a sequence of numbers; got {levels!r}")
    f_ref = float(finite.min())
    if math.isfinite(min_value):
        f_ref = min(f_ref, float(min_value))
    gap = finite - f_ref
    positive = gap[gap > 0]
    if scale == "auto":
        spread = positive.size and positive.max() / np.quantile(positive, 0.05)
        scale = "log" if positive.size > 1 and np.log10(spread) > LOG_LEVELS_DECADES else "linear"
    if scale == "log" and positive.size > 1:
        lo, hi = float(np.quantile(positive, 0.005)), float(positive.max())
        lo = max(lo, hi * 1e-12)
        if hi > lo:
            return f_ref + np.geomspace(lo, hi, count), "log"
    from matplotlib.ticker import MaxNLocator

    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        high = low + 1.0
    return np.asarray(MaxNLocator(count + 1).tick_values(low, high)), "linear"  # an array (the stub says Sequence)
