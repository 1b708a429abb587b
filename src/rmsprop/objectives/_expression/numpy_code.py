"""Compiling the program to NumPy functions on the Objective convention.

What may reach the generated code is checked first (:func:`check_numbers`);
``sympy.lambdify`` then writes the code from the SymPy objects, with a printer
that keeps every digit of every float.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .._coordinates import coordinates
from . import limits
from .messages import reject, show


@functools.cache
def _printer():
    """A NumPy code printer that writes floats with all their digits (created lazily: it subclasses SymPy)."""
    from sympy.printing.numpy import NumPyPrinter

    class ExactNumPyPrinter(NumPyPrinter):
        def _print_Float(self, expr):
            return repr(float(expr))

        def _print_Integer(self, expr):
            value = int(expr)
            return str(value) if abs(value) <= limits.EXACT_INT else repr(float(value))

        def _print_RealAbs(self, expr):
            return f"{self._module_format('numpy.absolute')}({self._print(expr.args[0])})"

        def _print_RealSign(self, expr):
            return f"{self._module_format('numpy.sign')}({self._print(expr.args[0])})"

    return ExactNumPyPrinter


def check_numbers(expr, what: str, text: str, sympy) -> None:
    """Reject non-real or infinite parts, unevaluated derivatives and numbers that do not fit a double.

    Parameters
    ----------
    expr : sympy.Expr
        A piece of the program that will reach the generated code.
    what : str
        Whose piece it is, for the message: ``"the function"`` or ``"the gradient"``.
    text : str
        The formula as typed, for the message.
    sympy : module
        The ``sympy`` module.

    Raises
    ------
    ValueError
        ``expression rejected: ...`` if ``expr`` holds ``I``, ``zoo``, ``nan`` or
        ``oo``, an unevaluated ``Derivative`` or ``Subs``, or a number that is not a
        finite double.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> check_numbers(5 * x**2, "the function", "5*x**2", sympy)
    >>> check_numbers(sympy.log(x - x), "the function", "log(x - x)", sympy)
    Traceback (most recent call last):
    ...
    ValueError: expression rejected: the function of 'log(x - x)' is not a finite real function
    (SymPy reduces it to 'zoo')
    """
    if expr.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        reject(f"{what} of {show(text)} is not a finite real function (SymPy reduces it to {show(str(expr))})")
    if expr.has(sympy.Derivative, sympy.Subs):
        reject(f"{what} of {show(text)} could not be worked out symbolically")
    for number in expr.atoms(sympy.Number):
        try:
            finite = math.isfinite(float(number))
        except (OverflowError, TypeError, ValueError):
            finite = False
        if not finite:
            reject(
                f"{what} of {show(text)} grows too large: it contains the number "
                f"{show(str(number), 30)}, which does not fit a double"
            )


@functools.cache
def _lambdify_options() -> dict:
    """Skip lambdify's docstring (``str`` of the whole expression: a third of its time) where SymPy allows it (>= 1.13)."""
    import inspect

    import sympy

    return {"docstring_limit": 0} if "docstring_limit" in inspect.signature(sympy.lambdify).parameters else {}


def _prune(assignments, outputs) -> list:
    """The assignments that the outputs need, in order (SymPy may cancel an intermediate away)."""
    needed = set().union(*(output.free_symbols for output in outputs))
    kept = []
    for target, local in reversed(assignments):
        if target in needed:
            kept.append((target, local))
            needed |= local.free_symbols
    return kept[::-1]


def lambdify_program(symbols, outputs, assignments, sympy):
    """Compile the program with ``lambdify``: the assignments as lambdify's ``cse`` statements, then the outputs.

    Parameters
    ----------
    symbols : list of sympy.Symbol
        The coordinates: the compiled function's arguments, in order.
    outputs : list of sympy.Expr
        What it returns, in order (``[expr]`` for f, the gradient's components).
    assignments : list of (sympy.Symbol, sympy.Expr)
        The intermediates, in evaluation order; only those the outputs need are
        written.
    sympy : module
        The ``sympy`` module.

    Returns
    -------
    callable
        ``compiled(*coordinates) -> list``, one value per output, written by
        ``sympy.lambdify`` with a printer that keeps every digit of every float.

    Examples
    --------
    >>> import numpy as np
    >>> import sympy
    >>> x1, x2, t1 = sympy.symbols("x1 x2 _t1")
    >>> compiled = lambdify_program([x1, x2], [2 * sympy.sin(t1)], [(t1, x1 + x2)], sympy)
    >>> compiled(np.array([0.5]), np.array([1.0]))
    [array([1.99498997])]
    """
    statements = _prune(assignments, outputs)
    return sympy.lambdify(
        symbols,
        outputs,
        modules="numpy",
        printer=_printer(),
        cse=lambda _: (statements, outputs),
        **_lambdify_options(),
    )


def evaluator(compiled, name: str, dim: int):
    """Wrap the compiled f as ``f(x)`` on the Objective convention.

    Parameters
    ----------
    compiled : callable
        :func:`lambdify_program` of ``[expr]``.
    name : str
        The objective's name, for the messages.
    dim : int
        The number of coordinates.

    Returns
    -------
    callable
        ``f(x)`` for ``x`` of shape ``(dim, ...)``, returning shape ``(...)`` in ``x``'s
        floating dtype (a 0-d result as a NumPy scalar), with no floating-point
        warnings; a ValueError when ``x`` does not have ``dim`` coordinates on its
        leading axis.

    Examples
    --------
    >>> import numpy as np
    >>> import sympy
    >>> x1, x2 = sympy.symbols("x1 x2")
    >>> f = evaluator(lambdify_program([x1, x2], [5 * x1**2 + 7 * x2**2], [], sympy), "seed", 2)
    >>> float(f([-4.0, 3.0])), f(np.zeros((2, 3, 4), np.float32)).shape
    (143.0, (3, 4))
    """

    def f(x):
        x = coordinates(x, name, dim)
        columns = x.reshape(dim, math.prod(x.shape[1:]))  # 1-D arrays: array**2 is x*x
        out = np.empty(columns.shape[1], dtype=x.dtype)
        with np.errstate(all="ignore"):
            out[...] = compiled(*columns)[0]
        out = out.reshape(x.shape[1:])
        return out[()] if out.ndim == 0 else out

    return f


def gradient_evaluator(compiled, name: str, dim: int):
    """Wrap the compiled gradient as ``grad(x)`` on the Objective convention.

    Parameters
    ----------
    compiled : callable
        :func:`lambdify_program` of the gradient's components.
    name : str
        The objective's name, for the messages.
    dim : int
        The number of coordinates.

    Returns
    -------
    callable
        ``grad(x)`` for ``x`` of shape ``(dim, ...)``, returning shape ``(dim, ...)`` in
        ``x``'s floating dtype (constant components broadcast), with no floating-point
        warnings.

    Examples
    --------
    >>> import sympy
    >>> x1, x2 = sympy.symbols("x1 x2")
    >>> grad = gradient_evaluator(lambdify_program([x1, x2], [10 * x1, sympy.Integer(7)], [], sympy), "tilted", 2)
    >>> grad([-4.0, 3.0])
    array([-40.,   7.])
    """

    def grad(x):
        x = coordinates(x, name, dim)
        columns = x.reshape(dim, math.prod(x.shape[1:]))
        out = np.empty(columns.shape, dtype=x.dtype)
        with np.errstate(all="ignore"):
            for i, component in enumerate(compiled(*columns)):
                out[i] = component  # constant components broadcast
        return out.reshape(x.shape)

    return grad
