"""``rmsprop sweep``: RMSprop from many starts for every setting of a grid, locally or on a Dask cluster."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from . import _tables as tables
from ._app import CLUSTER, FLAVOR, OUTPUT, PROBLEM, RULE, STOPPING, app, examples, fail
from ._inputs import OBJECTIVE_HELP, check_counts, did_you_mean, objective_and_start, save_figure
from ._rule_options import flag_message

#: The most runs (settings x starts) one ``rmsprop sweep`` may ask for.
MAX_SWEEP_RUNS = 10_000_000
#: Seconds to reach a Dask scheduler before giving up (``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT`` overrides it).
SCHEDULER_TIMEOUT = "10s"
SWEEP_VALUES = {"fun": "final f", "nit": "iterations to gtol"}


def sweep_values(text: str, option: str, check, meaning: str) -> list[float]:
    """The values of a ``--lr``/``--decay``/``--eps`` range, each checked, or a one-line error.

    Parameters
    ----------
    text : str
        ``'lo:hi:n:log'``, ``'lo:hi:n'``, ``'a,b,c'`` or one value (:func:`rmsprop.sweep.parse_range`).
    option : str
        The option, for the messages.
    check : callable
        ``check(value) -> bool``: whether a finite value is allowed.
    meaning : str
        What is allowed, for the message.

    Returns
    -------
    list of float
        The values, in order.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for a range that does
        not parse, a value not allowed or one given twice.

    Examples
    --------
    >>> import contextlib, sys, typer
    >>> sweep_values("1e-3:1:4:log", "--lr", lambda v: v > 0, "finite numbers > 0")
    [0.001, 0.01, 0.1, 1.0]
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         sweep_values("0.5,1.5", "--decay", lambda v: 0 <= v < 1, "numbers in [0, 1)")
    ...     except typer.Exit as stop:
    ...         print("exit status", stop.exit_code)
    Error: --decay values must be numbers in [0, 1); got 1.5 from '0.5,1.5'
    exit status 2
    """
    from ..sweep import parse_range

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


def sweep_flavors(text: str) -> list[str]:
    """The names of ``--flavor``, each known and none twice, or a one-line error.

    Parameters
    ----------
    text : str
        Names separated by commas: ``rmsprop`` (this package's rule) or flavors of
        :data:`rmsprop.compat.FLAVORS`.

    Returns
    -------
    list of str
        The names, stripped.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for an empty name, an
        unknown one or one given twice.

    Examples
    --------
    >>> sweep_flavors("rmsprop, torch")
    ['rmsprop', 'torch']
    """
    from .. import compat

    names = [name.strip() for name in text.split(",")]
    known = ["rmsprop", *compat.FLAVORS]
    if not all(names):
        fail(f"--flavor must be names separated by commas, e.g. rmsprop,torch; got {text!r}")
    unknown = [name for name in names if name not in known]
    if unknown:
        fail(f"unknown --flavor {unknown[0]!r}{did_you_mean(unknown[0], known)}; choose from: {', '.join(known)}")
    if len(set(names)) != len(names):
        fail(f"--flavor names one flavor twice: {text!r}")
    return names


def sweep_folder(out: Path) -> Path:
    """``--out`` checked before any work: a folder, or a path where one can be made.

    Parameters
    ----------
    out : pathlib.Path
        ``--out`` (``~`` is expanded).

    Returns
    -------
    pathlib.Path
        The folder, not made yet where it does not exist.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for a file, a folder
        under a file, a folder that is not writable, or a folder where the heatmap goes.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = sweep_folder(Path(folder) / "sweeps" / "seed")
    ...     print(out.relative_to(folder), out.exists())
    sweeps/seed False
    """
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


def scheduler_client(address: str):
    """A ``dask.distributed.Client`` connected to ``address``, or a one-line error after a short wait.

    The wait is :data:`SCHEDULER_TIMEOUT`, or ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT``
    where that is set.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``tcp://scheduler-host:8786``.

    Returns
    -------
    distributed.Client
        A client that is not the default one; the caller closes it.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), when Dask is not
        installed, the address is not one, or the scheduler cannot be reached.

    Examples
    --------
    >>> import contextlib, sys, typer
    >>> import distributed
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         scheduler_client("not an address")
    ...     except typer.Exit as stop:
    ...         print("exit status", stop.exit_code)
    Error: --scheduler 'not an address' is not a scheduler address such as tcp://host:8786: ...
    exit status 2
    """
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


def sweep_progress(total_steps: int):
    """``(context, progress(done, total))``: a Rich bar on stderr for long sweeps, nothing for short ones.

    Parameters
    ----------
    total_steps : int
        Runs times iterations; below 20000, or where stderr is not a terminal, no bar is shown.

    Returns
    -------
    context : contextlib.AbstractContextManager
        Shows the bar while the sweep runs (a ``rich.progress.Progress``, or a null context).
    progress : callable or None
        ``progress(done, total)``, as :func:`rmsprop.sweep.sweep` calls it; ``None``
        where no bar is shown.

    Examples
    --------
    >>> context, progress = sweep_progress(100)
    >>> progress is None
    True
    """
    from contextlib import nullcontext

    if total_steps < 20_000:
        return nullcontext(), None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        return nullcontext(), None
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("runs", total=None)

    def progress(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, description="runs" if done < total else "writing sweep.csv")

    return bar, progress


@app.command(
    epilog=examples(
        "rmsprop sweep --objective rosenbrock --lr 1e-4:1:25:log --out sweep/",
        "rmsprop sweep --objective rosenbrock --decay 0.5,0.9,0.99 --out sweep/",
        "rmsprop sweep --objective seed --flavor rmsprop,torch --value nit --out s/",
        "rmsprop sweep --starts 10000 --scheduler tcp://scheduler:8786 --out big/",
        "rmsprop sweep --objective rosenbrock --noise 0,0.1,1 --out noisy-sweep/",
    ),
)
def sweep(
    out: Path = typer.Option(
        ...,
        "--out",
        rich_help_panel=OUTPUT,
        help="Folder for sweep.csv, heatmap.png and the finished chunks "
        "(a sweep run again into it goes on where it stopped).",
    ),
    objective: str = typer.Option("seed", "--objective", rich_help_panel=PROBLEM, help=OBJECTIVE_HELP),
    lr: str = typer.Option(
        "1e-3:1:25:log",
        "--lr",
        rich_help_panel=RULE,
        help="Learning rates: 'lo:hi:n:log', 'lo:hi:n' (linear), 'a,b,c' or one value.",
    ),
    decay: str = typer.Option(
        "0.5,0.9,0.99", "--decay", rich_help_panel=RULE, help="Decays of the average of squares, as --lr."
    ),
    eps: str = typer.Option(
        None, "--eps", rich_help_panel=RULE, help="Values of eps, as --lr (default: each flavor's own)."
    ),
    flavor: str = typer.Option(
        None,
        "--flavor",
        rich_help_panel=FLAVOR,
        help="Comma-separated: rmsprop (this package's rule, the default), torch, keras, optax, tf1, ...",
    ),
    starts: int = typer.Option(
        100, "--starts", rich_help_panel=PROBLEM, help="Random starts in the objective's window, per setting."
    ),
    maxiter: int = typer.Option(1000, "--maxiter", rich_help_panel=STOPPING, help="Iterations at most, per run."),
    gtol: float = typer.Option(
        1e-5,
        "--gtol",
        rich_help_panel=STOPPING,
        help="Stop a run when the largest |gradient component| is at most this.",
    ),
    tol: float = typer.Option(
        None, "--tol", rich_help_panel=STOPPING, hidden=True, help="Deprecated: the old name of --gtol."
    ),
    seed: int = typer.Option(
        0, "--seed", rich_help_panel=PROBLEM, help="Seed of the random starts and of the gradient noise."
    ),
    noise: str = typer.Option(
        None,
        "--noise",
        rich_help_panel=PROBLEM,
        help="Noisy gradients: scales of N(0, 1) noise added per step, as --lr (default: none).",
    ),
    noise_relative: bool = typer.Option(
        False,
        "--noise-relative",
        rich_help_panel=PROBLEM,
        help="With --noise: scale the noise by |gradient| per component.",
    ),
    scheduler: str = typer.Option(
        None,
        "--scheduler",
        rich_help_panel=CLUSTER,
        help="Run on a Dask cluster: its scheduler's address, e.g. tcp://scheduler-host:8786.",
    ),
    value: str = typer.Option(
        "fun",
        "--value",
        rich_help_panel=OUTPUT,
        help="What the heatmap shows: fun (median final f) or nit (median iterations to gtol).",
    ),
) -> None:
    """Run RMSprop from many starts for every learning rate x decay (x eps x flavor), and find the best.
    \f

    A Typer command: its options are documented by their ``help`` (``rmsprop sweep --help``).

    Examples
    --------
    >>> import os, tempfile
    >>> from typer.testing import CliRunner
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     arguments = ["sweep", "--objective", "seed", "--lr", "0.01,0.1", "--decay", "0.9", "--flavor", "torch",
    ...                  "--starts", "2", "--maxiter", "20", "--out", folder]
    ...     result = CliRunner().invoke(app, arguments, env={"COLUMNS": "100"})
    ...     print(sorted(name for name in os.listdir(folder) if name.endswith((".csv", ".png"))))
    ['heatmap.png', 'sweep.csv']
    >>> print(result.stdout)
            seed: the best of 2 settings
     learning_rate           0.1
     decay                   0.9
     flavor                  torch
     median f over 2 starts  29.556901276007597
     reached gtol            0 of 2 runs
     why                     no run of 4 reached the tolerance (gtol): ...
     median iterations       20
    Wrote .../sweep.csv
    Wrote .../heatmap.png
    <BLANKLINE>
    """
    if tol is not None:
        typer.echo("Warning: --tol is deprecated; use --gtol", err=True)
        gtol = tol
    if value not in SWEEP_VALUES:
        fail(f"--value must be one of: {', '.join(SWEEP_VALUES)}; got {value!r}")
    if not 1 <= starts <= MAX_SWEEP_RUNS:
        fail(f"--starts must be between 1 and {MAX_SWEEP_RUNS}; got {starts}")
    check_counts(maxiter, gtol)
    if seed < 0:
        fail(f"--seed must be an integer >= 0; got {seed}")
    grid: dict[str, list[float] | list[str] | list[bool]] = {
        "learning_rate": sweep_values(lr, "--lr", lambda v: v > 0, "finite numbers > 0"),
        "decay": sweep_values(decay, "--decay", lambda v: 0 <= v < 1, "numbers in [0, 1)"),
    }
    if eps is not None:
        grid["eps"] = sweep_values(eps, "--eps", lambda v: v >= 0, "finite numbers >= 0")
    if flavor is not None:
        grid["flavor"] = sweep_flavors(flavor)
    if noise is not None:
        grid["noise"] = sweep_values(noise, "--noise", lambda v: v >= 0, "finite numbers >= 0")
        grid["noise_relative"] = [noise_relative]
    elif noise_relative:
        fail("--noise-relative needs --noise SCALES")
    settings = math.prod(len(values) for values in grid.values())
    if settings * starts > MAX_SWEEP_RUNS:
        fail(
            f"{settings} settings x {starts} starts is {settings * starts} runs; at most {MAX_SWEEP_RUNS} "
            "are allowed (fewer values or starts)"
        )
    objective_, _ = objective_and_start(objective, None)
    out = sweep_folder(out)
    client = scheduler_client(scheduler) if scheduler is not None else None

    from ..sweep import sweep as run_sweep

    context, progress = sweep_progress(settings * starts * max(maxiter, 1))
    try:
        with context:
            table = run_sweep(
                objective_,
                grid,
                starts,
                maxiter=maxiter,
                gtol=gtol,
                seed=seed,
                executor=client,
                out=out,
                progress=progress,
            )
    except (ValueError, TypeError) as error:
        fail(flag_message(str(error).replace("\n", " ")))
    except (OSError, TimeoutError) as error:
        if client is None:
            raise
        fail(f"the sweep failed on the cluster at {scheduler}: {error}".replace("\n", " "))
    except KeyboardInterrupt:
        typer.echo(f"Interrupted; run the same command again to go on from the chunks finished in {out}", err=True)
        raise typer.Exit(130) from None
    finally:
        if client is not None:
            client.close()

    from .. import plot as plots

    heatmap = out / "heatmap.png"
    title = f"{objective_.name}: median {SWEEP_VALUES[value]} over {len(table) // settings} starts"
    save_figure(lambda path: plots.sweep_heatmap(table, value=value, title=title, save=path), heatmap)
    tables.print_tables(tables.sweep_best(objective_, table, settings))
    for path in (out / "sweep.csv", heatmap):
        typer.echo(f"Wrote {path}")  # not Rich: a long path stays on one line
