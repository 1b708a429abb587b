"""Objectives typed as text: ``from_expression("(1 - x)**2 + 100*(y - x**2)**2")``.

A user's formula is turned into an :class:`~rmsprop.objectives.Objective` whose
gradient is worked out symbolically by SymPy.  The text is untrusted, so it is
read by a small whitelist grammar and never executed.

How the text is read
--------------------
1. Up-front checks on the raw text: at most ``MAX_LENGTH`` (1000) characters;
   printable ASCII plus tab, newline and carriage return only (Python's parser
   NFKC-normalises identifiers, so a full-width ``ｘ1`` would silently become
   ``x1``; a zero-width space could hide in a name); not empty; brackets nested
   at most ``MAX_DEPTH`` (50) deep, counted before the parser sees the text
   (very deep brackets make CPython's parser fail or recurse).
2. ``ast.parse(text, mode="eval")`` -- the only thing ever done with the text
   by Python's machinery.  Leading whitespace is dropped first (the parser
   would call it an indent); columns in messages are those of the text as typed.
3. An iterative pass over the tree caps the node count (``MAX_NODES``, 400) and
   the nesting depth (``MAX_DEPTH``, 50; a chain ``a + b - c + ...`` or
   ``a * b / c * ...`` counts as one level however long it is).
4. A recursive walk that accepts only the grammar below and builds SymPy
   expressions node by node from SymPy objects (``Symbol``, ``Integer``,
   ``Float``, ``Add``, ``Mul``, ``Pow``, ``sin``, ...).  The user's text never
   reaches Python's code-evaluating builtins, nor SymPy's string parsers: the
   only string handed to a parser is the user's text to ``ast.parse``.

Grammar
-------
* numbers: ``int`` and ``float`` literals (``3``, ``2.5``, ``1e-3``, ``1_000``,
  ``0x10``) of absolute value at most ``MAX_LITERAL`` (1e100); no ``bool``,
  complex, string or bytes literals;
* variables, one of two styles (mixing them is an error):

  - ``x1, x2, ..., xn`` with n <= ``MAX_DIM`` (100): ``dim`` is the highest
    index used, and every index below it is a coordinate even if unused
    (``"x3**2"`` is a 3-D objective, flat in x1 and x2);
  - ``x, y, z``, coordinates 1, 2, 3: ``dim`` is again the highest coordinate
    used, so ``"x**2"`` is 1-D, ``"y**2"`` and ``"(1 - x)**2 + 100*(y - x**2)**2"``
    are 2-D and ``"z"`` is 3-D;

  a text without any variable is rejected (it has no dimension);
* constants ``pi`` and ``e`` (the doubles ``math.pi`` and ``math.e``);
* binary ``+ - * / **``, unary ``-`` and ``+``, parentheses;
* calls of these functions by plain name, with exactly this many positional
  arguments: ``sin cos tan asin/arcsin acos/arccos atan/arctan sinh cosh tanh
  asinh/arcsinh acosh/arccosh atanh/arctanh exp log (natural) log2 log10 sqrt
  abs`` (one argument) and ``atan2/arctan2(y, x)`` (two).

Everything else -- attributes, subscripts, calls of anything else, keyword or
starred arguments, lambdas, comprehensions, displays (tuples, lists, sets,
dicts), comparisons, boolean operators, conditional expressions, f-strings,
``:=``, ``await``/``yield``, the operators ``// % @ ^ & | << >> ~ not`` -- is
rejected with a :class:`ValueError` whose message is one line that starts
``expression rejected:``, names the offending piece and where it is, and says
what is allowed.

Constants and caps
------------------
Sub-expressions without a variable are folded while walking, in Python
``int``/``float`` arithmetic and the ``math`` module -- what NumPy would
compute from the same doubles, up to the last bit of a library function -- so
that SymPy never sees (or evaluates) a tower of constants.  A folded constant
must be a finite real double: ``1/0``, ``0**-1``, ``log(0)``, ``sqrt(-1)``,
``(-8)**(1/3)``, ``exp(1000)`` and ``1e100**4`` are rejected, naming the piece.
Division by a constant zero (``x1/0``) is rejected too.  A constant exponent
must satisfy |p| <= ``MAX_EXPONENT`` (100): ``x1**1000`` is rejected, and
``9**9**9`` is rejected after folding the cheap inner ``9**9`` --
``9**387420489`` is never computed.  Division by a constant c is SymPy's
multiplication by 1/c (``x1**6/6`` is ``(1/6)*x1**6``), which may differ from
the division in the last bit.  Integer powers of integers are computed
exactly only when the result is known to fit a double.  Every number in the
generated code must be a finite double (integers above 2**53 are written as
doubles).  With variables inside, overflow is not an error:
``exp(exp(exp(exp(x1))))`` is accepted and evaluates to ``inf`` where the
double range ends, with NumPy's usual ``inf``/``nan`` results and no warnings.

Growth guard: the work of differentiating is estimated before it is done
(:func:`_chain_rule_work`, about linear in the size of the formula times the
number of coordinates) and an expression over ``MAX_WORK`` units (about half a
second) is rejected.  With the caps above no accepted expression takes more
than about 0.3 s on this project's (busy, two-core) machines.

The variables carry no SymPy assumptions (in particular they are not declared
real), so SymPy makes only identity-preserving simplifications such as
``x1 - x1`` -> 0 or ``x1*x1`` -> ``x1**2`` and does not turn ``exp(log(x))``
into ``x``.  A sub-expression that SymPy finds to be non-real or infinite
(``log(x1 - x1)``, ``(x1 - x1)**-1``, ``(-2)**(x1 - x1 + 0.5)``) is rejected, and so
is a function whose gradient is (``0**x1``, ``(-2)**x1``: d/dx (-2)**x involves
log(-2)).  Outside a function's real domain f is ``nan``, as in NumPy
(``sqrt(-exp(x1))`` is accepted and is ``nan`` everywhere).  SymPy has one
zero, so a typed ``-0.0`` is ``0.0`` (``atan2(-0.0, -1)`` is pi, not -pi).

The program and its gradient
----------------------------
A non-atomic argument of a function, a power or a division, and a sum that is
a factor of a product, becomes an intermediate symbol ``_t1, _t2, ...``; f is
the straight-line program ``_t1 = ...; _t2 = ...; return ...`` in which each
SymPy expression is shallow.  The gradient is forward-mode chain rule over that
program (:func:`_chain_rule`): each local partial derivative is ``sympy.diff``
of a shallow expression (sums term by term and products by the product rule,
see :func:`_partial`).  ``sympy.diff`` of the whole nested expression gives the
same derivative, but its cost is unpredictable -- the fuzzer found
40-deep nestings of functions on which it ran for minutes and took 12 GB --
while the program form costs about linear time and names every
subexpression once in the generated code.  It also keeps the typed structure:
``0.26*(x1**2 + x2**2)`` is computed as written, not distributed.

Evaluation
----------
f and the gradient are compiled with ``sympy.lambdify(symbols, outputs,
modules="numpy", cse=...)``, the intermediates passed as lambdify's
common-subexpression statements.  Lambdify writes Python source from the SymPy
objects that were built here (not from the user's text) and runs it through
``exec``; a printer subclass writes every float with ``repr(float(...))`` so
that constants such as ``pi`` keep all 17 digits (the stock printer writes 15).
The compiled functions are called with the coordinates as 1-D arrays (``x``
reshaped to ``(dim, -1)``), never as NumPy scalars: NumPy computes
``array**2`` as ``x*x``, but ``float64_scalar**2`` calls libm ``pow``, which is
not correctly rounded for squares on this machine.  This makes
``from_expression("5*x1**2 + 7*x2**2")`` bit-identical to the catalogue's
``seed`` (and its RMSprop run to the seed's).  Constant gradient components
(``d/dx1 (x1 + x2**2)`` is ``1``) and constant functions (``"x1 - x1"`` is
``0``) are broadcast to the right shape.  The output dtype is the input's
floating dtype (float32 stays float32; integer input becomes float64); the
generated code keeps float32 arithmetic in float32 because its numbers are
Python numbers, except where SymPy writes a NumPy constant such as
``numpy.log(2)``, which computes in float64 before the result is stored as
float32.  ``abs`` is a small SymPy function of our own (``RealAbs``, derivative
``sign``, printed ``numpy.absolute``): SymPy's ``Abs`` differentiates through
``re`` and ``im``.

SymPy is imported on the first call, not with :mod:`rmsprop`.
"""

