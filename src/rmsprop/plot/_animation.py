"""Runs growing over the contours of a 2-D objective, written as a GIF or an MP4: :func:`animate`."""

from __future__ import annotations

import contextlib
import numbers
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from .._atomic import atomic_path, target_path
from ._contour import draw_contour, draw_minima
from ._figure import check_dpi, check_pixels, load_matplotlib, new_figure
from ._grid import check_resolution, plot_window
from ._labels import short_name
from ._legend import place_deferred
from ._loss import draw_loss, finite_minimum
from ._paths import legend_2d
from ._runs import as_objective, as_runs
from ._style import END_MARKER, START_MARKER, Z_ENDS, Z_PATH, path_markevery, run_colors
from ._surface import draw_surface

__all__ = ["ANIMATION_SUFFIXES", "animate"]

#: Suffixes :func:`animate` understands (``.mp4`` only where ``ffmpeg`` is on ``PATH``).
ANIMATION_SUFFIXES = (".gif", ".mp4")


def _frame_iterations(longest: int, max_frames: int) -> np.ndarray:
    """The iterations shown, ``min(longest + 1, max_frames)`` of them, evenly spaced, first and last included."""
    count = min(longest + 1, max_frames)
    if count == 1:
        return np.array([longest])
    return np.round(np.linspace(0, longest, count)).astype(int)


