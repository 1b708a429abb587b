"""The ``rmsprop`` command line (Typer + Rich).

Every failure the user can cause ends with one line on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np

import typer

app = typer.Typer(
    name="rmsprop",
    help="RMSprop, the reference implementation: run it, check it, see it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> None:
    """Print ``message`` as one line on stderr and exit with status 2."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


@app.callback()
def _root() -> None:
    """RMSprop, the reference implementation: run it, check it, see it."""


@app.command(
    epilog="Example:  rmsprop demo --out figures/",
)
def demo(
    out: Path = typer.Option(Path("rmsprop-demo"), "--out", help="Folder for the two PNG figures."),
) -> None:
    """Reproduce the seed: 50 RMSprop steps from (-4, 3) on 5*x1**2 + 7*x2**2, and its figures."""
    from .demo import run_seed, save_seed_figures, seed_lines

    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder (it is created if missing)")
    result = run_seed()
    try:
        paths = save_seed_figures(result, out)
    except OSError as error:
        fail(f"cannot write the figures to {out}: {error.strerror or error}")
    except ValueError as error:
        fail(str(error))
    for line in seed_lines(result):  # after the figures: a failure prints nothing on stdout
        typer.echo(line)
    for path in paths:
        typer.echo(f"Wrote {path}")


@app.command(
    epilog="Example:  rmsprop flavors --lr 0.05 --steps 100",
)
def flavors(
    lr: float = typer.Option(0.1, "--lr", help="Learning rate given to every flavor."),
    steps: int = typer.Option(50, "--steps", help="Steps on the seed's problem from (-4, 3)."),
) -> None:
    """How the libraries' RMSprops differ, and where each takes the seed's problem."""
    import math

    from rich.console import Console
    from rich.table import Table

    from .compat import FLAVOR_COLUMNS, FLAVOR_FACTS, seed_comparison

    if not math.isfinite(lr) or lr <= 0:
        fail(f"--lr must be a finite number > 0; got {lr}")
    if not 1 <= steps <= 100_000:
        fail(f"--steps must be between 1 and 100000; got {steps}")
    console = Console()
    facts = Table(title="RMSprop flavors (* configurable; lr '-': no default)")
    for column in FLAVOR_COLUMNS[:1] + FLAVOR_COLUMNS[2:]:  # the library is named in the second table
        facts.add_column(column, overflow="fold")
    for name, row in FLAVOR_FACTS.items():
        facts.add_row(name, *("-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
                              for value in row[1:]))
    console.print(facts)
    results = seed_comparison(lr, steps)
    x1_seed, x2_seed, _ = results["seed"]
    runs = Table(title=f"The seed's problem, {steps} steps from (-4, 3), lr={lr}, each flavor's other defaults")
    for column in ("flavor", "library", "x1", "x2", "f(x)", "from seed"):
        runs.add_column(column, justify="left" if column in ("flavor", "library") else "right")
    for name, (x1, x2, f) in results.items():
        distance = math.hypot(x1 - x1_seed, x2 - x2_seed)
        runs.add_row(name, FLAVOR_FACTS[name][0], f"{x1:.12g}", f"{x2:.12g}", f"{f:.6g}", f"{distance:.3g}")
    console.print(runs)


# ----------------------------------------------------------------------------------------------
# run, compare, animate, functions
# ----------------------------------------------------------------------------------------------

OBJECTIVE_HELP = "A catalogue name (see 'rmsprop functions') or a formula in x1..xn or x, y, e.g. '5*x1**2 + 7*x2**2'."
X0_HELP = "Start, comma-separated, e.g. '-4,3' (default: the objective's suggested start)."


def _objective(text: str, x0: str | None):
    """The objective and the start from ``--objective`` and ``--x0``, or a one-line error."""
    from . import objectives

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


def _output(path: Path | None, what: str, suffixes: tuple[str, ...]) -> Path | None:
    """``path`` checked for writing before any work starts, or a one-line error naming ``what``."""
    from ._atomic import target_path

    if path is None:
        return None
    try:
        return target_path(path, suffixes, what)
    except (ValueError, TypeError) as error:
        fail(f"{what}: {error}")