from __future__ import annotations

import ast
import functools
import math
import warnings

import numpy as np

from ._coordinates import coordinates
from ._objective import Objective

__all__ = ["from_expression"]

MAX_LENGTH = 1000
MAX_DEPTH = 50
MAX_NODES = 400
MAX_EXPONENT = 100
MAX_LITERAL = 1e100
MAX_DIM = 100
MAX_WORK = 15_000  # about 0.5 s, see _chain_rule_work

_EXACT_INT = 2**53  # larger integers become floats
_PREFIX = "expression rejected: "
_EXAMPLE = "5*x1**2 + 7*x2**2"

# name -> (number of arguments, SymPy function name, function on Python floats)
_FUNCTIONS: dict[str, tuple[int, str, object]] = {
    "sin": (1, "sin", math.sin),
    "cos": (1, "cos", math.cos),
    "tan": (1, "tan", math.tan),
    "asin": (1, "asin", math.asin),
    "arcsin": (1, "asin", math.asin),
    "acos": (1, "acos", math.acos),
    "arccos": (1, "acos", math.acos),
    "atan": (1, "atan", math.atan),
    "arctan": (1, "atan", math.atan),
    "sinh": (1, "sinh", math.sinh),
    "cosh": (1, "cosh", math.cosh),
    "tanh": (1, "tanh", math.tanh),
    "asinh": (1, "asinh", math.asinh),
    "arcsinh": (1, "asinh", math.asinh),
    "acosh": (1, "acosh", math.acosh),
    "arccosh": (1, "acosh", math.acosh),
    "atanh": (1, "atanh", math.atanh),
    "arctanh": (1, "atanh", math.atanh),
    "exp": (1, "exp", math.exp),
    "log": (1, "log", math.log),
    "log2": (1, "log2", math.log2),
    "log10": (1, "log10", math.log10),
    "sqrt": (1, "sqrt", math.sqrt),
    "abs": (1, "Abs", abs),  # built as RealAbs, see _real_functions
    "atan2": (2, "atan2", math.atan2),
    "arctan2": (2, "atan2", math.atan2),
}
_CONSTANTS = {"pi": math.pi, "e": math.e}
_XYZ = {"x": 1, "y": 2, "z": 3}


def _indexed(ident: str) -> str | None:
    """The digits of a name ``x<digits>`` (ASCII, checked up front), else None."""
    return ident[1:] if len(ident) > 1 and ident[0] == "x" and ident[1:].isdigit() else None


