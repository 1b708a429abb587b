"""The rule of :mod:`rmsprop.rule` in Triton: its own functions, with Triton's versions of its primitives.

Triton compiles a ``@triton.jit`` function from its source (``inspect.getsource``), looking
its names up in the function's globals, each of which must be a ``tl.constexpr``, a module
or another jit function. So the CUDA kernel runs the rule's own code, as Numba's kernels do
(:mod:`rmsprop._compiled.rule`): the step of :func:`rmsprop.rule.step.make_step`, the pieces
of :mod:`rmsprop.rule.arithmetic` and :func:`rmsprop.rule.step.bias_correction` are copied
from their source into a namespace where

* the primitives are the Triton functions below;
* the rule's constants (``OFF``, ``LR``, the pieces' codes) and the step closure's spec
  fields are ``tl.constexpr``, so that Triton keeps only the lines the spec turns on;
* every ``a / b`` is ``div(a, b)``: Triton's ``/`` on float32 is PTX's ``div.full.f32``
  (within 2 ulp), the rule's is IEEE division, which ``div`` gives (``tl.div_rn``).

The copy is one source transformation (``/`` to ``div``, nothing else), made with
:mod:`ast` and put where :mod:`inspect` finds it (:mod:`linecache`), so Triton's compiler
and its interpreter (``TRITON_INTERPRET=1``) both read it. The primitives, each with the
bits of its NumPy version in :mod:`rmsprop.rule.primitives`:

* ``fma``: ``tl.fma`` (PTX ``fma.rn``, one rounding); kernels are compiled with
  ``enable_fp_fusion=False``, so that ``a * b + c`` written in the rule stays two roundings;
* ``sqrt``: ``tl.sqrt_rn`` in float32 (``tl.sqrt`` is ``sqrt.approx.f32``), ``tl.sqrt``
  (``sqrt.rn.f64``) in float64;
* ``abs_sq``, ``clip``, ``clamp_at_zero``: one multiplication, comparisons (NaN kept);
* ``lerp``: ATen's two-sided form;
* ``reciprocal``: ``1 / c`` correctly rounded;
* ``power``: libdevice's ``pow`` (CUDA's, as ``torch.pow`` on the device; within 2 ulp of
  the C library's, so the bias correction of a ``capturable`` step may differ in the last
  bit from the host's). Triton's interpreter has no libdevice.

Real (not complex) arrays only: complex parameters are views of real pairs on the device.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import inspect
import linecache
import textwrap
import types as pytypes
from collections.abc import Iterator
from typing import Any

import numpy as np
import triton
import triton.language as tl
from triton.language.extra import libdevice
from triton.runtime.interpreter import InterpretedFunction, InterpreterBuilder, TensorHandle

from ..rule import arithmetic
from ..rule import step as step_module

__all__ = ["jit", "namespace", "step_for", "triton_source", "like_the_gpu"]


def _fma(a, b, c):
    """``round(a * b + c)`` with one rounding."""
    return tl.fma(a, b, c)


def _div(a, b):
    """``a / b`` correctly rounded (IEEE), in float32 as in float64."""
    if a.dtype == tl.float32:
        return tl.div_rn(a, b)
    return a / b


def _sqrt(v):
    """The correctly rounded square root."""
    if v.dtype == tl.float32:
        return tl.sqrt_rn(v)
    return tl.sqrt(v)


def _abs_sq(g):
    """``g * g`` (real ``g``)."""
    return g * g


def _clip(g, limit):
    """``g`` clipped to ``[-limit, limit]``, NaN kept."""
    return tl.where(g < -limit, -limit, tl.where(g > limit, limit, g))


def _clamp_at_zero(v):
    """``max(v, 0)``, NaN kept."""
    return tl.where(v < 0.0, 0.0, v)


def _lerp(a, b, weight):
    """ATen's ``lerp``: ``fma(w, b - a, a)`` for ``|w| < 0.5``, else ``fma(w - 1, b - a, b)``."""
    return tl.where(tl.abs(weight) < 0.5, tl.fma(weight, b - a, a), tl.fma(weight - 1.0, b - a, b))


def _reciprocal(c):
    """``1 / c`` in ``c``'s precision, correctly rounded."""
    return div(tl.full((), 1.0, c.dtype), c)  # noqa: F821 (the namespace's div)


def _power(a, b):
    """``a ** b``: libdevice's ``pow``."""
    return libdevice.pow(a, b)


