"""Start-up cost, in fresh processes: imports, ``rmsprop --help``, ``rmsprop demo``, and the first run with a cold cache.

Warm section: each command runs ``--repeat`` times in a new interpreter (after one warm-up run
that fills the OS file cache and Numba's cache); the table shows the median wall time, the
median CPU time of the process (user + system: less sensitive to a busy machine than the wall
time), and the ratio to ``import numpy``.

Cold section: the README's ``minimize_many`` example and ``rmsprop demo``, each run
``--cold-repeat`` times with an empty Numba cache (``NUMBA_CACHE_DIR``, a new temporary folder
per run, as after a fresh install), beside the same commands with that cache filled.

Targets (issue 4, issue 14): ``import rmsprop`` <= 2x ``import numpy``; ``rmsprop --help`` <= 3x;
``rmsprop demo`` <= 1.2 s; with an empty cache, the README example <= 5 s and ``rmsprop demo``
<= 1.5 s.

    python benchmarks/startup.py [--repeat 15] [--cold-repeat 3] [--json startup.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_example() -> str:
    """The README's Python example that calls ``minimize_many`` (run as it is written there)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    return next(block for block in blocks if "minimize_many(" in block)


def commands(out: str) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "import numpy": [python, "-c", "import numpy"],
        "import rmsprop": [python, "-c", "import rmsprop"],
        "rmsprop --help": [python, "-m", "rmsprop", "--help"],
        "rmsprop demo": [python, "-m", "rmsprop", "demo", "--out", out],
        "README minimize_many": [python, "-c", readme_example()],
    }


#: Warm rows: (command, ratio to ``import numpy`` at most, seconds at most).
WARM = {
    "import numpy": (None, None),
    "import rmsprop": (2.0, None),
    "rmsprop --help": (3.0, None),
    "rmsprop demo": (None, 1.2),
}
#: Cold rows (an empty Numba cache per run): seconds at most.
COLD = {"README minimize_many": 5.0, "rmsprop demo": 1.5}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(command: list[str], repeat: int, cache: str | None) -> tuple[float, float]:
    """Median wall and CPU seconds over ``repeat`` runs; ``cache`` is Numba's folder, or ``None`` for a new
    empty one per run."""
    walls, cpus = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as empty:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache or empty}
            wall, cpu = timed(command, env)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def verdict(value: float, target: float | None) -> str:
    return "" if target is None else ("ok" if value <= target else "MISSED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per warm command")
    parser.add_argument("--cold-repeat", type=int, default=3, help="runs per command with an empty Numba cache")
    parser.add_argument("--json", default="startup.json", help="where to write the results")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        runs = commands(str(Path(work, "demo")))
        cache = str(Path(work, "numba-cache"))
        for name in runs:  # warm-up: the OS file cache, and Numba's cache for the warm rows
            subprocess.run(runs[name], check=True, capture_output=True, env={**os.environ, "NUMBA_CACHE_DIR": cache})

        print(f"Warm (Numba's cache filled), median of {args.repeat} fresh processes:")
        print(f"{'command':<22} {'wall s':>7} {'cpu s':>7} {'x numpy':>8}  target")
        baseline = None
        for name, (ratio_target, seconds_target) in WARM.items():
            wall, cpu = medians(runs[name], args.repeat, cache)
            baseline = baseline or wall
            ratio = wall / baseline
            target = (
                f"<= {ratio_target:g}x numpy" if ratio_target else f"<= {seconds_target:g} s" if seconds_target else ""
            )
            mark = verdict(ratio, ratio_target) if ratio_target else verdict(wall, seconds_target)
            print(f"{name:<22} {wall:>7.3f} {cpu:>7.3f} {ratio:>8.2f}  {target} {mark}")
            rows.append(
                {"section": "warm", "command": name, "median_s": wall, "median_cpu_s": cpu, "ratio_to_numpy": ratio}
                | {"target_ratio": ratio_target, "target_s": seconds_target}
            )

        print(f"\nCold (an empty NUMBA_CACHE_DIR per run), median of {args.cold_repeat}, beside warm:")
        print(f"{'command':<22} {'cold s':>7} {'cpu s':>7} {'warm s':>7} {'cpu s':>7}  target (cold)")
        for name, seconds_target in COLD.items():
            cold_wall, cold_cpu = medians(runs[name], args.cold_repeat, None)
            warm_wall, warm_cpu = medians(runs[name], args.cold_repeat, cache)
            print(
                f"{name:<22} {cold_wall:>7.3f} {cold_cpu:>7.3f} {warm_wall:>7.3f} {warm_cpu:>7.3f}  "
                f"<= {seconds_target:g} s {verdict(cold_wall, seconds_target)}"
            )
            rows.append(
                {"section": "cold", "command": name, "median_s": cold_wall, "median_cpu_s": cold_cpu}
                | {"warm_median_s": warm_wall, "warm_median_cpu_s": warm_cpu, "target_s": seconds_target}
            )
    info = {
        "repeat": args.repeat,
        "cold_repeat": args.cold_repeat,
        "machine": _machine.machine_info(("numba", "typer")),
    }
    with open(args.json, "w") as stream:
        json.dump({**info, "results": rows}, stream, indent=2)
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
