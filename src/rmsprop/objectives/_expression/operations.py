"""The walk's operators, powers and function calls: each folds its constants and checks its result."""

from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING, Any

from . import limits
from .grammar import ALLOWED, CHAIN_GROUP, CONSTANTS, FUNCTIONS, OPERATOR_TEXT, XYZ, indexed
from .messages import reject, show
from .real_abs import real_functions


def is_constant(value) -> bool:
    """Tell whether ``value`` is a Python number (a folded constant), not a SymPy expression.

    Parameters
    ----------
    value : object
        A value of the walk.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_constant(2.5), is_constant("x")
    (True, False)
    """
    return isinstance(value, (int, float))


class Operations:
    """The operator nodes of the walk (a part of :class:`~rmsprop.objectives._expression.builder.Builder`).

    Examples
    --------
    >>> import sympy
    >>> from rmsprop.objectives._expression.builder import Builder
    >>> from rmsprop.objectives._expression.text import parse
    >>> text = "2**3 * x"
    >>> Builder(text, text, 0, sympy).build(parse(text)[0])
    8*x
    """

    if TYPE_CHECKING:  # the Builder's own, which these operators are mixed into

        def sym(self, value: Any) -> Any: ...

        def atom(self, value: Any) -> Any: ...

    def unary(self, node):
        """A unary ``-`` or ``+``.

        Parameters
        ----------
        node : ast.UnaryOp
            The operation.

        Returns
        -------
        int or float or sympy.Expr
            The operand's value, negated for ``-``.

        Raises
        ------
        ValueError
            If the operator is ``not`` or ``~``.
        """
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            reject(f"operator {OPERATOR_TEXT[type(node.op)]!r} in {self.piece(node)} is not allowed ({ALLOWED})")
        value = self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return value
        return -value

    def binary(self, node):
        """A binary operation; a left-associative chain of ``+ -`` or ``* /`` as one SymPy ``Add`` or ``Mul``.

        Parameters
        ----------
        node : ast.BinOp
            The operation (the last link of its chain).

        Returns
        -------
        int or float or sympy.Expr
            The folded constant, or the sum or product of the chain's terms.

        Raises
        ------
        ValueError
            If the operator is not ``+ - * / **``, a constant is divided by zero, or
            SymPy makes the result non-real or infinite.
        """
        op = type(node.op)
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            text = OPERATOR_TEXT.get(op, op.__name__)
            hint = "; write x**2 for a power" if op is ast.BitXor else ""
            reject(f"operator {text!r} in {self.piece(node)} is not allowed{hint} ({ALLOWED})")
        if op is ast.Pow:
            return self.power(node)
        # Walk a left-associative chain (a + b - c + ...) without recursing into its spine.
        chain = []
        group = CHAIN_GROUP[op]
        current = node
        while isinstance(current, ast.BinOp) and CHAIN_GROUP.get(type(current.op)) == group:
            chain.append(current)
            current = current.left
        value = self.build(current)
        terms = None  # the SymPy terms (factors) once a variable is involved
        for link in reversed(chain):
            right = self.build(link.right)
            if terms is None and is_constant(value) and is_constant(right):
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
        """``left op right`` for two constants, in Python arithmetic.

        Parameters
        ----------
        node : ast.BinOp
            The operation (``+ - * /``).
        left, right : int or float
            The two constants.

        Returns
        -------
        int or float
            The result (see :meth:`normal`).

        Raises
        ------
        ValueError
            If it divides by zero or overflows a double.
        """
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
            reject(f"{self.piece(node)} divides by zero")
        except OverflowError:
            reject(f"{self.piece(node)} overflows a double")
        return self.normal(result, node)

    def operand(self, value, group: str):
        """A chain's first operand as a SymPy term.

        A sum inside a product becomes an intermediate: SymPy would distribute
        2*(x1 + 1) into 2*x1 + 2 (not what was typed, nor how it rounds), and
        nested products of sums (Horner forms) would make deep local expressions.

        Parameters
        ----------
        value : int or float or sympy.Expr
            The operand.
        group : str
            The chain's kind, ``"additive"`` or ``"multiplicative"``.

        Returns
        -------
        sympy.Expr
            The operand, or an intermediate for a sum inside a product.
        """
        value = self.sym(value)
        return self.atom(value) if group == "multiplicative" and value.is_Add else value

    def term(self, node, right):
        """The SymPy term that ``op right`` contributes to its chain.

        Parameters
        ----------
        node : ast.BinOp
            The link whose operator applies.
        right : int or float or sympy.Expr
            Its right operand.

        Returns
        -------
        sympy.Expr
            ``right``, ``-right``, the factor ``right`` or ``right**-1``.

        Raises
        ------
        ValueError
            If it divides by a constant zero.
        """
        op = type(node.op)
        if op is ast.Add:
            return self.sym(right)
        if op is ast.Sub:
            return -self.sym(right)
        if op is ast.Mult:
            return self.operand(right, "multiplicative")
        if is_constant(right):
            if right == 0:
                reject(f"{self.piece(node)} divides by zero")
            return self.sp.Pow(self.sym(right), -1)
        return self.sp.Pow(self.atom(right), -1)

    def power(self, node):
        """A power ``base ** exponent``: folded for two constants, else a SymPy ``Pow`` of two atoms.

        Parameters
        ----------
        node : ast.BinOp
            The power.

        Returns
        -------
        int or float or sympy.Expr
            The folded constant or the ``Pow``.

        Raises
        ------
        ValueError
            If a constant exponent exceeds ``MAX_EXPONENT`` in absolute value, a constant
            power overflows or divides by zero, or SymPy makes it non-real or infinite.
        """
        base = self.build(node.left)
        exponent = self.build(node.right)
        if is_constant(exponent) and abs(exponent) > limits.MAX_EXPONENT:
            reject(
                f"exponent {self.piece(node.right)} (= {exponent:.6g}) is too large; "
                f"a constant exponent must be at most {limits.MAX_EXPONENT} in absolute value"
            )
        if is_constant(base) and is_constant(exponent):
            if (
                isinstance(base, int)
                and isinstance(exponent, int)
                and exponent > 0
                and abs(base) > 1
                and (abs(base).bit_length() - 1) * exponent > 1100
            ):
                reject(f"{self.piece(node)} overflows a double")
            try:
                result = base**exponent
            except ZeroDivisionError:
                reject(f"{self.piece(node)} divides by zero")
            except OverflowError:
                reject(f"{self.piece(node)} overflows a double")
            return self.normal(result, node)
        result = self.sp.Pow(self.atom(base), self.atom(exponent))
        self.check_shallow(result, node)
        return result

    def call(self, node):
        """A call of a function of the whitelist: folded on constants (``math``), else the SymPy function.

        Parameters
        ----------
        node : ast.Call
            The call.

        Returns
        -------
        int or float or sympy.Expr
            The folded constant, or the function of its arguments (made atoms);
            ``log2`` and ``log10`` as ``log`` times a constant, ``abs`` as ``RealAbs``.

        Raises
        ------
        ValueError
            If the function is not in the whitelist, takes keyword or starred
            arguments or the wrong number of them, or, on constants, fails (outside its
            domain, overflowing, dividing by zero).
        """
        func = node.func
        if not isinstance(func, ast.Name):
            self.build(func)  # rejects attributes, subscripts, ... with their own message
            reject(f"{self.piece(func)} is not a function; only named functions may be called ({ALLOWED})")
        ident = func.id
        if ident not in FUNCTIONS:
            if ident in CONSTANTS or ident in XYZ or indexed(ident):
                reject(f"{self.piece(func)} is not a function and cannot be called ({ALLOWED})")
            reject(f"{self.piece(func)} is not a known function ({ALLOWED})")
        arity, sympy_name, on_floats = FUNCTIONS[ident]
        if node.keywords:
            keyword = node.keywords[0]
            what = "keyword argument" if keyword.arg is not None else "argument unpacking"
            reject(
                f"{what} {self.piece(keyword)} in {show(self.segment(node))} is not allowed; write {ident}(...) with plain arguments"
            )
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                reject(f"starred argument {self.piece(arg)} in {show(self.segment(node))} is not allowed")
        if len(node.args) != arity:
            reject(
                f"{ident!r} takes exactly {arity} argument{'s' if arity > 1 else ''}, "
                f"got {len(node.args)} in {self.piece(node)}"
            )
        values = [self.build(arg) for arg in node.args]
        if all(is_constant(value) for value in values):
            try:
                result = on_floats(*values)
            except ValueError:
                reject(f"{self.piece(node)} is outside the domain of {ident}")
            except OverflowError:
                reject(f"{self.piece(node)} overflows a double")
            except ZeroDivisionError:
                reject(f"{self.piece(node)} divides by zero")
            return self.normal(result, node)
        sp = self.sp
        args = [self.atom(value) for value in values]
        if sympy_name == "log2":
            result = sp.log(args[0]) * sp.Float(1.0 / math.log(2.0))
        elif sympy_name == "log10":
            result = sp.log(args[0]) * sp.Float(1.0 / math.log(10.0))
        elif sympy_name == "Abs":
            result = real_functions()[0](args[0])
        else:
            result = getattr(sp, sympy_name)(*args)
        self.check_shallow(result, node)
        return result
