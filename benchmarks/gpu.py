"""The CUDA step: fidelity to ``torch.optim.RMSprop`` on the device, and its speed per step against PyTorch.

Speed (per step, CUDA events, the median of several timed runs after warm-up): on the
GPT-2-small list of tensors (148 tensors, 124,439,808 parameters) and on one 1e8 tensor, in
float32 and float64, with PyTorch's defaults (lr 0.01, alpha 0.99, eps 1e-8, no momentum,
not centered) and a fixed gradient:

* ``torch foreach`` / ``torch for-loop``: ``torch.optim.RMSprop(foreach=True/False).step()``;
* ``torch.compile``: ``torch.compile(opt.step)`` of the foreach optimizer, float32 only (its
  compile, 17 s on the GPT-2 list, is printed and left out of the time; ``--no-compile``
  leaves it out);
* ``ours``: ``rmsprop.torch.RMSprop(params).step()``, one launch of the Triton kernel over
  the tensors where they lie (:func:`rmsprop.torch._cuda.step_tensors`), host work included;
* ``ours, CUDA graph``: the same with ``capturable=True``, ``step()`` captured once in a CUDA
  graph and replayed;
* ``copy floor``: ``dst.copy_(src)`` moving the same bytes as ``ours`` (reads of x, g, e and
  writes of x, e: 5 * N * itemsize), the device's copy bandwidth.

GB/s is those bytes over the time. Each case also records ``ours``' first step (the Triton
compile, or its disk cache) and its host time per step. Targets (issue 15, H200): GPT-2
small in float32 at most 0.70 ms a step, at least 2.6x torch foreach, 1.4x torch.compile and
85% of the copy floor; the 1e8 tensor, float32 and float64, at least 90% of the copy floor;
no first step over 3 s.

Fidelity (``--check``): for every combination of ``torch.optim.RMSprop``'s options
(centered, momentum, weight_decay, maximize), 500 steps on the device of the same
gradients (open loop, not depending on the parameters) with PyTorch's for-loop optimizer and
with ``rmsprop.torch.RMSprop``: in float64 the largest difference is at most 1e-12 of the
largest parameter; in float32 at most twice the distance of PyTorch's float32 run from its
float64 run. ``--check`` also runs the tests marked ``cuda`` of
``tests/test_torch_cuda_kernel.py`` (the kernel against the rule's NumPy form, bit for bit,
one compile for every list, the capturable step in a CUDA graph), and a small sweep of the
launch's shape (BLOCK x num_warps) on the 1e8 float32 tensor.

``--interpret`` runs the same code on CPU tensors in Triton's interpreter, on small sizes
and a few steps (times by the host's clock, no graph, no compile): a dry run of the script
on a machine without a GPU.

    PYTHONPATH=src python3 benchmarks/gpu.py --check [--json gpu.json] [--no-compile] [--interpret]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _machine import machine_info

ROOT = Path(__file__).resolve().parent.parent
GPT2_SMALL_PARAMETERS = 124_439_808
TARGETS = {"gpt2_ms": 0.70, "vs_foreach": 2.6, "vs_compile": 1.4, "gpt2_of_floor": 0.85, "big_of_floor": 0.90}
CONTENDERS = ("torch foreach", "torch for-loop", "torch.compile", "ours", "ours, CUDA graph", "copy floor")
#: The longest first step (Triton's compile) the issue allows, in seconds.
FIRST_STEP_S = 3.0


def gpt2_small_shapes(vocabulary: int = 50257, context: int = 1024, width: int = 768, layers: int = 12) -> list:
    """The shapes of GPT-2 small's 148 parameter tensors (Hugging Face's ``GPT2LMHeadModel``, tied head)."""
    shapes = [(vocabulary, width), (context, width)]
    for _ in range(layers):
        shapes += [(width,), (width,)]  # ln_1
        shapes += [(width, 3 * width), (3 * width,), (width, width), (width,)]  # attention: c_attn, c_proj
        shapes += [(width,), (width,)]  # ln_2
        shapes += [(width, 4 * width), (4 * width,), (4 * width, width), (width,)]  # MLP: c_fc, c_proj
    return shapes + [(width,), (width,)]  # ln_f


def count(shapes: list) -> int:
    """The number of elements of tensors of ``shapes``."""
    total = 0
    for shape in shapes:
        size = 1
        for length in shape:
            size *= length
        total += size
    return total


def format_table(card: str, rows: list) -> str:
    """The speed table as Markdown: one row per case and contender, ms per step, GB/s, ratios."""
    lines = [
        f"CUDA step on {card} (ms per step, median; GB/s = 5 N itemsize / time)",
        "",
        "| case | contender | ms | GB/s | ours is x faster | of copy floor |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        speedup = row["ours_speedup"]
        lines.append(
            f"| {row['case']} | {row['contender']} | {row['ms']:.3f} | {row['gbps']:.0f} | "
            f"{'' if speedup is None else f'{speedup:.2f}'} | {row['of_floor']:.0%} |"
        )
    return "\n".join(lines)


def verdicts(rows: list) -> dict:
    """Each target of issue 15: ``{name: (value, bound, met)}``."""
    cell = {(row["case"], row["contender"]): row for row in rows}
    found: dict = {}
    gpt2 = ("gpt2-small float32", "ours")
    if gpt2 in cell:
        ours = cell[gpt2]
        found["GPT-2 float32 ms"] = (ours["ms"], TARGETS["gpt2_ms"], ours["ms"] <= TARGETS["gpt2_ms"])
        found["GPT-2 float32 of floor"] = (
            ours["of_floor"],
            TARGETS["gpt2_of_floor"],
            ours["of_floor"] >= TARGETS["gpt2_of_floor"],
        )
        for contender, key in (("torch foreach", "vs_foreach"), ("torch.compile", "vs_compile")):
            other = cell.get(("gpt2-small float32", contender))
            if other:
                ratio = other["ms"] / ours["ms"]
                found[f"GPT-2 float32 vs {contender}"] = (ratio, TARGETS[key], ratio >= TARGETS[key])
    for dtype in ("float32", "float64"):
        big = cell.get((f"1e8 {dtype}", "ours"))
        if big:
            found[f"1e8 {dtype} of floor"] = (
                big["of_floor"],
                TARGETS["big_of_floor"],
                big["of_floor"] >= TARGETS["big_of_floor"],
            )
    return found


# --- on the device -----------------------------------------------------------------------------------


class Device:
    """Where the benchmark runs: ``cuda``, or ``cpu`` in Triton's interpreter (``--interpret``, small and quick)."""

    def __init__(self, torch, interpret: bool) -> None:
        self.torch = torch
        self.interpret = interpret
        self.name = "cpu" if interpret else "cuda"
        if interpret:  # the class's CUDA path on CPU tensors, as tests/test_torch_cuda_kernel.py runs it
            from rmsprop.torch import _optimizer

            _optimizer._TRITON_DEVICES = ("cuda", "cpu")

    def synchronize(self) -> None:
        if not self.interpret:
            self.torch.cuda.synchronize()

    def generator(self):
        return self.torch.Generator(device=self.name).manual_seed(0)

    def empty_cache(self) -> None:
        if not self.interpret:
            self.torch.cuda.empty_cache()


