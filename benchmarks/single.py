"""One run at compiled speed: ``rmsprop.minimize`` per iteration beside the seed's loop, SciPy and PyTorch.

The seed's problem: f(x1, x2) = 5 x1^2 + 7 x2^2 from (-4, 3), RMSprop with lr=0.1, decay=0.9,
eps=1e-8, ``--iterations`` iterations (default 20,000), ``gtol=0`` so that every run takes them
all. Rows, each per iteration (the median of ``--repeat`` timed runs after a warm one):

* ``seed loop``: the seed document's ``rmsprop`` function (shared/seed/rmsprop-from-scratch.txt),
  copied as written (``x**2.0``, ``np.sqrt``), trajectories kept.
* ``minimize (catalogue seed)``: ``rmsprop.minimize(objectives.get("seed"), ...)``, the whole path
  recorded (the compiled path; Numba's cache warmed first).
* ``minimize (Python fun/jac), overhead``: ``minimize`` with a plain Python ``fun`` and ``jac``
  (the Python loop), less the time of calling ``fun`` and ``jac`` themselves as ``minimize`` calls
  them (on a copy of x): what ``minimize`` adds per iteration.
* ``scipy BFGS``: ``scipy.optimize.minimize(seed.f, x0, jac=seed.grad, method="BFGS")``, its time
  divided by its ``nit`` (it stops early: BFGS solves a quadratic in a few iterations).
* ``torch RMSprop``: ``torch.optim.RMSprop([p], lr=0.1, alpha=0.9, eps=1e-8)`` on a tensor of 2,
  one ``zero_grad``, loss, ``backward`` and ``step`` per iteration (skipped without PyTorch).

Then the wall time of ``rmsprop run --objective rosenbrock --maxiter 100000`` in a subprocess
(``python -m rmsprop``: start-up, imports, the run, the printed table), the best of ``--repeat``.

Targets (issue 14): minimize on the catalogue seed <= 1 us per iteration and faster than the
seed's loop; the Python loop's overhead <= 10 us per iteration; ``rmsprop run`` <= 1 s.

    python benchmarks/single.py [--iterations 20000] [--repeat 5] [--json single.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine
import numpy as np

LEARNING_RATE, GAMMA, EPSILON = 0.1, 0.9, 1e-8
X0 = (-4.0, 3.0)
TARGETS = {
    "minimize (catalogue seed)": "<= 1 us and < seed loop",
    "minimize (Python fun/jac), overhead": "<= 10 us",
    "rmsprop run --objective rosenbrock --maxiter 100000": "<= 1 s",
}


# --------------------------------------------------------------------------- the seed, as the document writes it


def objective(x1, x2):
    return 5 * x1**2.0 + 7 * x2**2.0


def derivative_x1(x1, x2):
    return 10.0 * x1


def derivative_x2(x1, x2):
    return 14.0 * x2


def rmsprop_seed(x1, x2, derivative_x1, derivative_x2, learning_rate, gamma, epsilon, max_epochs):
    x1_trajectory = []
    x2_trajectory = []
    y_trajectory = []
    x1_trajectory.append(x1)
    x2_trajectory.append(x2)
    y_trajectory.append(objective(x1, x2))
    e1 = 0
    e2 = 0
    for _ in range(max_epochs):
        gt_x1 = derivative_x1(x1, x2)
        gt_x2 = derivative_x2(x1, x2)
        e1 = gamma * e1 + (1 - gamma) * gt_x1**2.0
        e2 = gamma * e2 + (1 - gamma) * gt_x2**2.0
        x1 = x1 - learning_rate * gt_x1 / (np.sqrt(e1 + epsilon))
        x2 = x2 - learning_rate * gt_x2 / (np.sqrt(e2 + epsilon))
        x1_trajectory.append(x1)
        x2_trajectory.append(x2)
        y_trajectory.append(objective(x1, x2))
    return x1_trajectory, x2_trajectory, y_trajectory


# --------------------------------------------------------------------------- the rows


def timed(run: Callable[[], object], repeat: int) -> float:
    """The median seconds of ``repeat`` calls of ``run``, after one untimed call."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seed_loop(n: int) -> Callable[[], tuple]:
    return lambda: rmsprop_seed(*X0, derivative_x1, derivative_x2, LEARNING_RATE, GAMMA, EPSILON, n)


def catalogue_minimize(rmsprop, n: int) -> Callable[[], object]:
    seed = rmsprop.objectives.get("seed")
    return lambda: rmsprop.minimize(
        seed, list(X0), learning_rate=LEARNING_RATE, decay=GAMMA, eps=EPSILON, maxiter=n, gtol=0
    )


def fun(x):
    return 5 * x[0] ** 2.0 + 7 * x[1] ** 2.0


