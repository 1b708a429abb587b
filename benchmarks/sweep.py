"""A sweep of 10^6 runs of the seed's problem: locally, and on a 2-worker Dask cluster, bit for bit the same.

The seed's problem, f(x1, x2) = 5 x1^2 + 7 x2^2 (``rmsprop.objectives.get("seed")``), swept with
``rmsprop.sweep.sweep`` over 25 learning rates log-spaced from 1e-3 to 1 x 4 decays (0.5, 0.9, 0.99,
0.999), 10,000 seeded random starts each in the objective's window [-5, 5]^2 (10^6 runs), each run
stopping at 50 iterations or when the largest |gradient component| is at most 1e-5. Rows:

* ``local``: ``sweep(..., executor=None)``, the batch engine (``rmsprop.minimize_many``) on this
  machine's cores, median of ``--repeat`` calls.
* ``local, out=``: the same writing the chunks, ``sweep.json`` and ``sweep.csv`` into a fresh
  temporary folder each call (what ``rmsprop sweep --out`` does).
* ``dask, 2 workers``: ``sweep(..., executor=client)`` on a ``dask.distributed.LocalCluster(n_workers=2,
  threads_per_worker=1, host="127.0.0.1", dashboard_address=None)``; the cluster is started once
  (its start-up time is reported apart) and warmed with one small sweep; then median of ``--repeat``.

Checks: the local and the cluster tables are equal bit for bit (every column; floats compared as
their 64-bit patterns), and a few rows equal single ``rmsprop.minimize`` runs from the same start
with the same settings, bit for bit. The load average is recorded before and after (the machine
may be shared).

    python benchmarks/sweep.py [--starts 10000] [--repeat 3] [--chunk-size N] [--quick] [--json sweep-benchmark.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine
import numpy as np

LEARNING_RATES = "1e-3:1:25:log"
DECAYS = "0.5,0.9,0.99,0.999"
MAXITER, TOL, SEED = 50, 1e-5, 0
CLUSTER = {"n_workers": 2, "threads_per_worker": 1, "host": "127.0.0.1", "dashboard_address": None}


def grid() -> dict:
    from rmsprop.sweep import parse_range

    return {"learning_rate": parse_range(LEARNING_RATES), "decay": parse_range(DECAYS)}


def run_sweep(starts: int, chunk_size: int | None, **options: Any) -> Any:
    from rmsprop.sweep import sweep

    return sweep("seed", grid(), starts, maxiter=MAXITER, gtol=TOL, seed=SEED, chunk_size=chunk_size, **options)


def time_calls(call: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return times, result


def record(name: str, runs: int, times: list[float], **extra: Any) -> dict:
    median = statistics.median(times)
    return {
        "contender": name,
        "runs": runs,
        "repeat": len(times),
        "times_s": times,
        "median_s": median,
        "min_s": min(times),
        "runs_per_s": runs / median,
        "us_per_run": median / runs * 1e6,
        **extra,
    }


# --------------------------------------------------------------------------- checks


def bits(column: np.ndarray) -> np.ndarray:
    """A column as something ``==`` compares bit for bit: floats as their bit patterns."""
    column = np.asarray(column)
    if column.dtype.kind == "f":
        return np.ascontiguousarray(column, dtype=np.float64).view(np.uint64)
    return column


def check_equal(a: Any, b: Any, what: str) -> None:
    """Tables ``a`` and ``b`` have the same columns, in the same order, equal bit for bit."""
    assert list(a.columns) == list(b.columns), f"{what}: columns {list(a.columns)} != {list(b.columns)}"
    for name in a.columns:
        left, right = bits(a[name]), bits(b[name])
        assert left.shape == right.shape and bool(np.all(left == right)), f"{what}: column {name!r} differs"


def check_rows(table: Any, rows: list[int]) -> list[int]:
    """Rows of ``table`` equal single ``rmsprop.minimize`` runs with their settings, bit for bit."""
    import rmsprop

    objective = rmsprop.objectives.get("seed")
    dim = objective.dim
    for row in rows:
        x0 = np.array([table[f"x0_{i + 1}"][row] for i in range(dim)])
        single = rmsprop.minimize(
            objective,
            x0,
            learning_rate=float(table["learning_rate"][row]),
            decay=float(table["decay"][row]),
            maxiter=MAXITER,
            gtol=TOL,
        )
        x = np.array([table[f"x_{i + 1}"][row] for i in range(dim)])
        assert np.array_equal(bits(single.x), bits(x)), f"row {row}: x {x} != minimize's {single.x}"
        assert bits(np.float64(single.fun)) == bits(np.float64(table["fun"][row])), f"row {row}: fun differs"
        assert int(single.nit) == int(table["nit"][row]), f"row {row}: nit {table['nit'][row]} != {single.nit}"
    return rows


# --------------------------------------------------------------------------- report


def machine_info() -> dict:
    return _machine.machine_info(("numba", "dask", "distributed"))


def print_table(results: list[dict]) -> None:
    header = f"{'contender':<20} {'runs':>9} {'repeat':>6} {'median s':>9} {'min s':>8} {'runs/s':>11} {'us/run':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['contender']:<20} {r['runs']:>9} {r['repeat']:>6} {r['median_s']:>9.3f} {r['min_s']:>8.3f} "
            f"{r['runs_per_s']:>11.4g} {r['us_per_run']:>8.3f}"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=lambda s: int(float(s)), default=10_000, help="starts per setting")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per row (median)")
    parser.add_argument("--chunk-size", type=int, default=None, help="runs per chunk (default: the library's)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: --starts 200, --repeat 1")
    parser.add_argument("--json", default="sweep-benchmark.json", help="where to write the results")
    args = parser.parse_args()
    if args.quick:
        args.starts, args.repeat = 200, 1
    return args


def main() -> None:
    args = parse_args()
    if importlib.util.find_spec("rmsprop.sweep") is None:
        sys.exit("benchmarks/sweep.py: rmsprop.sweep is not importable; install this package first")
    from distributed import Client, LocalCluster

    runs = len(grid()["learning_rate"]) * len(grid()["decay"]) * args.starts
    load_before = os.getloadavg()
    print(
        f"{runs:,} runs: 25 learning rates x 4 decays x {args.starts:,} starts, maxiter {MAXITER}, tol {TOL:g}; "
        f"load average before: {', '.join(f'{v:.2f}' for v in load_before)} on {os.cpu_count()} cores"
    )
    results = []

    run_sweep(min(args.starts, 100), 500)  # compile (or load) the kernels once, untimed
    times, local = time_calls(lambda: run_sweep(args.starts, args.chunk_size), args.repeat)
    results.append(record("local", runs, times))
    assert len(local) == runs, f"the local table has {len(local)} rows, expected {runs}"

    def with_out() -> Any:
        with tempfile.TemporaryDirectory() as folder:
            return run_sweep(args.starts, args.chunk_size, out=os.path.join(folder, "sweep"))

    times, _ = time_calls(with_out, args.repeat)
    results.append(record("local, out=", runs, times))

    started = time.perf_counter()
    with LocalCluster(**CLUSTER) as cluster, Client(cluster) as client:
        startup = time.perf_counter() - started
        # every worker imports rmsprop and loads (or compiles) the kernels, untimed: 20 small chunks
        run_sweep(min(args.starts, 100), 500, executor=client)
        times, remote = time_calls(lambda: run_sweep(args.starts, args.chunk_size, executor=client), args.repeat)
        results.append(record("dask, 2 workers", runs, times, cluster_startup_s=startup))
    load_after = os.getloadavg()

    check_equal(local, remote, "local vs dask")
    rows = check_rows(local, sorted({0, runs - 1, runs // 2, *np.random.default_rng(1).integers(0, runs, 5).tolist()}))
    checked = [
        f"local and dask tables equal bit for bit ({len(local.columns)} columns x {runs:,} rows)",
        f"rows {rows} equal single rmsprop.minimize runs bit for bit",
    ]
    for line in checked:
        print(f"checked: {line}")
    print()
    print_table(results)
    print(
        f"dask cluster start-up (not in the times): {startup:.2f} s; load average after: "
        f"{', '.join(f'{v:.2f}' for v in load_after)}"
    )
    status = np.asarray(local["status"])
    print(f"runs that reached tol: {int(np.count_nonzero(status == 0)):,} of {runs:,}")

    with open(args.json, "w") as stream:
        json.dump(
            {
                "machine": machine_info(),
                "grid": {"learning_rate": LEARNING_RATES, "decay": DECAYS},
                "starts": args.starts,
                "maxiter": MAXITER,
                "tol": TOL,
                "seed": SEED,
                "chunk_size": args.chunk_size,
                "cluster": CLUSTER,
                "load_average": {"before": load_before, "after": load_after},
                "results": results,
                "checked": checked,
            },
            stream,
            indent=2,
        )
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