def timed(step, device: Device, runs: int = 5, steps: int = 10, warmup: int = 3) -> float:
    """The median over ``runs`` of the mean time of ``steps`` calls of ``step``, in ms (CUDA events)."""
    torch = device.torch
    if device.interpret:
        runs, steps, warmup = 1, 1, 0
    for _ in range(warmup):
        step()
    device.synchronize()
    times = []
    for _ in range(runs):
        if device.interpret:
            begin = time.perf_counter()
            step()
            times.append((time.perf_counter() - begin) * 1e3)
            continue
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(steps):
            step()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / steps)
    return statistics.median(times)


def host_ms(step, device: Device, steps: int = 10) -> float:
    """ms of host time per call of ``step`` (launches queued, not waited for)."""
    device.synchronize()
    steps = 1 if device.interpret else steps
    begin = time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = time.perf_counter() - begin
    device.synchronize()
    return elapsed / steps * 1e3


def speed_case(name: str, shapes: list, dtype, device: Device, compile_: bool) -> tuple[list, dict]:
    """One case's rows (every contender on tensors of ``shapes`` and ``dtype``) and ``ours``' first step."""
    import rmsprop.torch

    torch = device.torch
    n = count(shapes)
    itemsize = torch.empty((), dtype=dtype).element_size()
    moved = 5 * n * itemsize
    times: dict = {}
    generator = device.generator()

    params = [torch.randn(shape, dtype=dtype, device=device.name, generator=generator) for shape in shapes]
    for p in params:
        p.grad = torch.randn(p.shape, dtype=dtype, device=device.name, generator=generator)
    for contender, foreach in (("torch foreach", True), ("torch for-loop", False)):
        optimizer = torch.optim.RMSprop(params, lr=0.01, foreach=foreach)
        times[contender] = timed(optimizer.step, device)
        del optimizer
    if compile_ and dtype == torch.float32 and not device.interpret:
        optimizer = torch.optim.RMSprop(params, lr=0.01, foreach=True)
        step = torch.compile(optimizer.step)
        begin = time.perf_counter()
        step()
        device.synchronize()
        print(f"  torch.compile of {name}: {time.perf_counter() - begin:.1f} s", flush=True)
        times["torch.compile"] = timed(step, device)
        del optimizer, step
        torch._dynamo.reset()

    ours = rmsprop.torch.RMSprop(params, lr=0.01)
    begin = time.perf_counter()
    ours.step()
    device.synchronize()
    first = {"first_step_s": time.perf_counter() - begin}
    print(f"  first step of ours on {name} (compile or disk cache): {first['first_step_s']:.2f} s", flush=True)
    times["ours"] = timed(ours.step, device)
    first["host_ms"] = host_ms(ours.step, device)
    print(f"  host time of ours' step: {first['host_ms']:.3f} ms", flush=True)
    del ours
    if not device.interpret:
        times["ours, CUDA graph"], first["capture_s"] = time_graph(params, device)
    del params
    device.empty_cache()

    times["copy floor"] = time_copy(moved // itemsize, dtype, device)
    device.empty_cache()

    rows = []
    for contender in CONTENDERS:
        if contender in times:
            ms = times[contender]
            rows.append(
                {
                    "case": name,
                    "contender": contender,
                    "ms": ms,
                    "gbps": moved / ms / 1e6,
                    "ours_speedup": None
                    if contender.startswith("ours") or contender == "copy floor"
                    else ms / times["ours"],
                    "of_floor": times["copy floor"] / ms,
                    "parameters": n,
                    "tensors": len(shapes),
                }
            )
    return rows, first


def time_graph(params: list, device: Device) -> tuple[float, float]:
    """ms per replay of ``rmsprop.torch.RMSprop(capturable=True).step()`` captured in a CUDA graph; capture's s."""
    import rmsprop.torch

    torch = device.torch
    optimizer = rmsprop.torch.RMSprop(params, lr=0.01, capturable=True)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # PyTorch's recipe: warm up (state, tables, compile) on a side stream
        for _ in range(3):
            optimizer.step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    begin = time.perf_counter()
    with torch.cuda.graph(graph):
        optimizer.step()
    torch.cuda.synchronize()
    captured = time.perf_counter() - begin
    ms = timed(graph.replay, device)
    print(f"  ours in a CUDA graph: capture {captured:.3f} s, {ms:.3f} ms a replay", flush=True)
    del graph, optimizer
    return ms, captured


def time_copy(elements: int, dtype, device: Device) -> float:
    """ms of ``dst.copy_(src)`` that reads and writes ``elements`` elements in all."""
    source = device.torch.empty((elements + 1) // 2, dtype=dtype, device=device.name)
    target = device.torch.empty_like(source)
    return timed(lambda: target.copy_(source), device)


def launch_sweep(device: Device, n: int = 10**8) -> list:
    """ms per step of ``ours`` (:func:`rmsprop.torch._cuda.step_tensors`) on one float32 tensor, a few BLOCK x num_warps."""
    import numpy as np

    from rmsprop import Settings
    from rmsprop.rule.step import scalars
    from rmsprop.torch._cuda import step_tensors

    torch = device.torch
    settings = Settings(learning_rate=0.01, decay=0.99, eps_in_sqrt=False, arithmetic="torch")
    spec, s = settings.spec(np.float32), scalars(settings, 0.01, 1.0, None, None, np.float32)
    x, g = torch.randn(n, device=device.name), torch.randn(n, device=device.name)
    e = torch.zeros_like(x)
    found = []
    for block in (1024, 2048, 4096, 8192):
        for warps in (4, 8):

            def step(block=block, warps=warps):
                step_tensors(spec, s, [x], [g], [e], None, None, block=block, num_warps=warps)

            ms = timed(step, device)
            found.append({"block": block, "num_warps": warps, "ms": ms})
            print(f"  BLOCK {block:5d} num_warps {warps}: {ms:.3f} ms", flush=True)
    return found


def fidelity(device: Device, steps: int = 500) -> list:
    """Every combination of torch.optim.RMSprop's options, ``steps`` open-loop steps, float32 and float64 (see above)."""
    import itertools

    import rmsprop.torch

    torch = device.torch
    shapes, lr, alpha, eps = [(64, 33), (33,), (5000,), (1,), (7, 5, 3)], 0.01, 0.9, 1e-8
    n = count(shapes)
    generator = device.generator()
    start = torch.randn(n, dtype=torch.float64, device=device.name, generator=generator)
    grads = torch.randn(steps, n, dtype=torch.float64, device=device.name, generator=generator)
    grads *= torch.logspace(-3, 1, n, dtype=torch.float64, device=device.name)[
        torch.randperm(n, device=device.name, generator=generator)
    ]
    sizes = [count([shape]) for shape in shapes]

    def run(cls, dtype, options, **more):
        params = [p.clone().view(shape) for p, shape in zip(start.to(dtype).split(sizes), shapes)]
        optimizer = cls(params, lr=lr, alpha=alpha, eps=eps, **options, **more)
        for t in range(steps):
            for p, g in zip(params, grads[t].to(dtype).split(sizes)):
                p.grad = g.clone().view(p.shape)
            optimizer.step()
        return torch.cat([p.detach().reshape(-1) for p in params]).double()

    results = []
    names = ("centered", "momentum", "weight_decay", "maximize")
    for values in itertools.product((False, True), (0.0, 0.9), (0.0, 0.01), (False, True)):
        options = dict(zip(names, values))
        reference = run(torch.optim.RMSprop, torch.float64, options, foreach=False)
        scale = reference.abs().max().item()
        ours64 = (run(rmsprop.torch.RMSprop, torch.float64, options) - reference).abs().max().item() / scale
        torch32 = run(torch.optim.RMSprop, torch.float32, options, foreach=False)
        ours32 = (run(rmsprop.torch.RMSprop, torch.float32, options) - torch32).abs().max().item() / scale
        distance32 = (torch32 - reference).abs().max().item() / scale
        ok = ours64 <= 1e-12 and ours32 <= 2 * distance32
        results.append(
            {"options": options, "float64": ours64, "float32": ours32, "torch32_vs_64": distance32, "ok": ok}
        )
        flags = " ".join(f"{k}={v}" for k, v in options.items())
        print(
            f"  {'ok  ' if ok else 'FAIL'} {flags}: f64 {ours64:.1e}, f32 {ours32:.1e} (torch f32-f64 {distance32:.1e})",
            flush=True,
        )
    return results


def cuda_tests() -> int:
    """The tests marked ``cuda`` (quick rows) in a subprocess; their exit status."""
    command = [sys.executable, "-m", "pytest", "tests/test_torch_cuda_kernel.py", "-q", "-m", "cuda and not slow"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(command, cwd=ROOT, env=environment, check=False).returncode


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="also the fidelity suite, the cuda tests and a launch sweep"
    )
    parser.add_argument("--json", default="gpu.json", help="where to write the results (default gpu.json)")
    parser.add_argument("--no-compile", action="store_true", help="leave out torch.compile (its compile is slow)")
    parser.add_argument(
        "--interpret",
        action="store_true",
        help="a dry run on CPU tensors in Triton's interpreter: small sizes, a few steps, no GPU",
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        print("benchmarks/gpu.py needs PyTorch (with CUDA) and Triton", file=sys.stderr)
        return 2
    if not args.interpret and not torch.cuda.is_available():
        print("no CUDA device: benchmarks/gpu.py runs on a GPU (torch.cuda.is_available() is False)", file=sys.stderr)
        return 2
    device = Device(torch, args.interpret)
    began = time.perf_counter()
    card = "Triton's interpreter (CPU)" if args.interpret else torch.cuda.get_device_name()
    print(f"{card}, PyTorch {torch.__version__}", flush=True)
    report: dict = {"card": card, "machine": machine_info(("torch", "triton")), "targets": TARGETS}
    failed = False
    if args.check:
        steps = 3 if args.interpret else 500
        print(f"fidelity to torch.optim.RMSprop ({steps} steps per combination):", flush=True)
        report["fidelity"] = fidelity(device, steps)
        failed |= not all(row["ok"] for row in report["fidelity"])
        if not args.interpret:
            print("tests marked cuda:", flush=True)
            report["cuda_tests_status"] = cuda_tests()
            failed |= report["cuda_tests_status"] != 0
    rows, first_steps = [], {}
    if args.interpret:
        cases = [("gpt2-small", gpt2_small_shapes(50, 16, 8)), ("1e8", [(10**4,)])]
    else:
        cases = [("gpt2-small", gpt2_small_shapes()), ("1e8", [(10**8,)])]
    for name, shapes in cases:
        for dtype in (torch.float32, torch.float64):
            label = f"{name} {str(dtype).removeprefix('torch.')}"
            print(f"{label}:", flush=True)
            case_rows, first_steps[label] = speed_case(label, shapes, dtype, device, compile_=not args.no_compile)
            rows += case_rows
    report["speed"] = rows
    report["ours_first_step_and_host"] = first_steps
    if args.check:
        print("launch sweep, 1e8 float32:", flush=True)
        report["launch_sweep"] = launch_sweep(device, 10**4 if args.interpret else 10**8)
    print(format_table(card, rows))
    found = verdicts(rows)
    slowest = max(first["first_step_s"] for first in first_steps.values())
    found["first step of ours, s"] = (slowest, FIRST_STEP_S, slowest <= FIRST_STEP_S)
    report["verdicts"] = {name: list(value) for name, value in found.items()}
    for name, (value, bound, met) in found.items():
        print(f"{'met   ' if met else 'MISSED'} {name}: {value:.3f} (target {bound})")
    report["seconds"] = time.perf_counter() - began
    print(f"{report['seconds']:.0f} s in all")
    Path(args.json).write_text(json.dumps(report, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
