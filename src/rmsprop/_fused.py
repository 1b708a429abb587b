"""When and how a step runs as a fused kernel (:mod:`rmsprop._kernels`) instead of line by line in NumPy.

A parameter array takes the kernel when all of these hold, and the NumPy form of
:func:`rmsprop._rmsprop.leaf_update` otherwise -- with the same numbers either way:

* Numba can be imported and ``RMSPROP_DISABLE_JIT`` is not set to ``1`` (read once, at the
  first step that could use a kernel);
* the array is real float32 or float64 with at least :data:`MIN_SIZE` elements (below
  that, loading the kernel costs more than it can save in one run);
* the state's arrays and (in place) the parameters lie contiguous in one memory order,
  C or Fortran, as :func:`rmsprop.rmsprop`'s ``init`` makes them; a gradient in another
  layout is copied once into that order.

Arrays of :data:`PARALLEL_MIN_SIZE` elements or more run on all cores; smaller ones on one,
where starting the threads would cost more than the work. Nothing here imports Numba
until a step needs it, so ``import rmsprop`` never compiles.
"""

from __future__ import annotations

import math
import operator
import os
from typing import Any, NamedTuple

import numpy as np

__all__ = ["jit_enabled", "InPlaceSteps", "leaf_update", "leaf_update_in_place", "MIN_SIZE", "PARALLEL_MIN_SIZE"]

#: The smallest array that takes a kernel.
MIN_SIZE = 256
#: The smallest array that a kernel splits over the cores.
PARALLEL_MIN_SIZE = 1 << 15

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_kernels: Any = None  # the module, once imported; False when Numba is missing


def jit_enabled() -> bool:
    """Whether kernels may run: Numba is installed and ``RMSPROP_DISABLE_JIT`` was not ``1`` at the first step."""
    global _kernels
    if _kernels is None:
        module: Any = False
        if os.environ.get("RMSPROP_DISABLE_JIT", "") != "1":
            try:
                from . import _kernels as module
            except ImportError:  # Numba is not installed: the NumPy form does everything
                module = False
        _kernels = module
    return _kernels is not False


def _order(arrays: list[np.ndarray]) -> str | None:
    """``"C"`` or ``"F"`` when every array is contiguous in that order, else ``None``."""
    if all(a.flags.c_contiguous for a in arrays):
        return "C"
    if all(a.flags.f_contiguous for a in arrays):
        return "F"
    return None


def _flat(array: np.ndarray, order: str) -> np.ndarray:
    return array.reshape(-1, order=order)


def _spec(rule, step, dtype: np.dtype, x_given: bool, in_place: bool, parallel: bool):
    choices = rule.arithmetic.kernel_choices
    mean = ""
    if rule.centered:
        mean = choices["mean"]
        if mean == "lerp":  # torch.lerp interpolates from the nearer end
            mean = "lerp_near" if rule.one_minus_decay < 0.5 else "lerp_far"
    debias = ""
    if step.correction != 1.0:
        debias = choices["debias"]
        if debias == "reciprocal_float32":
            debias = "reciprocal" if dtype == np.float32 else "divide"
    momentum = ""
    if rule.momentum > 0.0:
        momentum = "inside" if rule.lr_inside_momentum else "outside"
    return _kernels.KernelSpec(
        clip_value=rule.clip_value is not None,
        leaf_scale=rule.clip_norm is not None,
        global_scale=rule.global_clip_norm is not None,
        maximize=rule.maximize,
        coupled_decay=choices["coupled_decay"] if rule.weight_decay and not rule.decoupled_weight_decay else "",
        mean_square=choices["mean_square"],
        mean=mean,
        variance=choices["variance"] if rule.centered else "",
        debias=debias,
        eps_in_sqrt=rule.eps_in_sqrt,
        momentum=momentum,
        nesterov=rule.nesterov,
        descend=choices["descend"] if x_given else "plain",
        decoupled_decay=choices["decoupled_decay"] if rule.weight_decay and rule.decoupled_weight_decay else "",
        in_place=in_place,
        parallel=parallel,
    )


