"""The catalogue's objectives, compiled: the functions of :mod:`rmsprop.objectives.formulas` themselves.

Each formula is written once, in plain Python over IEEE ``+ - * /`` and the primitives of
:mod:`rmsprop.objectives.primitives`. Numba compiles a copy of each formula's function
whose global names are looked up in :data:`namespace`, where the primitives are compiled
ones (as :mod:`rmsprop._compiled.rule` does for the rule), and inlines it where it is called:

* ``weak(value, of)``: :func:`~rmsprop._compiled.numpy_semantics.like`, the Python float
  rounded to ``of``'s type (NumPy 2's weak scalars);
* ``power(v, exponent)``: :func:`~rmsprop._compiled.numpy_semantics.scalar_pow`, the C
  library's ``pow``, as NumPy's scalar ``v ** exponent`` calls it.

So the compiled batch engine (:mod:`rmsprop._compiled.batch`) performs NumPy's operations
on one run's coordinates in the single run's order and precision (see
:mod:`rmsprop._compiled.numpy_semantics`): ``f`` takes float64 coordinates
(``Objective.__call__`` converts), the gradient takes and returns the data's dtype. What is
written here is only how a run hands its coordinates to the formulas, as the NumPy
functions of :mod:`rmsprop.objectives._catalogue` do: :func:`objective2` for the 2-D runs,
:func:`rosenbrock` and :func:`rosenbrock_grad` for a chain in any dimension.

:data:`OBJECTIVES_SOURCE_HASH` changes whenever a source file of the compiled objectives
changes: the compiled batch runs keep it among their closure's constants, so that Numba's
disk cache, which does not follow calls into other files, never serves a run compiled
from older formulas.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import types as pytypes

import numba
import numpy as np

from ..objectives import formulas, primitives
from . import numpy_semantics
from .numpy_semantics import JIT, like, numpy_sum, scalar_pow
from .rule import compiled_copy

__all__ = ["OBJECTIVES", "OBJECTIVES_SOURCE_HASH", "namespace", "objective2", "rosenbrock", "rosenbrock_grad"]

#: The catalogue objectives compiled here, in catalogue order. Rastrigin and Ackley are not among them
#: (:data:`rmsprop.objectives.formulas.NUMPY_ONLY`): NumPy's SIMD ``exp``, ``sin`` and ``cos`` are not the
#: C library's, so their batches run on the NumPy engine.
OBJECTIVES = (
    "seed",
    "rosenbrock",
    "beale",
    "booth",
    "himmelblau",
    "goldstein_price",
    "matyas",
    "three_hump_camel",
    "saddle",
    "ill_conditioned",
    "rotated",
)
if set(OBJECTIVES) != set(formulas.PAIRS) | set(formulas.CHAINS):
    raise ImportError("rmsprop._compiled.objectives.OBJECTIVES must list the formulas' PAIRS and CHAINS")

#: The formulas' names, compiled: the primitives and a compiled copy of every function of the formulas
#: (those of :data:`~rmsprop.objectives.formulas.NUMPY_ONLY` aside).
namespace: dict = {**vars(formulas), "weak": like, "power": scalar_pow}
_NUMPY_ONLY = {function for functions in formulas.NUMPY_ONLY.values() for function in functions}
for _name, _value in vars(formulas).items():
    if (
        isinstance(_value, pytypes.FunctionType)
        and _value.__module__ == formulas.__name__
        and _value not in _NUMPY_ONLY
    ):
        namespace[_name] = compiled_copy(_value, namespace)


def _compiled(name: str) -> tuple:
    """The compiled copies of ``name``'s two functions: formula and gradient, or term and its gradient."""
    table = formulas.PAIRS if name in formulas.PAIRS else formulas.CHAINS
    return tuple(namespace[function.__name__] for function in table[name])


rosenbrock_term, rosenbrock_term_grad = _compiled("rosenbrock")


def _pair(x1, x2):
    """``(f, g1, g2)`` of a pair: ``f`` in float64 from the coordinates converted to float64
    (as ``Objective.__call__`` does), the gradient in the coordinates' dtype."""
    f, g = formula(np.float64(x1), np.float64(x2)), gradient(x1, x2)  # noqa: F821 - the pair's, in the copy
    return f, g[0], g[1]


def _chain_of_one(x1, x2):
    """``(f, g1, g2)`` of a chain on two coordinates: ``np.sum``'s ``0.0 + term``; ``np.zeros_like``, then
    ``+=`` each part of the term's gradient."""
    f = 0.0 + formula(np.float64(x1), np.float64(x2))  # noqa: F821 - the chain's term, in the copy
    d1, d2 = gradient(x1, x2)  # noqa: F821
    return f, like(0.0, x1) + d1, like(0.0, x1) + d2


@functools.cache
def objective2(name: str):
    """The compiled ``objective(x1, x2) -> (f, g1, g2)`` of the 2-D run of ``name``, to be inlined.

    One objective per compiled run: a run compiles the formulas of its own objective only.

    Parameters
    ----------
    name : str
        One of :data:`OBJECTIVES`.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``f`` in float64 from the coordinates converted to float64 (as ``Objective.__call__``
        does), the gradient ``(g1, g2)`` in the coordinates' dtype; one per name, kept for the process.

    Examples
    --------
    >>> objective2("seed")(-4.0, 3.0)
    (143.0, -40.0, 42.0)
    """
    formula, gradient = _compiled(name)
    template = _pair if name in formulas.PAIRS else _chain_of_one
    return compiled_copy(template, {**globals(), "formula": formula, "gradient": gradient})


@numba.njit(inline="always", **JIT)
def rosenbrock(x, work):
    """``np.sum`` of Rosenbrock's terms in float64 for ``x`` (1-D, any length): pairwise, as NumPy sums."""
    n = x.size - 1
    for i in range(n):
        work[i] = rosenbrock_term(np.float64(x[i]), np.float64(x[i + 1]))
    return numpy_sum(work, n)


@numba.njit(inline="always", **JIT)
def rosenbrock_grad(x, g):
    """Rosenbrock's gradient into ``g``: zeros, then ``g[:-1] +=`` each term's first part, ``g[1:] +=`` its second."""
    for i in range(x.size):
        g[i] = like(0.0, x[0])
    for i in range(x.size - 1):
        g[i] = g[i] + rosenbrock_term_grad(x[i], x[i + 1])[0]
    for i in range(x.size - 1):
        g[i + 1] = g[i + 1] + rosenbrock_term_grad(x[i], x[i + 1])[1]


def _source_hash() -> str:
    sources = [inspect.getsource(module) for module in (primitives, formulas, numpy_semantics)]
    this_module = inspect.getmodule(_source_hash)
    assert this_module is not None  # a function defined in a module file
    sources.append(inspect.getsource(this_module))
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]


#: Changes with any source of the compiled objectives (see the module's docstring).
OBJECTIVES_SOURCE_HASH = _source_hash()
