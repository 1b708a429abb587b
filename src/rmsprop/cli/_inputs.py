"""What the commands read and write: objectives and starts, output paths, counts, progress and figures."""

from __future__ import annotations

import math
import re
from pathlib import Path

from ._app import fail

OBJECTIVE_HELP = "A catalogue name (see 'rmsprop functions') or a formula in x1..xn or x, y, e.g. '5*x1**2 + 7*x2**2'."
X0_HELP = "Start, comma-separated, e.g. '-4,3' (default: the objective's suggested start)."
GTOL_HELP = "Stop when the largest |gradient component| is at most this."


def objective_and_start(text: str, x0: str | None):
    """The objective and the start from ``--objective`` and ``--x0``, or a one-line error."""
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
            fail(f"--x0 has {len(start)} coordinate(s) but objective {text!r} cannot take them: {error}")
    else:
        try:
            objective = objectives.from_expression(text)
        except (ValueError, TypeError) as error:
            if re.fullmatch(r"[A-Za-z_][\w-]*", text.strip()):  # a name, not a formula
                fail(f"unknown objective {text!r}; give a catalogue name ({', '.join(objectives.names())}) "
                     "or a formula in x1..xn or x, y")
            fail(str(error))
    if start is None:
        start = [float(v) for v in objective.start]
    if len(start) != objective.dim:
        fail(f"--x0 has {len(start)} coordinate(s) but objective {objective.name!r} takes {objective.dim}")
    return objective, start


def output(path: Path | None, what: str, suffixes: tuple[str, ...]) -> Path | None:
    """``path`` checked for writing before any work starts, or a one-line error naming ``what``."""
    from .._atomic import target_path

    if path is None:
        return None
    try:
        return target_path(path, suffixes, what)
    except (ValueError, TypeError) as error:
        fail(f"{what}: {error}")


def check_counts(maxiter: int, gtol: float) -> None:
    """``--maxiter`` and ``--gtol`` in range, or a one-line error."""
    if not 0 <= maxiter <= 10_000_000:
        fail(f"--maxiter must be between 0 and 10000000; got {maxiter}")
    if not (math.isfinite(gtol) and gtol >= 0):
        fail(f"--gtol must be a finite number >= 0; got {gtol}")


def check_rate(lr: float | None) -> None:
    """``--lr``, when given, a finite number > 0, or a one-line error."""
    if lr is not None and not (math.isfinite(lr) and lr > 0):
        fail(f"--lr must be a finite number > 0; got {lr}")


def check_plot(plot: Path | None, objective, what: str = "--plot draws") -> None:
    """A figure of a path needs a 2-D objective."""
    if plot is not None and objective.dim != 2:
        fail(f"{what} 2-D objectives; {objective.name!r} has {objective.dim} coordinates")


def progress(total: int, label: str):
    """A Rich progress bar on stderr for work of ``total`` steps, shown only when that is long.

    Returns ``(context, advance)``; ``advance`` is ``None`` for short work.
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
    """The distance from ``x`` to the objective's nearest known minimum (inf when none is known)."""
    return objective.nearest_minimum_distance(x) if len(objective.minima) else math.inf


def save_figure(make, path: Path) -> None:
    """``make(path)``, its errors as one line."""
    try:
        make(path)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")
    except (ValueError, TypeError) as error:
        fail(str(error))