def animate(
    objective: Any,
    runs: Any,
    path: Any,
    *,
    domain: Any = None,
    fps: float = 20,
    max_frames: int = 120,
    with_surface: bool = False,
    with_loss: bool = False,
    progress: bool = True,
    labels: Any = None,
    colors: Any = None,
    resolution: int = 160,
    window: Any = None,
    levels: Any = None,
    scale: str = "auto",
    cmap: Any = None,
    dpi: float = 80,
    figsize=None,
) -> Path:
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

    Parameters
    ----------
    objective : Objective, str or callable
        A 2-D objective: an :class:`~rmsprop.objectives.Objective`, a catalogue name
        (``"rosenbrock"``), a formula (``"(1 - x)**2 + 100*(y - x**2)**2"``, read by
        :func:`rmsprop.objectives.from_expression`) or a function ``f(x)`` with ``domain``.
    domain : sequence of two (lo, hi) pairs, optional
        Where the objective lives (``((-2, 2), (-1, 3))``): needed with a function,
        replaces a formula's or an objective's window otherwise.
    runs : result or list of results or dict
        One result of :func:`rmsprop.minimize`, a list of them or a dict label -> result
        (see :func:`as_runs`).
    path : str or os.PathLike
        The file to write: ``.gif`` or ``.mp4`` (:data:`ANIMATION_SUFFIXES`).
    fps : float, optional
        Frames per second, in (0, 1000]; default 20.
    max_frames : int, optional
        The most frames, ``>= 1``; default 120.
    with_surface : bool, optional
        Whether to add the 3-D surface on the left; default False.
    with_loss : bool, optional
        Whether to add the loss curves on the right; default False.
    progress : bool, optional
        Whether to show a progress bar on stderr; default True.
    labels : sequence of str, optional
        One legend label per run; default their settings (:func:`settings_label`).
    colors : sequence of color, optional
        One colour per run; default the axes' colour cycle.
    resolution : int, optional
        The contour grid's points per side, 2 to 4000; default 160.
    window : sequence of two (lo, hi) pairs, optional
        The window drawn; default the objective's domain grown to hold the paths.
    levels : int or sequence of float, optional
        A count (default 20) or the levels themselves (see :func:`contour_levels`).
    scale : {"auto", "log", "linear"}, optional
        How the levels are spaced; default ``"auto"``.
    cmap : str or matplotlib.colors.Colormap, optional
        The colour map; default ``"viridis"``.
    dpi : float, optional
        The resolution of the frames; default 80.
    figsize : tuple of float, optional
        The size of a frame in inches; default 5.6 per panel (plus 0.6) by 5.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        If ``objective``, ``runs`` or ``path`` is of the wrong type.
    ValueError
        If the suffix is not ``.gif`` or ``.mp4`` (or ``.mp4`` without ``ffmpeg``), the
        folder cannot be written, the objective is not 2-D, a run does not match it,
        an option is out of range (a frame over :data:`MAX_PIXELS` pixels too), or the
        writer fails.

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> import rmsprop
    >>> from rmsprop import objectives
    >>> result = rmsprop.minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=50)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = animate("seed", result, f"{folder}/seed.gif", max_frames=3, resolution=20, dpi=30,
    ...                       progress=False)
    ...     with Image.open(written) as image:
    ...         print(written.name, image.n_frames, image.size)
    seed.gif 3 (186, 150)
    """
    objective = as_objective(objective, "animate", domain=domain)
    target = target_path(path, ANIMATION_SUFFIXES, "path")
    if target.suffix.lower() == ".mp4" and shutil.which(load_matplotlib().rcParams["animation.ffmpeg_path"]) is None:
        raise ValueError(f"cannot write {str(target)!r}: .mp4 needs ffmpeg on PATH; install it or write a .gif")
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not 0 < fps <= 1000:
        raise ValueError(f"fps must be a number in (0, 1000]; got {fps!r}")
    if isinstance(max_frames, bool) or not isinstance(max_frames, numbers.Integral) or max_frames < 1:
        raise ValueError(f"max_frames must be an integer >= 1; got {max_frames!r}")
    if dpi is None:
        dpi = 80
    check_dpi(dpi)
    columns = 1 + bool(with_surface) + bool(with_loss)
    if figsize is None:
        figsize = (5.6 * columns + 0.6, 5.0)
    check_pixels(figsize, dpi)
    resolution = check_resolution(resolution)
    items = as_runs(runs, labels, objective.dim, objective.name)
    colors = run_colors(len(items), colors)
    longest = max(run.nit for run in items)
    iterations = _frame_iterations(longest, int(max_frames))

    figure = new_figure(figsize, dpi)
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

    window = plot_window(objective, items, window)
    draw_contour(ax, objective, window, resolution, levels, scale, True, cmap, True)
    draw_minima(ax, objective, window)
    moving = []  # (artist, its run, update(upto)): what changes from frame to frame
    for run, color in zip(items, colors):
        ax.plot(
            run.x[0, 0],
            run.x[0, 1],
            linestyle="none",
            marker=START_MARKER,
            markersize=8,
            color=color,
            markeredgecolor="black",
            markeredgewidth=0.8,
            zorder=Z_ENDS,
        )
        (line,) = ax.plot(
            [],
            [],
            "-",
            color=color,
            linewidth=1.6,
            marker=".",
            markersize=4,
            zorder=Z_PATH,
            markevery=path_markevery(len(run.x)),
        )
        (head,) = ax.plot(
            [],
            [],
            linestyle="none",
            marker=END_MARKER,
            markersize=7,
            color=color,
            markeredgecolor="black",
            markeredgewidth=0.8,
            zorder=Z_ENDS,
        )
        moving.append((line, run, lambda upto, line=line, run=run: line.set_data(run.x[:upto, 0], run.x[:upto, 1])))
        moving.append(
            (head, run, lambda upto, head=head, run=run: head.set_data([run.x[upto - 1, 0]], [run.x[upto - 1, 1]]))
        )
    legend_2d(ax, items, colors, objective)
    if ax_surface is not None:
        draw_surface(ax_surface, objective, window, min(resolution, 60), cmap)
        for run, color in zip(items, colors):
            (line,) = ax_surface.plot(
                [],
                [],
                [],
                color=color,
                linewidth=1.8,
                marker=".",
                markersize=3,
                zorder=10,
                markevery=path_markevery(len(run.x)),
            )
            moving.append(
                (
                    line,
                    run,
                    lambda upto, line=line, run=run: line.set_data_3d(run.x[:upto, 0], run.x[:upto, 1], run.f[:upto]),
                )
            )
    if ax_loss is not None:
        f_star = finite_minimum(objective)
        log = draw_loss(ax_loss, items, colors, f_star)
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
    title = figure.suptitle(f"{short_name(objective)}: iteration {longest} / {longest}")
    place_deferred(figure)  # the legend of the paths, clear of every point of them

    def draw(iteration: int) -> None:
        for _, run, update in moving:
            update(min(iteration, run.nit) + 1)
        title.set_text(f"{short_name(objective)}: iteration {iteration} / {longest}")

    import matplotlib
    from matplotlib.animation import FFMpegWriter, PillowWriter
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    writer = PillowWriter(fps=fps) if target.suffix.lower() == ".gif" else FFMpegWriter(fps=fps)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not progress,
        transient=False,
    )
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
        or (
            isinstance(writer, FFMpegWriter)
            and writer.frame_format == "rgba"
            and getattr(getattr(writer, "_proc", None), "stdin", None) is not None
        )
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

            image = Image.frombuffer("RGBA", size, frame, "raw", "RGBA", 0, 1).convert("RGB")
            writer._frames.append(image)  # type: ignore[attr-defined]  # made by setup(); private, so not in the stubs
        else:
            writer._proc.stdin.write(frame)

    return grab
