"""Fuzz ``rmsprop.objectives.from_expression`` with generated inputs.

Every input -- grammar-valid formulas, mutated formulas, random junk, inputs at
the size caps and known escape attempts -- must either build an Objective or
raise ``ValueError`` with a one-line message starting ``expression rejected:``;
nothing else may escape.  Each call must take under a second (``--limit``).
An accepted objective is evaluated (f and grad at its start and on a small
float32 grid) with every warning turned into an error: it must return finite
or inf/nan values of the right shape and dtype without raising or warning.
The run happens in an empty temporary working directory, which must still be
empty afterwards, and ``os.system``, ``os.popen``, ``os.execv*`` and
``subprocess.Popen`` are replaced by tripwires for its duration.

    python benchmarks/fuzz_expression.py [-n 100000] [--seed 0] [--limit 1.0]

A small run of the same generator is part of the tests
(``tests/test_expression.py``).  Prints the counts per kind of input and
outcome and the slowest calls; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

# -- the generator ---------------------------------------------------------------------

FUNCTIONS_1 = (
    "sin", "cos", "tan", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "sinh", "cosh",
    "tanh", "asinh", "arcsinh", "acosh", "arccosh", "atanh", "arctanh", "exp", "log", "log2",
    "log10", "sqrt", "abs",
)
FUNCTIONS_2 = ("atan2", "arctan2")

# Known escape attempts and classic parser abuse; each must be rejected.
ESCAPES = (
    "__import__('os').system('echo hi')",
    "__import__('os').system('touch pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "().__class__.__bases__",
    "x1.__class__",
    "x1.__class__.__mro__",
    "(1).__class__",
    "x1.real",
    "sin.__globals__",
    "sin.__self__",
    "lambda: 1",
    "(lambda: __import__('os'))()",
    "[x for x in ()]",
    "{x1 for x1 in ()}",
    "(x for x in ())",
    "{1}",
    "{'a': 1}",
    "x1[0]",
    "x1[::-1]",
    "'abc'",
    "b'x'",
    "1 if x1 else 2",
    "x1 < 2",
    "x1 and x2",
    "x1 or x2",
    "not x1",
    "f'{x1}'",
    "f'{__import__(\"os\").system(\"echo hi\")}'",
    "(x1 := 2)",
    "open('f', 'w')",
    "open('f')",
    "eval('1')",
    "exec('1')",
    "compile('1', 'f', 'eval')",
    "getattr(x1, 'real')",
    "globals()",
    "locals()",
    "vars()",
    "__builtins__",
    "__import__",
    "breakpoint()",
    "input()",
    "print(1)",
    "sympify('x')",
    "S('x')",
    "sin(x1, x2)",
    "sin(x=x1)",
    "sin(*[x1])",
    "sin(**{'x': 1})",
    "sin()",
    "atan2(x1)",
    "9**9**9",
    "9**9**9**9",
    "x1**1000",
    "2**10000",
    "10**100**100",
    "1e400",
    "1e308*10",
    "x1\u200b",
    "\uff581",
    "x\u2081",
    "x_1",
    "x0",
    "X1",
    "x1 x2",
    "",
    "   ",
    "x1 +",
    "*",
    "x1; x2",
    "import os",
    "x1 = 2",
    "(yield)",
    "await x1",
    "x1 @ x2",
    "x1 // 2",
    "x1 % 2",
    "x1 ^ 2",
    "~x1",
    "x1 << 2",
    "1j*x1",
    "True*x1",
    "None",
    "...",
    "x1\x00",
    "\\x00",
    "x1 # comment\n+ __import__('os')",
)

DANGEROUS_TOKENS = (
    "__import__", "__class__", ".", "[", "]", "{", "}", "'", '"', "lambda", ":", ":=", "if", "else",
    "for", "in", "<", ">", "==", "and", "or", "not", "//", "%", "@", "^", "~", "**9**9", "**1000",
    "1e400", "x0", "x101", "X1", "x_1", "os", "system", "eval", "open", ",", "*", "**", "(", ")",
    "\u200b", "\uff58", "\n", "\t", "\\", "#", ";", "=", "$", "?", "!", "`", "1j", "True", "None",
)

JUNK_ALPHABET = (
    "x1234567890yz+-*/() .,e pi sin cos exp log sqrt abs atan2 [ ] { } ' \" _ : = < > ! @ # % ^ & | ~ ` ; ? \\ \n \t"
).split(" ") + ["\u00e9", "\u200b", "\uff58", "\u2212", "\u00b2", "\x00", " "]


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return str(rng.randint(0, 12))
    if kind < 0.7:
        return f"{rng.uniform(0, 10):.{rng.randint(1, 4)}f}"
    if kind < 0.8:
        return rng.choice(["pi", "e", "0.5", "1e-3", "2.5e2", "1_000", "0x10"])
    return f"{rng.uniform(0.1, 9.9):.2f}e{rng.randint(-5, 5)}"


def _variable(rng: random.Random, style: str, dim: int) -> str:
    index = rng.randint(1, dim)
    return f"x{index}" if style == "indexed" else "xyz"[index - 1]


def _space(rng: random.Random) -> str:
    return rng.choice(["", "", "", " ", "  "])


def valid_expression(rng: random.Random, depth: int | None = None, style: str | None = None, dim: int | None = None) -> str:
    """A formula in the accepted grammar (it may still be rejected for its value, e.g. ``log(0)``)."""
    style = style or rng.choice(["indexed", "xyz"])
    dim = dim or rng.randint(1, 3 if style == "xyz" else 6)
    depth = rng.randint(1, 5) if depth is None else depth
    return _valid(rng, depth, style, dim)


def _valid(rng: random.Random, depth: int, style: str, dim: int) -> str:
    if depth <= 0 or rng.random() < 0.25:
        return _variable(rng, style, dim) if rng.random() < 0.6 else _number(rng)
    kind = rng.random()
    sub = lambda: _valid(rng, depth - 1, style, dim)  # noqa: E731
    s = _space(rng)
    if kind < 0.45:
        op = rng.choice(["+", "-", "*", "/", "+", "*"])
        return f"({sub()}{s}{op}{s}{sub()})"
    if kind < 0.6:
        exponent = rng.choice(["2", "3", "0.5", "-1", "2.5", "4", "(1/3)", sub()])
        return f"({sub()}){s}**{s}{exponent}"
    if kind < 0.7:
        return f"{rng.choice(['-', '+'])}{sub()}"
    if kind < 0.93:
        return f"{rng.choice(FUNCTIONS_1)}({s}{sub()}{s})"
    return f"{rng.choice(FUNCTIONS_2)}({sub()},{s}{sub()})"


def mutated_expression(rng: random.Random) -> str:
    text = list(valid_expression(rng))
    for _ in range(rng.randint(1, 3)):
        position = rng.randint(0, len(text))
        action = rng.random()
        if action < 0.4:
            text[position:position] = list(rng.choice(DANGEROUS_TOKENS))
        elif action < 0.7 and text:
            del text[min(position, len(text) - 1)]
        elif text:
            text[min(position, len(text) - 1)] = rng.choice(JUNK_ALPHABET)
    return "".join(text)


def junk(rng: random.Random) -> str:
    return "".join(rng.choice(JUNK_ALPHABET) for _ in range(rng.randint(0, 40)))


def at_the_caps(rng: random.Random) -> str:
    """Inputs near or past the size caps: long, deep, wide, many variables, big numbers."""
    n = rng.randint(10, 120)
    choice = rng.randrange(9)
    if choice == 0:
        return "(" * n + "x1" + ")" * n
    if choice == 1:
        return "-" * n + "x1"
    if choice == 2:
        return "+".join(f"x{i}**2" for i in range(1, n + 1))
    if choice == 3:
        return "*".join(f"x{rng.randint(1, 40)}" for _ in range(n))
    if choice == 4:
        text = "x1"
        for _ in range(n // 2):
            text = f"{rng.choice(FUNCTIONS_1)}({text})"
        return text
    if choice == 5:
        return "x1" + "**x1" * n
    if choice == 6:
        return "x1 + " + str(rng.randint(1, 9)) * n
    if choice == 7:
        return "x1" + "*x1" * (n * 10)
    return f"({valid_expression(rng, 3)})**{rng.choice([99, 100, 101, 1000, -100, 99.5])}"


def generate(rng: random.Random) -> tuple[str, str]:
    """One input and its kind."""
    draw = rng.random()
    if draw < 0.35:
        return "valid", valid_expression(rng)
    if draw < 0.6:
        return "mutated", mutated_expression(rng)
    if draw < 0.85:
        return "junk", junk(rng)
    if draw < 0.95:
        return "escape", rng.choice(ESCAPES)
    return "caps", at_the_caps(rng)


# -- the checks ------------------------------------------------------------------------


class Tripwire(BaseException):
    """Raised by the replaced process-spawning functions; a BaseException so that no except Exception hides it."""


@contextlib.contextmanager
def tripwires():
    """Replace the functions that start processes by ones that raise :class:`Tripwire`."""

    def trip(*args, **kwargs):
        raise Tripwire(f"a process was started: {args!r}")

    names = [(os, "system"), (os, "popen"), (subprocess, "Popen")]
    names += [(os, name) for name in ("execv", "execve", "execl", "execvp", "spawnv", "posix_spawn") if hasattr(os, name)]
    saved = [(module, name, getattr(module, name)) for module, name in names]
    try:
        for module, name, _ in saved:
            setattr(module, name, trip)
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


def check_one(text: str, limit: float = 1.0) -> tuple[str, float, str | None]:
    """Run one input; return (outcome, seconds, failure or None). Outcome: "accepted" or "rejected"."""
    from rmsprop.objectives import Objective, from_expression

    start = time.perf_counter()
    try:
        objective = from_expression(text)
    except ValueError as error:
        seconds = time.perf_counter() - start
        message = str(error)
        if "\n" in message or not message.startswith("expression rejected: "):
            return "rejected", seconds, f"bad message {message!r}"
        return "rejected", seconds, None if seconds < limit else f"took {seconds:.2f} s"
    except Tripwire as error:
        return "tripped", time.perf_counter() - start, f"tripwire: {error}"
    except BaseException as error:  # noqa: BLE001 -- anything but ValueError is the failure we look for
        return "crashed", time.perf_counter() - start, f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - start
    if seconds >= limit:
        return "accepted", seconds, f"took {seconds:.2f} s"
    if not isinstance(objective, Objective):
        return "accepted", seconds, f"returned {type(objective).__name__}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dim = objective.dim
            value, gradient = objective.value_and_grad(objective.start)
            if np.shape(value) != () or gradient.shape != (dim,):
                return "accepted", seconds, f"shapes {np.shape(value)}, {gradient.shape}"
            grid = np.linspace(-3, 3, 2 * 5, dtype=np.float32).reshape(1, 2, 5) * np.ones((dim, 1, 1), np.float32)
            values, gradients = objective.f(grid), objective.grad(grid)
            if values.shape != (2, 5) or gradients.shape != (dim, 2, 5):
                return "accepted", seconds, f"grid shapes {values.shape}, {gradients.shape}"
            if values.dtype != np.float32 or gradients.dtype != np.float32:
                return "accepted", seconds, f"grid dtypes {values.dtype}, {gradients.dtype}"
    except BaseException as error:  # noqa: BLE001
        return "accepted", seconds, f"evaluation failed: {type(error).__name__}: {error}"
    return "accepted", seconds, None


def run(count: int, seed: int = 0, limit: float = 1.0, progress: bool = False) -> dict:
    """Run ``count`` generated inputs in an empty temporary directory; return a summary.

    The summary holds ``counts`` ({(kind, outcome): n}), ``failures`` (a list of
    (kind, text, why)), ``slowest`` ((seconds, kind, text) for the ten slowest
    calls) and ``leftovers`` (files found in the working directory afterwards).
    """
    rng = random.Random(seed)
    counts: dict = {}
    failures: list = []
    slowest: list = []
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch, tripwires():
        os.chdir(scratch)
        try:
            for i in range(count):
                kind, text = generate(rng)
                outcome, seconds, failure = check_one(text, limit)
                counts[kind, outcome] = counts.get((kind, outcome), 0) + 1
                if failure is not None:
                    failures.append((kind, text, failure))
                slowest.append((seconds, kind, text))
                if len(slowest) > 50:
                    slowest = sorted(slowest, reverse=True)[:10]
                if progress and (i + 1) % 1000 == 0:
                    print(f"  {i + 1} inputs, {len(failures)} failures", file=sys.stderr, flush=True)
            leftovers = sorted(os.listdir(scratch))
        finally:
            os.chdir(here)
    return {
        "counts": counts,
        "failures": failures,
        "slowest": sorted(slowest, reverse=True)[:10],
        "leftovers": leftovers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=100_000, help="number of inputs (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=1.0, help="seconds allowed per call (default 1)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = run(args.count, args.seed, args.limit, progress=True)
    print(f"{args.count} inputs in {time.perf_counter() - started:.1f} s (seed {args.seed})")
    for (kind, outcome), n in sorted(summary["counts"].items()):
        print(f"  {kind:8s} {outcome:9s} {n}")
    print("slowest calls:")
    for seconds, kind, text in summary["slowest"]:
        print(f"  {seconds:.3f} s  {kind:8s} {text[:70]!r}")
    if summary["leftovers"]:
        print(f"FILES CREATED: {summary['leftovers']}")
    for kind, text, why in summary["failures"][:50]:
        print(f"FAILURE ({kind}) {text[:100]!r}: {why}")
    ok = not summary["failures"] and not summary["leftovers"]
    print("OK" if ok else f"{len(summary['failures'])} failures")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
