"""Fuzz ``rmsprop.objectives.from_expression`` with generated inputs.

Every input -- grammar-valid formulas, mutated formulas, random junk, inputs at
and far past the size caps, known escape attempts and Unicode look-alikes --
must either build an Objective or raise ``ValueError`` with a one-line message
starting ``expression rejected:``; nothing else may escape.  What is checked:

* **no code runs**: a ``sys.audit`` hook is armed during every call.  It stops
  (and reports) any process start (``os.system``, ``subprocess.Popen``,
  ``os.exec*``, ``os.posix_spawn``, ``os.fork``, ...), any file written, renamed
  or removed anywhere (``open`` for writing, ``os.remove``, ``shutil.*``; only
  Python's own ``.pyc`` caches are allowed), sockets, ``ctypes``, ``input``,
  ``breakpoint``, ``pickle`` loads and new audit hooks; and it allows ``compile``
  and ``exec`` only of the text's ``ast.parse`` and of the code SymPy's ``lambdify``
  writes (and of modules imported for the first time).  The escape payloads
  name a *canary* (``fuzzcanary``): importing a module of that name, opening a
  file of that name, or executing a code object that mentions it -- the first
  thing an escaped payload does -- is caught.  ``os.system``, ``os.popen``,
  ``os.exec*`` and ``subprocess.Popen`` are replaced by tripwires too.  A
  self-test (:func:`self_test`) first shows that these checks catch a naive
  ``eval`` of each payload, including the Unicode ones;
* **nothing is touched**: each worker runs in an empty temporary directory,
  which must still be empty at the end;
* **the grammar's promises**: an accepted text is printable ASCII of at most
  1000 characters (Python NFKC-normalises identifiers, so ``ｅｖａｌ``, ``ℯ``,
  ``x𝟏`` or ``__𝓲𝓶𝓹𝓸𝓻𝓽__`` would silently become ``eval``, ``e``, ``x1`` and
  ``__import__``; the parser must refuse every non-ASCII character before
  Python's parser sees the text), and no escape attempt or look-alike is ever
  accepted;
* **time**: building the objective and evaluating it (f and grad at its start
  and on a small float32 grid, every warning an error, shapes and dtypes
  checked) takes under ``--limit`` seconds (1 s) per input;
* **the process survives**: the inputs run in forked worker processes watched
  by this one.  A worker that dies (segfault, abort, killed for memory) is
  reported with the input it was running, and so is one still on one input
  after ``--hang`` seconds (it is killed); the worker then resumes after that
  input.  ``--memory-gb`` caps each worker's address space.

    python tests/fuzz/fuzz_expression.py [-n 100000] [--seed 0] [--limit 1.0] [--jobs 1]

The fixed list of escape attempts (:func:`fixed_inputs`) runs first, then ``-n``
generated inputs.  A small run of the same generator and checks is part of the
tests (``tests/test_expression.py`` loads this file by its path; pytest does not
collect it, its name does not start with ``test_``).  Prints the counts per kind of input and
outcome and the slowest calls; exits 1 on any failure.
"""

from __future__ import annotations

import os

# Single-threaded BLAS before NumPy loads: the workers are forked from this process.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import contextlib
import faulthandler
import keyword
import mmap
import pickle
import random
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unicodedata
import warnings

import numpy as np

# -- the generator ---------------------------------------------------------------------

FUNCTIONS_1 = (
    "sin",
    "cos",
    "tan",
    "asin",
    "arcsin",
    "acos",
    "arccos",
    "atan",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "arcsinh",
    "acosh",
    "arccosh",
    "atanh",
    "arctanh",
    "exp",
    "log",
    "log2",
    "log10",
    "sqrt",
    "abs",
)
FUNCTIONS_2 = ("atan2", "arctan2")

#: The grammar's caps (rmsprop.objectives._expression), restated: the checks must not trust the code under test.
MAX_LENGTH = 1000

#: The name the escape payloads reach for; the audit hook reports any import, open or execution of it.
CANARY = "fuzzcanary"

