"""Figures of objectives and optimizer runs: surfaces, contours, paths, losses, step sizes, animations.

Every function draws with matplotlib and returns the :class:`~matplotlib.figure.Figure`
(:func:`animate` returns the path it wrote). The figures are plain ``Figure``
objects with an Agg canvas, not managed by pyplot: they never open a window,
never pile up in pyplot's list, and show themselves in Jupyter when returned.
To draw into a pyplot figure instead (to call ``plt.show()``), pass ``ax=``::

    fig, ax = plt.subplots()
    rmsprop.plot.paths("seed", result, ax=ax)
    plt.show()

``save=`` writes the figure as PNG, SVG or PDF, chosen by the suffix, atomically
(a temporary file in the same folder, renamed into place: a failure never leaves
a half-written file); ``dpi=`` sets the resolution of the figure and of the file.

A *run* is the :class:`scipy.optimize.OptimizeResult` of :func:`rmsprop.minimize`
(it has the trajectory ``path_x``, ``path_fun``, ``path_jac`` and the optimizer's
``settings``). ``runs`` is one result, a list of results or a dict
``label -> result``; legends name each run by its settings (:func:`settings_label`,
e.g. ``"rmsprop lr=0.1 decay=0.9"``) unless ``labels=`` are given. A result of
:func:`rmsprop.minimize_many` with ``trajectories=True`` counts as one run per row
(``"run [i]"``; it records no gradients, so it has no step sizes). An
*objective* is an :class:`rmsprop.objectives.Objective` or its catalogue name.

:func:`sweep_heatmap` draws a sweep (:func:`rmsprop.sweep.sweep`): the median final loss (or
another aggregate of a column) over the starts, per learning rate and decay, best cell starred.

matplotlib is imported when a function is called, not when this module is.
When no backend was chosen and there is no display (Linux without ``DISPLAY``
or ``WAYLAND_DISPLAY``), matplotlib is switched to Agg first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import math
import numbers
import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ._atomic import atomic_path, target_path, write_atomically

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .objectives import Objective

__all__ = [
    "surface",
    "contour",
    "paths",
    "loss",
    "step_sizes",
    "panel",
    "animate",
    "sweep_heatmap",
    "settings_label",
    "effective_steps",
    "contour_levels",
    "FIGURE_SUFFIXES",
    "ANIMATION_SUFFIXES",
]

#: Suffixes ``save=`` understands, and the format each writes.
FIGURE_SUFFIXES = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
#: Suffixes :func:`animate` understands (``.mp4`` only where ``ffmpeg`` is on ``PATH``).
ANIMATION_SUFFIXES = (".gif", ".mp4")

#: ``f - f_ref`` spanning more than this many decades over the window (from the 5 %
#: quantile of its positive values to its maximum) gets log-spaced contour levels.
LOG_LEVELS_DECADES = 2.5

#: The most pixels a raster image (PNG, or a frame of an animation) may have: 2**27, about 134 million
#: (a 512 MB RGBA buffer), e.g. 13000 x 10000; more is refused before anything is drawn.
MAX_PIXELS = 2**27

#: The most contour levels, as a count or as a sequence.
MAX_LEVELS = 1000

_DEFAULT_CMAP = "viridis"
_START_MARKER = "o"
_END_MARKER = "s"
_MINIMUM_MARKER = "*"
_MINIMUM_COLOR = "gold"
_LINESTYLES = ("-", "--", ":", "-.")

# Z-order of the layers on a contour plot, bottom to top.
_Z_FIELD, _Z_MINIMA, _Z_PATH, _Z_ENDS = 2, 3, 4, 5


# ---------------------------------------------------------------------------------------------
# matplotlib, figures and files


def _matplotlib():
    """Import matplotlib; choose Agg when no backend was chosen and there is no display."""
    import matplotlib

    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:
        chosen = getattr(matplotlib.rcParams, "_get_backend_or_none", lambda: "unknown")()
        if chosen is None:
            matplotlib.use("Agg")
    return matplotlib


def _new_figure(figsize: tuple[float, float], dpi: float | None) -> Figure:
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=dpi if dpi is not None else 100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _root_figure(ax: Axes) -> Figure:
    try:
        return ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        figure = ax.figure
        while getattr(figure, "figure", figure) is not figure:
            figure = figure.figure
        return figure


def _check_ax(ax: Any, three_d: bool = False) -> None:
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")
    if three_d and ax.name != "3d":
        raise ValueError("ax must be a 3-D Axes, e.g. fig.add_subplot(projection='3d')")
    if not three_d and ax.name == "3d":
        raise ValueError("ax must be a 2-D Axes; this figure is not drawn in 3-D")


def _check_pixels(size: Any, dpi: Any) -> None:
    """Refuse a raster image of ``size`` inches at ``dpi`` with more than :data:`MAX_PIXELS` pixels."""
    try:
        width, height = (float(v) * float(dpi) for v in size)
    except (TypeError, ValueError):
        return  # matplotlib says what is wrong with the size
    if width * height > MAX_PIXELS:
        raise ValueError(f"a raster image of {width:.0f} x {height:.0f} pixels is too large; at most {MAX_PIXELS} "
                         "pixels are allowed (lower dpi or figsize, or save as .svg or .pdf)")


def _save(figure: Figure, target: Path | None, dpi: float | None) -> None:
    if target is None:
        return
    form = FIGURE_SUFFIXES[target.suffix.lower()]
    if form == "png":
        _check_pixels(figure.get_size_inches(), dpi if dpi is not None else figure.dpi)
    write_atomically(target, lambda stream: figure.savefig(stream, format=form,
                                                           dpi=dpi if dpi is not None else "figure"))


def _finish(figure: Figure, target: Path | None, dpi: float | None) -> Figure:
    _save(figure, target, dpi)
    return figure


def _begin(ax: Any, save: Any, figsize, dpi, three_d: bool = False):
    """Check ``save`` and ``ax`` (before any drawing); return ``(figure, ax or None, target)``."""
    target = None if save is None else target_path(save, tuple(FIGURE_SUFFIXES), "save")
    _check_dpi(dpi)
    if ax is None and target is not None and FIGURE_SUFFIXES[target.suffix.lower()] == "png":
        _check_pixels(figsize, dpi if dpi is not None else 100)
    if ax is None:
        return _new_figure(figsize, dpi), None, target
    _matplotlib()
    _check_ax(ax, three_d)
    return _root_figure(ax), ax, target


def _check_dpi(dpi: Any) -> None:
    if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, numbers.Real) or not dpi > 0):
        raise ValueError(f"dpi must be a positive number; got {dpi!r}")


# ---------------------------------------------------------------------------------------------
# objectives and runs


def _objective(objective: Any, what: str, two_d: bool = True) -> Objective:
    from . import objectives

    if isinstance(objective, str):
        objective = objectives.get(objective)
    if not isinstance(objective, objectives.Objective):
        raise TypeError(
            f"objective must be an rmsprop.objectives.Objective or a catalogue name; got {type(objective).__name__}"
        )
    if two_d and objective.dim != 2:
        raise ValueError(f"{what} needs a 2-D objective; {objective.name!r} has dim {objective.dim}")
    return objective


class _Run(NamedTuple):
    label: str
    x: np.ndarray  # (n, d)
    f: np.ndarray  # (n,)
    result: Any

    @property
    def nit(self) -> int:
        return len(self.x) - 1


def _is_result(value: Any) -> bool:
    if isinstance(value, Mapping):
        return "path_x" in value
    return hasattr(value, "path_x")


def _field(result: Any, name: str) -> Any:
    return result[name] if isinstance(result, Mapping) else getattr(result, name)


def _runs(runs: Any, labels: Any = None, dim: int | None = None, objective_name: str = "") -> list[_Run]:
    """Normalise ``runs`` (a result, a list of results, a dict label -> result) and label them."""
    if _is_result(runs):
        items = [(None, runs)]
    elif isinstance(runs, Mapping):
        items = [(str(key), value) for key, value in runs.items()]
    elif isinstance(runs, (list, tuple)):
        items = [(None, value) for value in runs]
    else:
        raise TypeError(
            "runs must be a result of rmsprop.minimize, a list of them or a dict label -> result; "
            f"got {type(runs).__name__}"
        )
    if not items:
        raise ValueError("runs is empty; give at least one result of rmsprop.minimize")
    if labels is not None:
        if isinstance(labels, str):
            labels = [labels]
        if not isinstance(labels, Sequence) or len(labels) != len(items):
            count = len(labels) if isinstance(labels, Sequence) else type(labels).__name__
            raise ValueError(f"labels must be one string per run ({len(items)}); got {count}")
        items = [(str(label), value) for label, (_, value) in zip(labels, items)]
    out = []
    for index, (label, result) in enumerate(items):
        name = f"run {label!r}" if label is not None else f"run {index}"
        if not _is_result(result):
            raise TypeError(
                f"{name} is a {type(result).__name__}, not a result of rmsprop.minimize (it needs path_x, path_fun)"
            )
        x = np.asarray(_field(result, "path_x"), dtype=float)
        if x.ndim == 3:  # rmsprop.minimize_many(..., trajectories=True): one row per run, NaN after nit
            out.extend(_batch_rows(result, x, name, label if label is not None else "run"))
            continue
        if x.ndim != 2 or len(x) == 0:
            raise ValueError(f"{name}: path_x must have shape (nit + 1, dim); got {x.shape}")
        f = np.asarray(_field(result, "path_fun"), dtype=float).reshape(-1)
        if len(f) != len(x):
            raise ValueError(f"{name}: path_fun has {len(f)} values for {len(x)} iterates")
        if label is None:
            settings = result.get("settings") if isinstance(result, Mapping) else getattr(result, "settings", None)
            label = settings_label(settings) if isinstance(settings, Mapping) else f"run {index}"
        out.append(_Run(label, x, f, result))
    for run in out:
        if dim is not None and run.x.shape[1] != dim:
            raise ValueError(
                f"run {run.label!r} has {run.x.shape[1]} coordinates but objective {objective_name!r} has {dim}"
            )
    return _distinct_labels(out)


def _batch_rows(result: Any, x: np.ndarray, name: str, label: str) -> list[_Run]:
    """The runs of a batch result (``path_x`` of shape (B, maxiter + 1, d)), labelled ``label [i]``."""
    f = np.asarray(_field(result, "path_fun"), dtype=float)
    nit = np.asarray(_field(result, "nit")).reshape(-1)
    if f.shape != x.shape[:2] or nit.shape != (x.shape[0],) or x.shape[1] == 0:
        raise ValueError(f"{name}: a batch needs path_x (B, T, d), path_fun (B, T) and nit (B,); "
                         f"got {x.shape}, {f.shape}, {nit.shape}")
    rows = []
    for i in range(x.shape[0]):
        n = int(nit[i]) + 1
        row = {"path_x": x[i, :n], "path_fun": f[i, :n]}
        rows.append(_Run(f"{label} [{i}]", row["path_x"], row["path_fun"], row))
    return rows


def _distinct_labels(runs: list[_Run]) -> list[_Run]:
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.label] = counts.get(run.label, 0) + 1
    if all(count == 1 for count in counts.values()):
        return runs
    renamed = []
    for run in runs:
        if counts[run.label] > 1:
            start = ", ".join(_number(v) for v in run.x[0])
            run = run._replace(label=f"{run.label} from ({start})")
        renamed.append(run)
    seen: dict[str, int] = {}
    final = []
    for run in renamed:
        seen[run.label] = seen.get(run.label, 0) + 1
        final.append(run if seen[run.label] == 1 else run._replace(label=f"{run.label} #{seen[run.label]}"))
    return final


def _colors(count: int, colors: Any = None) -> list[Any]:
    if colors is None:
        mpl = _matplotlib()
        colors = mpl.rcParams["axes.prop_cycle"].by_key().get("color") or ["C0"]
    elif isinstance(colors, str) or not isinstance(colors, Sequence) or len(colors) == 0:
        raise TypeError("colors must be a non-empty list of matplotlib colours")
    return [colors[i % len(colors)] for i in range(count)]


# ---------------------------------------------------------------------------------------------
# legends


_RATE_KEYS = ("learning_rate", "lr", "step_size", "base_lr")
_DECAY_KEYS = ("decay", "alpha", "rho", "gamma", "rms_decay")
_ALWAYS_KEYS = ("b1", "b2", "beta1", "beta2")  # Adam's decays: shown even at their defaults
_EPS_KEYS = ("eps", "epsilon", "delta")


def _number(value: float, digits: int = 4) -> str:
    text = f"{float(value):.{digits}g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), text)


def _value(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return _number(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shown = [
            _value(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) not in (None, False)
        ]
        return f"{type(value).__name__}({', '.join(shown)})"
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    text = str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def _defaults(name: Any) -> dict[str, Any] | None:
    """The keyword defaults of the constructor that made settings named ``name``, if known."""
    from . import compat
    from ._rmsprop import rmsprop as rmsprop_rule

    if name == "rmsprop":
        constructor = rmsprop_rule
    else:
        constructor = getattr(compat, "FLAVORS", {}).get(name)
        if constructor is None:
            try:
                from . import baselines
            except ImportError:  # pragma: no cover
                baselines = None
            constructor = getattr(baselines, "OPTIMIZERS", {}).get(name)
    if not callable(constructor):
        return None
    return {
        p.name: p.default for p in inspect.signature(constructor).parameters.values() if p.default is not p.empty
    }


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b or (a in (0, False) and b is None) or (b in (0, False) and a is None)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays, odd objects
        return False


def settings_label(settings: Mapping[str, Any]) -> str:
    """A short legend text for an optimizer's ``settings`` (``result.settings``).

    The name, then the learning rate as ``lr=`` and the decay of the average of
    squares under its own name, then every other setting that differs from the
    constructor's default (flags that are on appear by name)::

        >>> settings_label({"name": "rmsprop", "learning_rate": 0.1, "decay": 0.9, "eps": 1e-8})
        'rmsprop lr=0.1 decay=0.9'

    For optimizers this package does not know, settings that are ``None``, ``False``
    or 0 and the epsilon are left out.
    """
    if not isinstance(settings, Mapping):
        raise TypeError(f"settings must be a mapping (result.settings); got {type(settings).__name__}")
    name = settings.get("name", "optimizer")
    defaults = _defaults(name)
    parts = [str(name)]
    rest = {key: value for key, value in settings.items() if key != "name"}
    for keys, shown_as in ((_RATE_KEYS, "lr"), (_DECAY_KEYS, None)):
        for key in keys:
            if key in rest:
                parts.append(f"{shown_as or key}={_value(rest.pop(key))}")
                break
    for key, value in rest.items():
        if key in _ALWAYS_KEYS or (key == "momentum" and value not in (None, 0, False)):
            pass
        elif defaults is not None:
            if key in defaults and _same(value, defaults[key]):
                continue
        elif value is None or value is False or key in _EPS_KEYS or (
            isinstance(value, numbers.Number) and not isinstance(value, bool) and value == 0
        ):
            continue
        parts.append(key if value is True else f"{key}={_value(value)}")
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# grids and levels


def _window(objective: Objective, runs: Sequence[_Run] = (), window: Any = None) -> tuple[tuple[float, float], ...]:
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


def _check_resolution(resolution: Any) -> int:
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


# ---------------------------------------------------------------------------------------------
# drawing on axes


def _draw_contour(ax, objective, window, resolution, levels, scale, filled, cmap, colorbar):
    from matplotlib.colors import BoundaryNorm

    X, Y, Z = contour_grid(objective, window, resolution)
    level_values, chosen = contour_levels(Z, objective.min_value, levels, scale)
    cmap = cmap if cmap is not None else _DEFAULT_CMAP
    import matplotlib

    colormap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    norm = BoundaryNorm(level_values, colormap.N, extend="both") if len(level_values) > 1 else None
    if filled and len(level_values) > 1:
        filled_set = ax.contourf(X, Y, Z, levels=level_values, cmap=colormap, norm=norm, extend="both", alpha=0.45,
                                 zorder=0)
        lines = ax.contour(X, Y, Z, levels=level_values, cmap=colormap, norm=norm, linewidths=0.6, zorder=1)
        mappable = filled_set
    else:
        lines = ax.contour(X, Y, Z, levels=level_values, cmap=colormap, norm=norm, linewidths=1.0, zorder=1)
        mappable = lines
    lines.rmsprop_scale = chosen  # "log", "linear" or "given", for whoever reads the figure
    if colorbar:
        figure = _root_figure(ax)
        from matplotlib.ticker import FuncFormatter

        bar = figure.colorbar(mappable, ax=ax, format=FuncFormatter(lambda v, _: _number(v, 3)), shrink=0.9)
        bar.set_label("f" + (" (log-spaced levels)" if chosen == "log" else ""))
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return lines


def _draw_minima(ax, objective, window=None):
    minima = np.asarray(objective.minima, dtype=float)
    if window is not None and len(minima):
        (x_lo, x_hi), (y_lo, y_hi) = window
        inside = (minima[:, 0] >= x_lo) & (minima[:, 0] <= x_hi) & (minima[:, 1] >= y_lo) & (minima[:, 1] <= y_hi)
        minima = minima[inside]
    if len(minima) == 0:
        return None
    (artist,) = ax.plot(minima[:, 0], minima[:, 1], linestyle="none", marker=_MINIMUM_MARKER, markersize=15,
                        markerfacecolor=_MINIMUM_COLOR, markeredgecolor="black", markeredgewidth=0.8,
                        zorder=_Z_MINIMA, label="minimum")
    artist.set_gid("minimum")
    return artist


def _draw_gradient_field(ax, objective, window, count=21):
    (x_lo, x_hi), (y_lo, y_hi) = window
    X, Y = np.meshgrid(np.linspace(x_lo, x_hi, count), np.linspace(y_lo, y_hi, count))
    with np.errstate(all="ignore"):
        G = np.asarray(objective.grad(np.stack([X, Y])), dtype=float)
        norm = np.hypot(G[0], G[1])
        U, V = -G[0] / norm, -G[1] / norm
    bad = ~(np.isfinite(U) & np.isfinite(V)) | (norm == 0)
    U, V = np.where(bad, np.nan, U), np.where(bad, np.nan, V)
    quiver = ax.quiver(X, Y, U, V, color="0.25", alpha=0.55, angles="xy", pivot="mid", scale=count * 1.25,
                       width=0.0025, zorder=_Z_FIELD)
    quiver.set_gid("gradient field")
    return quiver


def _draw_runs_2d(ax, runs: Sequence[_Run], colors):
    """Each run's path (line and small markers), a start circle and an end square."""
    for run, color in zip(runs, colors):
        ax.plot(run.x[:, 0], run.x[:, 1], "-", color=color, linewidth=1.6, marker=".", markersize=4,
                markevery=_markevery(len(run.x)), zorder=_Z_PATH, label=run.label, gid=f"path:{run.label}")
        ax.plot(run.x[0, 0], run.x[0, 1], linestyle="none", marker=_START_MARKER, markersize=8, color=color,
                markeredgecolor="black", markeredgewidth=0.8, zorder=_Z_ENDS, gid=f"start:{run.label}")
        ax.plot(run.x[-1, 0], run.x[-1, 1], linestyle="none", marker=_END_MARKER, markersize=7, color=color,
                markeredgecolor="black", markeredgewidth=0.8, zorder=_Z_ENDS, gid=f"end:{run.label}")


