"""Per-step time of ``rmsprop.torch.RMSprop`` against ``torch.optim.RMSprop`` on CPU, side by side in one run.

Two cases, float32, PyTorch's defaults (lr 0.01, alpha 0.99, eps 1e-8, no momentum, not centered):

* ``one 1e7 tensor``: one parameter of 10,000,000 elements;
* ``GPT-2 small / 10``: the 148 parameter tensors of GPT-2 small (token and position
  embeddings, 12 blocks of two layer norms, attention and MLP, the final layer norm), every
  dimension scaled by the same factor so that they hold about 12 M parameters.

Contenders: ``ours`` (``rmsprop.torch.RMSprop``: one fused-kernel call for all tensors),
``torch foreach`` (``torch.optim.RMSprop(foreach=True)``, PyTorch's multi-tensor path, its
default on CUDA) and ``torch for-loop`` (``foreach=False``, its default on CPU). Each holds
its own copy of the parameters, with the same fixed random gradients. After a warm-up (the
first step may compile), the contenders take turns in blocks of steps, each step timed with
``time.perf_counter``; the table gives the median and the minimum per step and the ratio of
each median to ours. Targets (issue 15): ours >= 4x torch foreach on the one tensor and
>= 3x on GPT-2 small / 10. Timings on a shared machine are noisy; the load average is printed.

    python benchmarks/torch_step.py [--blocks 8] [--steps 5] [--json torch_step.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine
import numpy as np
import torch

import rmsprop.torch

#: GPT-2 small (Radford et al. 2019; Hugging Face's ``gpt2``): vocabulary, context, width, blocks.
GPT2_SMALL = {"vocab": 50257, "context": 1024, "width": 768, "blocks": 12}
TARGET_PARAMETERS = 12_000_000
CONTENDERS = ("ours", "torch foreach", "torch for-loop")


def gpt2_shapes(scale: float) -> list[tuple[int, ...]]:
    """The 148 parameter shapes of GPT-2 small with every dimension times ``scale`` (at least 1)."""
    n = lambda size: max(1, round(size * scale))  # noqa: E731
    v, c, d = n(GPT2_SMALL["vocab"]), n(GPT2_SMALL["context"]), n(GPT2_SMALL["width"])
    d3, d4 = n(3 * GPT2_SMALL["width"]), n(4 * GPT2_SMALL["width"])
    shapes: list[tuple[int, ...]] = [(v, d), (c, d)]
    for _ in range(GPT2_SMALL["blocks"]):
        shapes += [(d,), (d,), (d, d3), (d3,), (d, d), (d,), (d,), (d,), (d, d4), (d4,), (d4, d), (d,)]
    return shapes + [(d,), (d,)]


def scaled_gpt2_shapes(parameters: int = TARGET_PARAMETERS) -> list[tuple[int, ...]]:
    """:func:`gpt2_shapes` at the scale that gives about ``parameters`` parameters."""
    full = sum(int(np.prod(s)) for s in gpt2_shapes(1.0))
    scale = (parameters / full) ** 0.5  # nearly every parameter is in a matrix: the count goes as scale^2
    return gpt2_shapes(scale)


def make(contender: str, shapes: list[tuple[int, ...]], seed: int = 0):
    """A zero-argument step of ``contender`` on its own parameters, with fixed gradients."""
    generator = torch.Generator().manual_seed(seed)
    params = [torch.randn(s, generator=generator) for s in shapes]
    for p in params:
        p.grad = torch.randn(p.shape, generator=generator)
    if contender == "ours":
        opt: torch.optim.Optimizer = rmsprop.torch.RMSprop(params)
    else:
        opt = torch.optim.RMSprop(params, foreach=contender == "torch foreach")
    return opt.step


def measure(shapes: list[tuple[int, ...]], blocks: int, steps: int) -> dict[str, list[float]]:
    """Per-step seconds of every contender, taking turns block by block."""
    stepper = {name: make(name, shapes) for name in CONTENDERS}
    for step in stepper.values():  # warm-up: compile, allocate the state
        step()
        step()
    times: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    for _ in range(blocks):
        for name, step in stepper.items():
            for _ in range(steps):
                start = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocks", type=int, default=8, help="turns of each contender (default 8)")
    parser.add_argument("--steps", type=int, default=5, help="steps per turn (default 5)")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    cases = {"one 1e7 tensor": [(10**7,)], "GPT-2 small / 10": scaled_gpt2_shapes()}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; load average {os.getloadavg()}")
    results = {"machine": _machine.machine_info(("torch", "numba", "numpy")), "cases": {}}
    for case, shapes in cases.items():
        size = sum(int(np.prod(s)) for s in shapes)
        times = measure(shapes, args.blocks, args.steps)
        median = {name: statistics.median(t) for name, t in times.items()}
        print(f"\n{case}: {len(shapes)} tensors, {size:,} parameters, float32")
        print(f"{'contender':16} {'median ms':>10} {'min ms':>8} {'x ours':>7}")
        for name, t in times.items():
            print(f"{name:16} {median[name] * 1e3:10.2f} {min(t) * 1e3:8.2f} {median[name] / median['ours']:7.2f}")
        results["cases"][case] = {"tensors": len(shapes), "parameters": size, "seconds": times}
    print(f"\nload average after: {os.getloadavg()}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f)


if __name__ == "__main__":
    main()