# Known escape attempts and classic parser abuse; each must be rejected.
ESCAPES = (
    # dunder attributes and introspection
    "__import__('os').system('echo hi')",
    "__import__('os').system('touch pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "().__class__.__base__.__subclasses__()",
    "().__class__.__bases__",
    "x1.__class__",
    "x1.__class__.__mro__",
    "x1.__class__.__mro__[-1].__subclasses__()",
    "(1).__class__",
    "(1).__class__.__base__.__subclasses__()[0]",
    "x1.real",
    "x1.__add__(1)",
    "x1.__pow__(9**9)",
    "x1.__dict__",
    "x1.__reduce_ex__(2)",
    "sin.__globals__",
    "sin.__globals__['__builtins__']",
    "sin.__self__",
    "sin.__code__.co_consts",
    "sin.__module__",
    "__builtins__.__dict__['eval']('1')",
    "__loader__",
    "__spec__",
    "__name__",
    "__file__",
    "__debug__",
    "_",
    "type(x1)",
    "type.__subclasses__(type)",
    "object.__subclasses__()",
    "x1.subs(x1, 2)",
    "x1.evalf()",
    "Symbol('x')",
    # lambdas, comprehensions, generators
    "lambda: 1",
    "lambda x1: x1",
    "(lambda: __import__('os'))()",
    "(lambda x=1: x)(x1)",
    "lambda: lambda: lambda: x1",
    "[x for x in ()]",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "{x1 for x1 in ()}",
    "{k: v for k, v in globals().items()}",
    "(x for x in ())",
    "sum(x1 for _ in range(9**9))",
    "[y := x1 for _ in (1,)]",
    "{1}",
    "{'a': 1}",
    "[x1]",
    "(x1,)",
    "x1, x2",
    "x1[0]",
    "x1[::-1]",
    # literals, operators and statements outside the grammar
    "'abc'",
    "'a' * 10**9",
    "b'x'",
    "r'x'",
    "u'x'",
    "1 if x1 else 2",
    "x1 < 2",
    "x1 and x2",
    "x1 or x2",
    "not x1",
    "f'{x1}'",
    'f\'{__import__("os").system("echo hi")}\'',
    "(x1 := 2)",
    "open('f', 'w')",
    "open('f')",
    "open('/etc/passwd').read()",
    "eval('1')",
    "exec('1')",
    "compile('1', 'f', 'eval')",
    "getattr(x1, 'real')",
    "setattr(x1, 'a', 1)",
    "globals()",
    "locals()",
    "vars()",
    "dir()",
    "help()",
    "__builtins__",
    "__import__",
    "breakpoint()",
    "input()",
    "print(1)",
    "exit()",
    "quit()",
    "sympify('x')",
    "S('x')",
    "parse_expr('x1')",
    "lambdify(x1, x1)",
    "I*x1",
    "E**x1",
    "oo*x1",
    "zoo*x1",
    "nan",
    "inf*x1",
    "pow(x1, 2)",
    "max(x1, 1)",
    "sin(x1, x2)",
    "sin(x=x1)",
    "sin(*[x1])",
    "sin(**{'x': 1})",
    "sin()",
    "sin",
    "sin(sin)",
    "atan2(x1)",
    "atan2(x1, x2, x3)",
    # huge powers and numbers
    "9**9**9",
    "9**9**9**9",
    "x1*9**9**9",
    "(9**9)**(9**9)*x1",
    "x1**(9**9**9)",
    "2**2**2**2**2*x1",
    "x1**2**2**2**2**2",
    "10**10**10**10*x1",
    "x1**1000",
    "x1**-1000",
    "x1**101",
    "x1**100.5",
    "x1**1e308",
    "2**10000",
    "2**10000*x1",
    "10**100**100",
    "1e100**1e100*x1",
    "1e400",
    "1e400*x1",
    "1e308*10",
    "1e308*10*x1",
    "x1/0",
    "x1/(1-1)",
    "x1 + 1/0",
    "x1*0**-1",
    "x1 + log(0)",
    "x1 + sqrt(-1)",
    "x1 + exp(1000)",
    "exp(exp(exp(1000)))*x1",
    "x1*" + "9" * 400,
    "x1*" + "9" * 2000,
    "x1*1" + "0" * 101,
    "x1 * 0x" + "f" * 200,
    # names outside the grammar
    "x1\u200b",
    "\uff581",
    "x\u2081",
    "x_1",
    "x0",
    "x101",
    "x" + "1" * 50,
    "X1",
    "x1 x2",
    "x1 + y",
    # syntax
    "",
    "   ",
    "x1 +",
    "*",
    "x1; x2",
    "import os",
    "from os import system",
    "x1 = 2",
    "del x1",
    "(yield)",
    "(yield from x1)",
    "await x1",
    "async def f(): pass",
    "x1 @ x2",
    "x1 // 2",
    "x1 % 2",
    "x1 ^ 2",
    "x1 & 2",
    "x1 | 2",
    "~x1",
    "x1 << 2",
    "x1 >> 2",
    "1j*x1",
    "True*x1",
    "None",
    "...",
    "x1\x00",
    "\\x00",
    "x1\x0b+1",
    "x1\x0c+1",
    "x1\x1b[2J",
    "x1\x7f",
    "x1 # comment\n+ __import__('os')",
    "x1 \\\n + __import__('os')",
    "x1\n\n+1",
    "# comment",
)

# Inputs at the edges of the caps that are valid formulas: they may be accepted (and must then evaluate).
EDGES = (
    "x1**1e-400",  # x1**0.0: the literal underflows
    "x1*0." + "0" * 990 + "1",
    "x1*1e-99999",
    "(x1**99)**99",  # SymPy makes it x1**9801; a constant exponent is capped where it is typed
    "((x1**100)**100)**100",
    "x1**100",
    "x1**-100",
    "x1*1e100",
    "x1*" + "9" * 100,
    "(" * 49 + "x1" + ")" * 49,
    "x1 #",
    "x1 # comment",
    "\n\tx1\r\n",
    "x100",
    "+".join(f"x{i}" for i in range(1, 101)),
    "exp(exp(exp(exp(x1))))",
    "1e100**2*x1",
)

# Payloads whose first effect, were they executed, is to import, open, execute or spawn the canary.
CANARY_ESCAPES = (
    f"__import__('{CANARY}')",
    f"x1 + __import__('{CANARY}')",
    f"sin(__import__('{CANARY}'))",
    f"(lambda: __import__('{CANARY}'))()",
    f"(lambda m=__import__('{CANARY}'): m)()",
    f"[__import__('{CANARY}') for _ in '1']",
    f"{{__import__('{CANARY}')}}",
    f"eval(\"__import__('{CANARY}')\")",
    f"exec('import {CANARY}')",
    f"eval(compile('import {CANARY}', 'f', 'exec'))",
    f"__builtins__.__import__('{CANARY}')",
    f"getattr(__builtins__, '__import__')('{CANARY}')",
    f"[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'BuiltinImporter'][0]"
    f".load_module('{CANARY}')",
    f"open('{CANARY}', 'w')",
    f"open('{CANARY}').read()",
    f"__import__('os').system('touch {CANARY}')",
    f"__import__('os').popen('touch {CANARY}')",
    f"__import__('subprocess').Popen(['touch', '{CANARY}'])",
    f"__import__('subprocess').run('touch {CANARY}', shell=True)",
    f"__import__('pathlib').Path('{CANARY}').touch()",
    f"__import__('os').remove('{CANARY}')",
    f"f'{{__import__(\"{CANARY}\")}}'",
    f"x1 if __import__('{CANARY}') else x2",
    f"(m := __import__('{CANARY}'))",
)


def _nfkc_alternatives() -> dict[str, list[str]]:
    """For each ASCII character, the characters that NFKC-normalise to it (``ｅ``, ``ℯ``, ``𝓮``, ``ₑ``, ...)."""
    table: dict[str, list[str]] = {}
    blocks = (
        (0xA0, 0x250),
        (0x2000, 0x2C00),
        (0x3000, 0x3100),
        (0xFB00, 0xFB50),
        (0xFE00, 0xFFF0),
        (0x1D400, 0x1D800),
        (0x1F100, 0x1F200),
    )
    for low, high in blocks:
        for code in range(low, high):
            char = chr(code)
            normal = unicodedata.normalize("NFKC", char)
            if len(normal) == 1 and normal.isascii() and normal != char:
                table.setdefault(normal, []).append(char)
    return table


