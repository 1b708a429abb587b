"""The performance page's tables, written from the benchmarks' JSON in ``docs/_data/``.

At the start of a build (``builder-inited``) every ``docs/_data/NAME.json`` that a renderer of
:data:`RENDERERS` knows becomes ``docs/_generated/NAME.md``, a Markdown table that
``docs/performance.md`` includes. Each number in a table is one of the JSON file's, rounded;
none is typed by hand. Refresh a file by running its benchmark with ``--json docs/_data/NAME.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
DATA = DOCS / "_data"
GENERATED = DOCS / "_generated"


def _number(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, thousands separated, no exponent."""
    if value >= 10 ** (digits - 1):
        return f"{value:,.0f}"
    return f"{value:,.{digits}g}" if value >= 1e-3 else f"{value:.2e}"


def _table(header: list[str], rows: list[list[str]], right_from: int = 1) -> str:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine_line(data: dict) -> str:
    """One sentence: the machine, the versions, the load, whether it was a quick (smoke) run."""
    machine = data.get("machine", {})
    versions = ", ".join(f"{name} {version}" for name, version in machine.get("versions", {}).items())
    parts = [f"{machine.get('cpu_model', 'unknown CPU')}, {machine.get('cpu_count', '?')} CPUs"]
    if versions:
        parts.append(versions)
    load = data.get("load_average_at_start") or (data.get("load_average") or {}).get("before")
    if load:
        parts.append(f"load average {load[0]:.1f} at the start")
    if (data.get("settings") or {}).get("quick"):
        parts.append("a quick (smoke) run")
    elif data.get("results") and all(r.get("repeat") == 1 for r in data["results"]):
        parts.append("one timed call per row (a smoke run)")
    return "Measured on " + "; ".join(parts) + ".\n\n"


def step_table(data: dict) -> str:
    """``benchmarks/step.py``: median µs per step for each N and dtype, and each contender's time over ours."""
    contenders = list(dict.fromkeys(r["contender"] for r in data["results"]))
    cells: dict[tuple[int, str], dict[str, float]] = {}
    for r in data["results"]:
        cells.setdefault((r["n"], r["dtype"]), {})[r["contender"]] = r["median_s"] * 1e6
    others = [c for c in contenders if c != "ours"]
    header = ["N", "dtype"] + [f"{c} µs" for c in contenders] + [f"{c} / ours" for c in others]
    rows = []
    for (n, dtype), times in cells.items():
        row = [f"1e{len(str(n)) - 1}" if str(n).strip("0") == "1" else f"{n:,}", dtype] + [
            _number(times[c]) if c in times else "-" for c in contenders
        ]
        row += [f"{times[c] / times['ours']:.1f}x" if c in times and "ours" in times else "-" for c in others]
        rows.append(row)
    return machine_line(data) + _table(header, rows, right_from=2)


def single_table(data: dict) -> str:
    """``benchmarks/single.py``: µs per iteration of one run, each contender."""
    notes = data.get("notes", {})
    rows = [[name, _number(seconds * 1e6), notes.get(name, "")] for name, seconds in data["per_iteration_s"].items()]
    text = machine_line(data) + _table(["", "µs per iteration", "note"], rows)
    if "cli_s" in data:
        text += f"\nThe command line's run, start-up included: {data['cli_s']:.2f} s.\n"
    return text


def batch_table(data: dict) -> str:
    """``benchmarks/batch.py``: µs per run of ``minimize_many`` and of the seed's scalar loop, per batch size."""
    contenders = list(dict.fromkeys(r["contender"] for r in data["results"]))
    cells: dict[int, dict[str, float]] = {}
    for r in data["results"]:
        cells.setdefault(r["batch"], {})[r["contender"]] = r["us_per_run"]
    header = ["B (runs)"] + [f"{c} µs per run" for c in contenders]
    rows = [[f"{b:,}"] + [_number(t[c]) if c in t else "-" for c in contenders] for b, t in cells.items()]
    return machine_line(data) + _table(header, rows)


def sweep_table(data: dict) -> str:
    """``benchmarks/sweep.py``: the sweep's time and runs per second, locally and on a Dask cluster."""
    rows = [
        [r["contender"], f"{r['runs']:,}", _number(r["median_s"]), _number(r["runs_per_s"])] for r in data["results"]
    ]
    grid = ", ".join(f"{k} {v}" for k, v in data.get("grid", {}).items())
    text = machine_line(data) + f"Grid: {grid}; {data.get('starts')} starts per setting.\n\n"
    text += _table(["", "runs", "median s", "runs per s"], rows)
    return text + "".join(f"\nChecked: {line}.\n" for line in data.get("checked", []))


#: ``{JSON file's stem: renderer}``; the stem is also the name of the generated Markdown file.
RENDERERS: dict[str, Callable[[dict], str]] = {
    "step": step_table,
    "single": single_table,
    "batch": batch_table,
    "sweep": sweep_table,
}


def write_tables(data: Path = DATA, out: Path = GENERATED) -> list[Path]:
    """Write ``out/NAME.md`` for every ``data/NAME.json`` of :data:`RENDERERS`; return the files written."""
    out.mkdir(exist_ok=True)
    written = []
    for name, render in RENDERERS.items():
        source = data / f"{name}.json"
        text = render(json.loads(source.read_text())) if source.exists() else "(no measurements yet)\n"
        target = out / f"{name}.md"
        if not target.exists() or target.read_text() != text:  # unchanged files keep their time: no rebuild
            target.write_text(text)
        written.append(target)
    return written


def setup(app):
    app.connect("builder-inited", lambda app: write_tables())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
