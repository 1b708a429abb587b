"""Library flavors in a sweep at the rule's speed: the README's flavor sweep and all eight flavors, against the rule.

The README's flavor sweep is ``rmsprop sweep --objective seed --lr 1e-3:1:13:log --decay 0.9,0.99
--flavor rmsprop,torch --starts 20`` (maxiter 1000, gtol 1e-5): 13 x 2 x 2 x 20 = 1,040 runs of
the seed's problem. Each row below is ``rmsprop.sweep.sweep`` on this machine (``executor=None``),
timed in this one process, the contenders interleaved, median of ``--repeat`` calls, after one
untimed call of each that compiles (or loads from the disk cache) its kernels:

* ``readme: rmsprop,torch``: that sweep (two groups of 520 runs: the rule and PyTorch's flavor);
* ``readme: rule only``: the same sweep with the plain rule in both groups (``eps_in_sqrt`` True and
  False instead of the flavors: 1,040 runs, two groups of 520, the same chunks);
* ``<flavor> alone`` and ``rule alone``: the grid with one flavor, 520 runs each, for every flavor of
  :data:`rmsprop.compat.FLAVORS` but the seed's (the rule with the seed's names);
* ``all eight flavors`` against ``rule, same runs``: the grid with the eight flavors (4,160 runs,
  eight groups) against the rule with eight values of ``eps_in_sqrt`` x ``centered`` x
  ``bias_correction`` (eight groups of 520: the same runs and chunks).

Each ratio (of the medians, and of the fastest calls) is printed against the target of issue 14: a flavor sweep takes at most 1.5 times the
same sweep with the plain rule. Checks: a few rows of each flavor equal ``rmsprop.minimize(...,
optimizer=rmsprop.compat.configure(flavor, ...))`` bit for bit, and the README sweep's progress
callback is called once per chunk (the times of the calls are printed: the bar moves). The load
average is recorded before and after (the machine may be shared: ratios are what to read).

    python benchmarks/sweep_flavors.py [--repeat 5] [--starts 20] [--json sweep-flavors-benchmark.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine
import numpy as np

LEARNING_RATES = "1e-3:1:13:log"
DECAYS = [0.9, 0.99]
MAXITER, GTOL, SEED = 1000, 1e-5, 0
TARGET = 1.5
FLAVORS = ["torch", "keras", "optax", "tf1", "jax_example", "lasagne", "caffe", "graves"]
RULE_GROUPS = {"eps_in_sqrt": [True, False], "centered": [False, True], "bias_correction": [False, True]}


def grid(**extra: Any) -> dict:
    from rmsprop.sweep import parse_range

    return {"learning_rate": parse_range(LEARNING_RATES), "decay": DECAYS, **extra}


def contenders() -> dict[str, dict]:
    """Name -> the grid of its sweep."""
    sweeps = {
        "readme: rmsprop,torch": grid(flavor=["rmsprop", "torch"]),
        "readme: rule only": grid(eps_in_sqrt=[True, False]),
        "rule alone": grid(flavor="rmsprop"),
    }
    sweeps.update({f"{flavor} alone": grid(flavor=flavor) for flavor in FLAVORS})
    sweeps["all eight flavors"] = grid(flavor=FLAVORS)
    sweeps["rule, same runs"] = grid(**RULE_GROUPS)
    return sweeps


#: (flavor sweep, the same sweep with the plain rule) for each ratio printed.
RATIOS = [("readme: rmsprop,torch", "readme: rule only")]
RATIOS += [(f"{flavor} alone", "rule alone") for flavor in FLAVORS]
RATIOS += [("all eight flavors", "rule, same runs")]


def run(grid_: dict, starts: int, progress: Any = None) -> Any:
    from rmsprop.sweep import sweep

    return sweep("seed", grid_, starts, maxiter=MAXITER, gtol=GTOL, seed=SEED, progress=progress)


def check_rows(table: Any, count: int = 3) -> int:
    """``count`` rows of each flavor equal single ``minimize`` runs with that flavor, bit for bit; returns the rows."""
    import rmsprop
    from rmsprop import compat

    objective = rmsprop.objectives.get("seed")
    checked = 0
    for flavor in np.unique(table["flavor"]).tolist():
        rows = np.flatnonzero(table["flavor"] == flavor)
        for row in rows[np.linspace(0, rows.size - 1, count).astype(int)].tolist():
            settings = {"learning_rate": float(table["learning_rate"][row]), "decay": float(table["decay"][row])}
            x0 = np.array([table["x0_1"][row], table["x0_2"][row]])
            if flavor == "rmsprop":
                single = rmsprop.minimize(objective, x0, maxiter=MAXITER, gtol=GTOL, **settings)
            else:
                optimizer = compat.configure(flavor, **settings)
                single = rmsprop.minimize(objective, x0, optimizer=optimizer, maxiter=MAXITER, gtol=GTOL)
            x = np.array([table["x_1"][row], table["x_2"][row]])
            assert x.tobytes() == single.x.tobytes(), f"{flavor} row {row}: x {x} != minimize's {single.x}"
            assert np.float64(table["fun"][row]).tobytes() == np.float64(single.fun).tobytes(), f"{flavor} row {row}"
            assert (int(table["nit"][row]), int(table["status"][row])) == (single.nit, int(single.status))
            checked += 1
    return checked


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=20, help="starts per setting (the README's: 20)")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per contender (median)")
    parser.add_argument("--json", default="sweep-flavors-benchmark.json", help="where to write the results")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sweeps = contenders()
    load_before = os.getloadavg()
    print(
        f"seed objective, lr {LEARNING_RATES} x decay {DECAYS} x {args.starts} starts, maxiter {MAXITER}, "
        f"gtol {GTOL:g}; load average before: {', '.join(f'{v:.2f}' for v in load_before)} on {os.cpu_count()} cores"
    )
    tables = {}
    for name, grid_ in sweeps.items():  # compile (or load) every kernel once, untimed
        tables[name] = run(grid_, args.starts)
    times: dict[str, list[float]] = {name: [] for name in sweeps}
    for _ in range(args.repeat):  # interleaved: a change of load touches every contender alike
        for name, grid_ in sweeps.items():
            start = time.perf_counter()
            run(grid_, args.starts)
            times[name].append(time.perf_counter() - start)
    load_after = os.getloadavg()

    calls: list[tuple[float, int, int]] = []
    start = time.perf_counter()
    run(
        sweeps["readme: rmsprop,torch"],
        args.starts,
        lambda done, total: calls.append((time.perf_counter(), done, total)),
    )
    progress = [(round(at - start, 4), done, total) for at, done, total in calls]
    assert [done for _, done, _ in progress][0] == 0 and progress[-1][1] == progress[-1][2], progress
    assert any(0 < done < total for _, done, total in progress), f"the progress never moved before the end: {progress}"
    checked = check_rows(tables["all eight flavors"]) + check_rows(tables["readme: rmsprop,torch"])

    results = []
    print(f"\n{'contender':<24} {'runs':>6} {'median s':>9} {'min s':>8}")
    for name, measured in times.items():
        median = statistics.median(measured)
        results.append({"contender": name, "runs": len(tables[name]), "times_s": measured, "median_s": median})
        print(f"{name:<24} {len(tables[name]):>6} {median:>9.4f} {min(measured):>8.4f}")
    print(f"\n{'flavor sweep / the same sweep with the rule':<52} {'median':>6} {'min':>6}  target <= {TARGET}")
    ratios = []
    for flavor, rule in RATIOS:
        ratio = statistics.median(times[flavor]) / statistics.median(times[rule])
        fastest = min(times[flavor]) / min(times[rule])
        ratios.append(
            {"flavor": flavor, "rule": rule, "ratio": ratio, "min_ratio": fastest, "within_target": ratio <= TARGET}
        )
        verdict = "ok" if ratio <= TARGET else "OVER"
        print(f"{flavor + ' / ' + rule:<52} {ratio:>6.2f} {fastest:>6.2f}  {verdict} (median)")
    print(f"\nprogress of the README flavor sweep (s, done, total): {progress}")
    print(f"checked: {checked} rows equal single rmsprop.minimize runs with their flavor, bit for bit")
    print(f"load average after: {', '.join(f'{v:.2f}' for v in load_after)}")

    with open(args.json, "w") as stream:
        json.dump(
            {
                "machine": _machine.machine_info(("numba",)),
                "grid": {"learning_rate": LEARNING_RATES, "decay": DECAYS},
                "starts": args.starts,
                "maxiter": MAXITER,
                "gtol": GTOL,
                "load_average": {"before": load_before, "after": load_after},
                "results": results,
                "ratios": ratios,
                "progress": progress,
                "rows_checked": checked,
            },
            stream,
            indent=2,
        )
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
