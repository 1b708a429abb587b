"""Per-step time of one RMSprop step on one parameter vector, against PyTorch, Optax, NumPy and the memory floor.

Every cell is one contender on one vector of N elements (N = 1e3, 1e5, 1e6, 1e7; 1e8 with
``--big``) in float32 and float64, measured side by side in one process. Settings: lr=0.01,
decay (PyTorch's alpha, Optax's decay) = 0.9, eps=1e-8, no momentum, not centered; eps where
each library puts it by default -- inside the square root for ours, Optax and the NumPy row,
``sqrt(v) + eps`` for PyTorch (the cost is the same). The gradient is a fixed random vector.

Contenders: ``ours`` (``rmsprop.RMSprop.step``, fused Numba kernels when available; with
``--disable-jit`` the library's pure-NumPy path), ``torch foreach`` / ``torch for-loop``
(``torch.optim.RMSprop`` with ``foreach=True/False``, all cores), ``optax jit`` (a jitted,
buffer-donating ``optax.rmsprop`` step, timed to ``block_until_ready``), ``numpy`` (the best
in-place NumPy with one preallocated temporary) and ``floor`` (a parallel Numba pass that
reads x, g, e and writes x, e with trivial arithmetic: the memory floor).

Each cell runs in a fresh process (the same seeded gradient in each): in one process the idle
threads of one library's pool (PyTorch's OpenMP, Numba's OpenMP, XLA's) may busy-wait on the
cores the next contender needs, and a separate process returns all of a cell's memory before
the next (N=1e8 float64 is 800 MB per array). Parallel steps are very sensitive to other load:
a busy core stalls every parallel step until the scheduler's next tick (steps of exactly 4 or
8 ms), so run it on a quiet machine; the load average is printed and recorded.
Each cell is warmed up (the first call may compile), then its steps are timed one by one with
``time.perf_counter``, enough of them for about a second per cell; the table shows the median
and the minimum, GB/s = 5 * N * itemsize bytes per step (read x, g, e; write x, e -- the same
count for every contender, whatever it really moves) over the median, and the median's ratio
to ``ours`` and to ``floor``. Targets (issue 5): at N=1e7, ours >= 4x faster than torch
foreach, >= 1.5x faster than Optax and within 1.3x of the floor (both dtypes); at N=1e3,
ours >= 10x faster per step than both torch variants.

    python benchmarks/step.py [--big] [--sizes 1e3 1e5] [--dtypes float32 float64]
                              [--quick] [--disable-jit] [--json step.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine
import numpy as np

LR, DECAY, EPS = 0.01, 0.9, 1e-8
SIZES = [10**3, 10**5, 10**6, 10**7]
BIG_SIZE = 10**8
DTYPES = ["float32", "float64"]
CONTENDERS = ["ours", "torch foreach", "torch for-loop", "optax jit", "numpy", "floor"]
#: Bytes one step moves, per element and per byte of the dtype: read x, g, e; write x, e.
ARRAYS_MOVED = 5

Step = Callable[[], None]


# --------------------------------------------------------------------------- contenders
# Each takes the cell's gradient ``g`` (a NumPy vector), allocates its own parameters and
# state, and returns a zero-argument function that makes one step.


def setup_ours(g: np.ndarray) -> Step:
    """``rmsprop.RMSprop([x]).step([g])``, in place on a NumPy vector."""
    import rmsprop

    x = np.ones_like(g)
    opt = rmsprop.RMSprop([x], learning_rate=LR, decay=DECAY, eps=EPS)
    grads = [g]

    def step() -> None:
        opt.step(grads)

    return step


def _setup_torch(g: np.ndarray, foreach: bool) -> Step:
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    p = torch.ones(g.size, dtype=getattr(torch, g.dtype.name), requires_grad=True)
    p.grad = torch.from_numpy(g)  # shares g's memory; the step only reads it
    opt = torch.optim.RMSprop([p], lr=LR, alpha=DECAY, eps=EPS, foreach=foreach)
    return opt.step


def setup_torch_foreach(g: np.ndarray) -> Step:
    """``torch.optim.RMSprop(..., foreach=True).step()`` with ``p.grad`` set once."""
    return _setup_torch(g, foreach=True)


def setup_torch_for_loop(g: np.ndarray) -> Step:
    """``torch.optim.RMSprop(..., foreach=False).step()`` with ``p.grad`` set once."""
    return _setup_torch(g, foreach=False)


def setup_optax(g: np.ndarray) -> Step:
    """A jitted ``optax.rmsprop`` step that donates the parameters and state, timed to completion."""
    import jax
    import jax.numpy as jnp
    import optax

    jax.config.update("jax_enable_x64", True)  # float64 arrays stay float64; float32 stays float32
    opt = optax.rmsprop(LR, decay=DECAY, eps=EPS)

    def update(params, state, grads):
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    update = jax.jit(update, donate_argnums=(0, 1))
    params = jnp.ones(g.size, dtype=g.dtype)
    carry = [params, opt.init(params)]
    grads = jnp.asarray(g)

    def step() -> None:
        carry[:] = jax.block_until_ready(update(carry[0], carry[1], grads))

    return step


def setup_numpy(g: np.ndarray) -> Step:
    """The rule in place in NumPy, one preallocated temporary: ``e = d e + (1-d) g g; x -= lr g / sqrt(e + eps)``."""
    x = np.ones_like(g)
    e = np.zeros_like(g)
    tmp = np.empty_like(g)

    def step() -> None:
        np.multiply(e, DECAY, out=e)
        np.multiply(g, g, out=tmp)
        np.multiply(tmp, 1.0 - DECAY, out=tmp)
        np.add(e, tmp, out=e)
        np.add(e, EPS, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(g, tmp, out=tmp)
        np.multiply(tmp, LR, out=tmp)
        np.subtract(x, tmp, out=x)

    return step


def setup_floor(g: np.ndarray) -> Step:
    """A STREAM-like parallel Numba pass: read x, g, e and write x, e, on all cores (the memory floor)."""
    import numba

    @numba.njit(parallel=True, error_model="numpy", fastmath=False)
    def stream(x, g, e):
        for i in numba.prange(x.size):
            ei = 0.5 * e[i] + g[i]  # bounded, so thousands of steps never overflow
            e[i] = ei
            x[i] = x[i] - ei

    x = np.ones_like(g)
    e = np.zeros_like(g)

    def step() -> None:
        stream(x, g, e)

    return step


SETUPS = {
    "ours": setup_ours,
    "torch foreach": setup_torch_foreach,
    "torch for-loop": setup_torch_for_loop,
    "optax jit": setup_optax,
    "numpy": setup_numpy,
    "floor": setup_floor,
}


# --------------------------------------------------------------------------- timing


def time_steps(step: Step, target_s: float, min_steps: int, max_steps: int, warmup: int) -> list[float]:
    """Warm ``step`` up, then time enough single steps to take about ``target_s``; the seconds of each."""
    for _ in range(warmup):  # the first call may compile
        step()
    probe = []
    while len(probe) < 3 or (sum(probe) < 0.05 * target_s and len(probe) < 1000):
        start = time.perf_counter()
        step()
        probe.append(time.perf_counter() - start)
    # The fastest probe sizes the run: a stall while probing must not shrink it to a few steps.
    count = int(min(max_steps, max(min_steps, target_s / min(probe))))
    clock = time.perf_counter
    times = [0.0] * count
    for i in range(count):
        start = clock()
        step()
        times[i] = clock() - start
    return times


def gradient(n: int, dtype: str) -> np.ndarray:
    """The fixed random gradient of one (N, dtype): the same in every process."""
    rng = np.random.default_rng([n, np.dtype(dtype).itemsize])
    return rng.standard_normal(n, dtype=np.dtype(dtype).type)


def measure(name: str, n: int, dtype: str, args: argparse.Namespace) -> dict:
    """One cell, in this process: set the contender up and time it."""
    step = SETUPS[name](gradient(n, dtype))
    times = time_steps(step, args.target, args.min_steps, args.max_steps, args.warmup)
    median = statistics.median(times)
    return {
        "contender": name,
        "n": n,
        "dtype": dtype,
        "steps": len(times),
        "median_s": median,
        "min_s": min(times),
        "mean_s": statistics.fmean(times),
        "p90_s": sorted(times)[int(0.9 * (len(times) - 1))],
        "bytes_per_step": ARRAYS_MOVED * n * np.dtype(dtype).itemsize,
        "gb_per_s": ARRAYS_MOVED * n * np.dtype(dtype).itemsize / median / 1e9,
        "numba_threading_layer": _numba_layer() if name in ("ours", "floor") else None,
    }


def _numba_layer() -> str | None:
    """The threading layer Numba chose in this process, or None if no parallel kernel ran (or no Numba)."""
    numba = sys.modules.get("numba")
    try:
        return None if numba is None else numba.threading_layer()
    except ValueError:
        return None


def run_cell(name: str, n: int, dtype: str, args: argparse.Namespace) -> dict:
    """One cell in a fresh interpreter (``--worker``); the record it prints, or one with ``error`` set."""
    command = [sys.executable, os.path.abspath(__file__), "--worker", name, "--sizes", str(n), "--dtypes", dtype]
    command += ["--quick"] if args.quick else []
    done = subprocess.run(command, capture_output=True, text=True)  # inherits RMSPROP_DISABLE_JIT
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        return {"contender": name, "n": n, "dtype": dtype, "error": f"exit {done.returncode}: " + " | ".join(tail)}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report


def machine_info() -> dict:
    return {**_machine.machine_info(("torch", "jax", "jaxlib", "optax", "numba")), "torch_threads": os.cpu_count()}


def ratio(rows: dict, n: int, dtype: str, numerator: str, denominator: str) -> float | None:
    """``median(numerator) / median(denominator)`` for one (N, dtype), or None if either is missing."""
    top, bottom = rows.get((numerator, n, dtype)), rows.get((denominator, n, dtype))
    return None if top is None or bottom is None else top["median_s"] / bottom["median_s"]


def print_table(results: list[dict], rows: dict) -> None:
    header = (
        f"{'N':>9} {'dtype':<8} {'contender':<15} {'steps':>7} {'median us':>11} {'min us':>11} "
        f"{'GB/s':>7} {'t/ours':>7} {'t/floor':>7}"
    )
    print(header)
    print("-" * len(header))
    previous = None
    for r in results:
        if "error" in r:
            print(f"{r['n']:>9.0e} {r['dtype']:<8} {r['contender']:<15} FAILED {r['error']}")
            continue
        if previous is not None and (r["n"], r["dtype"]) != previous:
            print()
        previous = (r["n"], r["dtype"])
        cells = [ratio(rows, r["n"], r["dtype"], r["contender"], other) for other in ("ours", "floor")]
        shown = ["" if c is None else f"{c:.2f}" for c in cells]
        print(
            f"{r['n']:>9.0e} {r['dtype']:<8} {r['contender']:<15} {r['steps']:>7} {r['median_s'] * 1e6:>11.1f} "
            f"{r['min_s'] * 1e6:>11.1f} {r['gb_per_s']:>7.2f} {shown[0]:>7} {shown[1]:>7}"
        )
    print(f"GB/s counts {ARRAYS_MOVED} * N * itemsize bytes per step for every contender; t/X = median time / X's.")


def verdicts(rows: dict, dtypes: list[str]) -> list[dict]:
    """The targets, one line each: (N, what, contender over ours, or ours over floor) and the bound."""
    checks = []
    for dtype in dtypes:
        checks += [
            (10**7, dtype, "torch foreach", "ours", ">=", 4.0, "ours >= 4x faster than torch foreach"),
            (10**7, dtype, "optax jit", "ours", ">=", 1.5, "ours >= 1.5x faster than optax"),
            (10**7, dtype, "ours", "floor", "<=", 1.3, "ours within 1.3x of the floor"),
            (10**3, dtype, "torch foreach", "ours", ">=", 10.0, "ours >= 10x faster than torch foreach"),
            (10**3, dtype, "torch for-loop", "ours", ">=", 10.0, "ours >= 10x faster than torch for-loop"),
        ]
    out = []
    for n, dtype, top, bottom, op, bound, text in checks:
        value = ratio(rows, n, dtype, top, bottom)
        if value is None:
            verdict = "not measured"
        else:
            verdict = "ok" if (value >= bound if op == ">=" else value <= bound) else "MISSED"
        out.append(
            {
                "n": n,
                "dtype": dtype,
                "target": text,
                "ratio": f"{top}/{bottom}",
                "value": value,
                "bound": f"{op} {bound:g}",
                "verdict": verdict,
            }
        )
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=lambda s: int(float(s)), help="N values, e.g. 1e3 1e7")
    parser.add_argument("--big", action="store_true", help=f"also N={BIG_SIZE:.0e} (about 3 GB per float64 array set)")
    parser.add_argument("--dtypes", nargs="+", choices=DTYPES, default=DTYPES)
    parser.add_argument("--contenders", nargs="+", choices=CONTENDERS, default=CONTENDERS)
    parser.add_argument("--quick", action="store_true", help="about 0.1 s per cell: a smoke run")
    parser.add_argument("--disable-jit", action="store_true", help="set RMSPROP_DISABLE_JIT=1: ours on pure NumPy")
    parser.add_argument("--json", default="step.json", help="where to write the results")
    parser.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)  # internal: one cell, JSON to stdout
    args = parser.parse_args()
    if args.sizes is None:
        args.sizes = SIZES + ([BIG_SIZE] if args.big else [])
    elif args.big and BIG_SIZE not in args.sizes:
        args.sizes.append(BIG_SIZE)
    args.target = 0.1 if args.quick else 1.0  # seconds of timed steps per cell
    args.min_steps = 3 if args.quick else 5
    args.max_steps = 5_000 if args.quick else 100_000
    args.warmup = 2 if args.quick else 5
    return args


def main() -> None:
    args = parse_args()
    if args.disable_jit:
        os.environ["RMSPROP_DISABLE_JIT"] = "1"  # before rmsprop is imported, here and in the workers
    if args.worker:
        print(json.dumps(measure(args.worker, args.sizes[0], args.dtypes[0], args)))
        return

    load = os.getloadavg()
    if load[0] > 0.5:
        print(f"warning: load average {load[0]:.2f}; other work on the cores distorts parallel steps", file=sys.stderr)
    results, rows = [], {}
    for n in args.sizes:
        for dtype in args.dtypes:
            for name in args.contenders:
                record = run_cell(name, n, dtype, args)
                results.append(record)
                if "error" in record:
                    print(f"  {name:<15} N={n:.0e} {dtype}: FAILED {record['error']}", file=sys.stderr, flush=True)
                    continue
                rows[(name, n, dtype)] = record
                print(f"  {name:<15} N={n:.0e} {dtype}: {record['median_s'] * 1e6:.1f} us", file=sys.stderr, flush=True)

    print()
    if args.disable_jit:
        print("ours = rmsprop.RMSprop.step on its pure-NumPy path (RMSPROP_DISABLE_JIT=1)")
    print_table(results, rows)
    print()
    checks = verdicts(rows, args.dtypes)
    for c in checks:
        value = "-" if c["value"] is None else f"{c['value']:.3f}"
        print(
            f"N={c['n']:.0e} {c['dtype']:<8} {c['target']:<40} {c['ratio']:<26} {value:>7} {c['bound']:<7} {c['verdict']}"
        )

    with open(args.json, "w") as stream:
        json.dump(
            {
                "machine": machine_info(),
                "load_average_at_start": load,
                "settings": {"lr": LR, "decay": DECAY, "eps": EPS, "quick": args.quick},
                "results": results,
                "verdicts": checks,
            },
            stream,
            indent=2,
        )
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
