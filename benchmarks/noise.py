"""What gradient noise (``noise=``) costs the compiled engines: the same runs with and without it.

Rows (the best of ``--repeat`` timed runs after a warm one, Numba's cache warmed first), on
Rosenbrock in 2-D, lr 0.001, ``gtol=0`` so that every run takes all its steps:

* ``minimize_many``, B runs x maxiter steps (the compiled batch engine): plain, and with
  ``noise=0.1`` (NumPy draws each run's ``standard_normal`` chunk by chunk, then the compiled
  engine runs each chunk of steps);
* ``minimize``, one run (the compiled single run): plain and with ``noise=0.1``;
* ``draws alone``: ``default_rng(0).standard_normal`` of as many numbers as the batch's noisy run
  draws, the floor of what drawing them with NumPy costs.

    python benchmarks/noise.py [--repeat 3] [--json noise.json]
"""

from __future__ import annotations

import argparse
import json
import time

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine
import numpy as np

import rmsprop
from rmsprop import objectives


def best(run, repeat: int) -> float:
    run()  # warm: compiles or loads the cached loop
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    arguments = parser.parse_args()
    rosenbrock = objectives.get("rosenbrock")
    starts = np.random.default_rng(0).uniform(-2, 2, (10_000, 2))
    rows = []
    for runs, steps in ((10_000, 1_000), (100, 100_000)):
        times = [
            best(
                lambda noise=noise, runs=runs, steps=steps: rmsprop.minimize_many(
                    rosenbrock, starts[:runs], learning_rate=0.001, maxiter=steps, gtol=0, noise=noise
                ),
                arguments.repeat,
            )
            for noise in (None, 0.1)
        ]
        draws = best(lambda n=runs * steps * 2: np.random.default_rng(0).standard_normal(n), arguments.repeat)
        rows.append({"what": f"minimize_many B={runs} maxiter={steps}", "plain": times[0], "noisy": times[1]})
        rows.append({"what": f"draws alone ({runs * steps * 2} numbers)", "plain": None, "noisy": draws})
    for steps in (100_000, 1_000_000):
        times = [
            best(
                lambda noise=noise, steps=steps: rmsprop.minimize(
                    rosenbrock, [-1.0, 2.0], learning_rate=0.001, maxiter=steps, gtol=0, noise=noise
                ),
                arguments.repeat,
            )
            for noise in (None, 0.1)
        ]
        rows.append({"what": f"minimize maxiter={steps}", "plain": times[0], "noisy": times[1]})
    for row in rows:
        plain = "" if row["plain"] is None else f"plain {row['plain']:.3f} s, "
        ratio = "" if row["plain"] is None else f" ({row['noisy'] / row['plain']:.1f}x)"
        print(f"{row['what']:<45} {plain}noisy {row['noisy']:.3f} s{ratio}")
    if arguments.json:
        with open(arguments.json, "w") as stream:
            json.dump({"machine": _machine.machine_info(("numpy", "numba")), "rows": rows}, stream, indent=1)


if __name__ == "__main__":
    main()
