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
from typing import TYPE_CHECKING, Any, cast

from .._atomic import target_path, write_atomically
from ._legend import place_deferred

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
    """Import matplotlib; choose Agg when no backend was chosen and there is no display.

    "No display" is Linux without ``DISPLAY`` or ``WAYLAND_DISPLAY``; a backend chosen
    before (``matplotlib.use``, ``MPLBACKEND``, a matplotlibrc) is kept.

    Returns
    -------
    module
        The ``matplotlib`` module.

    Examples
    --------
    >>> load_matplotlib().__name__
    'matplotlib'
    """
    import matplotlib

    headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless:
        chosen = getattr(matplotlib.rcParams, "_get_backend_or_none", lambda: "unknown")()
        if chosen is None:
            matplotlib.use("Agg")
    return matplotlib


def new_figure(figsize: tuple[float, float], dpi: float | None) -> Figure:
    """Make a new figure with an Agg canvas, not managed by pyplot, with the constrained layout.

    Parameters
    ----------
    figsize : tuple of float
        ``(width, height)`` in inches.
    dpi : float or None
        Dots per inch; ``None`` for 100.

    Returns
    -------
    matplotlib.figure.Figure
        An empty figure: it never opens a window nor joins pyplot's list of figures.

    Examples
    --------
    >>> figure = new_figure((3.0, 2.0), None)
    >>> figure, type(figure.canvas).__name__, figure.get_layout_engine().__class__.__name__
    (<Figure size 300x200 with 0 Axes>, 'FigureCanvasAgg', 'ConstrainedLayoutEngine')
    """
    load_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=dpi if dpi is not None else 100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def root_figure(ax: Axes) -> Figure:
    """Return the figure that holds ``ax``: the outermost one when ``ax`` is in a subfigure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        An Axes.

    Returns
    -------
    matplotlib.figure.Figure
        Its root figure (``ax.get_figure(root=True)``, also before matplotlib 3.10).

    Examples
    --------
    >>> figure = new_figure((4.0, 2.0), None)
    >>> ax = figure.subfigures(1, 2)[0].add_subplot()
    >>> root_figure(ax) is figure, ax.figure is figure
    (True, False)
    """
    try:
        root = ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        figure = ax.figure
        while getattr(figure, "figure", figure) is not figure:
            figure = figure.figure
        return cast("Figure", figure)  # the figure that is its own figure: the root
    assert root is not None  # an Axes always belongs to a figure
    return root


def _check_ax(ax: Any, three_d: bool = False) -> None:
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")
    if three_d and ax.name != "3d":
        raise ValueError("ax must be a 3-D Axes, e.g. fig.add_subplot(projection='3d')")
    if not three_d and ax.name == "3d":
        raise ValueError("ax must be a 2-D Axes; this figure is not drawn in 3-D")


def check_pixels(size: Any, dpi: Any) -> None:
    """Refuse a raster image of ``size`` inches at ``dpi`` with more than :data:`MAX_PIXELS` pixels.

    Parameters
    ----------
    size : tuple of float
        ``(width, height)`` in inches; a size that is not two numbers is left for
        matplotlib to refuse.
    dpi : float
        Dots per inch.

    Raises
    ------
    ValueError
        If ``width * dpi * height * dpi`` exceeds :data:`MAX_PIXELS`.

    Examples
    --------
    >>> check_pixels((6.4, 4.8), 100)
    >>> check_pixels((100, 100), 300)
    Traceback (most recent call last):
    ...
    ValueError: a raster image of 30000 x 30000 pixels is too large; at most 134217728 pixels are allowed
    (lower dpi or figsize, or save as .svg or .pdf)
    """
    try:
        width, height = (float(v) * float(dpi) for v in size)
    except (TypeError, ValueError):
        return  # matplotlib says what is wrong with the size
    if width * height > MAX_PIXELS:
        raise ValueError(
            f"a raster image of {width:.0f} x {height:.0f} pixels is too large; at most {MAX_PIXELS} "
            "pixels are allowed (lower dpi or figsize, or save as .svg or .pdf)"
        )