#: ASCII character -> characters that NFKC-normalise to it.
NFKC = _nfkc_alternatives()
#: The same, restricted to characters that Python accepts inside an identifier (so ``eval`` of the text runs).
NFKC_IDENTIFIER = {
    ascii_char: [c for c in chars if ("a" + c).isidentifier()]
    for ascii_char, chars in NFKC.items()
    if ascii_char.isalnum() or ascii_char == "_"
}
# Characters that look like ASCII but do not normalise to it (Cyrillic, Greek, Armenian, Latin extensions, ...).
HOMOGLYPHS = {
    "a": "\u0430\u03b1\u0251",
    "c": "\u0441\u03f2\u217d",
    "e": "\u0435\u0454\u04bd\u212e",
    "h": "\u04bb\u0570",
    "i": "\u0456\u0131\u03b9\u0269",
    "j": "\u0458\u03f3",
    "l": "\u04cf\u0399\u01c0",
    "n": "\u0578\u057c",
    "o": "\u043e\u03bf\u0585\u0ce6",
    "p": "\u0440\u03c1",
    "q": "\u051b\u0566",
    "r": "\u0433",
    "s": "\u0455",
    "t": "\u03c4",
    "u": "\u03c5\u057d",
    "v": "\u03bd\u0475",
    "x": "\u0445\u03c7\u2179\u00d7",
    "y": "\u0443\u04af",
    "0": "\u041e\u039f\u0660\u06f0\u07c0",
    "1": "\u0661\u06f1\u07c1\u0967\u0e51\u04c0",
    "2": "\u0662\u0968\u01bb",
    "3": "\u0663\u0417\u0969",
    "+": "\u16ed\u2795\u2214",
    "-": "\u2212\u2010\u2011\u2012\u2013\u2014\u02d7\u2796",
    "*": "\u2217\u2219\u22c5\u00b7\u2731\u00d7",
    "/": "\u2215\u2044\u2571\u29f8\u00f7",
    "(": "\u2768\u276a\u27ee",
    ")": "\u2769\u276b\u27ef",
    ".": "\u00b7\u2024\u0701",
    ",": "\u201a\u060c",
    "'": "\u2018\u2019\u02bc\u2032",
    '"': "\u201c\u201d\u2033\u02ba",
    "_": "\u2017\u02cd",
}
# Invisible, spacing, bidi and other format characters to slip into a text.
INVISIBLE = (
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u180e",
    "\u034f",
    "\u061c",
    "\u2061",
    "\u2062",
    "\u2063",
    "\u2064",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u00a0",
    "\u1680",
    "\u2000",
    "\u2002",
    "\u2007",
    "\u2009",
    "\u200a",
    "\u202f",
    "\u205f",
    "\u3000",
    "\u2028",
    "\u2029",
    "\u0085",
    "\u0301",
    "\u0338",
    "\u20d7",
    "\ufe0f",
    "\U000e0041",
    "\U000e007f",
    "\ud800",
    "\udfff",
    "\ue000",
    "\uffff",
    "\ufffd",
    "\U0010ffff",
    "\u00b2",
    "\u00b3",
    "\u00b9",
    "\u2070",
    "\u207b",
    "\u2081",
    "\u03c0",
    "\u2148",
    "\u2147",
    "\u221a",
    "\u221e",
)

# Unicode inputs that must be rejected, each a known trick.
UNICODE_ESCAPES = (
    "\uff45\uff56\uff41\uff4c('1')",  # ｅｖａｌ('1'): NFKC 'eval'
    f"\uff45\uff56\uff41\uff4c(\"__import__('{CANARY}')\")",
    f"__\U0001d4f2\U0001d4f6\U0001d4f9\U0001d4f8\U0001d4fb\U0001d4fd__('{CANARY}')",  # __𝓲𝓶𝓹𝓸𝓻𝓽__
    f"\uff45\uff58\uff45\uff43('import {CANARY}')",  # ｅｘｅｃ
    f"\u212fval(\"__import__('{CANARY}')\")",  # ℯval
    f"\uff4f\uff50\uff45\uff4e('{CANARY}', 'w')",  # ｏｐｅｎ
    "().__\U0001d484\U0001d48d\U0001d482\U0001d494\U0001d494__",  # __𝒄𝒍𝒂𝒔𝒔__
    "\u212f**x1",  # ℯ**x1: NFKC 'e**x1'
    "\u2147**x1",  # ⅇ (double-struck italic e)
    "x\U0001d7cf**2",  # x𝟏**2: NFKC 'x1**2'
    "\uff58\uff11**2",  # ｘ１**2
    "\uff58\uff11\uff0a\uff0a\uff12",  # ｘ１＊＊２
    "\u0435xp(x1)",  # еxp with a Cyrillic е
    "\u0435\u0445\u0440(\u04451)",  # ехр(х1), all Cyrillic
    "s\u2170n(x1)",  # sⅰn: a Roman numeral one
    "\uff53\uff49\uff4e(x1)",  # ｓｉｎ(x1): NFKC 'sin(x1)'
    "\U0001d42c\U0001d422\U0001d427(x1)",  # 𝐬𝐢𝐧(x1)
    "\uff50\uff49*x1",  # ｐｉ*x1
    "\u03c0*x1",  # π*x1
    "x1\u00b2",  # x1²
    "x\u2081**2",  # x₁
    "x1 \u2212 1",  # a minus sign
    "x1\u200b+1",
    "x\u200d1**2",
    "\ufeffx1",  # a byte-order mark
    "x1\u00a0+1",  # a no-break space
    "x1\u3000+1",
    "x1\u2028+1",
    "x1\u0085+1",
    "x1 + 1 \u202e# ))1(metsys.)'so'(__tropmi__ + \u202c",  # a right-to-left override (Trojan Source)
    "x1\u0301",  # a combining accent
    "\ud800",  # a lone surrogate
    "x1 + \udfff",
    "x1\U000e0001",  # a tag character
    "\u0660*x1",  # an Arabic-Indic zero
    "x1*\U0001d7d0",  # a bold digit two
    "\uff11\uff10**x1",  # full-width digits
    "x1**\u00bd",  # ½
)


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


def valid_expression(
    rng: random.Random, depth: int | None = None, style: str | None = None, dim: int | None = None
) -> str:
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


DANGEROUS_TOKENS = (
    "__import__",
    "__class__",
    "__subclasses__",
    "__globals__",
    "__builtins__",
    ".",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "lambda",
    "lambda:",
    ":",
    ":=",
    "if",
    "else",
    "for",
    "in",
    "<",
    ">",
    "==",
    "and",
    "or",
    "not",
    "//",
    "%",
    "@",
    "^",
    "~",
    "**9**9",
    "**1000",
    "**9**9**9",
    "1e400",
    "x0",
    "x101",
    "X1",
    "x_1",
    "os",
    "system",
    "eval",
    "exec",
    "open",
    "getattr",
    ",",
    "*",
    "**",
    "(",
    ")",
    "\u200b",
    "\uff58",
    "\uff45\uff56\uff41\uff4c",
    "\u212f",
    "\u0435",
    "\U0001d7cf",
    "\n",
    "\t",
    "\r",
    "\\",
    "#",
    ";",
    "=",
    "$",
    "?",
    "!",
    "`",
    "1j",
    "True",
    "None",
    "yield",
    "await",
    f"__import__('{CANARY}')",
)