_FUNCTION_LIST = ", ".join(_FUNCTIONS)
_ALLOWED = (
    "allowed: numbers, variables x1..xn or x, y, z, constants pi and e, "
    f"operators + - * / ** and unary -, and the functions {_FUNCTION_LIST}"
)

_OPERATOR_TEXT = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitXor: "^",
    ast.BitAnd: "&", ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>",
    ast.USub: "-", ast.UAdd: "+", ast.Not: "not", ast.Invert: "~",
}
# Left-associative chains of one precedence level count as one nesting level.
_CHAIN_GROUP = {ast.Add: "additive", ast.Sub: "additive", ast.Mult: "multiplicative", ast.Div: "multiplicative"}

_NODE_KINDS = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.IfExp: "conditional expression",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string field",
    ast.NamedExpr: "assignment expression",
    ast.Starred: "starred expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
}


def _reject(message: str):
    """Raise the one-line ValueError for a rejected expression."""
    raise ValueError(_PREFIX + " ".join(message.split("\n")))


def _show(piece: str, limit: int = 60) -> str:
    """``piece`` quoted on one line (``repr`` escapes newlines), shortened past ``limit``."""
    if len(piece) > limit:
        piece = piece[: limit - 3] + "..."
    return repr(piece)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _where(text: str, index: int) -> str:
    line, column = _position(text, index)
    return f"at column {column}" if "\n" not in text else f"at line {line}, column {column}"


# --------------------------------------------------------------------------------------
# Text checks and parsing
# --------------------------------------------------------------------------------------


def _check_text(text: str) -> None:
    """The checks on the raw text, before the parser sees it."""
    if len(text) > MAX_LENGTH:
        _reject(f"the expression is {len(text)} characters long; at most {MAX_LENGTH} are allowed")
    for index, char in enumerate(text):
        code = ord(char)
        if code > 127:
            _reject(
                f"non-ASCII character {char!r} (U+{code:04X}) {_where(text, index)}; "
                "write the expression in plain ASCII (e.g. x1, not a full-width or accented letter)"
            )
        if (code < 32 and char not in "\t\n\r") or code == 127:
            _reject(f"control character {char!r} {_where(text, index)} is not allowed")
    if not text.strip():
        _reject(f"the expression is empty; write a formula such as {_EXAMPLE}")
    depth = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                _reject(f"brackets nested deeper than {MAX_DEPTH} levels {_where(text, index)}")
        elif char in ")]}":
            depth -= 1