def jac(x):
    return np.array([10.0 * x[0], 14.0 * x[1]])


def python_minimize(rmsprop, n: int) -> Callable[[], object]:
    settings = dict(learning_rate=LEARNING_RATE, decay=GAMMA, eps=EPSILON, maxiter=n, gtol=0)
    return lambda: rmsprop.minimize(fun, list(X0), jac=jac, **settings)


def calls_alone(n: int) -> Callable[[], None]:
    """``fun`` and ``jac`` called as minimize calls them: each on a copy of x."""
    x = np.array(X0)

    def run() -> None:
        for _ in range(n):
            fun(x.copy())
            jac(x.copy())

    return run


def scipy_bfgs() -> tuple[float, int]:
    """Seconds per iteration of SciPy's BFGS on the seed problem, and its iterations."""
    import scipy.optimize

    seed = __import__("rmsprop").objectives.get("seed")
    result = scipy.optimize.minimize(seed.f, np.array(X0), jac=seed.grad, method="BFGS")
    repeat = 200
    start = time.perf_counter()
    for _ in range(repeat):
        scipy.optimize.minimize(seed.f, np.array(X0), jac=seed.grad, method="BFGS")
    return (time.perf_counter() - start) / repeat / result.nit, int(result.nit)


def torch_loop(n: int) -> Callable[[], object] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def run() -> object:
        p = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.RMSprop([p], lr=LEARNING_RATE, alpha=GAMMA, eps=EPSILON)
        path = []
        for _ in range(n):
            optimizer.zero_grad()
            loss = 5 * p[0] ** 2 + 7 * p[1] ** 2
            loss.backward()
            optimizer.step()
            path.append(p.detach().clone())
        return path

    return run


def cli_seconds(repeat: int) -> float:
    """The best wall time of ``python -m rmsprop run --objective rosenbrock --maxiter 100000``."""
    command = [sys.executable, "-m", "rmsprop", "run", "--objective", "rosenbrock", "--maxiter", "100000"]
    subprocess.run(command, check=True, capture_output=True)  # Numba's cache filled
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=20_000, help="iterations per timed run")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per row (median)")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args()
    n = args.iterations

    import rmsprop

    x1s, x2s, _ = seed_loop(n)()
    result = catalogue_minimize(rmsprop, n)()
    same = result.path_x[:, 0].tolist() == x1s and result.path_x[:, 1].tolist() == x2s
    print(f"minimize's path equals the seed loop's, bit for bit, over {n} iterations: {same}")

    per_iteration = {
        "seed loop": timed(seed_loop(n), args.repeat) / n,
        "minimize (catalogue seed)": timed(catalogue_minimize(rmsprop, n), args.repeat) / n,
    }
    total = timed(python_minimize(rmsprop, n), args.repeat) / n
    alone = timed(calls_alone(n), args.repeat) / n
    per_iteration["minimize (Python fun/jac), overhead"] = total - alone
    notes = {"minimize (Python fun/jac), overhead": f"{total * 1e6:.2f} us in all, {alone * 1e6:.2f} us in fun and jac"}
    bfgs, nit = scipy_bfgs()
    per_iteration["scipy BFGS"] = bfgs
    notes["scipy BFGS"] = f"{nit} iterations"
    torch = torch_loop(n)
    if torch is None:
        notes["torch RMSprop"] = "skipped: PyTorch is not installed"
    else:
        per_iteration["torch RMSprop"] = timed(torch, max(1, args.repeat // 2)) / n
    seconds = cli_seconds(args.repeat)

    print(f"\nper iteration ({n} iterations, median of {args.repeat}):")
    for name, value in per_iteration.items():
        extra = "; ".join(filter(None, [TARGETS.get(name) and f"target {TARGETS[name]}", notes.get(name)]))
        print(f"  {name:40s} {value * 1e6:10.3f} us   {extra}")
    for name in set(notes) - set(per_iteration):
        print(f"  {name:40s} {'--':>10s}      {notes[name]}")
    ratio = per_iteration["seed loop"] / per_iteration["minimize (catalogue seed)"]
    print(f"  minimize on the catalogue seed is {ratio:.1f}x the seed loop's speed")
    name = "rmsprop run --objective rosenbrock --maxiter 100000"
    print(f"\n{name}: {seconds:.3f} s wall (best of {args.repeat})   target {TARGETS[name]}")
    if args.json:
        record = {
            "iterations": n,
            "per_iteration_s": per_iteration,
            "notes": notes,
            "cli_s": seconds,
            "path_equals_seed": same,
            "machine": _machine.machine_info(("numba", "scipy", "torch")),
        }
        with open(args.json, "w") as stream:
            json.dump(record, stream, indent=2)


if __name__ == "__main__":
    main()