JUNK_ALPHABET = (
    "x1234567890yz+-*/() .,e pi sin cos exp log sqrt abs atan2 [ ] { } ' \" _ : = < > ! @ # % ^ & | ~ ` ; ? \\ \n \t"
).split(" ") + ["\u00e9", "\u200b", "\uff58", "\u2212", "\u00b2", "\x00", " ", "\u212f", "\u0435", "\ud800"]


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


def _identifier_positions(text: str) -> list[tuple[int, bool]]:
    """``(index, starts_a_name)`` for the characters of names outside string literals.

    Keywords and string prefixes are left out: a look-alike spelling of them is not a name to Python.
    """
    positions: list[tuple[int, bool]] = []
    quote, i = None, 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = None
            i += 1
        elif char in "'\"":
            quote = char
            i += 1
        elif char.isalpha() or char == "_":
            j = i
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            if not keyword.iskeyword(word) and not (j < len(text) and text[j] in "'\""):
                positions += [(k, k == i) for k in range(i, j)]
            i = j
        else:
            i += 1
    return positions


def nfkc_lookalike(rng: random.Random, text: str, share: float | None = None) -> str:
    """``text`` with some characters of its names replaced by characters that NFKC-normalise to them.

    The result means the same to Python's parser (``eval`` of it runs the same code), so an
    expression reader that let it through would accept (or execute) what the text spells.
    """
    chars = list(text)
    options = {}
    for i, starts in _identifier_positions(text):
        fits = [c for c in NFKC_IDENTIFIER.get(chars[i], ()) if c.isidentifier() or not starts]
        if fits:
            options[i] = fits
    if not options:
        return text
    share = rng.uniform(0.05, 1.0) if share is None else share
    chosen = [i for i in options if rng.random() < share] or [rng.choice(sorted(options))]
    for i in chosen:
        chars[i] = rng.choice(options[i])
    return "".join(chars)


def full_width(text: str) -> str:
    """The letters and digits of the names of ``text`` in full width (``ｅｖａｌ``: NFKC ``eval``)."""
    chars = list(text)
    for i, _ in _identifier_positions(text):
        if chars[i] != "_":  # a full-width low line cannot start a name
            chars[i] = chr(ord(chars[i]) + 0xFEE0)
    return "".join(chars)


def lookalike(rng: random.Random, text: str) -> str:
    """``text`` with at least one character replaced by a look-alike, or an invisible character slipped in."""
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        how = rng.random()
        i = rng.randrange(len(chars)) if chars else 0
        if how < 0.35 and chars and chars[i] in NFKC:
            chars[i] = rng.choice(NFKC[chars[i]])  # any NFKC equivalent, operators and brackets too
        elif how < 0.7 and chars and chars[i] in HOMOGLYPHS:
            chars[i] = rng.choice(HOMOGLYPHS[chars[i]])
        else:
            chars.insert(rng.randint(0, len(chars)), rng.choice(INVISIBLE))
    result = "".join(chars)
    return result if not result.isascii() else result + rng.choice(INVISIBLE)


def unicode_input(rng: random.Random) -> str:
    """A Unicode trick: a valid formula or an escape payload in look-alike characters, or Unicode junk."""
    draw = rng.random()
    if draw < 0.35:
        return nfkc_lookalike(rng, valid_expression(rng))  # would be accepted if normalised
    if draw < 0.6:
        return nfkc_lookalike(rng, rng.choice(CANARY_ESCAPES + ESCAPES[:40]))  # would run if normalised
    if draw < 0.85:
        return lookalike(rng, rng.choice([valid_expression(rng), rng.choice(ESCAPES), rng.choice(CANARY_ESCAPES)]))
    pool = "".join(INVISIBLE) + "".join(c for chars in HOMOGLYPHS.values() for c in chars) + "x1+*()"
    text = "".join(
        rng.choice(pool) if rng.random() < 0.7 else chr(rng.randrange(0x80, 0x110000))
        for _ in range(rng.randint(1, 30))
    )
    return text if not text.isascii() else text + "\u200b"