def _flavor(name: str, settings: dict):
    """``rmsprop.compat.<name>`` with the settings given on the command line, in its own argument names."""
    from . import compat

    if name not in compat.FLAVORS:
        fail(f"unknown --flavor {name!r}; choose one of: {', '.join(compat.FLAVORS)}")
    for option in settings:
        if not compat.accepts(name, option):
            import inspect

            fail(f"--flavor {name} has no setting for --{option.replace('_', '-')}; "
                 f"its arguments: {', '.join(inspect.signature(compat.FLAVORS[name]).parameters)}")
    return compat.configure(name, **settings)


def _progress(total: int, label: str):
    """A Rich progress bar on stderr for work of ``total`` steps, shown only when that is long.

    Returns ``(context, advance)``; ``advance`` is ``None`` for short work.
    """
    from contextlib import nullcontext

    if total < 20_000:
        return nullcontext(), None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task(label, total=total)
    return progress, lambda steps=1, *_: progress.advance(task, steps if isinstance(steps, int) else 1)


def _run_quietly(objective, start, maxiter: int, gtol: float, label: str, **settings):
    from ._minimize import minimize

    context, advance = _progress(maxiter, label)
    with context:
        try:
            return minimize(objective, start, maxiter=maxiter, gtol=gtol, callback=advance, **settings)
        except (ValueError, TypeError) as error:
            fail(str(error))


def _distance(objective, x) -> float:
    return objective.nearest_minimum_distance(x) if len(objective.minima) else math.inf


def _check_counts(maxiter: int, gtol: float) -> None:
    if not 0 <= maxiter <= 10_000_000:
        fail(f"--maxiter must be between 0 and 10000000; got {maxiter}")
    if not (math.isfinite(gtol) and gtol >= 0):
        fail(f"--gtol must be a finite number >= 0; got {gtol}")


def _save_trajectory(result, path: Path) -> None:
    """The iterates as CSV (iteration, x1..xn, f, grad_norm) or JSON (the same columns as lists)."""
    import json

    from ._atomic import write_atomically

    d = result.path_x.shape[1]
    columns = ["iteration", *(f"x{i + 1}" for i in range(d)), "f", "grad_norm"]
    rows = [[k, *map(float, x), float(f), float(n)]
            for k, (x, f, n) in enumerate(zip(result.path_x, result.path_fun, result.path_grad_norm))]
    if path.suffix.lower() == ".json":
        data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
        text = json.dumps(data)
    else:
        text = "\n".join([",".join(columns)] + [",".join(repr(v) for v in row) for row in rows]) + "\n"
    try:
        write_atomically(path, lambda stream: stream.write(text.encode()))
    except ValueError as error:
        fail(str(error))


def _save_figure(make, path: Path) -> None:
    try:
        make(path)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")
    except (ValueError, TypeError) as error:
        fail(str(error))


def _checkpointing(checkpoint: Path | None, every: int | None, resume: Path | None) -> dict:
    """The checkpoint arguments of ``minimize``, checked before any work starts, or a one-line error.

    ``minimize`` checks the ``--resume`` file, also before any work.
    """
    if every is not None and checkpoint is None:
        fail("--checkpoint-every needs --checkpoint FILE, the file to write")
    if every is not None and every < 1:
        fail(f"--checkpoint-every must be an integer >= 1; got {every}")
    arguments = {"checkpoint": _output(checkpoint, "--checkpoint", (".npz",)), "resume": resume}
    if every is not None:
        arguments["checkpoint_every"] = every
    return {name: value for name, value in arguments.items() if value is not None}


