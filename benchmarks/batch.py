"""Many runs of the seed's problem at once: ``rmsprop.minimize_many`` against the seed document's scalar loop.

The seed's problem: f(x1, x2) = 5 x1^2 + 7 x2^2, gradient (10 x1, 14 x2), RMSprop with
lr=0.1, decay=0.9, eps=1e-8 inside the square root (``e = decay e + (1 - decay) g g``,
``x -= lr g / sqrt(e + eps)``), 50 iterations, from B seeded random starts in [-5, 5]^2, for
B = 1e3, 1e5, 1e6. Rows:

* ``seed scalar loop``: the seed document's ``rmsprop`` function (shared/seed/rmsprop-from-scratch.txt),
  transcribed to plain Python floats -- trajectories, objective calls and order of operations
  as written there, with ``x * x`` for ``x**2.0`` and ``math.sqrt`` for ``np.sqrt`` (the same
  bits, both correctly rounded; both faster, so the ratios below are conservative) -- looped
  over the starts. It is timed on the first ``--sample`` starts (all of them when B is smaller)
  and extrapolated per run; the table says how many were timed.
* ``ours``: ``rmsprop.minimize_many(rmsprop.objectives.get("seed"), x0s, learning_rate=0.1,
  decay=0.9, eps=1e-8, maxiter=50, gtol=0.0)`` on all B starts (median of ``--repeat`` calls).
* ``ours (Python objective)``: the same with a plain NumPy function of the (B, 2) batch
  instead of the catalogue objective, where ``minimize_many`` accepts one (see ADAPT below).

Before timing, a few rows of each ``minimize_many`` result are checked bit for bit (``==`` on
the floats of ``x`` and ``fun``) against the scalar loop, and the transcription against the
numbers the seed document prints. Target (issue 5): at B = 1e6, ours >= 50x faster per run
than the seed's scalar loop.

    python benchmarks/batch.py [--batches 1e3 1e5 1e6] [--sample 2000] [--repeat 5]
                               [--quick] [--json batch.json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine
import numpy as np

LEARNING_RATE, DECAY, EPS, EPOCHS = 0.1, 0.9, 1e-8, 50
SETTINGS = {"learning_rate": LEARNING_RATE, "decay": DECAY, "eps": EPS, "maxiter": EPOCHS, "gtol": 0.0}
BATCHES = [10**3, 10**5, 10**6]
TARGET_BATCH, TARGET_RATIO = 10**6, 50.0
#: What the seed document prints after its run from (-4, 3).
SEED_PRINTED = (-0.10352260359924752, 0.0025296212056016548, 0.05362944016394148)


# --------------------------------------------------------------------------- the seed, in plain Python


def objective(x1, x2):
    return 5 * (x1 * x1) + 7 * (x2 * x2)


def derivative_x1(x1, x2):
    return 10.0 * x1


def derivative_x2(x1, x2):
    return 14.0 * x2


def seed_rmsprop(x1, x2, derivative_x1, derivative_x2, learning_rate, gamma, epsilon, max_epochs):
    """The seed document's ``rmsprop``: one run from (x1, x2), keeping the trajectories as it does."""
    x1_trajectory = [x1]
    x2_trajectory = [x2]
    y_trajectory = [objective(x1, x2)]
    e1 = 0
    e2 = 0
    for _ in range(max_epochs):
        gt_x1 = derivative_x1(x1, x2)
        gt_x2 = derivative_x2(x1, x2)
        e1 = gamma * e1 + (1 - gamma) * (gt_x1 * gt_x1)
        e2 = gamma * e2 + (1 - gamma) * (gt_x2 * gt_x2)
        x1 = x1 - learning_rate * gt_x1 / (math.sqrt(e1 + epsilon))
        x2 = x2 - learning_rate * gt_x2 / (math.sqrt(e2 + epsilon))
        x1_trajectory.append(x1)
        x2_trajectory.append(x2)
        y_trajectory.append(objective(x1, x2))
    return x1_trajectory, x2_trajectory, y_trajectory


def seed_scalar_loop(starts: list[list[float]]) -> list[tuple[float, float, float]]:
    """The seed's run from each start, one after another; the final (x1, x2, y) of each."""
    finals = []
    for x1, x2 in starts:
        x1s, x2s, ys = seed_rmsprop(x1, x2, derivative_x1, derivative_x2, LEARNING_RATE, DECAY, EPS, EPOCHS)
        finals.append((x1s[-1], x2s[-1], ys[-1]))
    return finals


