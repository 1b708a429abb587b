"""``rmsprop run``: one run of the rule (or a library's flavor of it), printed, saved, drawn, checkpointed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import typer

from . import _tables as tables
from ._app import CHECKPOINTS, FLAVOR, OUTPUT, PROBLEM, STOPPING, app, examples, fail
from ._inputs import (
    GTOL_HELP,
    OBJECTIVE_HELP,
    X0_HELP,
    check_counts,
    check_plot,
    check_rate,
    did_you_mean,
    distance,
    objective_and_start,
    output,
    progress,
    save_figure,
)
from ._noise_options import NOISE_HELP, RELATIVE_HELP, SEED_HELP, noise_arguments
from ._rule_options import flag_message, flag_name, given_settings, rule_fields, with_rule_options


def configured_flavor(name: str, settings: dict):
    """``rmsprop.compat.<name>`` with the settings given on the command line, in its own argument names.

    Parameters
    ----------
    name : str
        A flavor of :data:`rmsprop.compat.FLAVORS`.
    settings : dict
        The rule's settings given (:func:`~rmsprop.cli._rule_options.given_settings`).

    Returns
    -------
    GradientTransformation
        The flavor (:func:`rmsprop.compat.configure`).

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for an unknown flavor,
        a setting it has no argument for, or no ``--lr`` for a flavor whose library has no default.

    Examples
    --------
    >>> configured_flavor("torch", {"learning_rate": 0.1, "decay": 0.9}).settings["alpha"]
    0.9
    """
    from .. import compat

    if name not in compat.FLAVORS:
        fail(
            f"unknown --flavor {name!r}{did_you_mean(name, compat.FLAVORS)}; choose one of: {', '.join(compat.FLAVORS)}"
        )
    for option in settings:
        if not compat.accepts(name, option):
            flags = [flag_name(field.name) for field in rule_fields() if compat.accepts(name, field.name)]
            fail(f"--flavor {name} has no setting for {flag_name(option)}; it takes: {', '.join(flags)}")
    if "learning_rate" not in settings:
        import inspect

        rate = next(
            p
            for p in inspect.signature(compat.FLAVORS[name]).parameters.values()
            if p.name in compat.SETTING_ALIASES["learning_rate"]
        )
        if rate.default is inspect.Parameter.empty:
            fail(f"--flavor {name} needs --lr: its library has no default learning rate")
    return compat.configure(name, **settings)


def run_quietly(objective, start, maxiter: int, gtol: float, label: str, **settings):
    """``minimize`` with a progress bar for long runs; its errors as one line.

    Parameters
    ----------
    objective : Objective
        The objective.
    start : list of float
        The start.
    maxiter : int
        Iterations at most.
    gtol : float
        The gradient tolerance.
    label : str
        The progress bar's label.
    **settings
        The other arguments of :func:`rmsprop.minimize` (the rule's settings or
        ``optimizer``, the checkpoint's, the noise's).

    Returns
    -------
    OptimizeResult
        The result of :func:`rmsprop.minimize`.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), when ``minimize``
        refuses its arguments.

    Examples
    --------
    >>> from rmsprop import objectives
    >>> result = run_quietly(objectives.get("seed"), [-4.0, 3.0], 50, 0.0, "RMSprop", learning_rate=0.1)
    >>> result.x.tolist(), result.nit
    ([-0.10352260359924752, 0.0025296212056016548], 50)
    """
    import math

    from .._minimize import minimize
    from .._minimize_compiled import compiled_run
    from .._rmsprop import resolve_optimizer

    options = {
        name: value
        for name, value in settings.items()
        if name not in ("checkpoint", "checkpoint_every", "resume", "noise", "seed")
    }
    try:
        optimizer = resolve_optimizer(options.pop("optimizer", None), "minimize", **options)
    except (ValueError, TypeError) as error:
        fail(flag_message(str(error)))
    x = np.asarray(start, dtype=np.float64)
    # a compiled run is over before a progress bar would show (and a callback would take the Python loop)
    fast = compiled_run(objective, None, (), None, math.inf, optimizer, x, maxiter) is not None
    context, advance = progress(0 if fast else maxiter, label)
    with context:
        try:
            return minimize(objective, start, maxiter=maxiter, gtol=gtol, callback=advance, **settings)
        except (ValueError, TypeError) as error:
            fail(flag_message(str(error)))


def save_trajectory(result, path: Path) -> None:
    """The iterates as CSV (iteration, x1..xn, f, grad_norm) or JSON (the same columns as lists).

    The file is written atomically, in full or not at all.

    Parameters
    ----------
    result : OptimizeResult
        A result of :func:`rmsprop.minimize`, with its path.
    path : pathlib.Path
        A ``.json`` file, or a CSV file (any other suffix).

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), when the file cannot be
        written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from rmsprop import minimize, objectives
    >>> result = minimize(objectives.get("seed"), [-4.0, 3.0], learning_rate=0.1, maxiter=2, gtol=0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_trajectory(result, Path(folder) / "path.csv")
    ...     print((Path(folder) / "path.csv").read_text())
    iteration,x1,x2,f,grad_norm
    0,-4.0,3.0,143.0,42.0
    1,-3.6837722339930443,2.6837722339921255,118.26932318732011,37.572811275889755
    2,-3.463507405138464,2.466820778398629,102.5758509964194,34.63507405138464
    <BLANKLINE>
    """
    import json

    from .._atomic import write_atomically

    d = result.path_x.shape[1]
    columns = ["iteration", *(f"x{i + 1}" for i in range(d)), "f", "grad_norm"]
    rows = [
        [k, *map(float, x), float(f), float(n)]
        for k, (x, f, n) in enumerate(zip(result.path_x, result.path_fun, result.path_grad_norm))
    ]
    if path.suffix.lower() == ".json":
        data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
        text = json.dumps(data)
    else:
        text = "\n".join([",".join(columns)] + [",".join(repr(v) for v in row) for row in rows]) + "\n"
    try:
        write_atomically(path, lambda stream: stream.write(text.encode()))
    except ValueError as error:
        fail(str(error))


def checkpointing(checkpoint: Path | None, every: int | None, resume: Path | None) -> dict[str, Any]:
    """The checkpoint arguments of ``minimize``, checked before any work starts, or a one-line error.

    ``minimize`` checks the ``--resume`` file, also before any work.

    Parameters
    ----------
    checkpoint : pathlib.Path or None
        ``--checkpoint``, the ``.npz`` file to write.
    every : int or None
        ``--checkpoint-every``, iterations between checkpoints.
    resume : pathlib.Path or None
        ``--resume``, the checkpoint to continue from.

    Returns
    -------
    dict
        The arguments ``checkpoint``, ``checkpoint_every`` and ``resume`` of
        :func:`rmsprop.minimize`, those given.

    Raises
    ------
    typer.Exit
        With status 2, after one line on stderr (:func:`~rmsprop.cli.fail`), for
        ``--checkpoint-every`` without ``--checkpoint`` or below 1, or a checkpoint that cannot be
        written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> checkpointing(None, None, None)
    {}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     arguments = checkpointing(Path(folder) / "run.npz", 100, None)
    >>> sorted(arguments), arguments["checkpoint"].name
    (['checkpoint', 'checkpoint_every'], 'run.npz')
    """
    if every is not None and checkpoint is None:
        fail("--checkpoint-every needs --checkpoint FILE, the file to write")
    if every is not None and every < 1:
        fail(f"--checkpoint-every must be an integer >= 1; got {every}")
    arguments: dict[str, Any] = {"checkpoint": output(checkpoint, "--checkpoint", (".npz",)), "resume": resume}
    if every is not None:
        arguments["checkpoint_every"] = every
    return {name: value for name, value in arguments.items() if value is not None}


@app.command(
    epilog=examples(
        "rmsprop run --objective seed --x0=-4,3 --lr 0.1 --maxiter 50 --gtol 0",
        "rmsprop run --objective '(1-x)**2 + 100*(y-x**2)**2' --x0=-1.2,1 --lr 0.01",
        "rmsprop run --objective rosenbrock --lr 0.01 --momentum 0.9 --plot path.png",
        "rmsprop run --objective rosenbrock --flavor torch --lr 0.01 --json",
        "rmsprop run --objective rosenbrock --centered --nesterov --momentum 0.9",
        "rmsprop run --objective rosenbrock --maxiter 100000 --checkpoint run.npz",
        "rmsprop run --objective rosenbrock --maxiter 100000 --resume run.npz",
        "rmsprop run --objective seed --lr 0.1 --noise 1 --seed 3 --plot noisy.png",
    ),
)
@with_rule_options(after="x0")
def run(
    objective: str = typer.Option("seed", "--objective", help=OBJECTIVE_HELP, rich_help_panel=PROBLEM),
    x0: str = typer.Option(None, "--x0", help=X0_HELP, rich_help_panel=PROBLEM),
    maxiter: int = typer.Option(1000, "--maxiter", help="Iterations at most.", rich_help_panel=STOPPING),
    gtol: float = typer.Option(1e-5, "--gtol", help=GTOL_HELP, rich_help_panel=STOPPING),
    flavor: str = typer.Option(
        None,
        "--flavor",
        help="A library's RMSprop: torch, keras, optax, tf1, ... (see 'rmsprop flavors'); the rule's flags "
        "then set its arguments.",
        rich_help_panel=FLAVOR,
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object and nothing else.", rich_help_panel=OUTPUT
    ),
    plot: Path = typer.Option(
        None, "--plot", help="Draw the path on the contour into this PNG/SVG/PDF.", rich_help_panel=OUTPUT
    ),
    save: Path = typer.Option(
        None, "--save", help="Write the trajectory to this .csv or .json file.", rich_help_panel=OUTPUT
    ),
    checkpoint: Path = typer.Option(
        None,
        "--checkpoint",
        help="Save the run's whole state to this .npz file, atomically, "
        "every --checkpoint-every iterations and at the end.",
        rich_help_panel=CHECKPOINTS,
    ),
    checkpoint_every: int = typer.Option(
        None, "--checkpoint-every", help="Iterations between checkpoints (default 1000).", rich_help_panel=CHECKPOINTS
    ),
    resume: Path = typer.Option(
        None,
        "--resume",
        help="Continue the run saved in this .npz checkpoint: give the same options "
        "(--maxiter is the total); it may be the --checkpoint file.",
        rich_help_panel=CHECKPOINTS,
    ),
    noise: float = typer.Option(None, "--noise", help=NOISE_HELP, rich_help_panel=PROBLEM),
    noise_relative: bool = typer.Option(False, "--noise-relative", help=RELATIVE_HELP, rich_help_panel=PROBLEM),
    seed: int = typer.Option(None, "--seed", help=SEED_HELP, rich_help_panel=PROBLEM),
    **rule,
) -> None:
    """Run RMSprop on an objective and print the result.
    \f

    A Typer command: its options, the rule's flags among them (:mod:`~rmsprop.cli._rule_options`),
    are documented by their ``help`` (``rmsprop run --help``).

    Examples
    --------
    >>> import json
    >>> from typer.testing import CliRunner
    >>> seed_run = ["--objective", "seed", "--x0=-4,3", "--lr", "0.1", "--maxiter", "50", "--gtol", "0"]
    >>> result = CliRunner().invoke(app, ["run", *seed_run, "--json"])
    >>> json.loads(result.stdout)["x"]
    [-0.10352260359924752, 0.0025296212056016548]
    >>> result = CliRunner().invoke(app, ["run", *seed_run, "--flavor", "torch", "--json"])
    >>> json.loads(result.stdout)["x"]
    [-0.0002620029839240372, 3.8544045627286177e-07]
    """
    import json

    from .._status import Status

    check_counts(maxiter, gtol)
    given = given_settings(rule)
    check_rate(given.get("learning_rate"))
    objective_, start = objective_and_start(objective, x0)
    plot = output(plot, "--plot", (".png", ".svg", ".pdf"))
    save = output(save, "--save", (".csv", ".json"))
    checkpoints = checkpointing(checkpoint, checkpoint_every, resume)
    noisy = noise_arguments(noise, noise_relative, seed)
    check_plot(plot, objective_)
    if flavor is not None:
        try:
            settings = {"optimizer": configured_flavor(flavor, given)}
        except (ValueError, TypeError) as error:
            fail(flag_message(str(error)))
    else:
        settings = given
    result = run_quietly(objective_, start, maxiter, gtol, "RMSprop", **settings, **checkpoints, **noisy)
    if save is not None:
        save_trajectory(result, save)
    if plot is not None:
        from .. import plot as plots

        save_figure(lambda path: plots.paths(objective_, result, save=path), plot)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "x": [float(v) for v in result.x],
                    "fun": float(result.fun),
                    "nit": int(result.nit),
                    "success": bool(result.success),
                    "status": int(result.status),
                    "message": result.message,
                    **({"noise": result.noise} if "noise" in result else {}),
                }
            )
        )
    else:
        tables.print_tables(
            tables.run_result(objective_, result, distance(objective_, result.x)),
            *(f"Wrote {path}" for path in (save, plot) if path is not None),
        )
    if result.status == Status.NONFINITE:  # it could not start, or it diverged: the result above says where
        typer.echo(f"Error: status {int(result.status)}: {result.message}", err=True)
        raise typer.Exit(1)