@app.command(
    epilog=(
        "Examples:  rmsprop run --objective seed --x0 -4,3 --lr 0.1 --maxiter 50 --gtol 0   "
        "rmsprop run --objective '(1-x)**2 + 100*(y-x**2)**2' --x0=-1.2,1 --lr 0.01 --momentum 0.9 --maxiter 3000 "
        "--plot path.png   rmsprop run --objective rosenbrock --flavor torch --lr 0.01 --json   "
        "rmsprop run --objective rosenbrock --maxiter 100000 --checkpoint run.npz   "
        "rmsprop run --objective rosenbrock --maxiter 100000 --resume run.npz --checkpoint run.npz"
    ),
)
def run(
    objective: str = typer.Option("seed", "--objective", help=OBJECTIVE_HELP),
    x0: str = typer.Option(None, "--x0", help=X0_HELP),
    lr: float = typer.Option(None, "--lr", help="Learning rate (default 0.01, or the flavor's)."),
    decay: float = typer.Option(None, "--decay", help="Decay of the average of squares (default 0.9)."),
    eps: float = typer.Option(None, "--eps", help="Added for stability (default 1e-8)."),
    maxiter: int = typer.Option(1000, "--maxiter", help="Iterations at most."),
    gtol: float = typer.Option(1e-5, "--gtol", help="Stop when the largest |gradient component| is at most this."),
    eps_in_sqrt: bool = typer.Option(None, "--eps-in-sqrt/--eps-outside-sqrt",
                                     help="sqrt(e + eps) (seed, Keras, Optax) or sqrt(e) + eps (PyTorch)."),
    initial_scale: float = typer.Option(None, "--initial-scale", help="Start value of the average (TF1: 1)."),
    centered: bool = typer.Option(None, "--centered", help="Divide by the standard deviation (Graves 2013)."),
    momentum: float = typer.Option(None, "--momentum", help="Heavy-ball momentum in [0, 1)."),
    nesterov: bool = typer.Option(None, "--nesterov", help="Nesterov's form of momentum."),
    lr_inside_momentum: bool = typer.Option(None, "--lr-inside-momentum", help="lr inside the buffer (TF, Keras)."),
    weight_decay: float = typer.Option(None, "--weight-decay", help="L2 weight decay added to the gradient."),
    decoupled_weight_decay: bool = typer.Option(None, "--decoupled-weight-decay",
                                                help="Decay the weights apart from the step (AdamW style)."),
    maximize: bool = typer.Option(None, "--maximize", help="Ascend instead of descend."),
    bias_correction: bool = typer.Option(None, "--bias-correction", help="Unbias the averages (Adam style)."),
    clip_value: float = typer.Option(None, "--clip-value", help="Clip each gradient component to [-c, c]."),
    clip_norm: float = typer.Option(None, "--clip-norm", help="Clip the gradient's norm to c."),
    global_clip_norm: float = typer.Option(None, "--global-clip-norm",
                                           help="Clip the norm of all gradients together to c (Keras)."),
    flavor: str = typer.Option(None, "--flavor", help="A library's RMSprop: torch, keras, optax, tf1, ... "
                                                      "(see 'rmsprop flavors')."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object and nothing else."),
    plot: Path = typer.Option(None, "--plot", help="Draw the path on the contour into this PNG/SVG/PDF."),
    save: Path = typer.Option(None, "--save", help="Write the trajectory to this .csv or .json file."),
    checkpoint: Path = typer.Option(None, "--checkpoint",
                                    help="Save the run's whole state to this .npz file, atomically, "
                                         "every --checkpoint-every iterations and at the end."),
    checkpoint_every: int = typer.Option(None, "--checkpoint-every",
                                         help="Iterations between checkpoints (default 1000)."),
    resume: Path = typer.Option(None, "--resume",
                                help="Continue the run saved in this .npz checkpoint: give the same options "
                                     "(--maxiter is the total); it may be the --checkpoint file."),
) -> None:
    """Run RMSprop on an objective and print the result."""
    import json

    _check_counts(maxiter, gtol)
    if lr is not None and not (math.isfinite(lr) and lr > 0):
        fail(f"--lr must be a finite number > 0; got {lr}")
    objective_, start = _objective(objective, x0)
    plot = _output(plot, "--plot", (".png", ".svg", ".pdf"))
    save = _output(save, "--save", (".csv", ".json"))
    checkpointing = _checkpointing(checkpoint, checkpoint_every, resume)
    if plot is not None and objective_.dim != 2:
        fail(f"--plot draws 2-D objectives; {objective_.name!r} has {objective_.dim} coordinates")
    given = {
        "learning_rate": lr, "decay": decay, "eps": eps, "eps_in_sqrt": eps_in_sqrt, "initial_scale": initial_scale,
        "centered": centered, "momentum": momentum, "nesterov": nesterov, "lr_inside_momentum": lr_inside_momentum,
        "weight_decay": weight_decay, "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
        "bias_correction": bias_correction, "clip_value": clip_value, "clip_norm": clip_norm,
        "global_clip_norm": global_clip_norm,
    }
    given = {name: value for name, value in given.items() if value is not None}
    if flavor is not None:
        try:
            settings = {"optimizer": _flavor(flavor, given)}
        except (ValueError, TypeError) as error:
            fail(str(error))
    else:
        settings = given
    result = _run_quietly(objective_, start, maxiter, gtol, "RMSprop", **settings, **checkpointing)
    if save is not None:
        _save_trajectory(result, save)
    if plot is not None:
        from . import plot as plots

        _save_figure(lambda path: plots.paths(objective_, result, save=path), plot)
    if as_json:
        typer.echo(json.dumps({
            "x": [float(v) for v in result.x], "fun": float(result.fun), "nit": int(result.nit),
            "success": bool(result.success), "status": int(result.status), "message": result.message,
        }))
        return
    from rich.console import Console
    from rich.table import Table

    from .plot import settings_label  # the legends' text; rmsprop.plot loads matplotlib only to draw

    table = Table(title=f"RMSprop on {objective_.name}: {objective_.formula}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("x", ", ".join(repr(float(v)) for v in result.x))
    table.add_row("f(x)", repr(float(result.fun)))
    table.add_row("iterations", str(result.nit))
    table.add_row("status", f"{result.status} ({'success' if result.success else 'not converged'})")
    table.add_row("message", result.message)
    table.add_row("distance to nearest known minimum", f"{_distance(objective_, result.x):.6g}")
    table.add_row("settings", settings_label(result.settings))
    console = Console()
    console.print(table)
    for path in (save, plot):
        if path is not None:
            console.print(f"Wrote {path}")


#: Learning rates tried for each optimizer when --lr is not given (log-spaced, 1e-4 .. 1).
LEARNING_RATE_GRID = tuple(10.0 ** (k / 3) for k in range(-12, 1))


def _compare_runs(objective, start, names: list[str], lr: float | None, maxiter: int, gtol: float) -> dict:
    """One run per optimizer: at ``lr``, or at the rate of the grid that ends lowest (a fair comparison)."""
    from . import baselines
    from ._minimize import minimize

    runs = {}
    rates = [lr] if lr is not None else list(LEARNING_RATE_GRID)
    context, advance = _progress(len(names) * len(rates) * maxiter, "runs")
    with context:
        for name in names:
            best = None
            for rate in rates:
                try:
                    optimizer = baselines.get(name, learning_rate=rate)
                    with np.errstate(all="ignore"):
                        result = minimize(objective, start, maxiter=maxiter, gtol=gtol, optimizer=optimizer)
                except (ValueError, TypeError) as error:
                    fail(str(error))
                if advance is not None:
                    advance(maxiter)
                score = result.fun if math.isfinite(result.fun) else math.inf
                if best is None or score < best[0]:
                    best = (score, result)
            runs[name] = best[1]
    return runs


def _optimizer_names(text: str) -> list[str]:
    from . import baselines

    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        fail("--optimizers is empty; give names separated by commas, e.g. rmsprop,sgd,adam")
    unknown = [name for name in names if name not in baselines.names()]
    if unknown:
        fail(f"unknown optimizer {unknown[0]!r}; choose from: {', '.join(baselines.names())}")
    if len(set(names)) != len(names):
        fail(f"--optimizers names one optimizer twice: {text!r}")
    return names


@app.command(
    epilog=(
        "Examples:  rmsprop compare --objective rosenbrock --optimizers rmsprop,sgd,momentum,adam --plot compare.png"
        "   rmsprop compare --objective seed --lr 0.1 --maxiter 50"
    ),
)
def compare(
    objective: str = typer.Option("rosenbrock", "--objective", help=OBJECTIVE_HELP),
    x0: str = typer.Option(None, "--x0", help=X0_HELP),
    optimizers: str = typer.Option("rmsprop,sgd,momentum,adam", "--optimizers",
                                   help="Comma-separated: rmsprop, sgd, momentum, nesterov, adagrad, adadelta, adam."),
    lr: float = typer.Option(None, "--lr", help="One learning rate for all (default: each its best of 1e-4..1)."),
    maxiter: int = typer.Option(1000, "--maxiter", help="Iterations at most, per run."),
    gtol: float = typer.Option(1e-5, "--gtol", help="Stop when the largest |gradient component| is at most this."),
    plot: Path = typer.Option(None, "--plot", help="Draw every path on one contour into this PNG/SVG/PDF."),
) -> None:
    """Run RMSprop and the baselines from one start, and compare where they end."""
    _check_counts(maxiter, gtol)
    names = _optimizer_names(optimizers)
    objective_, start = _objective(objective, x0)
    plot = _output(plot, "--plot", (".png", ".svg", ".pdf"))
    if plot is not None and objective_.dim != 2:
        fail(f"--plot draws 2-D objectives; {objective_.name!r} has {objective_.dim} coordinates")
    if lr is not None and not (math.isfinite(lr) and lr > 0):
        fail(f"--lr must be a finite number > 0; got {lr}")
    runs = _compare_runs(objective_, start, names, lr, maxiter, gtol)
    if plot is not None:
        from . import plot as plots

        _save_figure(lambda path: plots.paths(objective_, list(runs.values()), save=path), plot)

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{objective_.name} from ({', '.join(f'{v:g}' for v in start)}), {maxiter} iterations at most")
    for column in ("optimizer", "lr", "final f", "iterations", "status", "to minimum"):
        table.add_column(column, justify="left" if column == "optimizer" else "right")
    for name, result in runs.items():
        table.add_row(name, f"{result.settings['learning_rate']:.3g}", f"{result.fun:.6g}", str(result.nit),
                      str(result.status), f"{_distance(objective_, result.x):.3g}")
    console = Console()
    console.print(table)
    if plot is not None:
        console.print(f"Wrote {plot}")


@app.command(
    epilog=(
        "Examples:  rmsprop animate --objective seed --optimizers rmsprop --lr 0.1 --maxiter 50 --out seed.gif"
        "   rmsprop animate --objective rosenbrock --optimizers rmsprop,adam --with-loss --out race.gif"
    ),
)
def animate(
    out: Path = typer.Option(..., "--out", help="The animation: .gif (Pillow) or .mp4 (needs ffmpeg)."),
    objective: str = typer.Option("seed", "--objective", help=OBJECTIVE_HELP),
    x0: str = typer.Option(None, "--x0", help=X0_HELP),
    optimizers: str = typer.Option("rmsprop", "--optimizers", help="Comma-separated optimizers to race."),
    lr: float = typer.Option(None, "--lr", help="One learning rate for all (default: each its best of 1e-4..1)."),
    maxiter: int = typer.Option(100, "--maxiter", help="Iterations at most, per run."),
    gtol: float = typer.Option(1e-5, "--gtol", help="Stop when the largest |gradient component| is at most this."),
    fps: int = typer.Option(20, "--fps", help="Frames per second."),
    max_frames: int = typer.Option(120, "--max-frames", help="At most this many frames."),
    with_surface: bool = typer.Option(False, "--with-surface", help="The 3-D view beside the contour."),
    with_loss: bool = typer.Option(False, "--with-loss", help="The loss curve beside the contour."),
) -> None:
    """Animate the paths growing over the contour, into a GIF or MP4."""
    _check_counts(maxiter, gtol)
    if not 1 <= fps <= 60:
        fail(f"--fps must be between 1 and 60; got {fps}")
    if not 2 <= max_frames <= 2000:
        fail(f"--max-frames must be between 2 and 2000; got {max_frames}")
    names = _optimizer_names(optimizers)
    objective_, start = _objective(objective, x0)
    out = _output(out, "--out", (".gif", ".mp4"))
    if objective_.dim != 2:
        fail(f"animations draw 2-D objectives; {objective_.name!r} has {objective_.dim} coordinates")
    if lr is not None and not (math.isfinite(lr) and lr > 0):
        fail(f"--lr must be a finite number > 0; got {lr}")
    runs = _compare_runs(objective_, start, names, lr, maxiter, gtol)
    from . import plot as plots

    _save_figure(lambda path: plots.animate(objective_, list(runs.values()), path, fps=fps, max_frames=max_frames,
                                            with_surface=with_surface, with_loss=with_loss, progress=True), out)
    typer.echo(f"Wrote {out}")


# ----------------------------------------------------------------------------------------------
# sweep

#: The most runs (settings x starts) one ``rmsprop sweep`` may ask for.
MAX_SWEEP_RUNS = 10_000_000
#: Seconds to reach a Dask scheduler before giving up (``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT`` overrides it).
SCHEDULER_TIMEOUT = "10s"
SWEEP_VALUES = {"fun": "final f", "nit": "iterations to tol"}


def _sweep_values(text: str, option: str, check, meaning: str) -> list[float]:
    """The values of a ``--lr``/``--decay``/``--eps`` range, each checked, or a one-line error."""
    from .sweep import parse_range

    try:
        values = parse_range(text)
    except ValueError as error:
        fail(f"{option}: {error}")
    bad = [v for v in values if not (math.isfinite(v) and check(v))]
    if bad:
        fail(f"{option} values must be {meaning}; got {bad[0]!r} from {text!r}")
    if len(set(values)) != len(values):
        fail(f"{option} gives one value twice: {text!r}")
    return values


def _sweep_flavors(text: str) -> list[str]:
    from . import compat

    names = [name.strip() for name in text.split(",")]
    known = ["rmsprop", *compat.FLAVORS]
    if not all(names):
        fail(f"--flavor must be names separated by commas, e.g. rmsprop,torch; got {text!r}")
    unknown = [name for name in names if name not in known]
    if unknown:
        fail(f"unknown --flavor {unknown[0]!r}; choose from: {', '.join(known)}")
    if len(set(names)) != len(names):
        fail(f"--flavor names one flavor twice: {text!r}")
    return names


def _sweep_folder(out: Path) -> Path:
    """``--out`` checked before any work: a folder, or a path where one can be made."""
    import os

    out = out.expanduser()
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder (it is created if missing)")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        fail(f"--out {out}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        fail(f"--out {out}: the folder {existing} is not writable")
    if (out / "heatmap.png").is_dir():
        fail(f"--out {out}: {out / 'heatmap.png'} is a folder; the heatmap cannot be written there")
    return out


def _scheduler(address: str):
    """A ``dask.distributed.Client`` connected to ``address``, or a one-line error after a short wait."""
    import importlib.util
    import os

    if importlib.util.find_spec("distributed") is None:
        fail("--scheduler needs Dask; install it with: python -m pip install 'rmsprop[cluster]'")
    from distributed import Client
    from distributed.comm.addressing import get_address_host_port

    try:
        get_address_host_port(address)
    except (ValueError, TypeError) as error:
        fail(f"--scheduler {address!r} is not a scheduler address such as tcp://host:8786: {error}".replace("\n", " "))
    timeout = os.environ.get("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT") or SCHEDULER_TIMEOUT
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        fail(f"cannot reach the Dask scheduler at {address!r}: {error}".replace("\n", " "))


def _sweep_progress(total_steps: int):
    """``(context, progress(done, total))``: a Rich bar on stderr for long sweeps, nothing for short ones."""
    from contextlib import nullcontext

    if total_steps < 20_000:
        return nullcontext(), None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        return nullcontext(), None
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=console, transient=True)
    task = bar.add_task("runs", total=None)

    def progress(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, description="runs" if done < total else "writing sweep.csv")

    return bar, progress


@app.command(
    epilog=(
        "Examples:  rmsprop sweep --objective rosenbrock --lr 1e-4:1:25:log --decay 0.5,0.9,0.99 --starts 100 "
        "--out sweep/   "
        "rmsprop sweep --objective seed --lr 1e-3:1:13:log --decay 0.9,0.99 --flavor rmsprop,torch --maxiter 50 "
        "--value nit --out seed-sweep/   "
        "rmsprop sweep --objective rosenbrock --starts 10000 --scheduler tcp://scheduler-host:8786 --out big-sweep/"
    ),
)
def sweep(
    out: Path = typer.Option(..., "--out", help="Folder for sweep.csv, heatmap.png and the finished chunks "
                                                 "(a sweep run again into it goes on where it stopped)."),
    objective: str = typer.Option("seed", "--objective", help=OBJECTIVE_HELP),
    lr: str = typer.Option("1e-3:1:25:log", "--lr", help="Learning rates: 'lo:hi:n:log', 'lo:hi:n' (linear), "
                                                         "'a,b,c' or one value."),
    decay: str = typer.Option("0.5,0.9,0.99", "--decay", help="Decays of the average of squares, as --lr."),
    eps: str = typer.Option(None, "--eps", help="Values of eps, as --lr (default: each flavor's own)."),
    flavor: str = typer.Option(None, "--flavor", help="Comma-separated: rmsprop (this package's rule, the "
                                                      "default), torch, keras, optax, tf1, ..."),
    starts: int = typer.Option(100, "--starts", help="Random starts in the objective's window, per setting."),
    maxiter: int = typer.Option(1000, "--maxiter", help="Iterations at most, per run."),
    tol: float = typer.Option(1e-5, "--tol", help="Stop a run when the largest |gradient component| is at most this."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random starts."),
    scheduler: str = typer.Option(None, "--scheduler", help="Run on a Dask cluster: its scheduler's address, "
                                                            "e.g. tcp://scheduler-host:8786."),
    value: str = typer.Option("fun", "--value", help="What the heatmap shows: fun (median final f) or nit "
                                                     "(median iterations to tol)."),
) -> None:
    """Run RMSprop from many starts for every learning rate x decay (x eps x flavor), and find the best."""
    if value not in SWEEP_VALUES:
        fail(f"--value must be one of: {', '.join(SWEEP_VALUES)}; got {value!r}")
    if not 1 <= starts <= MAX_SWEEP_RUNS:
        fail(f"--starts must be between 1 and {MAX_SWEEP_RUNS}; got {starts}")
    if not 0 <= maxiter <= 10_000_000:
        fail(f"--maxiter must be between 0 and 10000000; got {maxiter}")
    if not (math.isfinite(tol) and tol >= 0):
        fail(f"--tol must be a finite number >= 0; got {tol}")
    if seed < 0:
        fail(f"--seed must be an integer >= 0; got {seed}")
    grid = {
        "learning_rate": _sweep_values(lr, "--lr", lambda v: v > 0, "finite numbers > 0"),
        "decay": _sweep_values(decay, "--decay", lambda v: 0 <= v < 1, "numbers in [0, 1)"),
    }
    if eps is not None:
        grid["eps"] = _sweep_values(eps, "--eps", lambda v: v >= 0, "finite numbers >= 0")
    if flavor is not None:
        grid["flavor"] = _sweep_flavors(flavor)
    settings = math.prod(len(values) for values in grid.values())
    if settings * starts > MAX_SWEEP_RUNS:
        fail(f"{settings} settings x {starts} starts is {settings * starts} runs; at most {MAX_SWEEP_RUNS} "
             "are allowed (fewer values or starts)")
    objective_, _ = _objective(objective, None)
    out = _sweep_folder(out)
    client = _scheduler(scheduler) if scheduler is not None else None

    from .sweep import sweep as run_sweep

    context, progress = _sweep_progress(settings * starts * max(maxiter, 1))
    try:
        with context:
            table = run_sweep(objective_, grid, starts, maxiter=maxiter, gtol=tol, seed=seed, executor=client,
                              out=out, progress=progress)
    except (ValueError, TypeError) as error:
        fail(str(error).replace("\n", " "))
    except (OSError, TimeoutError) as error:
        if client is None:
            raise
        fail(f"the sweep failed on the cluster at {scheduler}: {error}".replace("\n", " "))
    except KeyboardInterrupt:
        typer.echo(f"Interrupted; run the same command again to go on from the chunks finished in {out}", err=True)
        raise typer.Exit(130)
    finally:
        if client is not None:
            client.close()

    from . import plot as plots

    runs_per_setting = len(table) // settings
    heatmap = out / "heatmap.png"
    title = f"{objective_.name}: median {SWEEP_VALUES[value]} over {runs_per_setting} starts"
    _save_figure(lambda path: plots.sweep_heatmap(table, value=value, title=title, save=path), heatmap)

    from rich.console import Console
    from rich.table import Table

    best = table.best(value="fun", aggregate="median")
    rows = np.asarray(table["combination"]) == best["combination"]
    reached = int(np.count_nonzero(np.asarray(table["status"])[rows] == 0))
    shown = Table(title=f"{objective_.name}: the best of {settings} settings", show_header=False)
    shown.add_column("", style="bold")
    shown.add_column("")
    for name in table.names:
        setting = best[name]
        shown.add_row(name, repr(float(setting)) if isinstance(setting, (float, np.floating)) else str(setting))
    shown.add_row(f"median f over {runs_per_setting} starts", repr(float(np.median(np.asarray(table["fun"])[rows]))))
    shown.add_row("reached tol", f"{reached} of {int(np.count_nonzero(rows))} runs")
    shown.add_row("median iterations", f"{float(np.median(np.asarray(table['nit'])[rows])):g}")
    console = Console()
    console.print(shown)
    for path in (out / "sweep.csv", heatmap):
        typer.echo(f"Wrote {path}")  # not Rich: a long path stays on one line


@app.command(
    epilog="Examples:  rmsprop playground   rmsprop playground --port 8080   rmsprop playground --host 0.0.0.0",
)
def playground(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8050, "--port", help="Port to listen on (0: any free port)."),
) -> None:
    """Open RMSprop in the browser: click a start point, move the sliders, watch the paths."""
    if not 0 <= port <= 65535:
        fail(f"--port must be between 0 and 65535; got {port}")
    import importlib.util

    if importlib.util.find_spec("dash") is None:
        fail("the playground needs Dash; install it with: python -m pip install 'rmsprop[playground]'")
    from .playground import _server

    try:
        _server.serve(host, port, announce=typer.echo)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")


@app.command(epilog="Example:  rmsprop functions")
def functions() -> None:
    """The catalogue of objectives: formula, dimension, minima and window."""
    from rich.console import Console
    from rich.table import Table

    from . import objectives

    table = Table(title="Objectives (use the name with --objective; or type a formula)")
    for column in ("name", "dim", "formula", "minimum f", "minimisers", "window", "start"):
        table.add_column(column, overflow="fold", no_wrap=column in ("name", "dim"))
    for name in objectives.names():
        o = objectives.get(name)
        minima = "; ".join("(" + ", ".join(f"{v:.4g}" for v in m) + ")" for m in o.minima[:4])
        if len(o.minima) > 4:
            minima += f"; ... ({len(o.minima)} in all)"
        window = " x ".join(f"[{lo:g}, {hi:g}]" for lo, hi in o.domain)
        table.add_row(name, str(o.dim), o.formula, f"{o.min_value:g}", minima or "none", window,
                      "(" + ", ".join(f"{v:g}" for v in o.start) + ")")
    Console().print(table)


def main() -> None:
    """Entry point of the ``rmsprop`` command and ``python -m rmsprop``.

    Click's own usage errors (a bad number, an unknown option) become one line on
    stderr and exit status 2, like every other error here.
    """
    try:
        from typer._click import exceptions  # Typer 0.2x carries its own copy of Click
    except ImportError:  # pragma: no cover - older Typer, on Click itself
        from click import exceptions

    command = typer.main.get_command(app)
    try:
        code = command.main(prog_name="rmsprop", standalone_mode=False)
    except exceptions.UsageError as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # plain 'rmsprop': the help was printed
            sys.exit(0)
        hint = f" (see 'rmsprop {error.ctx.info_name} --help')" if error.ctx and error.ctx.parent else ""
        typer.echo(f"Error: {error.format_message()}{hint}".replace("\n", " "), err=True)
        sys.exit(2)
    except typer.Abort:  # Ctrl-C or end of input inside a command (not an attribute of typer._click.exceptions)
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
