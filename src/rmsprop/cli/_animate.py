"""``rmsprop animate``: the paths of several optimizers growing over the contour, as a GIF or MP4."""

from __future__ import annotations

from pathlib import Path

import typer

from ._app import OPTIMIZERS, OUTPUT, PROBLEM, STOPPING, app, examples, fail
from ._compare import ONE_RATE_HELP, compare_runs, optimizer_names
from ._inputs import (
    GTOL_HELP,
    OBJECTIVE_HELP,
    X0_HELP,
    check_counts,
    check_plot,
    check_rate,
    objective_and_start,
    output,
    save_figure,
)


@app.command(
    epilog=examples(
        "rmsprop animate --objective seed --lr 0.1 --maxiter 50 --out seed.gif",
        "rmsprop animate --objective rosenbrock --optimizers rmsprop,adam --out a.gif",
        "rmsprop animate --objective rosenbrock --with-loss --out race.mp4",
    ),
)
def animate(
    out: Path = typer.Option(
        ..., "--out", rich_help_panel=OUTPUT, help="The animation: .gif (Pillow) or .mp4 (needs ffmpeg)."
    ),
    objective: str = typer.Option("seed", "--objective", rich_help_panel=PROBLEM, help=OBJECTIVE_HELP),
    x0: str = typer.Option(None, "--x0", rich_help_panel=PROBLEM, help=X0_HELP),
    optimizers: str = typer.Option(
        "rmsprop", "--optimizers", rich_help_panel=OPTIMIZERS, help="Comma-separated optimizers to race."
    ),
    lr: float = typer.Option(None, "--lr", rich_help_panel=OPTIMIZERS, help=ONE_RATE_HELP),
    maxiter: int = typer.Option(100, "--maxiter", rich_help_panel=STOPPING, help="Iterations at most, per run."),
    gtol: float = typer.Option(1e-5, "--gtol", rich_help_panel=STOPPING, help=GTOL_HELP),
    fps: int = typer.Option(20, "--fps", rich_help_panel=OUTPUT, help="Frames per second."),
    max_frames: int = typer.Option(120, "--max-frames", rich_help_panel=OUTPUT, help="At most this many frames."),
    with_surface: bool = typer.Option(
        False, "--with-surface", rich_help_panel=OUTPUT, help="The 3-D view beside the contour."
    ),
    with_loss: bool = typer.Option(
        False, "--with-loss", rich_help_panel=OUTPUT, help="The loss curve beside the contour."
    ),
) -> None:
    """Animate the paths growing over the contour, into a GIF or MP4.
    \f

    A Typer command: its options are documented by their ``help`` (``rmsprop animate --help``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from PIL import Image
    >>> from typer.testing import CliRunner
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     arguments = ["animate", "--objective", "seed", "--optimizers", "rmsprop,sgd", "--lr", "0.1",
    ...                  "--maxiter", "10", "--max-frames", "3", "--out", str(Path(folder) / "race.gif")]
    ...     result = CliRunner().invoke(app, arguments)
    ...     with Image.open(Path(folder) / "race.gif") as gif:
    ...         print(result.stdout.strip().endswith("race.gif"), gif.n_frames)
    True 3
    """
    check_counts(maxiter, gtol)
    if not 1 <= fps <= 60:
        fail(f"--fps must be between 1 and 60; got {fps}")
    if not 2 <= max_frames <= 2000:
        fail(f"--max-frames must be between 2 and 2000; got {max_frames}")
    names = optimizer_names(optimizers)
    objective_, start = objective_and_start(objective, x0)
    out = output(out, "--out", (".gif", ".mp4"))
    check_plot(out, objective_, "animations draw")
    check_rate(lr)
    runs = compare_runs(objective_, start, names, lr, maxiter, gtol)
    from .. import plot as plots

    save_figure(
        lambda path: plots.animate(
            objective_,
            list(runs.values()),
            path,
            fps=fps,
            max_frames=max_frames,
            with_surface=with_surface,
            with_loss=with_loss,
            progress=True,
        ),
        out,
    )
    typer.echo(f"Wrote {out}")