def at_the_caps(rng: random.Random) -> str:
    """Inputs near or past the size caps: long, deep, wide, many variables, big numbers and powers."""
    n = rng.randint(10, 120)
    choice = rng.randrange(20)
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
    if choice == 8:  # deep brackets, far past the cap and past CPython's parser limits
        deep = rng.choice([49, 50, 51, 100, 200, 1000, 10_000, 100_000])
        opening, closing = rng.choice([("(", ")"), ("[", "]"), ("{", "}"), ("sin(", ")"), ("-(", ")")])
        return opening * deep + "x1" + closing * deep
    if choice == 9:  # deep nesting without brackets
        deep = rng.choice([50, 100, 300, 490, 990, 5000])
        token = rng.choice(["-", "+", "~", "not ", "lambda:", "-+", "x1**", "x1 if 1 else ", "await "])
        return token * deep + "x1"
    if choice == 10:  # long texts: just under, at and far over the length cap
        length = rng.choice([MAX_LENGTH - 1, MAX_LENGTH, MAX_LENGTH + 1, 10_000, 1_000_000])
        unit = rng.choice(["x1+", "1", " ", "x1*", "'a", "\u200b", "sin(x1)+"])
        text = (unit * (length // len(unit) + 1))[: length - 2]
        return text + rng.choice(["x1", "1)", "''", "\n1"])
    if choice == 11:  # long literals
        length = rng.choice([100, 300, 990, 5000])
        return rng.choice(
            [
                "x1*" + "9" * length,
                "x1*0." + "0" * length + "1",
                "x1*'" + "a" * length + "'",
                "x1*1e" + "9" * min(length, 20),
                "x1*0x" + "f" * length,
                "x" + "1" * length,
            ]
        )[: rng.choice([MAX_LENGTH, 10 * length])]
    if choice == 12:  # power towers
        base = rng.choice(["9", "2", "10", "x1", "(x1+1)", "1.5", "-2", "0.5"])
        return "*".join([rng.choice(["x1", "1"])] + ["**".join([base] * rng.randint(2, 6))])
    if choice == 13:
        return f"x1**{rng.choice(['(9**9)', '(10**10)', '(2**64)', '(1e100)', '1e308', '-1e308', '(9**9**9)'])}"
    if choice == 14:  # many small exponents multiplied out
        return "*".join(f"(x1+{i})**{rng.randint(50, 100)}" for i in range(rng.randint(2, 12)))
    if choice == 15:  # a wide sum of deep functions (the growth guard)
        return "+".join(f"{rng.choice(FUNCTIONS_1)}({rng.choice(FUNCTIONS_1)}(x{i}))" for i in range(1, n))
    if choice == 16:  # nested comprehensions / lambdas
        return rng.choice(
            [
                "[" * 30 + "x for x in ()" + "]" * 30,
                "(lambda: " * 40 + "x1" + ")" * 40,
                "(x for x in " * 20 + "()" + ")" * 20,
            ]
        )
    if choice == 17:
        return "x" + str(rng.choice([99, 100, 101, 1000, 10**6, 10**30]))
    if choice == 18:
        return "+".join(f"x{rng.randint(1, 100)}" for _ in range(rng.randint(50, 400)))
    return f"({valid_expression(rng, 3)})**{rng.choice([99, 100, 101, 1000, -100, 99.5])}"


def generate(rng: random.Random) -> tuple[str, str]:
    """One input and its kind."""
    draw = rng.random()
    if draw < 0.30:
        return "valid", valid_expression(rng)
    if draw < 0.52:
        return "mutated", mutated_expression(rng)
    if draw < 0.68:
        return "junk", junk(rng)
    if draw < 0.76:
        return "escape", rng.choice(ESCAPES + CANARY_ESCAPES + UNICODE_ESCAPES)
    if draw < 0.92:
        return "unicode", unicode_input(rng)
    return "caps", at_the_caps(rng)


def fixed_inputs() -> list[tuple[str, str]]:
    """Every known escape attempt once, with look-alike spellings of the canary payloads: ``[(kind, text)]``."""
    rng = random.Random(12345)
    items = [("escape", text) for text in ESCAPES + CANARY_ESCAPES + UNICODE_ESCAPES]
    items += [("caps", text) for text in EDGES]
    for text in CANARY_ESCAPES:
        items.append(("unicode", nfkc_lookalike(rng, text, share=1.0)))  # every name character replaced
        items.append(("unicode", nfkc_lookalike(rng, text, share=0.0)))  # one character replaced
        items.append(("unicode", full_width(text)))
    return items


def inputs(count: int, seed: int = 0):
    """``(index, kind, text)``: the fixed inputs, then ``count`` generated ones."""
    index = 0
    for kind, text in fixed_inputs():
        yield index, kind, text
        index += 1
    rng = random.Random(seed)
    for _ in range(count):
        kind, text = generate(rng)
        yield index, kind, text
        index += 1


# -- the checks ------------------------------------------------------------------------


class Tripwire(BaseException):
    """Raised by the tripwires and the audit hook; a BaseException so that no ``except Exception`` hides it."""


@contextlib.contextmanager
def tripwires():
    """Replace the functions that start processes by ones that raise :class:`Tripwire`."""

    def trip(*args, **kwargs):
        GUARD.events.append(f"a process was started: {args!r:.100}")
        raise Tripwire(f"a process was started: {args!r}")

    names = [(os, "system"), (os, "popen"), (subprocess, "Popen")]
    spawners = ("execv", "execve", "execl", "execvp", "spawnv", "posix_spawn")
    names += [(os, name) for name in spawners if hasattr(os, name)]
    saved = [(module, name, getattr(module, name)) for module, name in names]
    try:
        for module, name, _ in saved:
            setattr(module, name, trip)
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


# Audit events that no expression may cause (prefixes end with a dot).
FORBIDDEN_EVENTS = (
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "os.kill",
    "os.killpg",
    "os.startfile",
    "os.putenv",
    "os.unsetenv",
    "os.chdir",
    "os.truncate",
    "os.symlink",
    "os.link",
    "os.rmdir",
    "os.mkdir",
    "os.chmod",
    "os.chown",
    "os.chflags",
    "os.utime",
    "os.setxattr",
    "os.removexattr",
    "subprocess.Popen",
    "pty.spawn",
    "shutil.",
    "socket.",
    "ctypes.",
    "webbrowser.open",
    "urllib.Request",
    "http.client.",
    "ftplib.",
    "smtplib.",
    "imaplib.",
    "poplib.",
    "telnetlib.",
    "sqlite3.connect",
    "pickle.find_class",
    "builtins.input",
    "builtins.breakpoint",
    "sys.addaudithook",
    "sys.settrace",
    "sys.setprofile",
    "sys._current_frames",
    "gc.get_referrers",
    "gc.get_referents",
    "gc.get_objects",
    "tempfile.mkstemp",
    "tempfile.mkdtemp",
    "code.__new__",
    "function.__new__",
    "cpython.run_",
)
FORBIDDEN_IMPORTS = (
    "ctypes",
    "socket",
    "webbrowser",
    "pty",
    "pickle",
    "shelve",
    "urllib.request",
    "http.client",
    "ftplib",
    "smtplib",
    "multiprocessing",
    "asyncio",
    "code",
    "pdb",
    CANARY,
)
SENSITIVE_PATHS = ("/etc/passwd", "/etc/shadow", "/proc/self/environ", ".ssh")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PYC = re.compile(r"\.pyc(\.\d+)?$")
_GENERATED = "<lambdifygenerated-"  # the file name SymPy's lambdify gives the code it writes and runs


def _mentions_canary(code, depth: int = 0) -> bool:
    if depth > 20:
        return False
    names = code.co_names + code.co_varnames + (code.co_filename, code.co_name)
    if any(CANARY in name for name in names):
        return True
    for constant in code.co_consts:
        if isinstance(constant, (str, bytes)) and CANARY in str(constant):
            return True
        if hasattr(constant, "co_consts") and _mentions_canary(constant, depth + 1):
            return True
    return False


def _module_file(filename: str) -> bool:
    """Whether ``filename`` names a Python source file on disk (a module being imported)."""
    return filename.endswith(".py") and os.path.isfile(filename)


def _violation(event: str, args: tuple) -> str | None:
    """Why this audit event must not happen during a call, or ``None``."""
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        path = os.fsdecode(path) if isinstance(path, (str, bytes)) else str(path)
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if CANARY in path or any(s in path for s in SENSITIVE_PATHS):
            return f"opened {path!r}"
        if writes and not _PYC.search(path):
            return f"opened {path!r} for writing (mode {mode!r}, flags {flags!r})"
        return None
    if event == "import":
        name = str(args[0])
        if name in FORBIDDEN_IMPORTS or name.split(".")[0] in FORBIDDEN_IMPORTS or CANARY in name:
            return f"imported {name!r}"
        return None
    if event == "compile":  # ast.parse of the text ('<unknown>') and lambdify's generated code only
        filename = str(args[1]) if len(args) > 1 else "?"
        if filename == "<unknown>" or filename.startswith(_GENERATED) or _module_file(filename):
            return None
        return f"compiled code from {filename!r}"
    if event == "exec":  # lambdify's generated code, and modules imported for the first time
        code = args[0] if args else None
        if hasattr(code, "co_consts") and _mentions_canary(code):
            return f"executed code that mentions {CANARY!r}"
        filename = getattr(code, "co_filename", "?")
        if filename.startswith(_GENERATED) or _module_file(filename):
            return None
        return f"executed code from {filename!r}"
    if event in ("os.remove", "os.rename", "os.replace"):
        paths = [os.fsdecode(a) for a in args if isinstance(a, (str, bytes))]
        if paths and all(_PYC.search(p) for p in paths):
            return None  # the import system writing a bytecode cache
        return f"{event}{tuple(args)!r:.100}"
    if event.startswith(FORBIDDEN_EVENTS):
        return f"{event}{tuple(args)!r:.100}"
    return None


class Guard:
    """A ``sys.audit`` hook that, while armed, records and stops every :func:`_violation`."""

    def __init__(self) -> None:
        self.armed = False
        self.events: list[str] = []
        self.installed = False

    def install(self) -> None:
        if not self.installed:
            sys.addaudithook(self)
            self.installed = True

    def __call__(self, event: str, args: tuple) -> None:
        if not self.armed:
            return
        why = _violation(event, args)
        if why is not None:
            self.events.append(why)
            raise Tripwire(why)

    @contextlib.contextmanager
    def watching(self):
        self.install()
        self.events = []
        self.armed = True
        try:
            yield self.events
        finally:
            self.armed = False


GUARD = Guard()


def _forbidden_text(text: str) -> str | None:
    """Why the grammar must refuse ``text`` whatever else it holds, or ``None``."""
    if len(text) > MAX_LENGTH:
        return f"it is {len(text)} characters long"
    for char in text:
        code = ord(char)
        if code > 127:
            return f"it holds the non-ASCII character U+{code:04X}"
        if (code < 32 and char not in "\t\n\r") or code == 127:
            return f"it holds the control character {char!r}"
    return None


def _from_expression(text: str):
    from rmsprop.objectives import from_expression

    return from_expression(text)


def warm_up() -> None:
    """Load SymPy and the code paths of one accepted and one rejected input before the guard is armed.

    Importing a module for the first time runs its code, which the guard would rightly stop.
    """
    objective = _from_expression("sin(x1)**2 + atan2(x2, 1)")
    objective.value_and_grad(objective.start)
    objective.f(np.ones((2, 2, 2), np.float32))
    objective.grad(np.ones((2, 2, 2), np.float32))
    with contextlib.suppress(ValueError):
        _from_expression("x1 +")


def check_one(text: str, limit: float = 1.0, kind: str | None = None, build=None) -> tuple[str, float, str | None]:
    """Run one input; return (outcome, seconds, failure or None).

    Outcome: ``"accepted"``, ``"rejected"``, ``"tripped"`` (a guard fired) or ``"crashed"``
    (anything but ValueError escaped). ``seconds`` is building plus evaluating. Inputs of the
    kinds ``escape`` and ``unicode``, and any text that is not printable ASCII of at most 1000
    characters, must be rejected. ``build`` (default ``from_expression``) is replaced only by
    the self-test, to show that the checks catch a reader that is not safe.
    """
    from rmsprop.objectives import Objective

    build = _from_expression if build is None else build
    with GUARD.watching() as events:
        start = time.perf_counter()
        try:
            objective = build(text)
        except ValueError as error:
            outcome, objective, failure = "rejected", None, None
            message = str(error)
            if "\n" in message or not message.startswith("expression rejected: "):
                failure = f"bad message {message!r:.200}"
        except Tripwire as error:
            outcome, objective, failure = "tripped", None, f"escape: {error}"
        except BaseException as error:  # noqa: BLE001 -- anything but ValueError is the failure we look for
            outcome, objective, failure = "crashed", None, f"{type(error).__name__}: {error!s:.200}"
        else:
            outcome, failure = "accepted", None
        if objective is not None:
            failure = _check_accepted(text, kind, objective, Objective)
        seconds = time.perf_counter() - start
    if events:  # a violation that the code under test caught and hid
        return "tripped", seconds, f"escape: {'; '.join(events)}"
    if failure is None and seconds >= limit:
        failure = f"took {seconds:.2f} s"
    return outcome, seconds, failure


def _check_accepted(text: str, kind: str | None, objective, objective_type) -> str | None:
    forbidden = _forbidden_text(text)
    if forbidden is not None:
        return f"accepted although {forbidden}"
    if kind in ("escape", "unicode"):
        return "accepted an escape attempt"
    if not isinstance(objective, objective_type):
        return f"returned {type(objective).__name__}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dim = objective.dim
            value, gradient = objective.value_and_grad(objective.start)
            if np.shape(value) != () or gradient.shape != (dim,):
                return f"shapes {np.shape(value)}, {gradient.shape}"
            grid = np.linspace(-3, 3, 2 * 5, dtype=np.float32).reshape(1, 2, 5) * np.ones((dim, 1, 1), np.float32)
            values, gradients = objective.f(grid), objective.grad(grid)
            if values.shape != (2, 5) or gradients.shape != (dim, 2, 5):
                return f"grid shapes {values.shape}, {gradients.shape}"
            if values.dtype != np.float32 or gradients.dtype != np.float32:
                return f"grid dtypes {values.dtype}, {gradients.dtype}"
    except BaseException as error:  # noqa: BLE001 -- a Tripwire here is also in the guard's events
        return f"evaluation failed: {type(error).__name__}: {error!s:.200}"
    return None


class Tally:
    """Counts per (kind, outcome), failures and the slowest calls; mergeable across workers."""

    def __init__(self) -> None:
        self.counts: dict = {}
        self.failures: list = []  # (index, kind, text, why)
        self.slowest: list = []  # (seconds, kind, text)
        self.done = 0

    def add(self, index: int, kind: str, text: str, outcome: str, seconds: float, failure: str | None) -> None:
        self.counts[kind, outcome] = self.counts.get((kind, outcome), 0) + 1
        self.done += 1
        if failure is not None:
            self.failures.append((index, kind, text, failure))
        self.slowest.append((seconds, kind, text))
        if len(self.slowest) > 50:
            self.slowest = sorted(self.slowest, reverse=True)[:10]

    def merge(self, other: Tally) -> None:
        for key, n in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + n
        self.failures += other.failures
        self.slowest = sorted(self.slowest + other.slowest, reverse=True)[:10]
        self.done += other.done


def _work(items, limit: float, tally: Tally, on_start=None, inject: dict | None = None) -> None:
    for index, kind, text in items:
        if on_start is not None:
            on_start(index)
        if inject:  # harness tests: a worker that crashes or hangs on purpose
            if inject.get("crash") == index:
                os.abort()
            if inject.get("hang") == index:
                time.sleep(3600)
        outcome, seconds, failure = check_one(text, limit, kind)
        tally.add(index, kind, text, outcome, seconds, failure)


def run(count: int, seed: int = 0, limit: float = 1.0, progress: bool = False) -> dict:
    """Run the fixed inputs and ``count`` generated ones in this process, in an empty temporary directory.

    The summary holds ``counts`` ({(kind, outcome): n}), ``failures`` (a list of
    (kind, text, why)), ``slowest`` ((seconds, kind, text) for the ten slowest
    calls), ``leftovers`` (files found in the working directory afterwards) and
    ``inputs`` (how many ran). Crashes of the process and hangs are caught only
    by :func:`supervise`.
    """
    warm_up()
    tally = Tally()
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch, tripwires():
        os.chdir(scratch)
        try:
            for index, kind, text in inputs(count, seed):
                outcome, seconds, failure = check_one(text, limit, kind)
                tally.add(index, kind, text, outcome, seconds, failure)
                if progress and tally.done % 1000 == 0:
                    print(f"  {tally.done} inputs, {len(tally.failures)} failures", file=sys.stderr, flush=True)
            leftovers = sorted(os.listdir(scratch))
        finally:
            os.chdir(here)
    return {
        "counts": tally.counts,
        "failures": [(kind, text, why) for _, kind, text, why in tally.failures],
        "slowest": tally.slowest,
        "leftovers": leftovers,
        "inputs": tally.done,
    }


# -- the supervisor: workers in forked processes ---------------------------------------

_SLOT = struct.Struct("<qd")  # the index a worker is on (-1: none) and when it started it (time.monotonic)
_FRAME = struct.Struct("<Q")


def _send(fd: int, value) -> None:
    data = pickle.dumps(value)
    data = _FRAME.pack(len(data)) + data
    while data:
        data = data[os.write(fd, data) :]


def _worker(
    fd: int,
    shared: mmap.mmap,
    job: int,
    jobs: int,
    count: int,
    seed: int,
    limit: float,
    start: int,
    skip: set,
    scratch: str,
    memory_gb: float,
    inject: dict,
    chunk: int,
) -> None:
    """A forked worker: inputs ``i >= start`` with ``i % jobs == job`` not in ``skip``; tallies go to ``fd``."""
    faulthandler.enable()
    if memory_gb > 0:
        import resource

        cap = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    os.chdir(scratch)

    def on_start(index: int) -> None:
        _SLOT.pack_into(shared, job * _SLOT.size, index, time.monotonic())

    mine = ((i, k, t) for i, k, t in inputs(count, seed) if i >= start and i % jobs == job and i not in skip)
    with tripwires():
        while True:
            batch = [item for _, item in zip(range(chunk), mine)]
            if not batch:
                break
            tally = Tally()
            _work(batch, limit, tally, on_start, inject)
            _SLOT.pack_into(shared, job * _SLOT.size, -1, 0.0)
            _send(fd, {"upto": batch[-1][0] + 1, "tally": tally})
    import resource

    _send(fd, {"final": True, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _input_at(index: int, count: int, seed: int) -> tuple[str, str]:
    for i, kind, text in inputs(count, seed):
        if i == index:
            return kind, text
    return "?", "?"


def supervise(
    count: int,
    seed: int = 0,
    limit: float = 1.0,
    jobs: int = 1,
    hang: float = 60.0,
    memory_gb: float = 8.0,
    inject: dict | None = None,
    progress: bool = True,
) -> dict:
    """Run the fixed inputs and ``count`` generated ones in ``jobs`` forked workers; a summary as :func:`run`'s.

    A worker that dies or stays on one input longer than ``hang`` seconds is reported with
    that input (``failures``) and restarted after it. ``maxrss_mb`` is the largest peak
    resident size of a worker.
    """
    warm_up()  # once, before the forks
    tally, finished, maxrss = Tally(), set(), 0.0
    shared = mmap.mmap(-1, _SLOT.size * jobs)
    reported = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-expression-") as root:
        state = {job: {"start": job, "skip": set(), "attempt": 0} for job in range(jobs)}
        running: dict[int, dict] = {}

        def launch(job: int) -> None:
            s = state[job]
            s["attempt"] += 1
            scratch = os.path.join(root, f"worker{job}-{s['attempt']}")
            os.mkdir(scratch)
            _SLOT.pack_into(shared, job * _SLOT.size, -1, 0.0)
            read, write = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # fork() of a process with threads (3.12+)
                pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    os.close(read)
                    _worker(
                        write,
                        shared,
                        job,
                        jobs,
                        count,
                        seed,
                        limit,
                        s["start"],
                        s["skip"],
                        scratch,
                        memory_gb,
                        inject or {},
                        500,
                    )
                except BaseException:  # noqa: BLE001
                    import traceback

                    traceback.print_exc()
                    code = 2
                finally:
                    os._exit(code)
            os.close(write)
            running[pid] = {"job": job, "fd": read, "buffer": b"", "final": False}

        def lost(pid: int, why: str, outcome: str = "crashed") -> None:
            """The worker ``pid`` is gone without finishing: report its input and start it again after that input."""
            info = running.pop(pid)
            job = info["job"]
            os.close(info["fd"])
            index, _ = _SLOT.unpack_from(shared, job * _SLOT.size)
            if index >= 0:
                kind, text = _input_at(index, count, seed)
                tally.failures.append((index, kind, text, why))
                tally.counts[kind, outcome] = tally.counts.get((kind, outcome), 0) + 1
                tally.done += 1
                state[job]["skip"].add(index)
            else:
                tally.failures.append((-1, "?", "?", f"worker {job} {why} between inputs"))
            if state[job]["attempt"] < 100:
                launch(job)

        for job in range(jobs):
            launch(job)
        while running:
            fds = {info["fd"]: pid for pid, info in running.items()}
            ready, _, _ = select.select(list(fds), [], [], 0.5)
            for fd in ready:
                pid = fds[fd]
                info = running[pid]
                data = os.read(fd, 1 << 20)
                info["buffer"] += data
                while len(info["buffer"]) >= _FRAME.size:
                    (size,) = _FRAME.unpack_from(info["buffer"])
                    if len(info["buffer"]) < _FRAME.size + size:
                        break
                    frame = pickle.loads(info["buffer"][_FRAME.size : _FRAME.size + size])
                    info["buffer"] = info["buffer"][_FRAME.size + size :]
                    if frame.get("final"):
                        info["final"] = True
                        maxrss = max(maxrss, frame["maxrss_mb"])
                    else:
                        tally.merge(frame["tally"])
                        state[info["job"]]["start"] = frame["upto"]
                if not data:  # the worker closed its end: it has finished or died
                    _, status = os.waitpid(pid, 0)
                    if info["final"] and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                        running.pop(pid)
                        os.close(fd)
                        finished.add(info["job"])
                    else:
                        how = (
                            f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}"
                            if os.WIFSIGNALED(status)
                            else f"exited with status {os.WEXITSTATUS(status)}"
                        )
                        lost(pid, f"the worker process crashed ({how})")
            now = time.monotonic()
            for pid, info in list(running.items()):
                index, started = _SLOT.unpack_from(shared, info["job"] * _SLOT.size)
                if index >= 0 and now - started > hang:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    lost(pid, f"hung: still running after {hang:g} s (killed)", "hung")
            if progress and tally.done - reported >= 5000:
                reported = tally.done
                print(f"  {tally.done} inputs, {len(tally.failures)} failures", file=sys.stderr, flush=True)
        leftovers = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files)
    tally.failures.sort()
    return {
        "counts": tally.counts,
        "failures": [(kind, text, why) for _, kind, text, why in tally.failures],
        "slowest": tally.slowest,
        "leftovers": leftovers,
        "inputs": tally.done,
        "maxrss_mb": maxrss,
    }


# -- the self-test: the checks must catch an unsafe reader -----------------------------


def self_test(limit: float = 1.0) -> list[str]:
    """Problems with the checks themselves (an empty list when they work).

    Each canary payload, plain and in look-alike characters, is given to a reader that
    calls ``eval``: the guard must report every one. A reader that NFKC-normalises the
    text before ``from_expression`` must be caught accepting look-alikes of valid formulas.
    """
    from rmsprop.objectives import from_expression

    problems = []
    naive = lambda text: eval(text, {})  # noqa: E731,S307 -- the unsafe reader the checks must catch
    normalising = lambda text: from_expression(unicodedata.normalize("NFKC", text))  # noqa: E731
    rng = random.Random(7)
    warm_up()
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch, tripwires():
        os.chdir(scratch)
        try:
            payloads = list(CANARY_ESCAPES) + [nfkc_lookalike(rng, t, share=1.0) for t in CANARY_ESCAPES]
            payloads += [t for t in UNICODE_ESCAPES if CANARY in t]
            for text in payloads:
                outcome, _, failure = check_one(text, limit, "escape", build=naive)
                if outcome != "tripped" or failure is None:
                    problems.append(f"eval of {text!r} was not caught ({outcome})")
            for text in (
                "\uff58\uff11**2",
                "x\U0001d7cf**2",
                "\u212f**x1",
                "\uff53\uff49\uff4e(x1)",
                nfkc_lookalike(rng, "(1 - x)**2 + 100*(y - x**2)**2", share=1.0),
            ):
                outcome, _, failure = check_one(text, limit, "unicode", build=normalising)
                if outcome != "accepted" or failure is None:
                    problems.append(f"a normalising reader accepting {text!r} was not caught ({outcome})")
            for name, action in (
                ("writing a file", lambda text: open("written", "w")),
                ("removing a file", lambda text: os.remove("absent")),
                ("starting a process", lambda text: subprocess.run(["true"])),
                ("os.system", lambda text: os.system("true")),
                ("eval of a string", lambda text: eval("1 + 1")),  # noqa: S307
                ("exec of a code object", lambda text: exec(compile("y = 2", "<unknown>", "exec"), {})),
                ("a hidden escape", lambda text: _hide(lambda: __import__(CANARY))),
            ):
                outcome, _, failure = check_one("x1", limit, "valid", build=action)
                if outcome != "tripped" or failure is None:
                    problems.append(f"{name} was not caught ({outcome})")
            outcome, _, failure = check_one("x1**2", 0.0, "valid")
            if failure is None:
                problems.append("a call over the time limit was not caught")
            if os.listdir(scratch):
                problems.append(f"the self-test left files: {os.listdir(scratch)}")
        finally:
            os.chdir(here)
    return problems


def _hide(action) -> None:
    """Run ``action`` and swallow what it raises, as code under test might; then raise ValueError."""
    try:
        action()
    except BaseException:  # noqa: BLE001
        pass
    raise ValueError("expression rejected: (the self-test's hidden escape)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=100_000, help="number of generated inputs (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=1.0, help="seconds allowed per input (default 1)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--hang", type=float, default=60.0, help="kill a worker stuck this long on one input (60 s)")
    parser.add_argument("--memory-gb", type=float, default=8.0, help="address-space cap per worker (0: none)")
    parser.add_argument("--in-process", action="store_true", help="no workers: no crash or hang detection")
    parser.add_argument("--inject-crash", type=int, default=None, help=argparse.SUPPRESS)  # harness tests
    parser.add_argument("--inject-hang", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    problems = self_test(args.limit)
    for problem in problems:
        print(f"SELF-TEST FAILED: {problem}")
    if args.in_process:
        summary = run(args.count, args.seed, args.limit, progress=True)
    else:
        inject = {"crash": args.inject_crash, "hang": args.inject_hang}
        summary = supervise(args.count, args.seed, args.limit, args.jobs, args.hang, args.memory_gb, inject)
    fixed = len(fixed_inputs())
    print(
        f"{summary['inputs']} inputs ({fixed} fixed, {args.count} generated) in "
        f"{time.perf_counter() - started:.1f} s (seed {args.seed}, jobs {1 if args.in_process else args.jobs})"
    )
    for (kind, outcome), n in sorted(summary["counts"].items()):
        print(f"  {kind:8s} {outcome:9s} {n}")
    if "maxrss_mb" in summary:
        print(f"largest worker: {summary['maxrss_mb']:.0f} MB resident")
    print("slowest calls (build and evaluation):")
    for seconds, kind, text in summary["slowest"]:
        print(f"  {seconds:.3f} s  {kind:8s} {text[:70]!r}")
    if summary["leftovers"]:
        print(f"FILES CREATED: {summary['leftovers']}")
    for kind, text, why in summary["failures"][:50]:
        print(f"FAILURE ({kind}) {text[:100]!r}: {why}")
    ok = not summary["failures"] and not summary["leftovers"] and not problems
    expected = fixed + args.count
    if summary["inputs"] != expected:
        print(f"ran {summary['inputs']} inputs, expected {expected}")
        ok = False
    print("OK" if ok else f"{len(summary['failures'])} failures")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
