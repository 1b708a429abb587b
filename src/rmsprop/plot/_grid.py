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

__all__ = ["LOG_LEVELS_DECADES", "MAX_LEVELS", "check_resolution", "contour_grid", "contour_levels", "plot_window"]

#: ``f - f_ref`` spanning more than this many decades over the window (from the 5 %
#: quantile of its positive values to its maximum) gets log-spaced contour levels.
LOG_LEVELS_DECADES = 2.5

#: The most contour levels, as a count or as a sequence.
MAX_LEVELS = 1000


def plot_window(objective: Objective, runs: Sequence[Run] = (), window: Any = None) -> tuple[tuple[float, float], ...]:
    """The plotting window: ``window`` as given, or the objective's domain grown to hold the
    paths (with a 5 % margin), but never beyond three times the domain's width."""
    if window is not None:
        try:
            bounds = tuple((float(lo), float(hi)) for lo, hi in window)
        except (TypeError, ValueError) as error:
            raise ValueError(f"window must be ((x1_lo, x1_hi), (x2_lo, x2_hi)); got {window!r}") from error
        if len(bounds) != 2 or not all(math.isfinite(lo) and math.isfinite(hi) and lo < hi for lo, hi in bounds):
            raise ValueError(f"window must be ((x1_lo, x1_hi), (x2_lo, x2_hi)) with lo < hi; got {window!r}")
        return bounds
    bounds = []
    for axis, (lo, hi) in enumerate(objective.domain):
        values = np.concatenate([run.x[:, axis] for run in runs]) if runs else np.empty(0)
        values = values[np.isfinite(values)]
        width = hi - lo
        if values.size:
            low, high = float(values.min()), float(values.max())
            margin = 0.05 * (max(hi, high) - min(lo, low))
            if low < lo:
                lo = max(low - margin, lo - width)
            if high > hi:
                hi = min(high + margin, hi + width)
        bounds.append((float(lo), float(hi)))
    return tuple(bounds)


def check_resolution(resolution: Any) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, numbers.Integral) or not 2 <= resolution <= 4000:
        raise ValueError(f"resolution must be an integer in [2, 4000]; got {resolution!r}")
    return int(resolution)


def contour_grid(objective: Objective, window, resolution: int):
    """``X, Y, Z``: f sampled on ``resolution`` x ``resolution`` points spanning ``window`` (NaN where
    f is not finite); a ValueError when no value in the window is finite."""
    (x_lo, x_hi), (y_lo, y_hi) = window
    X, Y = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    with np.errstate(all="ignore"):
        Z = np.asarray(objective.f(np.stack([X, Y])), dtype=float)
    Z = np.where(np.isfinite(Z), Z, np.nan)
    if not np.isfinite(Z).any():
        raise ValueError(f"objective {objective.name!r} has no finite value in the window {window}")
    return X, Y, Z


def contour_levels(Z: Any, min_value: float = -math.inf, levels: Any = None, scale: str = "auto") -> tuple[np.ndarray, str]:
    """The contour levels for the values ``Z`` on a grid, and the scale chosen (``"log"``/``"linear"``).

    ``f_ref`` is the smallest value on the grid, or ``min_value`` (f*) where that is finite
    and smaller. With ``scale="auto"``, the levels are log-spaced, ``f_ref + geomspace(lo,
    hi)``, when ``Z - f_ref`` spans more than :data:`LOG_LEVELS_DECADES` decades (from the
    5 % quantile of its positive values to its maximum; Rosenbrock, Beale,
    Goldstein-Price), and evenly spaced otherwise (the seed's quadratic). ``lo`` is the
    0.5 % quantile of the positive ``Z - f_ref``. ``levels`` is a count (default 20) or
    the levels themselves (returned sorted, with the scale ``"given"``).
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
    return MaxNLocator(count + 1).tick_values(low, high), "linear"