class _ForTriton(ast.NodeTransformer):
    """``a / b`` becomes ``div(a, b)``; annotations go (Triton reads them as types)."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        node.returns = None
        for argument in node.args.args:
            argument.annotation = None
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Div):
            return ast.copy_location(ast.Call(ast.Name("div", ast.Load()), [node.left, node.right], []), node)
        return node


def triton_source(function: Any) -> str:
    """The source of ``function`` as Triton compiles it: dedented, every ``a / b`` made ``div(a, b)``.

    The docstring and the annotations are left out; nothing else changes.

    Parameters
    ----------
    function : function
        A function of the rule (a piece of :mod:`rmsprop.rule.arithmetic`, the step closure).

    Returns
    -------
    str
        The transformed source of its ``def``.

    Examples
    --------
    >>> from rmsprop.rule import arithmetic
    >>> print(triton_source(arithmetic.debias).splitlines()[-1])
        return div(a, correction)
    """
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef)
    definition.body = [node for node in definition.body if not _is_docstring(node)] or [ast.Pass()]
    return ast.unparse(ast.fix_missing_locations(_ForTriton().visit(tree))) + "\n"


@contextlib.contextmanager
def like_the_gpu() -> Iterator[None]:
    """Within the block, Triton's interpreter computes as the GPU: ``tl.fma`` rounded once, no warnings.

    The interpreter computes ``tl.fma(a, b, c)`` as ``a * b + c`` in NumPy, two roundings;
    here it is :func:`rmsprop._fma.fma`, the correctly rounded one of the GPU's ``fma.rn``
    and of the rule's NumPy form. And NumPy's floating-point warnings (a NaN from the
    square root of a negative centered variance) are off, as a GPU raises none.

    Yields
    ------
    None

    Examples
    --------
    >>> with like_the_gpu():
    ...     pass
    """
    from .._fma import fma

    def create_fma(self: Any, a: Any, b: Any, c: Any) -> Any:
        arrays = np.broadcast_arrays(a.data, b.data, c.data)
        return TensorHandle(fma(*arrays), c.dtype.scalar)

    original = InterpreterBuilder.create_fma
    InterpreterBuilder.create_fma = create_fma
    try:
        with np.errstate(all="ignore"):
            yield
    finally:
        InterpreterBuilder.create_fma = original


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def jit(function: Any, namespace: dict, interpret: bool, **options: Any) -> Any:
    """``function`` as a Triton jit function whose names are looked up in ``namespace``.

    ``interpret`` gives Triton's interpreter's version (NumPy on the host, for CPU tensors),
    else the compiled one; the two call only their own kind, so each has its namespace.

    Parameters
    ----------
    function : function
        A function defined in a file (its source is read).
    namespace : dict
        The globals its names are looked up in.
    interpret : bool
        Whether to build the interpreter's version.
    **options
        Options of ``triton.jit`` (``do_not_specialize``).

    Returns
    -------
    triton.runtime.JITFunction or triton.runtime.interpreter.InterpretedFunction

    Examples
    --------
    >>> import triton.language as tl
    >>> def twice(v):
    ...     return v + v
    >>> jit(twice, {"tl": tl}, interpret=True).__name__
    'twice'
    """
    copy = pytypes.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__)
    copy.__qualname__ = function.__qualname__
    if interpret:
        return InterpretedFunction(copy, **options)
    return triton.JITFunction(copy, **options)


def _rule_copy(function: Any, namespace: dict, interpret: bool) -> Any:
    """A jit function from :func:`triton_source` of ``function``, its names looked up in ``namespace``."""
    source = triton_source(function)
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    filename = f"<rmsprop-triton {function.__name__} {digest}>"
    # inspect.getsource reads linecache; an entry without mtime is never dropped by checkcache
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    scope: dict = {}
    exec(compile(source, filename, "exec"), namespace, scope)
    return jit(scope[function.__name__], namespace, interpret)


def _constants(module: Any) -> dict:
    """The module's integer constants (codes, indices) as ``tl.constexpr``."""
    return {
        name: tl.constexpr(value)
        for name, value in vars(module).items()
        if isinstance(value, int) and not isinstance(value, bool) and not name.startswith("__")
    }


_PRIMITIVES = {
    "fma": _fma,
    "div": _div,
    "sqrt": _sqrt,
    "abs_sq": _abs_sq,
    "clip": _clip,
    "clamp_at_zero": _clamp_at_zero,
    "lerp": _lerp,
    "reciprocal": _reciprocal,
    "power": _power,
}


@functools.cache
def namespace(interpret: bool) -> dict:
    """The rule's names in Triton: constants, the primitives and the copies of the arithmetic's pieces.

    Parameters
    ----------
    interpret : bool
        For the interpreter's functions, or the compiled ones.

    Returns
    -------
    dict
        Name to ``tl.constexpr`` or jit function; also ``bias_correction``, the rule's
        ``1 - decay^(t+1)`` for the device. One per mode, kept for the process.

    Examples
    --------
    >>> sorted(name for name in namespace(True) if name.endswith("denominator"))
    ['centered_denominator', 'denominator']
    """
    names: dict = {"__name__": __name__, "tl": tl, "libdevice": libdevice}
    names.update(_constants(arithmetic))
    names.update(_constants(step_module))
    for name, primitive in _PRIMITIVES.items():
        names[name] = jit(primitive, names, interpret)
    for name in arithmetic.PIECES:
        names[name] = _rule_copy(getattr(arithmetic, name), names, interpret)
    names["bias_correction"] = _rule_copy(step_module.bias_correction, names, interpret)
    return names


@functools.cache
def step_for(spec: tuple[int, ...], interpret: bool = False) -> Any:
    """The Triton copy of :func:`rmsprop.rule.step.make_step` of ``spec``, for a kernel to call.

    The step closure's values (the spec's fields) become ``tl.constexpr`` globals of the copy.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).
    interpret : bool, optional
        For Triton's interpreter (default: compiled).

    Returns
    -------
    triton.runtime.JITFunction
        ``step(g, x, e, m, b, s) -> (u, e, m, b)`` on blocks of elements; ``s`` a tuple of
        scalars indexed by :data:`rmsprop.rule.step.SCALARS`. One per spec, kept for the process.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> step = step_for(Settings(centered=True).spec(np.float32), interpret=True)
    >>> step.__name__
    'step'
    """
    step = step_module.make_step(spec)
    closure = dict(zip(step.__code__.co_freevars, (cell.cell_contents for cell in step.__closure__ or ())))
    scope = {**namespace(interpret), **{name: tl.constexpr(value) for name, value in closure.items()}}
    return _rule_copy(step, scope, interpret)