def _scalars(rule, step, spec, leaf_scale: float | None, dtype: np.dtype) -> np.ndarray:
    """:data:`rmsprop._kernels.SCALARS` for this step, computed in float64 as the NumPy form does, then rounded."""
    lr, correction = step.lr, step.correction
    if spec.debias == "reciprocal":  # Optax's float32 bias correction multiplies by 1/c
        correction = float(np.float32(1.0) / np.float32(correction))
    keras_factor = 0.0
    if spec.decoupled_decay == "keras":
        floatx = rule.arithmetic.floatx
        keras_factor = float(floatx(1) - floatx(floatx(rule.weight_decay) * floatx(lr)))
    values = {
        "lr": lr,
        "decay": rule.decay,
        "one_minus_decay": rule.one_minus_decay,
        "eps": rule.eps,
        "correction": correction,
        "momentum": rule.momentum,
        "weight_decay": rule.weight_decay,
        "clip_value": rule.clip_value or 0.0,
        "leaf_scale": 1.0 if leaf_scale is None else leaf_scale,
        "global_scale": 1.0 if step.global_scale is None else step.global_scale,
        "neg_lr": -lr,
        "lr_weight_decay": lr * rule.weight_decay,
        "lerp_weight": -(1.0 - rule.one_minus_decay),
        "keras_decay_factor": keras_factor,
        "zero": 0.0,
    }
    return np.array([values[name] for name in _kernels.SCALARS], dtype=dtype)


def _takes_kernel(g: np.ndarray, e: np.ndarray) -> bool:
    return e.size >= MIN_SIZE and e.dtype in _FLOATS and g.dtype == e.dtype and jit_enabled()


def _run(rule, step, spec, g, x, e, m, b, e_out, m_out, b_out, out, leaf_scale, order) -> None:
    dtype = e.dtype
    g = np.asarray(g, order=order)
    flat = [_flat(a, order) for a in (x, g, e, m, b, e_out, m_out, b_out, out)]
    _kernels.kernel(spec)(*flat, _scalars(rule, step, spec, leaf_scale, dtype))


def leaf_update(rule, step, g, x, e, m, b, leaf_scale) -> tuple | None:
    """``(u, e, m, b)`` for one array from a kernel, as :func:`rmsprop._rmsprop.leaf_update`; ``None`` when no kernel applies."""
    if not _takes_kernel(g, e):
        return None
    state = [a for a in (e, m, b) if a is not None]
    order = _order(state)
    if order is None:
        return None
    x_given = x is not None
    if x_given:
        x = np.asarray(x, dtype=e.dtype, order=order)
    spec = _spec(rule, step, e.dtype, x_given, in_place=False, parallel=e.size >= PARALLEL_MIN_SIZE)
    e_out = np.empty_like(e)
    m_out = None if m is None else np.empty_like(m)
    b_out = None if b is None else np.empty_like(b)
    u = np.empty_like(e)
    # A kernel never touches the arrays its rule has not got; g (read) and u (written) stand in for them.
    read = lambda a: g if a is None else a  # noqa: E731
    written = lambda a: u if a is None else a  # noqa: E731
    _run(rule, step, spec, g, read(x), e, read(m), read(b), e_out, written(m_out), written(b_out), u, leaf_scale, order)
    return u, e_out, m_out, b_out


def leaf_update_in_place(rule, step, params, g, x, e, m, b, leaf_scale) -> bool:
    """Step ``params`` and the state's ``e, m, b`` in place with a kernel; ``False`` (nothing done) when none applies.

    ``x`` is ``params`` when the rule reads the parameters, else ``None``.
    """
    if params.dtype != e.dtype or not _takes_kernel(g, e):
        return False
    state = [a for a in (params, e, m, b) if a is not None]
    order = _order(state)
    if order is None:
        return False
    spec = _spec(rule, step, e.dtype, x is not None, in_place=True, parallel=e.size >= PARALLEL_MIN_SIZE)
    m, b = (params if a is None else a for a in (m, b))
    _run(rule, step, spec, g, params, e, m, b, e, m, b, params, leaf_scale, order)
    return True



class InPlaceSteps:
    """The fast path of ``update_in_place``: kernels and flat views kept from one step to the next.

    ``RMSprop.step`` passes the same parameter list and state arrays every step, so the
    checks and views that do not change are made once, in a :class:`_Plan`, and a step
    only checks that the gradients fit it. Without clipping (which needs the norms
    first) and when every array takes a kernel, a step is one kernel call per array.
    """

    def __init__(self, rule, uses_params: bool) -> None:
        self.rule = rule
        self.uses_params = uses_params
        self.usable = rule.clip_value is None and rule.clip_norm is None and rule.global_clip_norm is None
        self.plan: _Plan | None = None

    def step(self, grads, state, params, lr: float, correction: float) -> bool:
        """One step of every array in place; ``False``, with nothing written, where the plan cannot take it."""
        if not self.usable or type(grads) is not list and type(grads) is not tuple or not jit_enabled():
            return False
        plan = self.plan
        if plan is None or not plan.fits(state, params):
            plan = self.plan = _Plan.make(state, params)
            if plan is None:
                return False
        flat_g = plan.gradients(grads)
        if flat_g is None:
            return False
        if plan.calls_lr != lr or plan.calls_correction != correction:
            plan.calls = [self._kernel_and_scalars(plan, i, lr, correction) for i in range(len(flat_g))]
            plan.calls_lr, plan.calls_correction = lr, correction
        if len(flat_g) == 1:  # the common case, without the loop's tuples (a step of 1e3 elements is ~2 us)
            kernel, s = plan.calls[0]
            x, e, m, b = plan.x[0], plan.e[0], plan.m[0], plan.b[0]
            kernel(x, flat_g[0], e, m, b, e, m, b, x, s)
            return True
        for (kernel, s), x, g, e, m, b in zip(plan.calls, plan.x, flat_g, plan.e, plan.m, plan.b):
            kernel(x, g, e, m, b, e, m, b, x, s)
        return True

    def _kernel_and_scalars(self, plan: "_Plan", i: int, lr: float, correction: float) -> tuple:
        dtype, size = plan.e[i].dtype, plan.e[i].size
        step = _StepScalars(lr, correction, None)
        spec = _spec(self.rule, step, dtype, self.uses_params, in_place=True, parallel=size >= PARALLEL_MIN_SIZE)
        return _kernels.kernel(spec), _scalars(self.rule, step, spec, None, dtype)


