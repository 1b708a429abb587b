"""The public entry point, :func:`from_expression`: text to :class:`~rmsprop.objectives.Objective`."""

from __future__ import annotations

import math

import numpy as np

from .._objective import Objective, domain_pairs, start_point
from . import limits
from .builder import Builder
from .gradient import chain_rule, chain_rule_work
from .messages import PREFIX, reject, show
from .numpy_code import check_numbers, evaluator, gradient_evaluator, lambdify_program
from .text import check_size, check_text, parse


def from_expression(text: str, *, domain=None, start=None, name: str | None = None) -> Objective:
    """Build an :class:`Objective` from a formula typed as text, with a symbolic gradient.

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

    Examples
    --------
    Rosenbrock's function in ``x`` and ``y``; the start is the middle of the default
    domain, and the gradient vanishes at the minimum ``(1, 1)``:

    >>> obj = from_expression("(1 - x)**2 + 100*(y - x**2)**2")
    >>> obj.dim, obj.start, float(obj(obj.start))
    (2, array([0., 0.]), 1.0)
    >>> obj.grad([1.0, 1.0]) == 0
    array([ True,  True])
    >>> obj.grad([0.0, 1.0])
    array([ -2., 200.])

    A domain, a start and a name of one's own:

    >>> tilted = from_expression("x1**2 + 3*x2", domain=(-2, 2), start=[1, 1], name="tilted")
    >>> tilted, tilted.domain
    (Objective(name='tilted', dim=2, formula='x1**2 + 3*x2'), ((-2.0, 2.0), (-2.0, 2.0)))

    The text is read, never run:

    >>> from_expression("__import__('os').getcwd()")
    Traceback (most recent call last):
    ...
    ValueError: expression rejected: attribute access '.getcwd' at column 17 is not allowed (allowed: ...)
    """
    if not isinstance(text, str):
        raise TypeError(f"expression must be a str; got {type(text).__name__}")
    typed, text = text, text.replace("\r\n", "\n").replace("\r", "\n")  # one kind of line break
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str; got {type(name).__name__}")
    check_text(text)
    body, source, shift = parse(text)

    import sympy  # lazily: `import rmsprop` stays light

    builder = Builder(text, source, shift, sympy)
    check_size(body, builder.where)
    try:
        value = builder.build(body)
        if builder.dim == 0:
            reject(f"{show(text.strip())} uses no variable; write a function of x1, x2, ... or x, y, z")
        symbols = [builder.symbol(index) for index in range(1, builder.dim + 1)]
        expr = builder.sym(value)
        assignments = builder.assignments
        for _, local in assignments:
            check_numbers(local, "the function", text, sympy)
        check_numbers(expr, "the function", text, sympy)
        work = chain_rule_work(assignments, expr, symbols)
        if work > limits.MAX_WORK:
            reject(
                f"{show(text.strip())} is too large to differentiate: its gradient would take about "
                f"{work} units of work, at most {limits.MAX_WORK} are allowed (fewer variables, factors or nested functions)"
            )
        derivatives, gradient = chain_rule(assignments, expr, symbols, sympy)
        for part in [local for _, local in derivatives] + gradient:
            check_numbers(part, "the gradient", text, sympy)
        f_compiled = lambdify_program(symbols, [expr], assignments, sympy)
        grad_compiled = lambdify_program(symbols, gradient, assignments + derivatives, sympy)
    except (RecursionError, MemoryError, OverflowError, ArithmeticError, TypeError, NotImplementedError) as error:
        # A safety net: SymPy ran out of room on an expression within the caps.
        raise ValueError(
            f"{PREFIX}{show(text.strip())} is too complex to differentiate and compile ({type(error).__name__}); simplify it"
        ) from error

    dim = builder.dim
    label = " ".join(text.split()) if name is None else name
    domain = domain_pairs(domain, dim)
    start = start_point(start, domain, dim)
    f = evaluator(f_compiled, label, dim)
    grad = gradient_evaluator(grad_compiled, label, dim)
    try:  # the generated code must run; a failure here is a bug, reported as a rejection
        f(start)
        grad(start)
    except Exception as error:  # pragma: no cover - defensive
        raise ValueError(
            f"{PREFIX}{show(text.strip())} could not be evaluated ({type(error).__name__}: {error})".replace("\n", " ")
        ) from error
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