# --------------------------------------------------------------------------- ours


def run_ours(rmsprop: Any, x0s: np.ndarray) -> Any:
    """``minimize_many`` with the catalogue's seed objective."""
    return rmsprop.minimize_many(rmsprop.objectives.get("seed"), x0s, **SETTINGS)


# A plain Python objective, in minimize_many's ``jac=True`` convention on the (B, d) batch:
# ``fun(X) -> (f of shape (B,), grad of shape (B, d))``.


def python_objective(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f and grad of the seed problem on a (B, 2) batch, in plain NumPy."""
    x1, x2 = X[:, 0], X[:, 1]
    grad = np.empty_like(X)
    np.multiply(10.0, x1, out=grad[:, 0])
    np.multiply(14.0, x2, out=grad[:, 1])
    return 5.0 * (x1 * x1) + 7.0 * (x2 * x2), grad


def run_ours_python(rmsprop: Any, x0s: np.ndarray) -> Any:
    """``minimize_many`` with :func:`python_objective`."""
    return rmsprop.minimize_many(python_objective, x0s, jac=True, **SETTINGS)


# ---- end of ADAPT ----

VECTORISED: dict[str, Callable[[Any, np.ndarray], Any]] = {
    "ours": run_ours,
    "ours (Python objective)": run_ours_python,
}


# --------------------------------------------------------------------------- checks and timing


def check_transcription() -> None:
    """The scalar transcription reproduces the numbers the seed document prints, bit for bit."""
    x1s, x2s, ys = seed_rmsprop(-4.0, 3.0, derivative_x1, derivative_x2, LEARNING_RATE, DECAY, EPS, EPOCHS)
    assert (x1s[-1], x2s[-1], ys[-1]) == SEED_PRINTED, (x1s[-1], x2s[-1], ys[-1])


def check_rows(result: Any, x0s: np.ndarray, rows: list[int]) -> None:
    """``result`` equals the seed's scalar loop on ``rows``, bit for bit, after all 50 iterations."""
    expected = seed_scalar_loop(x0s[rows].tolist())
    for row, (x1, x2, y) in zip(rows, expected):
        got = (float(result.x[row, 0]), float(result.x[row, 1]), float(result.fun[row]))
        assert got == (x1, x2, y), f"row {row}: minimize_many gives {got}, the seed's loop {(x1, x2, y)}"
        assert int(result.nit[row]) == EPOCHS, f"row {row}: nit = {result.nit[row]}, expected {EPOCHS}"


def check_rows_for(batch: int, rng: np.random.Generator) -> list[int]:
    """The rows to check: the first, the last, the middle and a few at random."""
    picked = {0, batch - 1, batch // 2, *rng.integers(0, batch, size=5).tolist()}
    return sorted(picked)


def time_calls(call: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Seconds of each of ``repeat`` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return times, result


def measure_scalar(x0s: np.ndarray, sample: int, repeat: int) -> dict:
    """The seed's loop on the first ``sample`` starts; per-run seconds extrapolate to all."""
    starts = x0s[:sample].tolist()
    times, _ = time_calls(lambda: seed_scalar_loop(starts), repeat)
    return record("seed scalar loop", len(x0s), len(starts), times)


def measure_vectorised(name: str, rmsprop: Any, x0s: np.ndarray, repeat: int, rows: list[int]) -> dict:
    """One ``minimize_many`` row: check it, then time it on all starts (a fresh copy per call)."""
    run = VECTORISED[name]
    try:
        first = run(rmsprop, x0s.copy())
    except TypeError as error:
        if run is run_ours:
            raise
        # minimize_many does not take a plain objective this way (see ADAPT): skip the row.
        return {"contender": name, "batch": len(x0s), "skipped": f"{type(error).__name__}: {error}"}
    check_rows(first, x0s, rows)
    times = []
    for _ in range(repeat):
        starts = x0s.copy()
        start = time.perf_counter()
        run(rmsprop, starts)
        times.append(time.perf_counter() - start)
    result = record(name, len(x0s), len(x0s), times)
    result["checked_rows"] = rows
    return result


def record(name: str, batch: int, runs_timed: int, times: list[float]) -> dict:
    median = statistics.median(times)
    return {
        "contender": name,
        "batch": batch,
        "runs_timed": runs_timed,
        "extrapolated": runs_timed < batch,
        "repeat": len(times),
        "median_s": median,
        "min_s": min(times),
        "us_per_run": median / runs_timed * 1e6,
        "runs_per_s": runs_timed / median,
    }


# --------------------------------------------------------------------------- report


def machine_info() -> dict:
    return _machine.machine_info(("numba",))


def print_table(results: list[dict]) -> None:
    header = f"{'B':>7} {'contender':<24} {'runs timed':>12} {'median s':>9} {'us/run':>9} {'runs/s':>11} {'scalar/this':>11}"
    print(header)
    print("-" * len(header))
    scalar = {r["batch"]: r for r in results if r["contender"] == "seed scalar loop"}
    previous = None
    for r in results:
        if previous is not None and r["batch"] != previous:
            print()
        previous = r["batch"]
        if "skipped" in r:
            print(f"{r['batch']:>7.0e} {r['contender']:<24} skipped: {r['skipped']}")
            continue
        timed = f"{r['runs_timed']}{' (extrap.)' if r['extrapolated'] else ''}"
        speedup = scalar[r["batch"]]["us_per_run"] / r["us_per_run"]
        print(
            f"{r['batch']:>7.0e} {r['contender']:<24} {timed:>12} {r['median_s']:>9.3f} {r['us_per_run']:>9.3f} "
            f"{r['runs_per_s']:>11.4g} {speedup:>11.1f}"
        )
    print("The scalar loop is timed on the first starts only and its per-run time extrapolated (extrap.).")


def verdict(results: list[dict]) -> dict:
    """At B = 1e6, ours >= 50x faster per run than the seed's scalar loop."""
    rows = {(r["contender"], r["batch"]): r for r in results if "skipped" not in r}
    ours, scalar = rows.get(("ours", TARGET_BATCH)), rows.get(("seed scalar loop", TARGET_BATCH))
    value = None if ours is None or scalar is None else scalar["us_per_run"] / ours["us_per_run"]
    outcome = "not measured" if value is None else ("ok" if value >= TARGET_RATIO else "MISSED")
    return {"batch": TARGET_BATCH, "target": f"scalar/ours >= {TARGET_RATIO:g}", "value": value, "verdict": outcome}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", nargs="+", type=lambda s: int(float(s)), default=BATCHES, help="B values")
    parser.add_argument("--sample", type=int, default=2000, help="starts the scalar loop is timed on")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per row (median)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: --repeat 1, --sample 200")
    parser.add_argument("--json", default="batch.json", help="where to write the results")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.sample = 1, 200
    return args


def main() -> None:
    args = parse_args()
    import rmsprop

    if not hasattr(rmsprop, "minimize_many"):
        sys.exit(
            f"benchmarks/batch.py: rmsprop {getattr(rmsprop, '__version__', '?')} (from {rmsprop.__file__}) "
            "has no minimize_many yet; nothing to compare the seed's scalar loop with."
        )
    check_transcription()
    print("checked: the scalar transcription reproduces the seed document's printed run bit for bit")

    results, checked = [], []
    for batch in args.batches:
        rng = np.random.default_rng(0)
        x0s = rng.uniform(-5.0, 5.0, size=(batch, 2))
        rows = check_rows_for(batch, rng)
        results.append(measure_scalar(x0s, args.sample, args.repeat))
        for name in VECTORISED:
            result = measure_vectorised(name, rmsprop, x0s, args.repeat, rows)
            results.append(result)
            if "skipped" not in result:
                checked.append(f"{name} at B={batch:.0e}: rows {rows}")
        del x0s

    print("checked bit for bit (x and fun ==, nit == 50) against the seed's scalar loop:")
    for line in checked:
        print(f"  {line}")
    print()
    print_table(results)
    print()
    outcome = verdict(results)
    value = "-" if outcome["value"] is None else f"{outcome['value']:.1f}"
    print(
        f"B={outcome['batch']:.0e} ours >= {TARGET_RATIO:g}x faster per run than the seed's scalar loop: "
        f"{value} {outcome['verdict']}"
    )

    with open(args.json, "w") as stream:
        json.dump(
            {
                "machine": machine_info(),
                "settings": SETTINGS,
                "sample": args.sample,
                "results": results,
                "checked": checked,
                "verdict": outcome,
            },
            stream,
            indent=2,
        )
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
