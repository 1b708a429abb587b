"""matplotlib, figures and files: the Agg figures every function draws on, the Axes it may be given, ``save=``.

A new figure is a plain :class:`~matplotlib.figure.Figure` with an Agg canvas, not
managed by pyplot. :func:`begin_figure` checks ``save``, ``dpi`` and ``ax`` before
anything is drawn; :func:`finish_figure` writes the file, atomically, and returns the figure.
"""

from __future__ import annotations

import numbers
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import target_path, write_atomically

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGURE_SUFFIXES",
    "MAX_PIXELS",
    "begin_figure",
    "check_dpi",
    "check_pixels",
    "finish_figure",
    "load_matplotlib",
    "new_figure",
    "root_figure",
]

#: Suffixes ``save=`` understands, and the format each writes.
FIGURE_SUFFIXES = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: The most pixels a raster image (PNG, or a frame of an animation) may have: 2**27, about 134 million
#: (a 512 MB RGBA buffer), e.g. 13000 x 10000; more is refused before anything is drawn.
MAX_PIXELS = 2**27


def load_matplotlib():
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


def new_figure(figsize: tuple[float, float], dpi: float | None) -> Figure:
    load_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=dpi if dpi is not None else 100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def root_figure(ax: Axes) -> Figure:
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


def check_pixels(size: Any, dpi: Any) -> None:
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
        check_pixels(figure.get_size_inches(), dpi if dpi is not None else figure.dpi)
    write_atomically(target, lambda stream: figure.savefig(stream, format=form,
                                                           dpi=dpi if dpi is not None else "figure"))


def finish_figure(figure: Figure, target: Path | None, dpi: float | None) -> Figure:
    _save(figure, target, dpi)
    return figure


def begin_figure(ax: Any, save: Any, figsize, dpi, three_d: bool = False):
    """Check ``save`` and ``ax`` (before any drawing); return ``(figure, ax or None, target)``."""
    target = None if save is None else target_path(save, tuple(FIGURE_SUFFIXES), "save")
    check_dpi(dpi)
    if ax is None and target is not None and FIGURE_SUFFIXES[target.suffix.lower()] == "png":
        check_pixels(figsize, dpi if dpi is not None else 100)
    if ax is None:
        return new_figure(figsize, dpi), None, target
    load_matplotlib()
    _check_ax(ax, three_d)
    return root_figure(ax), ax, target


def check_dpi(dpi: Any) -> None:
    if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, numbers.Real) or not dpi > 0):
        raise ValueError(f"dpi must be a positive number; got {dpi!r}")
