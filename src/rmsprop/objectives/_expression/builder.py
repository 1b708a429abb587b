"""The walk: a checked syntax tree to a SymPy program, folding constants in Python arithmetic."""

from __future__ import annotations

import ast
import math

from . import limits
from .grammar import ALLOWED, CONSTANTS, FUNCTIONS, NODE_KINDS, XYZ, indexed
from .messages import location, reject, show
from .operations import Operations
from .positions import Positions


class Builder(Positions, Operations):
    """Walks a checked tree and builds the SymPy program.

    Values are Python ``int``/``float`` while no variable is involved, SymPy
    expressions otherwise.  A non-atomic argument of a function, a power or a
    division, and a sum that is a factor of a product, is replaced by an
    intermediate symbol ``_t1, _t2, ...`` whose definition goes to
    ``assignments`` (in evaluation order), so that every SymPy expression stays
    shallow; see :func:`.gradient.chain_rule` for why.

    Every method that finds something outside the grammar raises the one-line
    ``ValueError`` of :func:`.messages.reject`.

    Parameters
    ----------
    text : str
        The formula as typed (for the positions in messages).
    source : str
        The text the parser saw (``text`` without leading whitespace; see
        :func:`.text.parse`).
    shift : int
        The number of characters dropped from the front of ``text``.
    sympy : module
        The ``sympy`` module (imported by the caller, lazily).

    Attributes
    ----------
    dim : int
        The highest coordinate used so far.
    style : str or None
        ``"indexed"`` (``x1, x2, ...``) or ``"xyz"`` once a variable was read.
    symbols : dict of int to sympy.Symbol
        The coordinates used, by index (1-based).
    assignments : list of (sympy.Symbol, sympy.Expr)
        The intermediates, in evaluation order.

    Examples
    --------
    >>> import sympy
    >>> from rmsprop.objectives._expression.text import parse
    >>> text = "2 * sin(x1 + x2)"
    >>> builder = Builder(text, *parse(text)[1:], sympy)
    >>> builder.build(parse(text)[0])
    2*sin(_t1)
    >>> builder.assignments, builder.dim, builder.style
    ([(_t1, x1 + x2)], 2, 'indexed')

    Constants are folded in Python arithmetic before SymPy sees them:

    >>> text = "2**0.5 * x"
    >>> Builder(text, text, 0, sympy).build(parse(text)[0])
    1.4142135623731*x
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

    # -- conversions -------------------------------------------------------------------

    def sym(self, value):
        """A value as a SymPy object (numbers from their exact Python value).

        Parameters
        ----------
        value : int or float or sympy.Expr
            A folded constant or a SymPy expression.

        Returns
        -------
        sympy.Expr
            ``Integer(value)``, ``Float(value)``, or ``value`` itself.
        """
        if isinstance(value, int):
            return self.sp.Integer(value)
        if isinstance(value, float):
            return self.sp.Float(value)
        return value

    def atom(self, value):
        """``value`` as a SymPy atom: itself if it is a number or symbol, else a new intermediate symbol.

        Parameters
        ----------
        value : int or float or sympy.Expr
            A folded constant or a SymPy expression.

        Returns
        -------
        sympy.Expr
            The number or symbol, or ``_t<k>``, whose definition is appended to
            ``assignments``.
        """
        value = self.sym(value)
        if value.is_Atom:
            return value
        intermediate = self.sp.Symbol(f"_t{len(self.assignments) + 1}")
        self.assignments.append((intermediate, value))
        return intermediate

    def normal(self, value, node):
        """A folded constant as a finite real ``int`` (<= 2**53) or ``float``.

        Parameters
        ----------
        value : int or float or complex
            The result of folding constants.
        node : ast.AST
            Where it was computed, for the message.

        Returns
        -------
        int or float
            ``value``, an integer above 2**53 as a float.

        Raises
        ------
        ValueError
            If ``value`` is complex, or does not fit a finite double.
        """
        if isinstance(value, complex):
            reject(f"{self.piece(node)} is not a real number")
        if isinstance(value, int):
            if abs(value) <= limits.EXACT_INT:
                return value
            try:
                value = float(value)
            except OverflowError:
                reject(f"{self.piece(node)} overflows a double")
        if not math.isfinite(value):
            reject(f"{self.piece(node)} overflows a double (it is {value})")
        return value

    def check_shallow(self, result, node):
        """Reject a SymPy result (an Add, Mul, Pow or function call) that SymPy made non-real or infinite at this node.

        Parameters
        ----------
        result : sympy.Expr
            What SymPy made of the node.
        node : ast.AST
            The node, for the message.

        Raises
        ------
        ValueError
            If ``result`` or its arguments (two levels) hold ``I``, ``zoo``,
            ``nan`` or an infinity.
        """
        parts = [result, *result.args]
        for arg in result.args:
            parts.extend(arg.args)
        if any(part in self.bad for part in parts):
            reject(f"{self.piece(node)} is not a finite real number (SymPy reduces it to {show(str(result))})")

    # -- the walk ----------------------------------------------------------------------

    def build(self, node):
        """Build the value of ``node`` and everything under it.

        Parameters
        ----------
        node : ast.AST
            A node of the checked tree.

        Returns
        -------
        int or float or sympy.Expr
            A folded constant while no variable is involved, else a shallow SymPy
            expression.

        Raises
        ------
        ValueError
            If the node (or one below it) is outside the grammar.
        """
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
        """Reject ``node``, naming its kind of syntax: an attribute, a comparison, a lambda, ...

        Parameters
        ----------
        node : ast.AST
            The node outside the grammar.

        Raises
        ------
        ValueError
            Always.
        """
        if isinstance(node, ast.Attribute):
            # point at ".attr", as in "attribute access '.real' at column 3"
            lines = self.source.split("\n")
            column = node.col_offset
            if node.value.end_lineno == node.end_lineno:
                line = lines[node.end_lineno - 1]
                gap = line[node.value.end_col_offset : node.end_col_offset]
                if "." in gap:
                    column = node.value.end_col_offset + gap.index(".")
            at = location(self.text, self.index(node.end_lineno, column))
            reject(f"attribute access {show('.' + node.attr)} {at} is not allowed ({ALLOWED})")
        if isinstance(node, ast.BoolOp):
            operator = "and" if isinstance(node.op, ast.And) else "or"
            reject(f"boolean operator {operator!r} in {self.piece(node)} is not allowed ({ALLOWED})")
        kind = NODE_KINDS.get(type(node), type(node).__name__)
        reject(f"{kind} {self.piece(node)} is not allowed ({ALLOWED})")

    def number(self, node):
        """A literal as a folded constant.

        Parameters
        ----------
        node : ast.Constant
            The literal.

        Returns
        -------
        int or float
            Its value (see :meth:`normal`).

        Raises
        ------
        ValueError
            If it is not an ``int`` or ``float`` literal (a bool, string, bytes, complex
            number, ``None``, ``...``), or larger than ``MAX_LITERAL`` in absolute value.
        """
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            reject(f"{self.piece(node)} is not a number ({ALLOWED})")
        if isinstance(value, str):
            reject(f"string literal {self.piece(node)} is not allowed ({ALLOWED})")
        if isinstance(value, bytes):
            reject(f"bytes literal {self.piece(node)} is not allowed ({ALLOWED})")
        if isinstance(value, complex):
            reject(f"complex number {self.piece(node)} is not allowed; numbers must be real ({ALLOWED})")
        if not isinstance(value, (int, float)):
            reject(f"literal {self.piece(node)} is not allowed ({ALLOWED})")
        too_big = abs(value) > 10**100 if isinstance(value, int) else not abs(value) <= limits.MAX_LITERAL
        if too_big:
            reject(
                f"number {self.piece(node)} is out of range; literals must be at most {limits.MAX_LITERAL:g} in absolute value"
            )
        return self.normal(value, node)

    def name(self, node):
        """A name: a constant (``pi``, ``e``) or a variable.

        Parameters
        ----------
        node : ast.Name
            The name.

        Returns
        -------
        float or sympy.Symbol
            The constant's value, or the variable's symbol.

        Raises
        ------
        ValueError
            If it names a function without calling it, an unknown name, ``x0``, a
            variable with a leading zero or beyond ``x<MAX_DIM>``, or mixes the two
            naming styles.
        """
        ident = node.id
        if ident in CONSTANTS:
            return CONSTANTS[ident]
        if ident in FUNCTIONS:
            reject(f"function {self.piece(node)} must be called, e.g. {ident}(x1)")
        digits = indexed(ident)
        if digits is not None:
            if digits.lstrip("0") == "":
                reject(f"variable {self.piece(node)} does not exist; variables are numbered from x1")
            if digits.startswith("0"):
                reject(f"variable {self.piece(node)} has a leading zero; write x{digits.lstrip('0')}")
            if len(digits) > 3 or int(digits) > limits.MAX_DIM:
                reject(
                    f"variable {self.piece(node)} is beyond x{limits.MAX_DIM}; at most {limits.MAX_DIM} variables are allowed"
                )
            return self.variable(node, "indexed", int(digits))
        if ident in XYZ:
            return self.variable(node, "xyz", XYZ[ident])
        hint = (
            " (names are case-sensitive)"
            if ident.lower() in {*FUNCTIONS, *CONSTANTS, *XYZ} or indexed(ident.lower())
            else ""
        )
        reject(f"{self.piece(node)} is not a known name{hint} ({ALLOWED})")

    def variable(self, node, style: str, index: int):
        """The symbol of coordinate ``index``, recording the naming style and the dimension.

        Parameters
        ----------
        node : ast.Name
            The variable, for the message.
        style : str
            ``"indexed"`` (``x1, x2, ...``) or ``"xyz"``.
        index : int
            The coordinate (1-based).

        Returns
        -------
        sympy.Symbol
            See :meth:`symbol`.

        Raises
        ------
        ValueError
            If ``style`` is not the style of the variables read before.
        """
        if self.style is None:
            self.style, self.style_example = style, node.id
        elif self.style != style:
            reject(
                f"variable {self.piece(node)} mixes the two naming styles "
                f"({self.style_example!r} was used before); use x1, x2, ... or x, y, z, not both"
            )
        self.dim = max(self.dim, index)
        return self.symbol(index)

    def symbol(self, index: int):
        """The symbol of coordinate ``index`` (made on first use): ``x<index>``, or ``x``, ``y``, ``z``.

        Parameters
        ----------
        index : int
            The coordinate (1-based).

        Returns
        -------
        sympy.Symbol
            The same symbol on every call for one index.
        """
        if index not in self.symbols:
            name = f"x{index}" if self.style == "indexed" else "xyz"[index - 1]
            self.symbols[index] = self.sp.Symbol(name)
        return self.symbols[index]
