"""What the commands read and write: objectives and starts, output paths, counts, progress and figures."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import overload

from ._app import fail

OBJECTIVE_HELP = "A catalogue name (see 'rmsprop functions') or a formula in x1..xn or x, y, e.g. '5*x1**2 + 7*x2**2'."
X0_HELP = "Start, comma-separated, e.g. '-4,3' (default: the objective's suggested start)."
GTOL_HELP = "Stop when the largest |gradient component| is at most this."


def did_you_mean(name: str, choices) -> str:
    """`` (did you mean 'x'?)`` for the choice closest to ``name`` (:func:`difflib.get_close_matches`), or ``""``.

    Parameters
    ----------
    name : str
        What the user typed.
    choices : iterable of str
        The names allowed.

    Returns
    -------
    str
        The hint, with a leading space, or an empty string when no choice is close.

    Examples
    --------
    >>> did_you_mean("rosenbrok", ["seed", "rosenbrock"]), did_you_mean("Torch", ["torch", "keras"])
    (" (did you mean 'rosenbrock'?)", " (did you mean 'torch'?)")
    >>> did_you_mean("zzz", ["seed"])
    ''
    """
    import difflib

    choices = list(choices)
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(name.lower().replace("-", "_"), list(lowered), n=1)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def objective_and_start(text: str, x0: str | None):
    """The objective and the start from ``--objective`` and ``--x0``, or a one-line error.

    Parameters
    ----------
    text : str
        A catalogue name (``-`` or ``_`` alike) or a formula.
    x0 : str or None
        The start, comma-separated, or ``None`` for the objective's suggested start. A
        catalogue objective takes the dimension of a start of other than two coordinates.

    Returns
    -------
    objective : Objective
        The objective.
    start : list of float
        The start, of the objective's dimension.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for an unknown name, a
        formula that does not parse or a start that does not fit.

    Examples
    --------
    >>> objective, start = objective_and_start("seed", None)
    >>> objective.name, start
    ('seed', [-4.0, 3.0])
    >>> objective, start = objective_and_start("rosenbrock", "0,0,0")
    >>> objective.dim, start
    (3, [0.0, 0.0, 0.0])
    >>> objective, start = objective_and_start("x**2 + 2*y**2", "1,2")
    >>> float(objective(start)), start
    (9.0, [1.0, 2.0])
    """
    from .. import objectives

    start = None
    if x0 is not None:
        try:
            start = [float(part) for part in x0.split(",")]
        except ValueError:
            fail(f"--x0 must be numbers separated by commas, e.g. '-4,3'; got {x0!r}")
        if not all(math.isfinite(v) for v in start):
            fail(f"--x0 must be finite numbers; got {x0!r}")
    if text.replace("-", "_") in objectives.names():
        try:
            objective = objectives.get(text, dim=None if start is None or len(start) == 2 else len(start))
        except (ValueError, TypeError) as error:  # only a dimension from --x0 can be wrong here
            assert start is not None  # without --x0 the catalogue's own dimension is used
            fail(f"--x0 has {len(start)} coordinate(s) but objective {text!r} cannot take them: {error}")
    else:
        try:
            objective = objectives.from_expression(text)
        except (ValueError, TypeError) as error:
            if re.fullmatch(r"[A-Za-z_][\w-]*", text.strip()):  # a name, not a formula
                fail(
                    f"unknown objective {text!r}{did_you_mean(text, objectives.names())}; give a catalogue name "
                    f"({', '.join(objectives.names())}) or a formula in x1..xn or x, y"
                )
            fail(str(error))
    if start is None:
        start = [float(v) for v in objective.start]
    if len(start) != objective.dim:
        fail(f"--x0 has {len(start)} coordinate(s) but objective {objective.name!r} takes {objective.dim}")
    return objective, start


@overload
def output(path: Path, what: str, suffixes: tuple[str, ...]) -> Path: ...
@overload
def output(path: Path | None, what: str, suffixes: tuple[str, ...]) -> Path | None: ...
def output(path: Path | None, what: str, suffixes: tuple[str, ...]) -> Path | None:
    """``path`` checked for writing before any work starts, or a one-line error naming ``what``.

    Parameters
    ----------
    path : pathlib.Path or None
        The file to write, or ``None`` when the option is not given.
    what : str
        The option, for the message (``"--plot"``).
    suffixes : tuple of str
        The suffixes allowed (``(".png", ".svg", ".pdf")``).

    Returns
    -------
    pathlib.Path or None
        The path to write (:func:`rmsprop._atomic.target_path`), or ``None``.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for a suffix not
        allowed or a place that cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     print(output(Path(folder) / "path.png", "--plot", (".png", ".svg")).name)
    path.png
    >>> output(None, "--plot", (".png",)) is None
    True
    """
    from .._atomic import target_path

    if path is None:
        return None
    try:
        return target_path(path, suffixes, what)
    except (ValueError, TypeError) as error:
        fail(f"{what}: {error}")


def check_counts(maxiter: int, gtol: float) -> None:
    """``--maxiter`` and ``--gtol`` in range, or a one-line error.

    Parameters
    ----------
    maxiter : int
        Iterations at most, in ``[0, 10000000]``.
    gtol : float
        The gradient tolerance, finite and ``>= 0``.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), when one is out of
        range.

    Examples
    --------
    >>> import contextlib, sys, typer
    >>> check_counts(1000, 1e-5)
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         check_counts(-1, 1e-5)
    ...     except typer.Exit as stop:
    ...         print("exit status", stop.exit_code)
    Error: --maxiter must be between 0 and 10000000; got -1
    exit status 2
    """
    if not 0 <= maxiter <= 10_000_000:
        fail(f"--maxiter must be between 0 and 10000000; got {maxiter}")
    if not (math.isfinite(gtol) and gtol >= 0):
        fail(f"--gtol must be a finite number >= 0; got {gtol}")


def check_rate(lr: float | None) -> None:
    """``--lr``, when given, a finite number > 0, or a one-line error.

    Parameters
    ----------
    lr : float or None
        The learning rate, or ``None`` when ``--lr`` is not given.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), when it is not a finite
        number > 0.

    Examples
    --------
    >>> import contextlib, sys, typer
    >>> check_rate(None), check_rate(0.1)
    (None, None)
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         check_rate(0.0)
    ...     except typer.Exit as stop:
    ...         print("exit status", stop.exit_code)
    Error: --lr must be a finite number > 0; got 0.0
    exit status 2
    """
    if lr is not None and not (math.isfinite(lr) and lr > 0):
        fail(f"--lr must be a finite number > 0; got {lr}")


def check_plot(plot: Path | None, objective, what: str = "--plot draws") -> None:
    """A figure of a path needs a 2-D objective.

    Parameters
    ----------
    plot : pathlib.Path or None
        The figure to draw, or ``None`` when none is asked for.
    objective : Objective
        The objective.
    what : str, optional
        The start of the message; default ``"--plot draws"``.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for a figure of an
        objective that is not 2-D.

    Examples
    --------
    >>> import contextlib, sys, typer
    >>> from pathlib import Path
    >>> from rmsprop import objectives
    >>> check_plot(Path("path.png"), objectives.get("seed"))
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         check_plot(Path("path.png"), objectives.get("rosenbrock", dim=3))
    ...     except typer.Exit as stop:
    ...         print("exit status", stop.exit_code)
    Error: --plot draws 2-D objectives; 'rosenbrock' has 3 coordinates
    exit status 2
    """
    if plot is not None and objective.dim != 2:
        fail(f"{what} 2-D objectives; {objective.name!r} has {objective.dim} coordinates")


def progress(total: int, label: str):
    """A Rich progress bar on stderr for work of ``total`` steps, shown only when that is long.

    Parameters
    ----------
    total : int
        The steps of the work; below 20000 no bar is shown.
    label : str
        The bar's label.

    Returns
    -------
    context : contextlib.AbstractContextManager
        Shows the bar while the work runs (a ``rich.progress.Progress``, or a null context).
    advance : callable or None
        ``advance(steps=1)`` moves the bar; ``None`` for short work.

    Examples
    --------
    >>> context, advance = progress(100, "runs")
    >>> advance is None
    True
    >>> context, advance = progress(10**6, "runs")
    >>> type(context).__name__, callable(advance)
    ('Progress', True)
    """
    from contextlib import nullcontext

    if total < 20_000:
        return nullcontext(), None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=total)
    return bar, lambda steps=1, *_: bar.advance(task, steps if isinstance(steps, int) else 1)


def distance(objective, x) -> float:
    """The distance from ``x`` to the objective's nearest known minimum (NaN, "unknown", when none is known).

    Parameters
    ----------
    objective : Objective
        The objective.
    x : array_like
        A point.

    Returns
    -------
    float
        The Euclidean distance, or NaN (:meth:`~rmsprop.objectives.Objective.nearest_minimum_distance`).

    Examples
    --------
    >>> from rmsprop import objectives
    >>> distance(objectives.get("seed"), [3.0, 4.0]), distance(objectives.from_expression("x + y"), [0.0, 0.0])
    (5.0, nan)
    """
    return objective.nearest_minimum_distance(x)


def save_figure(make, path: Path) -> None:
    """``make(path)``, its errors as one line.

    Parameters
    ----------
    make : callable
        ``make(path)`` draws and writes the figure.
    path : pathlib.Path
        Where.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), when ``make`` raises
        OSError, ValueError or TypeError.

    Examples
    --------
    >>> import contextlib, sys, tempfile, typer
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_figure(lambda path: path.write_text("a figure"), Path(folder) / "figure.svg")
    ...     print(sorted(p.name for p in Path(folder).iterdir()))
    ['figure.svg']
    >>> def broken(path):
    ...     raise ValueError("no finite value to draw")
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         save_figure(broken, Path("figure.svg"))
    ...     except typer.Exit as stop:
    ...         print("exit status", stop.exit_code)
    Error: no finite value to draw
    exit status 2
    """
    try:
        make(path)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")
    except (ValueError, TypeError) as error:
        fail(str(error))