def _save(figure: Figure, target: Path | None, dpi: float | None) -> None:
    if target is None:
        return
    form = FIGURE_SUFFIXES[target.suffix.lower()]
    if form == "png":
        check_pixels(figure.get_size_inches(), dpi if dpi is not None else figure.dpi)
    write_atomically(  # tight: the file ends where the drawing does (equal aspect leaves blank bands)
        target,
        lambda stream: figure.savefig(
            stream, format=form, dpi=dpi if dpi is not None else "figure", bbox_inches="tight", pad_inches=0.05
        ),
    )


def finish_figure(figure: Figure, target: Path | None, dpi: float | None) -> Figure:
    """Place its legends clear of the data, write the figure to ``target`` (atomically, by its suffix), if given; return it.

    The file is cut to what is drawn (``bbox_inches="tight"``, 0.05 inch of padding), so it
    has no blank margins.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The finished figure.
    target : pathlib.Path or None
        The file to write (see :func:`begin_figure`), or ``None`` to write nothing.
    dpi : float or None
        The resolution of the file; ``None`` for the figure's own.

    Returns
    -------
    matplotlib.figure.Figure
        ``figure``.

    Raises
    ------
    ValueError
        If a PNG would have more than :data:`MAX_PIXELS` pixels, or the file cannot be
        written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> figure = new_figure((2.0, 1.0), None)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = finish_figure(figure, Path(folder, "empty.svg"), None)
    ...     print(Path(folder, "empty.svg").read_text()[:5])
    <?xml
    """
    place_deferred(figure)
    _save(figure, target, dpi)
    return figure


def begin_figure(ax: Any, save: Any, figsize, dpi, three_d: bool = False):
    """Check ``save``, ``dpi`` and ``ax`` (before any drawing); return the figure to draw on.

    Parameters
    ----------
    ax : matplotlib.axes.Axes or None
        The Axes to draw on, or ``None`` for a new figure.
    save : str or os.PathLike or None
        The file to write at the end, or ``None``.
    figsize : tuple of float
        The size of a new figure, in inches.
    dpi : float or None
        The resolution of a new figure and of the file; ``None`` for 100 and the
        figure's own.
    three_d : bool, optional
        Whether ``ax`` must be a 3-D Axes (else it must be a 2-D one); default False.

    Returns
    -------
    figure : matplotlib.figure.Figure
        A new figure (:func:`new_figure`), or the root figure of ``ax``.
    ax : matplotlib.axes.Axes or None
        ``ax`` as given.
    target : pathlib.Path or None
        ``save`` checked (see :func:`rmsprop._atomic.target_path`).

    Raises
    ------
    TypeError
        If ``ax`` is not a matplotlib Axes, or ``save`` not a path.
    ValueError
        If ``ax`` has the wrong projection, ``save``'s suffix is not one of
        :data:`FIGURE_SUFFIXES` or its folder cannot be written, ``dpi`` is not a
        positive number, or a new PNG would exceed :data:`MAX_PIXELS`.

    Examples
    --------
    >>> begin_figure(None, None, (3.0, 2.0), None)
    (<Figure size 300x200 with 0 Axes>, None, None)
    >>> begin_figure(None, "figure.jpg", (3.0, 2.0), None)
    Traceback (most recent call last):
    ...
    ValueError: cannot tell the format of 'figure.jpg' ('.jpg'); use one of .png, .svg, .pdf
    """
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
    """Refuse a ``dpi`` that is neither ``None`` nor a positive number.

    Parameters
    ----------
    dpi : float or None
        Dots per inch, or ``None`` for the default.

    Raises
    ------
    ValueError
        If ``dpi`` is a bool, not a real number, or not > 0.

    Examples
    --------
    >>> check_dpi(None), check_dpi(72)
    (None, None)
    >>> check_dpi(0)
    Traceback (most recent call last):
    ...
    ValueError: dpi must be a positive number; got 0
    """
    if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, numbers.Real) or not dpi > 0):  # type: ignore[operator]  # numbers.Real's stub lacks >
        raise ValueError(f"dpi must be a positive number; got {dpi!r}")
