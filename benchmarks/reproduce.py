"""How long each ``rmsprop reproduce`` entry takes: its runs (the table), and its figure.

Rows (the best of ``--repeat`` timed runs after a warm one): ``run`` is ``reproduce.get(NAME).run()``,
everything the table needs; ``figure`` is the report's ``draw`` to a PNG. ``shi2021``'s runs are
the phase diagram, 31 periods x 40 values of beta_2 for 20,000 steps, in one ``minimize_many``
call on its NumPy engine; issue 16 asks for at most 10 s.

    python benchmarks/reproduce.py [NAME ...] [--repeat 3] [--json reproduce.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine

from rmsprop import reproduce

#: Seconds each entry's runs may take (issue 16); the others have none.
TARGETS = {"shi2021": 10.0}


def best(run, repeat: int) -> float:
    run()  # warm: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(reproduce.names()), help="entries (default: all)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    arguments = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in arguments.names:
            entry = reproduce.get(name)
            report = entry.run()
            path = Path(folder) / f"{name}.png"
            row = {
                "name": name,
                "run": best(entry.run, arguments.repeat),
                "figure": best(lambda report=report, path=path: report.draw(path), arguments.repeat),
                "target": TARGETS.get(name),
            }
            rows.append(row)
            target = "" if row["target"] is None else f" (target <= {row['target']:g} s)"
            print(f"{name:<10} run {row['run']:7.3f} s{target}, figure {row['figure']:.3f} s")
    if arguments.json:
        with open(arguments.json, "w") as stream:
            json.dump({"machine": _machine.machine_info(("numpy", "matplotlib")), "rows": rows}, stream, indent=1)


if __name__ == "__main__":
    main()
