"""The gradient of the straight-line program, by forward-mode chain rule, and an estimate of its work."""

from __future__ import annotations

from . import limits


def chain_rule_work(assignments, expr, symbols) -> int:
    """Estimate the work of :func:`chain_rule` and of printing its result.

    The steps of :func:`_partial` for every local expression and symbol in it
    (a product of m factors costs m per factor that holds the symbol), ten per
    chain-rule term (one per coordinate that a symbol depends on) and twenty
    per coordinate.  The units are comparable steps of that work, about linear in
    its time; ``limits.MAX_WORK`` caps them.

    Parameters
    ----------
    assignments : list of (sympy.Symbol, sympy.Expr)
        The program's intermediates ``(_t<k>, local expression)``, in evaluation
        order (``Builder.assignments``).
    expr : sympy.Expr
        The program's result, in the coordinates and intermediates.
    symbols : list of sympy.Symbol
        The coordinates, in order.

    Returns
    -------
    int
        The estimate; the count stops soon after it passes ``limits.MAX_WORK``.

    Examples
    --------
    >>> import sympy
    >>> x1, x2, t1 = sympy.symbols("x1 x2 _t1")
    >>> chain_rule_work([(t1, x1 + x2)], 2 * sympy.sin(t1), [x1, x2])
    91
    """
    depends: dict = {symbol: {index} for index, symbol in enumerate(symbols)}
    total = 20 * len(symbols)
    for target, local in [*assignments, (None, expr)]:
        local_symbols = local.free_symbols
        for symbol in local_symbols:
            total += _partial_work(local, symbol) + 10 * len(depends.get(symbol, ()))
        if target is not None:
            depends[target] = set().union(*(depends.get(symbol, set()) for symbol in local_symbols))
        if total > limits.MAX_WORK:
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


def chain_rule(assignments, expr, symbols, sympy):
    """The gradient of the program ``assignments; expr`` by forward-mode chain rule.

    Every local partial derivative is ``sympy.diff`` of a shallow local
    expression (``sin(_t3)``, ``_t1**2 + 100*_t2**2``, ...) in one of its
    symbols, and ``d t / d x_j = sum_u (d local / d u) (d u / d x_j)`` is
    accumulated through the intermediates.  ``sympy.diff`` of the whole nested
    expression gives the same derivative, but its cost is unpredictable: SymPy
    re-examines (assumptions, expansion, rewriting) the full subexpression under
    every level, and the fuzzer found 40-deep nestings of ``tan(acosh(...))``
    on which its time and memory grew out of all proportion.  Here every step sees
    a shallow expression, the work is about linear in the size of the formula, and
    the generated code names every intermediate once instead of repeating
    subexpressions.

    Parameters
    ----------
    assignments : list of (sympy.Symbol, sympy.Expr)
        The program's intermediates ``(_t<k>, local expression)``, in evaluation
        order (``Builder.assignments``).
    expr : sympy.Expr
        The program's result, in the coordinates and intermediates.
    symbols : list of sympy.Symbol
        The coordinates, in order.
    sympy : module
        The ``sympy`` module (imported by the caller, lazily).

    Returns
    -------
    derivatives : list of (sympy.Symbol, sympy.Expr)
        The derivative assignments ``(_d<t>_<j>, expression)``: ``d _t<k> / d x_j``
        where it is not an atom, to be evaluated after the function's own
        assignments, in order.
    gradient : list of sympy.Expr
        One expression per coordinate, in the coordinates, intermediates and
        derivative symbols (``0`` where f does not depend on it).

    Examples
    --------
    ``f = 2 sin(x1 * x2)`` as the program ``_t1 = x1*x2; f = 2*sin(_t1)``:

    >>> import sympy
    >>> x1, x2, t1 = sympy.symbols("x1 x2 _t1")
    >>> derivatives, gradient = chain_rule([(t1, x1 * x2)], 2 * sympy.sin(t1), [x1, x2], sympy)
    >>> derivatives, gradient
    ([], [2*x2*cos(_t1), 2*x1*cos(_t1)])
    >>> chain_rule([(t1, x1 * x2)], 2 * sympy.sin(t1), [x1, x2, sympy.Symbol("x3")], sympy)[1][2]
    0
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