def _legend_2d(ax, runs: Sequence[_Run], colors, objective, location="best"):
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=color, linewidth=1.6, marker=".", markersize=4, label=run.label)
        for run, color in zip(runs, colors)
    ]
    handles.append(Line2D([], [], linestyle="none", marker=_START_MARKER, markersize=7, markerfacecolor="white",
                          markeredgecolor="black", label="start"))
    handles.append(Line2D([], [], linestyle="none", marker=_END_MARKER, markersize=6, markerfacecolor="white",
                          markeredgecolor="black", label="end"))
    if len(objective.minima):
        handles.append(Line2D([], [], linestyle="none", marker=_MINIMUM_MARKER, markersize=11,
                              markerfacecolor=_MINIMUM_COLOR, markeredgecolor="black", label="minimum"))
    return ax.legend(handles=handles, loc=location, fontsize="small", framealpha=0.85)


def _f_star(objective: Objective | None) -> float | None:
    if objective is None or not math.isfinite(objective.min_value):
        return None
    return float(objective.min_value)


def _draw_loss(ax, runs: Sequence[_Run], colors, f_star: float | None):
    values = [run.f - f_star if f_star is not None else run.f for run in runs]
    for run, color, y in zip(runs, colors, values):
        ax.plot(np.arange(len(y)), y, color=color, linewidth=1.6, label=run.label)
    finite = np.concatenate([y[np.isfinite(y)] for y in values])
    log = finite.size > 0 and bool(np.all(finite > 0))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("f - f*" if f_star is not None else "f")
    ax.set_title("Gap to the minimum, f - f*" if f_star is not None else "Objective value f")
    ax.grid(True, which="major", alpha=0.3)
    return log