class _StepScalars(NamedTuple):
    """The per-step numbers that :func:`_spec` and :func:`_scalars` read (a subset of a rule's step)."""

    lr: float
    correction: float
    global_scale: float | None


class _Plan:
    """Flat views of one parameter list and its state, checked once for the kernels."""

    def __init__(self, state, params, x, e, m, b, order) -> None:
        self.trees = (state.nu, state.mu, state.momentum, params)
        self.params = list(params)
        self.x, self.e, self.m, self.b = x, e, m, b
        self.order = order
        self.shapes = [a.shape for a in self.params]
        self.dtypes = [a.dtype for a in e]
        self.strides = [a.strides for a in self.params]  # contiguous in its order: a gradient must match
        self.calls: list[tuple] = []  # (kernel, scalars) per array, for this rate and bias correction:
        self.calls_lr = self.calls_correction = math.nan

    @classmethod
    def make(cls, state, params) -> "_Plan | None":
        """The plan for these arrays, or ``None`` when one of them cannot take a kernel."""
        if not isinstance(params, list) or not isinstance(state.nu, list):
            return None
        n = len(params)
        mu = state.mu if state.mu is not None else [None] * n
        buf = state.momentum if state.momentum is not None else [None] * n
        if len(state.nu) != n or len(mu) != n or len(buf) != n:
            return None
        orders = []
        for x, e, m, b in zip(params, state.nu, mu, buf):
            arrays = [a for a in (x, e, m, b) if a is not None]
            if not all(isinstance(a, np.ndarray) for a in arrays):
                return None
            order = _order(arrays)
            if order is None or x.dtype != e.dtype or e.dtype not in _FLOATS or e.size < MIN_SIZE:
                return None
            orders.append(order)
        flat = lambda arrays: [None if a is None else _flat(a, o) for a, o in zip(arrays, orders)]  # noqa: E731
        x, e = flat(params), flat(state.nu)
        # Where a rule has no m or b, the parameters stand in: the kernel never touches them.
        m = [xi if mi is None else mi for xi, mi in zip(x, flat(mu))]
        b = [xi if bi is None else bi for xi, bi in zip(x, flat(buf))]
        return cls(state, params, x, e, m, b, orders)

    def fits(self, state, params) -> bool:
        nu, mu, momentum, planned = self.trees
        if state.nu is not nu or state.mu is not mu or state.momentum is not momentum or params is not planned:
            return False
        return len(params) == len(self.params) and all(map(operator.is_, params, self.params))

    def gradients(self, grads) -> list[np.ndarray] | None:
        """Flat views of ``grads`` when each has its parameter's shape, dtype and memory order, else ``None``."""
        if len(grads) != len(self.params):
            return None
        if len(grads) == 1:
            g = grads[0]
            if (type(g) is not np.ndarray or g.dtype is not self.dtypes[0] or g.shape != self.shapes[0]
                    or g.strides != self.strides[0]):
                return None
            return [g if g.ndim == 1 else g.reshape(-1, order=self.order[0])]
        flat = []
        # Cheap tests that may refuse a gradient that would do (another dtype object, odd strides
        # of a length-1 axis); the general path then takes it, with the same numbers.
        for g, shape, dtype, strides, order in zip(grads, self.shapes, self.dtypes, self.strides, self.order):
            if type(g) is not np.ndarray or g.dtype is not dtype or g.shape != shape or g.strides != strides:
                return None
            flat.append(g if g.ndim == 1 else g.reshape(-1, order=order))
        return flat
