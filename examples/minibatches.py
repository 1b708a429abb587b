"""Minibatches: RMSprop on least squares and on the digits, batch sizes 1, 10 and the full batch
=============================================================================================

Real minibatches, as RMSprop was made for (Tieleman and Hinton, lecture 6e): each step takes
the mean loss over a batch of examples, shuffled once per epoch from a seed
(:class:`rmsprop.objectives.FiniteSum`). Two problems:

* least squares on 200 synthetic examples with 2 correlated features, so that the paths can
  be drawn on the contours of the full loss: the noisy minibatch paths beside the full-batch
  path;
* logistic regression on the handwritten 0s and 1s of scikit-learn's digits (360 images of
  64 pixels, standardised, with an intercept and an L2 term), where the losses are drawn.

Every run takes the same number of epochs (passes over the data), so the smaller batches take
more steps: per epoch they go further, and their full loss settles in a band set by the
gradient noise, which the decaying step size narrows. Run it::

    python examples/minibatches.py [--epochs N] [--out FOLDER]

It prints the full loss of each run at the end and writes ``minibatches_least_squares.png``
and ``minibatches_digits.png`` (the digits need scikit-learn, the ``data`` extra).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import rmsprop
from rmsprop import objectives, schedules

BATCH_SIZES = (1, 10, None)


def run_all(make, epochs: int, learning_rate: float, start) -> dict:
    """One run per batch size, each ``epochs`` passes over the data with the step size ``lr / sqrt(t + 1)``."""
    runs = {}
    for size in BATCH_SIZES:
        problem = make(size)
        lr = schedules.inverse_sqrt_decay(learning_rate)
        result = rmsprop.minimize(problem, start(problem), learning_rate=lr, maxiter=problem.iterations(epochs))
        runs[f"batch {size}" if size else "full batch"] = result
    return runs


def report(name: str, runs: dict, best: float | None) -> None:
    for label, result in runs.items():
        gap = f"  f - f* {result.full_fun - best:.2e}" if best is not None else ""
        print(f"{name:14s} {label:11s} {result.nit:6d} steps  full loss {result.full_fun:.6f}{gap}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])  # no docstring in the gallery
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", default=".", help="the folder of the figures")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    A, b, _ = objectives.synthetic_regression(200, 2, noise=0.5, correlation=0.8, seed=0)
    runs = run_all(
        lambda size: objectives.least_squares(A, b, batch_size=size), args.epochs, 0.3, lambda p: [-2.0, 2.5]
    )
    full = objectives.least_squares(A, b)
    report("least squares", runs, full.full.min_value)
    rmsprop.plot.minibatch_paths(full, runs, save=out / "minibatches_least_squares.png")

    try:
        digits = objectives.digits((0, 1))
    except ImportError as error:
        print(f"digits skipped: {error}")
        return
    runs = run_all(lambda size: objectives.digits((0, 1), batch_size=size), args.epochs, 0.01, lambda p: [0.0] * p.dim)
    report("digits 0 vs 1", runs, None)
    rmsprop.plot.minibatch_paths(digits, runs, save=out / "minibatches_digits.png")
    print(f"Wrote {out / 'minibatches_least_squares.png'} and {out / 'minibatches_digits.png'}")


if __name__ == "__main__":
    main()