def effective_steps(result: Any) -> np.ndarray:
    r"""The effective per-coordinate step of each iteration of a run, shape ``(nit, dim)``.

    ``steps[t, i] = |x_{t+1,i} - x_{t,i}| / |g_{t,i}|`` with ``x = result.path_x`` and
    ``g = result.path_jac`` (the gradient at each iterate); NaN where ``g_{t,i} = 0``.
    It is the factor that multiplies the gradient in the step. For plain RMSprop
    (``x <- x - lr * g / sqrt(e + eps)``, no momentum, clipping or weight decay) it is
    ``lr / sqrt(e_{t+1} + eps)``: the per-coordinate learning rate RMSprop adapts,
    up to the rounding of ``x_{t+1} - x_t``. For plain gradient descent it is the
    learning rate itself.
    """
    x = np.asarray(_field(result, "path_x"), dtype=float)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"path_x must have shape (nit + 1, dim); got {x.shape}")
    try:
        g = np.asarray(_field(result, "path_jac"), dtype=float)
    except (KeyError, AttributeError) as error:
        raise ValueError("step sizes need path_jac (the gradient at each iterate, which rmsprop.minimize "
                         "records); this run has none") from error
    if g.shape != x.shape:
        raise ValueError(f"path_jac must have the shape of path_x, {x.shape}; got {g.shape}")
    step = np.abs(np.diff(x, axis=0))
    gradient = np.abs(g[:-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gradient == 0, np.nan, step / np.where(gradient == 0, 1.0, gradient))


def _draw_steps(ax, runs: Sequence[_Run], colors):
    total = sum(run.x.shape[1] for run in runs)
    for run, color in zip(runs, colors):
        steps = effective_steps(run.result)
        for i in range(steps.shape[1]):
            label = f"{run.label}: x{i + 1}" if len(runs) > 1 else f"x{i + 1}"
            ax.plot(np.arange(len(steps)), steps[:, i], color=color, linestyle=_LINESTYLES[i % len(_LINESTYLES)],
                    linewidth=1.4, label=label if total <= 12 else None)
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


def _draw_surface(ax, objective, window, resolution, cmap, runs=(), colors=(), view=True):
    X, Y, Z = contour_grid(objective, window, resolution)
    ax.computed_zorder = False  # paths and minima over the surface, where they lie on it
    ax.plot_surface(X, Y, np.ma.masked_invalid(Z), cmap=cmap if cmap is not None else _DEFAULT_CMAP,
                    rcount=min(resolution, 60), ccount=min(resolution, 60), linewidth=0, antialiased=True,
                    alpha=0.8 if runs else 0.95, zorder=1)
    for run, color in zip(runs, colors):
        ax.plot(run.x[:, 0], run.x[:, 1], run.f, color=color, linewidth=1.8, marker=".", markersize=3,
                markevery=_markevery(len(run.x)), zorder=10, label=run.label)
    minima = np.asarray(objective.minima, dtype=float)
    if len(minima):
        with np.errstate(all="ignore"):
            values = np.asarray(objective.f(minima.T), dtype=float)
        ax.scatter(minima[:, 0], minima[:, 1], values, marker=_MINIMUM_MARKER, s=160, color=_MINIMUM_COLOR,
                   edgecolors="black", depthshade=False, zorder=11)
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_zlabel("f")
    if view:
        ax.view_init(elev=32, azim=-125)


def _title(objective: Objective, limit: int = 40) -> str:
    formula = objective.formula
    return f"{objective.name}: f = {formula}" if len(formula) <= limit else objective.name


# ---------------------------------------------------------------------------------------------
# the public figures


def surface(objective: Any, *, runs: Any = None, labels: Any = None, resolution: int = 80, window: Any = None,
            cmap: Any = None, colors: Any = None, title: str | None = None, figsize=(7.0, 5.5),
            dpi: float | None = None, ax: Any = None, save: Any = None) -> Figure:
    """The 3-D surface ``f(x1, x2)`` of a 2-D objective over its domain (or ``window``).

    ``runs`` (optional) are drawn on the surface at their ``f`` values; the known
    minima are gold stars. ``resolution`` is the grid's points per side. ``ax``
    must be a 3-D Axes. Returns the Figure.
    """
    objective = _objective(objective, "surface")
    resolution = _check_resolution(resolution)
    figure, ax, target = _begin(ax, save, figsize, dpi, three_d=True)
    items = _runs(runs, labels, objective.dim, objective.name) if runs is not None else []
    view = ax is None  # a given Axes keeps its own view angles
    if ax is None:
        ax = figure.add_subplot(1, 1, 1, projection="3d")
    _draw_surface(ax, objective, _window(objective, items, window), resolution, cmap, items,
                  _colors(len(items), colors), view)
    ax.set_title(title if title is not None else _title(objective))
    return _finish(figure, target, dpi)


def contour(objective: Any, *, resolution: int = 200, window: Any = None, levels: Any = None, scale: str = "auto",
            filled: bool = True, cmap: Any = None, colorbar: bool = True, minima: bool = True,
            title: str | None = None, figsize=(6.4, 5.2), dpi: float | None = None, ax: Any = None,
            save: Any = None) -> Figure:
    """Contours of a 2-D objective over its domain (or ``window``), filled unless ``filled=False``.

    The levels (``levels``: a count, default 20, or the values) are log-spaced when
    ``f - f_ref`` spans several decades over the window and evenly spaced otherwise
    (see :func:`contour_levels`; ``scale="log"``/``"linear"`` forces one); colours
    are spread evenly over the levels either way. Gold stars mark the known minima.
    The line contours carry ``rmsprop_scale`` (``"log"``, ``"linear"``, ``"given"``).
    Returns the Figure.
    """
    objective = _objective(objective, "contour")
    resolution = _check_resolution(resolution)
    figure, ax, target = _begin(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    window = _window(objective, (), window)
    _draw_contour(ax, objective, window, resolution, levels, scale, filled, cmap, colorbar)
    if minima:
        _draw_minima(ax, objective, window)
        if len(objective.minima):
            ax.legend(loc="upper right", fontsize="small", framealpha=0.85)
    ax.set_title(title if title is not None else _title(objective))
    return _finish(figure, target, dpi)


def paths(objective: Any, runs: Any, *, labels: Any = None, gradient_field: bool = False, colors: Any = None,
          resolution: int = 200, window: Any = None, levels: Any = None, scale: str = "auto", filled: bool = True,
          cmap: Any = None, colorbar: bool = True, legend: bool = True, title: str | None = None,
          figsize=(7.0, 5.6), dpi: float | None = None, ax: Any = None, save: Any = None) -> Figure:
    """One or many runs over the contours of a 2-D objective.

    Each run is a line with small markers in its own colour (the axes' colour cycle,
    or ``colors``), a circle at its start and a square at its end; gold stars mark
    the known minima. The legend names each run by its settings (:func:`settings_label`)
    or by ``labels``. ``gradient_field=True`` adds arrows of ``-grad f`` normalised to
    one length. The window is the objective's domain grown to hold the paths (at
    most three times its width), or ``window``. Other options as :func:`contour`.
    Returns the Figure.
    """
    objective = _objective(objective, "paths")
    resolution = _check_resolution(resolution)
    items = _runs(runs, labels, objective.dim, objective.name)
    figure, ax, target = _begin(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    _paths_on(ax, objective, items, _colors(len(items), colors), gradient_field, resolution, window, levels, scale,
              filled, cmap, colorbar, legend)
    if title is not None:
        ax.set_title(title)
    return _finish(figure, target, dpi)


def _paths_on(ax, objective, items, colors, gradient_field, resolution, window, levels, scale, filled, cmap,
              colorbar, legend):
    window = _window(objective, items, window)
    _draw_contour(ax, objective, window, resolution, levels, scale, filled, cmap, colorbar)
    if gradient_field:
        _draw_gradient_field(ax, objective, window)
    _draw_minima(ax, objective, window)
    _draw_runs_2d(ax, items, colors)
    if legend:
        _legend_2d(ax, items, colors, objective)
    if len(items) == 1:
        ax.set_title(f"{items[0].label.split(' ')[0]} on {objective.name}: {items[0].nit} iterations")
    else:
        ax.set_title(f"{len(items)} runs on {objective.name}")
    return window


def loss(runs: Any, *, objective: Any = None, labels: Any = None, colors: Any = None, title: str | None = None,
         figsize=(6.4, 4.4), dpi: float | None = None, ax: Any = None, save: Any = None) -> Figure:
    """``f`` against the iteration, one line per run (colours as :func:`paths`).

    With ``objective`` (an Objective or name) whose ``min_value`` f* is finite, the
    gap ``f - f*`` is drawn instead. The y-axis is logarithmic when every value is
    positive. Returns the Figure.
    """
    objective = None if objective is None else _objective(objective, "loss", two_d=False)
    items = _runs(runs, labels, None if objective is None else objective.dim,
                  "" if objective is None else objective.name)
    figure, ax, target = _begin(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    colors = _colors(len(items), colors)
    _draw_loss(ax, items, colors, _f_star(objective))
    ax.legend(fontsize="small", framealpha=0.85)
    if title is not None:
        ax.set_title(title)
    return _finish(figure, target, dpi)


def step_sizes(runs: Any, *, labels: Any = None, colors: Any = None, title: str | None = None, figsize=(6.4, 4.4),
               dpi: float | None = None, ax: Any = None, save: Any = None) -> Figure:
    """RMSprop's effective per-coordinate step against the iteration, log y-axis.

    The step of iteration ``t`` in coordinate ``i`` is
    ``|x_{t+1,i} - x_{t,i}| / |g_{t,i}|`` (:func:`effective_steps`; NaN, so not
    drawn, where ``g_{t,i} = 0``): for plain RMSprop, ``lr / sqrt(e + eps)``, the
    quantity RMSprop adapts. One line per coordinate (line styles ``x1`` solid,
    ``x2`` dashed, ...) and per run (colours as :func:`paths`). Returns the Figure.
    """
    items = _runs(runs, labels)
    figure, ax, target = _begin(ax, save, figsize, dpi)
    if ax is None:
        ax = figure.add_subplot(1, 1, 1)
    _draw_steps(ax, items, _colors(len(items), colors))
    if title is not None:
        ax.set_title(title)
    return _finish(figure, target, dpi)


def panel(objective: Any, runs: Any, *, labels: Any = None, with_surface: bool = True, gradient_field: bool = False,
          colors: Any = None, resolution: int = 160, window: Any = None, levels: Any = None, scale: str = "auto",
          cmap: Any = None, title: str | None = None, figsize=None, dpi: float | None = None,
          save: Any = None) -> Figure:
    """One figure with the surface (unless ``with_surface=False``), the paths on the
    contours, the loss and the step sizes of ``runs`` on a 2-D objective.

    With the surface: a 2 x 2 grid (surface, paths / loss, step sizes); without: the
    paths on the left, the loss above the step sizes on the right. The axes are
    ``fig.axes`` in that order (colour bars after them). Returns the Figure.
    """
    objective = _objective(objective, "panel")
    resolution = _check_resolution(resolution)
    items = _runs(runs, labels, objective.dim, objective.name)
    if figsize is None:
        figsize = (13.0, 10.0) if with_surface else (13.0, 6.0)
    figure, _, target = _begin(None, save, figsize, dpi)
    colors = _colors(len(items), colors)
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
    shown = _paths_on(ax_paths, objective, items, colors, gradient_field, resolution, window, levels, scale, True,
                      cmap, True, True)
    if with_surface:
        _draw_surface(ax_surface, objective, shown, min(resolution, 80), cmap, items, colors)
        ax_surface.set_title("Surface")
    _draw_loss(ax_loss, items, colors, _f_star(objective))
    _draw_steps(ax_steps, items, colors)
    figure.suptitle(title if title is not None else _title(objective, 90))
    return _finish(figure, target, dpi)


# ---------------------------------------------------------------------------------------------
# sweeps

#: How :func:`sweep_heatmap` names the values of a sweep's table.
_SWEEP_VALUES = {"fun": "final f", "nit": "iterations to tol", "distance": "distance to the nearest minimum"}
_BEST_MARKER = "*"


def _sweep_summary(table: Any, by: Sequence[str], value: str, aggregate: Any) -> tuple[list[np.ndarray], np.ndarray]:
    """``table.summary``: the unique values of each ``by`` column and the aggregate, one axis per column.

    ``nit`` counts as iterations *to tol*: a run that stopped otherwise (``status`` not 0) never got
    there, so it counts as infinitely many.
    """
    if value == "nit" and "status" in table.columns:
        from .sweep import SweepTable

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
    axis.set_ticks(positions, [_value(_item(values[i])) for i in positions])


def sweep_heatmap(table: Any, *, x: str = "learning_rate", y: str = "decay", value: str = "fun",
                  aggregate: Any = "median", log_x: bool = True, log_color: bool | None = None, cmap: Any = None,
                  title: str | None = None, figsize=None, dpi: float | None = None, ax: Any = None,
                  save: Any = None) -> Figure:
    """A heatmap of a sweep (:func:`rmsprop.sweep.sweep`): ``aggregate`` of ``value`` over the starts,
    per ``x`` (columns) and ``y`` (rows) setting.

    ``table`` is the :class:`rmsprop.sweep.SweepTable`; the cells are ``table.summary(by=(x, y),
    value=value, aggregate=aggregate)``. ``value``: ``"fun"``, the final loss; ``"distance"``; any
    numeric column; ``"nit"`` counts the iterations to tol: a run that did not reach tol counts as
    infinitely many, so a cell whose median run did not reach it has no value. The ``x`` axis is
    logarithmic when ``log_x`` and its values are positive numbers (the learning rate); otherwise, and
    always for ``y``, each value gets one equal column (row), labelled with it. The colour scale is
    logarithmic when ``log_color`` is true, or, by default, when no value is negative and the positive
    ones span at least 2.5 decades: cells at or below 0 then take the bottom colour (the bar's lower
    arrow). Cells without a finite value (NaN, ±inf) are hatched grey. A star marks the best cell (the
    lowest value; the marker has ``gid="best"``, its settings in ``rmsprop_best`` and in the legend).
    When another setting of the sweep takes several values (``eps``, ``flavor``, ...), each of its
    values (each combination of them) gets its own panel, all on one colour scale; ``ax`` then cannot be
    given. Returns the Figure.
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
        raise ValueError(f"the sweep varies {', '.join(others)} too, which takes {len(panels)} panels; "
                         "leave ax=None to draw one panel per value")
    columns = min(3, len(panels))
    rows = math.ceil(len(panels) / columns)
    if figsize is None:
        figsize = (7.0, 5.4) if len(panels) == 1 else (4.8 * columns + 1.2, 4.4 * rows + 1.0)
    figure, ax, target = _begin(ax, save, figsize, dpi)

    import matplotlib
    from matplotlib.colors import LogNorm, Normalize

    log_x = bool(log_x) and _is_positive_numbers(x_values)
    finite = grid[np.isfinite(grid)]
    positive = finite[finite > 0]
    if log_color is None:
        log_color = (positive.size > 0 and not np.any(finite < 0)
                     and math.log10(positive.max() / positive.min()) >= LOG_LEVELS_DECADES)
    log_color = bool(log_color) and positive.size > 0
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
    colormap = matplotlib.colormaps[cmap or _DEFAULT_CMAP] if cmap is None or isinstance(cmap, str) else cmap
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
        cells = shown[(slice(None), slice(None), *index)].T  # rows: y, columns: x
        missing = ~np.isfinite(cells)
        if missing.any():
            target_ax.add_patch(Rectangle((x_edges[0], y_edges[0]), x_edges[-1] - x_edges[0],
                                          y_edges[-1] - y_edges[0], facecolor="0.93", edgecolor="0.6",
                                          hatch="//", linewidth=0, zorder=0))
        mesh = target_ax.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(cells), cmap=colormap, norm=norm,
                                    shading="flat", zorder=1)
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
            target_ax.set_title(", ".join(f"{name}={_value(_item(values[i]))}"
                                          for name, values, i in zip(others, other_values, index)),
                                fontsize="medium")
        handles = []
        if best is not None and tuple(best[2:]) == index:
            i, j = best[0], best[1]
            settings = {x: _item(x_values[i]), y: _item(y_values[j])}
            settings.update({name: _item(values[k]) for name, values, k in zip(others, other_values, best[2:])})
            text = ", ".join(f"{name}={_value(v)}" for name, v in settings.items())
            (marker,) = target_ax.plot([x_centres[i]], [j], linestyle="none", marker=_BEST_MARKER, markersize=17,
                                       color="white", markeredgecolor="black", markeredgewidth=1.2, zorder=3,
                                       gid="best", label=f"best: {text} ({label} {_number(grid[best])})")
            marker.rmsprop_best = {**settings, value: float(grid[best])}
            handles.append(marker)
        if missing.any():
            handles.append(Patch(facecolor="0.93", edgecolor="0.6", hatch="//",
                                 label="did not reach tol" if value == "nit" else "no finite value"))
        if handles:
            target_ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize="small",
                             frameon=False, ncols=1)
    starts = len(np.unique(np.asarray(table["start"]))) if "start" in table.columns else None
    aggregate_name = aggregate if isinstance(aggregate, str) else getattr(aggregate, "__name__", "aggregate")
    bar = figure.colorbar(mesh, ax=panel_axes, extend="min" if under else "neither", shrink=0.9)
    bar.set_label(f"{aggregate_name} {label}" + (" (log scale)" if log_color else ""))
    if title is None:
        title = f"{aggregate_name} {label}" + (f" over {starts} starts" if starts is not None else "")
    (figure.suptitle if ax is None and len(panels) > 1 else panel_axes[0].set_title)(title)
    return _finish(figure, target, dpi)


def _frame_iterations(longest: int, max_frames: int) -> np.ndarray:
    """The iterations shown, ``min(longest + 1, max_frames)`` of them, evenly spaced, first and last included."""
    count = min(longest + 1, max_frames)
    if count == 1:
        return np.array([longest])
    return np.round(np.linspace(0, longest, count)).astype(int)


def animate(objective: Any, runs: Any, path: Any, *, fps: float = 20, max_frames: int = 120,
            with_surface: bool = False, with_loss: bool = False, progress: bool = True, labels: Any = None,
            colors: Any = None, resolution: int = 160, window: Any = None, levels: Any = None,
            scale: str = "auto", cmap: Any = None, dpi: float = 80, figsize=None) -> Path:
    """Write an animation of ``runs`` growing over the contours of a 2-D objective; return its path.

    The format follows the suffix of ``path``: ``.gif`` (matplotlib's ``PillowWriter``)
    or ``.mp4`` (``FFMpegWriter``; only where ``ffmpeg`` is on ``PATH``, otherwise a
    ValueError). Frame ``k`` shows every run up to iteration ``it_k`` (a run that
    stopped earlier stays complete), a square at its current point and the iteration
    in the title. There are ``min(N + 1, max_frames)`` frames, ``N`` being the most
    iterations of any run, at iterations spread evenly over ``0 .. N`` (the first
    and the last included). ``with_surface`` adds the 3-D view on the left,
    ``with_loss`` the loss curve on the right. ``progress`` shows a Rich progress bar
    on stderr while the frames are drawn. The file is written to a temporary name
    and renamed into place, so a failure leaves no partial file. The still parts of
    the figure are drawn once and the growing parts over them, frame by frame.
    """
    objective = _objective(objective, "animate")
    target = target_path(path, ANIMATION_SUFFIXES, "path")
    if target.suffix.lower() == ".mp4" and shutil.which(_matplotlib().rcParams["animation.ffmpeg_path"]) is None:
        raise ValueError(f"cannot write {str(target)!r}: .mp4 needs ffmpeg on PATH; install it or write a .gif")
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not 0 < fps <= 1000:
        raise ValueError(f"fps must be a number in (0, 1000]; got {fps!r}")
    if isinstance(max_frames, bool) or not isinstance(max_frames, numbers.Integral) or max_frames < 1:
        raise ValueError(f"max_frames must be an integer >= 1; got {max_frames!r}")
    if dpi is None:
        dpi = 80
    _check_dpi(dpi)
    columns = 1 + bool(with_surface) + bool(with_loss)
    if figsize is None:
        figsize = (5.6 * columns + 0.6, 5.0)
    _check_pixels(figsize, dpi)
    resolution = _check_resolution(resolution)
    items = _runs(runs, labels, objective.dim, objective.name)
    colors = _colors(len(items), colors)
    longest = max(run.nit for run in items)
    iterations = _frame_iterations(longest, int(max_frames))

    figure = _new_figure(figsize, dpi)
    grid = figure.add_gridspec(1, columns)
    column = 0
    ax_surface = ax_loss = None
    if with_surface:
        ax_surface = figure.add_subplot(grid[0, column], projection="3d")
        column += 1
    ax = figure.add_subplot(grid[0, column])
    column += 1
    if with_loss:
        ax_loss = figure.add_subplot(grid[0, column])

    window = _window(objective, items, window)
    _draw_contour(ax, objective, window, resolution, levels, scale, True, cmap, True)
    _draw_minima(ax, objective, window)
    moving = []  # (artist, its run, update(upto)): what changes from frame to frame
    for run, color in zip(items, colors):
        ax.plot(run.x[0, 0], run.x[0, 1], linestyle="none", marker=_START_MARKER, markersize=8, color=color,
                markeredgecolor="black", markeredgewidth=0.8, zorder=_Z_ENDS)
        (line,) = ax.plot([], [], "-", color=color, linewidth=1.6, marker=".", markersize=4, zorder=_Z_PATH,
                          markevery=_markevery(len(run.x)))
        (head,) = ax.plot([], [], linestyle="none", marker=_END_MARKER, markersize=7, color=color,
                          markeredgecolor="black", markeredgewidth=0.8, zorder=_Z_ENDS)
        moving.append((line, run, lambda upto, line=line, run=run: line.set_data(run.x[:upto, 0], run.x[:upto, 1])))
        moving.append((head, run, lambda upto, head=head, run=run: head.set_data([run.x[upto - 1, 0]],
                                                                                 [run.x[upto - 1, 1]])))
    _legend_2d(ax, items, colors, objective, location="upper right")
    if ax_surface is not None:
        _draw_surface(ax_surface, objective, window, min(resolution, 60), cmap)
        for run, color in zip(items, colors):
            (line,) = ax_surface.plot([], [], [], color=color, linewidth=1.8, marker=".", markersize=3, zorder=10,
                                      markevery=_markevery(len(run.x)))
            moving.append((line, run, lambda upto, line=line, run=run: line.set_data_3d(
                run.x[:upto, 0], run.x[:upto, 1], run.f[:upto])))
    if ax_loss is not None:
        f_star = _f_star(objective)
        log = _draw_loss(ax_loss, items, colors, f_star)
        ax_loss.set_xlim(0, max(longest, 1))
        values = [run.f - f_star if f_star is not None else run.f for run in items]
        every = np.concatenate(values)
        every = every[np.isfinite(every)]
        if every.size:
            low, high = float(every.min()), float(every.max())
            if log:
                ax_loss.set_ylim(low / 2, high * 2)
            else:
                pad = 0.05 * (high - low) or 1.0
                ax_loss.set_ylim(low - pad, high + pad)
        for line, run, y in zip(ax_loss.get_lines(), items, values):
            moving.append((line, run, lambda upto, line=line, y=y: line.set_data(np.arange(upto), y[:upto])))
        ax_loss.legend(fontsize="small", framealpha=0.85)
    title = figure.suptitle(f"{objective.name}: iteration {longest} / {longest}")

    def draw(iteration: int) -> None:
        for _, run, update in moving:
            update(min(iteration, run.nit) + 1)
        title.set_text(f"{objective.name}: iteration {iteration} / {longest}")

    import matplotlib
    from matplotlib.animation import FFMpegWriter, PillowWriter
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    writer = PillowWriter(fps=fps) if target.suffix.lower() == ".gif" else FFMpegWriter(fps=fps)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), disable=not progress, transient=False)
    with atomic_path(target) as temporary, matplotlib.rc_context({"savefig.bbox": None}), bar:
        task = bar.add_task(f"Rendering {target.name}", total=len(iterations))
        writer.setup(figure, str(temporary), dpi=dpi)
        try:
            grab = _blitter(figure, writer, [artist for artist, _, _ in moving] + [title])
            for iteration in iterations:
                draw(int(iteration))
                grab()
                bar.advance(task)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.finish()  # lets ffmpeg go; the temporary file is removed
            raise
        try:
            writer.finish()
        except OSError as error:
            raise ValueError(f"cannot write {str(target)!r}: {error.strerror or error}") from error
    return target


def _blitter(figure, writer, moving):
    """``grab()``: draw ``moving`` over the still figure and hand the frame to ``writer``.

    The figure without the moving artists is drawn once; each frame restores that
    background, draws the moving artists over it and passes the canvas's RGBA
    buffer to the writer (PillowWriter keeps ``Image`` frames; FFMpegWriter reads
    raw RGBA on its pipe). Where the writer is not one of those, every frame is
    drawn in full with ``writer.grab_frame()``.
    """
    from matplotlib.animation import FFMpegWriter, PillowWriter

    canvas = figure.canvas
    size = tuple(int(v) for v in writer.frame_size)
    fast = hasattr(canvas, "copy_from_bbox") and (
        (isinstance(writer, PillowWriter) and isinstance(getattr(writer, "_frames", None), list))
        or (isinstance(writer, FFMpegWriter) and writer.frame_format == "rgba"
            and getattr(getattr(writer, "_proc", None), "stdin", None) is not None)
    )
    if fast:
        for artist in moving:
            artist.set_animated(True)
        canvas.draw()
        fast = tuple(int(v) for v in canvas.get_width_height()) == size
    if not fast:
        for artist in moving:
            artist.set_animated(False)
        return writer.grab_frame
    background = canvas.copy_from_bbox(figure.bbox)

    def grab() -> None:
        canvas.restore_region(background)
        for artist in moving:
            figure.draw_artist(artist)
        frame = bytes(canvas.buffer_rgba())
        if isinstance(writer, PillowWriter):
            from PIL import Image

            writer._frames.append(Image.frombuffer("RGBA", size, frame, "raw", "RGBA", 0, 1).convert("RGB"))
        else:
            writer._proc.stdin.write(frame)

    return grab


def _markevery(count: int) -> int:
    """Markers on a path of ``count`` points: every point up to 150, about 100 of them beyond."""
    return 1 if count <= 150 else max(1, count // 100)