def _parse(text: str) -> tuple[ast.expr, str, int]:
    """Parse ``text`` (checked) into its expression node.

    Returns the node, the text the parser saw (``text`` without leading
    whitespace) and the number of characters dropped from its front.
    """
    source = text.lstrip()
    shift = len(text) - len(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escapes in a (rejected) string literal
            tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        message = (error.msg or "invalid syntax").split("\n")[0]
        if message.startswith("invalid syntax"):
            message = "invalid syntax"  # drop Python's hints ("Perhaps you forgot a comma?")
        lines = source.split("\n")
        lineno = min(max(error.lineno or 1, 1), len(lines))
        line = lines[lineno - 1]
        offset = error.offset if error.offset is not None and error.offset >= 1 else len(line) + 1  # 0: at the end
        index = sum(len(before) + 1 for before in lines[: lineno - 1]) + min(offset - 1, len(line))
        near = source[max(index - 10, 0) : index + 10].strip() or source.strip()
        _reject(
            f"{message} {_where(text, index + shift)} near {_show(near)} "
            f"(write a formula such as {_EXAMPLE})"
        )
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        _reject(f"the expression could not be parsed ({type(error).__name__}); write a formula such as {_EXAMPLE}")
    return tree.body, source, shift


def _check_size(body: ast.expr, locate) -> None:
    """Cap the node count and the nesting depth, without recursion."""
    count = 0
    stack = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
            continue
        count += 1
        if count > MAX_NODES:
            _reject(f"the expression has more than {MAX_NODES} parts; simplify it")
        if depth > MAX_DEPTH:
            _reject(f"the expression is nested deeper than {MAX_DEPTH} levels {locate(node)}")
        group = _CHAIN_GROUP.get(type(node.op)) if isinstance(node, ast.BinOp) else None
        for child in ast.iter_child_nodes(node):
            same_chain = (
                group is not None
                and child is node.left
                and isinstance(child, ast.BinOp)
                and _CHAIN_GROUP.get(type(child.op)) == group
            )
            stack.append((child, depth if same_chain else depth + 1))


# --------------------------------------------------------------------------------------
# The walk: AST -> SymPy, folding constants in Python arithmetic
# --------------------------------------------------------------------------------------


def _is_constant(value) -> bool:
    return isinstance(value, (int, float))


class _Builder:
    """Walks a checked tree and builds the SymPy program.

    Values are Python ``int``/``float`` while no variable is involved, SymPy
    expressions otherwise.  A non-atomic argument of a function, a power or a
    division, and a sum that is a factor of a product, is replaced by an
    intermediate symbol ``_t1, _t2, ...`` whose definition goes to
    ``assignments`` (in evaluation order), so that every SymPy expression stays
    shallow; see :func:`_chain_rule` for why.
    """

    def __init__(self, text: str, source: str, shift: int, sympy) -> None:
        self.text = text
        self.source = source
        self.shift = shift
        self.sp = sympy
        self.style: str | None = None  # "indexed" (x1, x2, ...) or "xyz"
        self.style_example = ""
        self.dim = 0
        self.symbols: dict[int, object] = {}
        self.assignments: list[tuple[object, object]] = []
        self.bad = {sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo}

    # -- positions and messages --------------------------------------------------------

    def index(self, lineno: int, col_offset: int) -> int:
        """Index in the user's text of a parser position (ASCII: bytes are characters)."""
        lines = self.source.split("\n")
        return self.shift + sum(len(line) + 1 for line in lines[: lineno - 1]) + col_offset

    def where(self, node) -> str:
        lineno = getattr(node, "lineno", None)
        if lineno is None:
            return "in the expression"
        return _where(self.text, self.index(lineno, node.col_offset))

    def segment(self, node) -> str:
        piece = ast.get_source_segment(self.source, node)
        return piece if piece is not None else type(node).__name__

    def piece(self, node) -> str:
        return f"{_show(self.segment(node))} {self.where(node)}"

    # -- conversions -------------------------------------------------------------------

    def sym(self, value):
        """A value as a SymPy object (numbers from their exact Python value)."""
        if isinstance(value, int):
            return self.sp.Integer(value)
        if isinstance(value, float):
            return self.sp.Float(value)
        return value

    def atom(self, value):
        """``value`` as a SymPy atom: itself if it is a number or symbol, else a new intermediate symbol."""
        value = self.sym(value)
        if value.is_Atom:
            return value
        intermediate = self.sp.Symbol(f"_t{len(self.assignments) + 1}")
        self.assignments.append((intermediate, value))
        return intermediate

    def normal(self, value, node):
        """A folded constant as a finite real ``int`` (<= 2**53) or ``float``."""
        if isinstance(value, complex):
            _reject(f"{self.piece(node)} is not a real number")
        if isinstance(value, int):
            if abs(value) <= _EXACT_INT:
                return value
            try:
                value = float(value)
            except OverflowError:
                _reject(f"{self.piece(node)} overflows a double")
        if not math.isfinite(value):
            _reject(f"{self.piece(node)} overflows a double (it is {value})")
        return value

    def check_shallow(self, result, node):
        """Reject a SymPy result that SymPy made non-real or infinite at this node."""
        sp = self.sp
        if not isinstance(result, sp.Basic):
            return
        parts = [result, *result.args]
        for arg in result.args:
            parts.extend(arg.args)
        if any(part in self.bad for part in parts):
            _reject(f"{self.piece(node)} is not a finite real number (SymPy reduces it to {_show(str(result))})")

    # -- the walk ----------------------------------------------------------------------

    def build(self, node):
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        self.not_allowed(node)

    def not_allowed(self, node):
        if isinstance(node, ast.Attribute):
            # point at ".attr", as in "attribute access '.real' at column 3"
            lines = self.source.split("\n")
            column = node.col_offset
            if node.value.end_lineno == node.end_lineno:
                line = lines[node.end_lineno - 1]
                gap = line[node.value.end_col_offset : node.end_col_offset]
                if "." in gap:
                    column = node.value.end_col_offset + gap.index(".")
            at = _where(self.text, self.index(node.end_lineno, column))
            _reject(f"attribute access {_show('.' + node.attr)} {at} is not allowed ({_ALLOWED})")
        if isinstance(node, ast.BoolOp):
            operator = "and" if isinstance(node.op, ast.And) else "or"
            _reject(f"boolean operator {operator!r} in {self.piece(node)} is not allowed ({_ALLOWED})")
        kind = _NODE_KINDS.get(type(node), type(node).__name__)
        _reject(f"{kind} {self.piece(node)} is not allowed ({_ALLOWED})")

    def number(self, node):
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            _reject(f"{self.piece(node)} is not a number ({_ALLOWED})")
        if isinstance(value, str):
            _reject(f"string literal {self.piece(node)} is not allowed ({_ALLOWED})")
        if isinstance(value, bytes):
            _reject(f"bytes literal {self.piece(node)} is not allowed ({_ALLOWED})")
        if isinstance(value, complex):
            _reject(f"complex number {self.piece(node)} is not allowed; numbers must be real ({_ALLOWED})")
        if not isinstance(value, (int, float)):
            _reject(f"literal {self.piece(node)} is not allowed ({_ALLOWED})")
        too_big = abs(value) > 10**100 if isinstance(value, int) else not abs(value) <= MAX_LITERAL
        if too_big:
            _reject(f"number {self.piece(node)} is out of range; literals must be at most {MAX_LITERAL:g} in absolute value")
        return self.normal(value, node)

    def name(self, node):
        ident = node.id
        if ident in _CONSTANTS:
            return _CONSTANTS[ident]
        if ident in _FUNCTIONS:
            _reject(f"function {self.piece(node)} must be called, e.g. {ident}(x1)")
        digits = _indexed(ident)
        if digits is not None:
            if digits.lstrip("0") == "":
                _reject(f"variable {self.piece(node)} does not exist; variables are numbered from x1")
            if digits.startswith("0"):
                _reject(f"variable {self.piece(node)} has a leading zero; write x{digits.lstrip('0')}")
            if len(digits) > 3 or int(digits) > MAX_DIM:
                _reject(f"variable {self.piece(node)} is beyond x{MAX_DIM}; at most {MAX_DIM} variables are allowed")
            return self.variable(node, "indexed", int(digits))
        if ident in _XYZ:
            return self.variable(node, "xyz", _XYZ[ident])
        hint = " (names are case-sensitive)" if ident.lower() in {*_FUNCTIONS, *_CONSTANTS, *_XYZ} or _indexed(ident.lower()) else ""
        _reject(f"{self.piece(node)} is not a known name{hint} ({_ALLOWED})")

    def variable(self, node, style: str, index: int):
        if self.style is None:
            self.style, self.style_example = style, node.id
        elif self.style != style:
            _reject(
                f"variable {self.piece(node)} mixes the two naming styles "
                f"({self.style_example!r} was used before); use x1, x2, ... or x, y, z, not both"
            )
        self.dim = max(self.dim, index)
        return self.symbol(index)

    def symbol(self, index: int):
        if index not in self.symbols:
            name = f"x{index}" if self.style == "indexed" else "xyz"[index - 1]
            self.symbols[index] = self.sp.Symbol(name)
        return self.symbols[index]

    def unary(self, node):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            _reject(f"operator {_OPERATOR_TEXT[type(node.op)]!r} in {self.piece(node)} is not allowed ({_ALLOWED})")
        value = self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return value
        return -value

    def binary(self, node):
        op = type(node.op)
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            text = _OPERATOR_TEXT.get(op, op.__name__)
            hint = "; write x**2 for a power" if op is ast.BitXor else ""
            _reject(f"operator {text!r} in {self.piece(node)} is not allowed{hint} ({_ALLOWED})")
        if op is ast.Pow:
            return self.power(node)
        # Walk a left-associative chain (a + b - c + ...) without recursing into its spine.
        chain = []
        group = _CHAIN_GROUP[op]
        current = node
        while isinstance(current, ast.BinOp) and _CHAIN_GROUP.get(type(current.op)) == group:
            chain.append(current)
            current = current.left
        value = self.build(current)
        terms = None  # the SymPy terms (factors) once a variable is involved
        for link in reversed(chain):
            right = self.build(link.right)
            if terms is None and _is_constant(value) and _is_constant(right):
                value = self.fold(link, value, right)
            else:
                if terms is None:
                    terms = [self.operand(value, group)]
                terms.append(self.term(link, right))
        if terms is None:
            return value
        # One Add / Mul for the whole chain: adding terms one by one re-sorts the
        # growing sum each time (quadratic in its length).
        result = self.sp.Add(*terms) if group == "additive" else self.sp.Mul(*terms)
        if any(isinstance(link.op, ast.Div) for link in chain):
            self.check_shallow(result, node)
        return result

    def fold(self, node, left, right):
        """``left op right`` for two constants, in Python arithmetic."""
        op = type(node.op)
        try:
            if op is ast.Add:
                result = left + right
            elif op is ast.Sub:
                result = left - right
            elif op is ast.Mult:
                result = left * right
            else:
                result = left / right
        except ZeroDivisionError:
            _reject(f"{self.piece(node)} divides by zero")
        except OverflowError:
            _reject(f"{self.piece(node)} overflows a double")
        return self.normal(result, node)

    def operand(self, value, group: str):
        """A chain's first operand as a SymPy term.

        A sum inside a product becomes an intermediate: SymPy would distribute
        2*(x1 + 1) into 2*x1 + 2 (not what was typed, nor how it rounds), and
        nested products of sums (Horner forms) would make deep local expressions.
        """
        value = self.sym(value)
        return self.atom(value) if group == "multiplicative" and value.is_Add else value

    def term(self, node, right):
        """The SymPy term that ``op right`` contributes to its chain."""
        op = type(node.op)
        if op is ast.Add:
            return self.sym(right)
        if op is ast.Sub:
            return -self.sym(right)
        if op is ast.Mult:
            return self.operand(right, "multiplicative")
        if _is_constant(right):
            if right == 0:
                _reject(f"{self.piece(node)} divides by zero")
            return self.sp.Pow(self.sym(right), -1)
        return self.sp.Pow(self.atom(right), -1)

    def power(self, node):
        base = self.build(node.left)
        exponent = self.build(node.right)
        if _is_constant(exponent) and abs(exponent) > MAX_EXPONENT:
            _reject(
                f"exponent {self.piece(node.right)} (= {exponent:.6g}) is too large; "
                f"a constant exponent must be at most {MAX_EXPONENT} in absolute value"
            )
        if _is_constant(base) and _is_constant(exponent):
            if (
                isinstance(base, int)
                and isinstance(exponent, int)
                and exponent > 0
                and abs(base) > 1
                and (abs(base).bit_length() - 1) * exponent > 1100
            ):
                _reject(f"{self.piece(node)} overflows a double")
            try:
                result = base**exponent
            except ZeroDivisionError:
                _reject(f"{self.piece(node)} divides by zero")
            except OverflowError:
                _reject(f"{self.piece(node)} overflows a double")
            return self.normal(result, node)
        result = self.sp.Pow(self.atom(base), self.atom(exponent))
        self.check_shallow(result, node)
        return result

    def call(self, node):
        func = node.func
        if not isinstance(func, ast.Name):
            self.build(func)  # rejects attributes, subscripts, ... with their own message
            _reject(f"{self.piece(func)} is not a function; only named functions may be called ({_ALLOWED})")
        ident = func.id
        if ident not in _FUNCTIONS:
            if ident in _CONSTANTS or ident in _XYZ or _indexed(ident):
                _reject(f"{self.piece(func)} is not a function and cannot be called ({_ALLOWED})")
            _reject(f"{self.piece(func)} is not a known function ({_ALLOWED})")
        arity, sympy_name, on_floats = _FUNCTIONS[ident]
        if node.keywords:
            keyword = node.keywords[0]
            what = "keyword argument" if keyword.arg is not None else "argument unpacking"
            _reject(f"{what} {self.piece(keyword)} in {_show(self.segment(node))} is not allowed; write {ident}(...) with plain arguments")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                _reject(f"starred argument {self.piece(arg)} in {_show(self.segment(node))} is not allowed")
        if len(node.args) != arity:
            _reject(
                f"{ident!r} takes exactly {arity} argument{'s' if arity > 1 else ''}, "
                f"got {len(node.args)} in {self.piece(node)}"
            )
        values = [self.build(arg) for arg in node.args]
        if all(_is_constant(value) for value in values):
            try:
                result = on_floats(*values)
            except ValueError:
                _reject(f"{self.piece(node)} is outside the domain of {ident}")
            except OverflowError:
                _reject(f"{self.piece(node)} overflows a double")
            except ZeroDivisionError:
                _reject(f"{self.piece(node)} divides by zero")
            return self.normal(result, node)
        sp = self.sp
        args = [self.atom(value) for value in values]
        if sympy_name == "log2":
            result = sp.log(args[0]) * sp.Float(1.0 / math.log(2.0))
        elif sympy_name == "log10":
            result = sp.log(args[0]) * sp.Float(1.0 / math.log(10.0))
        elif sympy_name == "Abs":
            result = _real_functions()[0](args[0])
        else:
            result = getattr(sp, sympy_name)(*args)
        self.check_shallow(result, node)
        return result


# --------------------------------------------------------------------------------------
# Compilation
# --------------------------------------------------------------------------------------


@functools.cache
def _real_functions():
    """``abs`` and its derivative ``sign`` for real arguments, as SymPy functions (created lazily).

    SymPy's ``Abs(u)`` differentiates through ``re(u)`` and ``im(u)`` (and a
    slow rewrite) whenever it cannot prove u real -- e.g. ``abs(acosh(x1))`` --
    which costs seconds on nested expressions and leaves ``im`` terms in the
    gradient.  Everything here is real arithmetic (NumPy gives ``nan`` outside
    a function's real domain), so ``d|u|/dx = sign(u) du/dx``, with sign(0) = 0:
    a subgradient, as in the catalogue's ``ackley``.
    """
    import sympy

    # ``eval`` below is SymPy's hook for simplifying a call on a number (a SymPy object, never text),
    # not Python's builtin.
    class RealSign(sympy.Function):
        nargs = 1

        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return sympy.sign(arg)

        def fdiff(self, argindex=1):
            return sympy.Integer(0)

        def _eval_is_extended_real(self):
            return True

    class RealAbs(sympy.Function):
        nargs = 1

        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return abs(arg)

        def fdiff(self, argindex=1):
            return RealSign(self.args[0])

        def _eval_is_extended_real(self):
            return True

        def _eval_is_extended_nonnegative(self):
            return True

    return RealAbs, RealSign


@functools.cache
def _printer():
    """A NumPy code printer that writes floats with all their digits (created lazily: it subclasses SymPy)."""
    from sympy.printing.numpy import NumPyPrinter

    class ExactNumPyPrinter(NumPyPrinter):
        def _print_Float(self, expr):
            return repr(float(expr))

        def _print_Integer(self, expr):
            value = int(expr)
            return str(value) if abs(value) <= _EXACT_INT else repr(float(value))

        def _print_RealAbs(self, expr):
            return f"{self._module_format('numpy.absolute')}({self._print(expr.args[0])})"

        def _print_RealSign(self, expr):
            return f"{self._module_format('numpy.sign')}({self._print(expr.args[0])})"

    return ExactNumPyPrinter


def _check_numbers(expr, what: str, text: str, sympy) -> None:
    """Reject non-real or infinite parts, unevaluated derivatives and numbers that do not fit a double."""
    if expr.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        _reject(f"{what} of {_show(text)} is not a finite real function (SymPy reduces it to {_show(str(expr))})")
    if expr.has(sympy.Derivative, sympy.Subs):
        _reject(f"{what} of {_show(text)} could not be worked out symbolically")
    for number in expr.atoms(sympy.Number):
        try:
            finite = math.isfinite(float(number))
        except (OverflowError, TypeError, ValueError):
            finite = False
        if not finite:
            _reject(
                f"{what} of {_show(text)} grows too large: it contains the number "
                f"{_show(str(number), 30)}, which does not fit a double"
            )


@functools.cache
def _lambdify_options() -> dict:
    """Skip lambdify's docstring (``str`` of the whole expression: a third of its time) where SymPy allows it (>= 1.13)."""
    import inspect

    import sympy

    return {"docstring_limit": 0} if "docstring_limit" in inspect.signature(sympy.lambdify).parameters else {}


def _chain_rule_work(assignments, expr, symbols) -> int:
    """An estimate of the work of :func:`_chain_rule` and of printing its result.

    The steps of :func:`_partial` for every local expression and symbol in it
    (a product of m factors costs m per factor that holds the symbol), ten per
    chain-rule term (one per coordinate that a symbol depends on) and twenty
    per coordinate.  Measured on this project's machines (two busy cores),
    10,000 units take about 0.3 s.
    """
    depends: dict = {symbol: {index} for index, symbol in enumerate(symbols)}
    total = 20 * len(symbols)
    for target, local in [*assignments, (None, expr)]:
        local_symbols = local.free_symbols
        for symbol in local_symbols:
            total += _partial_work(local, symbol) + 10 * len(depends.get(symbol, ()))
        if target is not None:
            depends[target] = set().union(*(depends.get(symbol, set()) for symbol in local_symbols))
        if total > MAX_WORK:
            break
    return total


def _partial_work(local, symbol) -> int:
    """The steps of ``_partial(local, symbol)``: mirrors its recursion."""
    if local.is_Add or local.is_Mul:
        width = len(local.args) if local.is_Mul else 1
        return 1 + sum(width + _partial_work(arg, symbol) for arg in local.args if symbol in arg.free_symbols)
    return sum(1 for _ in _preorder(local))


def _preorder(expr):
    """The nodes of a SymPy expression, without recursion."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.args)


def _partial(local, symbol, sympy):
    """d local / d symbol: sums term by term, products by the product rule, the rest by ``sympy.diff``.

    ``sympy.diff`` of a sum differentiates every term, and of a product of m
    factors makes m**2 derivative calls (general Leibniz rule), whether or not
    they contain the symbol; these two rules touch only the terms and factors
    that do.
    """
    if local.is_Add:
        return sympy.Add(*[_partial(term, symbol, sympy) for term in local.args if symbol in term.free_symbols])
    if local.is_Mul:
        factors = local.args
        return sympy.Add(
            *[
                sympy.Mul(*factors[:i], _partial(factor, symbol, sympy), *factors[i + 1 :])
                for i, factor in enumerate(factors)
                if symbol in factor.free_symbols
            ]
        )
    return sympy.diff(local, symbol)


def _chain_rule(assignments, expr, symbols, sympy):
    """The gradient of the program ``assignments; expr`` by forward-mode chain rule.

    Every local partial derivative is ``sympy.diff`` of a shallow local
    expression (``sin(_t3)``, ``_t1**2 + 100*_t2**2``, ...) in one of its
    symbols, and ``d t / d x_j = sum_u (d local / d u) (d u / d x_j)`` is
    accumulated through the intermediates.  ``sympy.diff`` of the whole nested
    expression gives the same derivative, but its cost is unpredictable: SymPy
    re-examines (assumptions, expansion, rewriting) the full subexpression under
    every level, and the fuzzer found 40-deep nestings of ``tan(acosh(...))``
    that took minutes and 12 GB.  Here every step sees a shallow expression,
    the work is about linear in the size of the formula, and the generated
    code names every intermediate once instead of repeating subexpressions.

    Returns the derivative assignments ``(_d<t>_<j>, expression)`` (after the
    function's own assignments, in evaluation order) and the gradient, one
    expression per coordinate.
    """
    zero, one = sympy.Integer(0), sympy.Integer(1)
    derivative_of: dict = {symbol: {index: one} for index, symbol in enumerate(symbols)}
    derivatives: list = []

    def total(local) -> dict:
        terms: dict = {}
        for symbol in sorted(local.free_symbols, key=str):
            inner = derivative_of.get(symbol)
            if not inner:
                continue
            partial = _partial(local, symbol, sympy)
            if partial == 0:
                continue
            for index, factor in inner.items():
                terms[index] = terms.get(index, zero) + partial * factor
        return terms

    for target, local in assignments:
        atoms = {}
        for index, term in total(local).items():
            if term == 0:
                continue
            if term.is_Atom:
                atoms[index] = term
            else:
                name = sympy.Symbol(f"_d{target.name[2:]}_{index + 1}")
                derivatives.append((name, term))
                atoms[index] = name
        derivative_of[target] = atoms
    terms = total(expr)
    return derivatives, [terms.get(index, zero) for index in range(len(symbols))]


def _prune(assignments, outputs) -> list:
    """The assignments that the outputs need, in order (SymPy may cancel an intermediate away)."""
    needed = set().union(*(output.free_symbols for output in outputs))
    kept = []
    for target, local in reversed(assignments):
        if target in needed:
            kept.append((target, local))
            needed |= local.free_symbols
    return kept[::-1]


def _compile(symbols, outputs, assignments, sympy):
    """``lambdify`` of the program: the assignments as lambdify's ``cse`` statements, then the outputs."""
    statements = _prune(assignments, outputs)
    return sympy.lambdify(
        symbols,
        outputs,
        modules="numpy",
        printer=_printer(),
        cse=lambda _: (statements, outputs),
        **_lambdify_options(),
    )


def _evaluator(compiled, name: str, dim: int):
    """``f(x)`` on the Objective convention, from the compiled f."""

    def f(x):
        x = coordinates(x, name, dim)
        columns = x.reshape(dim, math.prod(x.shape[1:]))  # 1-D arrays: array**2 is x*x
        out = np.empty(columns.shape[1], dtype=x.dtype)
        with np.errstate(all="ignore"):
            out[...] = compiled(*columns)[0]
        out = out.reshape(x.shape[1:])
        return out[()] if out.ndim == 0 else out

    return f


def _gradient(compiled, name: str, dim: int):
    """``grad(x)`` on the Objective convention, from the compiled list of components."""

    def grad(x):
        x = coordinates(x, name, dim)
        columns = x.reshape(dim, math.prod(x.shape[1:]))
        out = np.empty(columns.shape, dtype=x.dtype)
        with np.errstate(all="ignore"):
            for i, component in enumerate(compiled(*columns)):
                out[i] = component  # constant components broadcast
        return out.reshape(x.shape)

    return grad


def _one_line(value) -> str:
    return " ".join(repr(value).split())[:80]


def _domain(domain, dim: int) -> tuple[tuple[float, float], ...]:
    if domain is None:
        return ((-5.0, 5.0),) * dim
    message = f"domain must be one (lo, hi) pair or {dim} such pairs of finite numbers with lo < hi; got {_one_line(domain)}"
    try:
        pairs = np.array(domain, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if pairs.shape == (2,):
        pairs = np.tile(pairs, (dim, 1))
    if pairs.shape != (dim, 2) or not np.all(np.isfinite(pairs)) or not np.all(pairs[:, 0] < pairs[:, 1]):
        raise ValueError(message)
    return tuple((float(lo), float(hi)) for lo, hi in pairs)


def _start(start, domain, dim: int) -> np.ndarray:
    if start is None:
        return np.array([(lo + hi) / 2.0 for lo, hi in domain])
    message = f"start must be {dim} finite numbers; got {_one_line(start)}"
    try:
        point = np.array(start, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if point.shape != (dim,) or not np.all(np.isfinite(point)):
        raise ValueError(message)
    return point


def from_expression(text: str, *, domain=None, start=None, name: str | None = None) -> Objective:
    """An :class:`Objective` from a formula typed as text, with a symbolic gradient.

    >>> obj = from_expression("(1 - x)**2 + 100*(y - x**2)**2")   # doctest: +SKIP
    >>> obj.dim, obj(obj.start), obj.grad([1.0, 1.0])             # doctest: +SKIP
    (2, 1.0, array([0., 0.]))

    Parameters
    ----------
    text : str
        The formula, in the grammar of :mod:`rmsprop.objectives._expression`:
        numbers, the variables ``x1, ..., xn`` (``dim`` = the highest index
        used) or ``x, y, z`` (``dim`` = the highest of 1, 2, 3 used), the
        constants ``pi`` and ``e``, ``+ - * / **``, unary ``-``/``+``,
        parentheses and the functions ``sin cos tan asin acos atan sinh cosh
        tanh asinh acosh atanh exp log log2 log10 sqrt abs`` (``arcsin`` and
        so on as aliases) and ``atan2(y, x)``.  The text is parsed with
        ``ast.parse`` and read by a whitelist; it is never executed.
        ``sympy.lambdify`` compiles code that it generates from the SymPy tree
        built here, not the text.
    domain : (lo, hi) or sequence of dim (lo, hi), optional
        The plotting window, one pair for every coordinate or one pair per
        coordinate; default ``(-5, 5)`` for each.
    start : sequence of dim floats, optional
        The suggested start; default the middle of the domain.
    name : str, optional
        Default: the text with its whitespace runs collapsed to single spaces.

    Returns
    -------
    Objective
        ``formula`` is the text as given and ``reference`` is ``"typed
        expression"``.  Nothing is known about its minima: ``minima`` has
        shape ``(0, dim)`` and ``min_value`` is ``nan`` (unknown -- ``-inf``
        would claim that f is unbounded below).

    Raises
    ------
    TypeError
        If ``text`` or ``name`` is not a str.
    ValueError
        If the text is rejected (one line starting ``expression rejected:``
        that names the offending piece and says what is allowed), or if
        ``domain`` or ``start`` is malformed.
    """
    if not isinstance(text, str):
        raise TypeError(f"expression must be a str; got {type(text).__name__}")
    typed, text = text, text.replace("\r\n", "\n").replace("\r", "\n")  # one kind of line break
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str; got {type(name).__name__}")
    _check_text(text)
    body, source, shift = _parse(text)

    import sympy  # lazily: `import rmsprop` stays light

    builder = _Builder(text, source, shift, sympy)
    _check_size(body, builder.where)
    try:
        value = builder.build(body)
        if builder.dim == 0:
            _reject(f"{_show(text.strip())} uses no variable; write a function of x1, x2, ... or x, y, z")
        symbols = [builder.symbol(index) for index in range(1, builder.dim + 1)]
        expr = builder.sym(value)
        assignments = builder.assignments
        for _, local in assignments:
            _check_numbers(local, "the function", text, sympy)
        _check_numbers(expr, "the function", text, sympy)
        work = _chain_rule_work(assignments, expr, symbols)
        if work > MAX_WORK:
            _reject(
                f"{_show(text.strip())} is too large to differentiate: its gradient would take about "
                f"{work} units of work, at most {MAX_WORK} are allowed (fewer variables, factors or nested functions)"
            )
        derivatives, gradient = _chain_rule(assignments, expr, symbols, sympy)
        for part in [local for _, local in derivatives] + gradient:
            _check_numbers(part, "the gradient", text, sympy)
        f_compiled = _compile(symbols, [expr], assignments, sympy)
        grad_compiled = _compile(symbols, gradient, assignments + derivatives, sympy)
    except (RecursionError, MemoryError, OverflowError, ArithmeticError, TypeError, NotImplementedError) as error:
        # A safety net: SymPy ran out of room on an expression within the caps.
        raise ValueError(
            f"{_PREFIX}{_show(text.strip())} is too complex to differentiate and compile ({type(error).__name__}); simplify it"
        ) from error

    dim = builder.dim
    label = " ".join(text.split()) if name is None else name
    domain = _domain(domain, dim)
    start = _start(start, domain, dim)
    f = _evaluator(f_compiled, label, dim)
    grad = _gradient(grad_compiled, label, dim)
    try:  # the generated code must run; a failure here is a bug, reported as a rejection
        f(start)
        grad(start)
    except Exception as error:  # pragma: no cover - defensive
        raise ValueError(f"{_PREFIX}{_show(text.strip())} could not be evaluated ({type(error).__name__}: {error})".replace("\n", " ")) from error
    return Objective(
        name=label,
        f=f,
        grad=grad,
        dim=dim,
        minima=np.empty((0, dim)),
        min_value=math.nan,
        domain=domain,
        start=start,
        formula=typed,
        reference="typed expression",
    )
