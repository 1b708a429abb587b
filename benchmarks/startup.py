"""Start-up cost: ``import rmsprop`` and ``rmsprop --help`` against ``import numpy``, in fresh processes.

Each command runs ``--repeat`` times in a new interpreter (after one warm-up run that fills the
OS file cache); the table shows the median wall time and the ratio to ``import numpy``.
Targets (issue 4): ``import rmsprop`` <= 2x ``import numpy``; ``rmsprop --help`` <= 3x.

    python benchmarks/startup.py [--repeat 15] [--json startup.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "import numpy": [sys.executable, "-c", "import numpy"],
    "import rmsprop": [sys.executable, "-c", "import rmsprop"],
    "rmsprop --help": [sys.executable, "-m", "rmsprop", "--help"],
}
TARGETS = {"import rmsprop": 2.0, "rmsprop --help": 3.0}


def median_seconds(command: list[str], repeat: int) -> float:
    subprocess.run(command, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", default="startup.json", help="where to write the results")
    args = parser.parse_args()
    results = {name: median_seconds(command, args.repeat) for name, command in COMMANDS.items()}
    baseline = results["import numpy"]
    print(f"{'command':<16} {'median ms':>10} {'x numpy':>8} {'target':>7}")
    rows = []
    for name, seconds in results.items():
        ratio = seconds / baseline
        target = TARGETS.get(name)
        verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
        print(
            f"{name:<16} {seconds * 1e3:>10.1f} {ratio:>8.2f} {'' if target is None else f'<= {target:g}':>7} {verdict}"
        )
        rows.append({"command": name, "median_s": seconds, "ratio_to_numpy": ratio, "target": target})
    with open(args.json, "w") as stream:
        json.dump({"python": sys.version, "repeat": args.repeat, "results": rows}, stream, indent=2)
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
