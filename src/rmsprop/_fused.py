"""When a step runs as a fused kernel (:mod:`rmsprop._compiled.array_kernel`) instead of as NumPy expressions.

Both run the step of :func:`rmsprop.rule.step.make_step`, with the same numbers. A parameter array takes the
kernel when all of these hold, and the NumPy form otherwise:

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
from typing import Any, Literal

import numpy as np

__all__ = ["jit_enabled", "InPlaceSteps", "leaf_update", "leaf_update_in_place", "MIN_SIZE", "PARALLEL_MIN_SIZE"]

#: The smallest array that takes a kernel.
MIN_SIZE = 256
#: The smallest array that a kernel splits over the cores.
PARALLEL_MIN_SIZE = 1 << 15

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_kernels: Any = None  # rmsprop._compiled.array_kernel, once imported; False when Numba is missing


def jit_enabled() -> bool:
    """Whether kernels may run: Numba is installed and ``RMSPROP_DISABLE_JIT`` was not ``1`` at the first step.

    The first call imports :mod:`rmsprop._compiled.array_kernel` (and so Numba) and keeps
    the answer for the rest of the process.

    Returns
    -------
    bool
        True where a step may take a kernel.

    Examples
    --------
    >>> import numba  # installed, and RMSPROP_DISABLE_JIT is not 1 here
    >>> jit_enabled()
    True
    """
    global _kernels
    if _kernels is None:
        module: Any = False
        if os.environ.get("RMSPROP_DISABLE_JIT", "") != "1":
            try:
                from ._compiled import array_kernel as module
            except ImportError:  # Numba is not installed: the NumPy form does everything
                module = False
        _kernels = module
    return _kernels is not False


def _order(arrays: list[np.ndarray]) -> Literal["C", "F"] | None:
    """``"C"`` or ``"F"`` when every array is contiguous in that order, else ``None``."""
    if all(a.flags.c_contiguous for a in arrays):
        return "C"
    if all(a.flags.f_contiguous for a in arrays):
        return "F"
    return None


def _flat(array: np.ndarray, order: Literal["C", "F"]) -> np.ndarray:
    return array.reshape(-1, order=order)


def _takes_kernel(g: np.ndarray, e: np.ndarray) -> bool:
    return e.size >= MIN_SIZE and e.dtype in _FLOATS and g.dtype == e.dtype and jit_enabled()


def _run(spec, s, g, x, e, m, b, e_out, m_out, b_out, out, order, in_place: bool) -> None:
    g = np.asarray(g, order=order)
    flat = [_flat(a, order) for a in (x, g, e, m, b, e_out, m_out, b_out, out)]
    _kernels.kernel(spec, in_place, e.size >= PARALLEL_MIN_SIZE)(*flat, np.array(s, dtype=e.dtype))


def leaf_update(spec, s, g, x, e, m, b) -> tuple | None:
    """``(u, e, m, b)`` for one array from a kernel; ``None`` when no kernel applies.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).
    s : tuple
        The step's scalars (:func:`rmsprop.rule.step.scalars`), in the arrays' dtype.
    g : numpy.ndarray
        The gradient, in the state's dtype and shape (copied once if in another layout).
    x : numpy.ndarray or None
        The parameter, where the step reads it.
    e : numpy.ndarray
        The average of squares.
    m, b : numpy.ndarray or None
        The average of gradients (centered) and the momentum buffer, where the rule has them.

    Returns
    -------
    tuple or None
        The update ``u`` and the new ``e, m, b`` (new arrays; ``None`` for those the rule
        has not got), the numbers of :func:`rmsprop.rule.step.make_step`; ``None`` where
        no kernel applies (see the module's docstring), with nothing computed.

    Examples
    --------
    The seed's first step, from ``x = -4`` (``g = -40``), on :data:`MIN_SIZE` elements:

    >>> import numba  # the kernels need it
    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> spec, s = settings.spec(np.float64), scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> u, e, m, b = leaf_update(spec, s, np.full(MIN_SIZE, -40.0), None, np.zeros(MIN_SIZE), None, None)
    >>> float(u[0]), float(e[0]), m, b
    (0.31622776600695585, 159.99999999999997, None, None)
    >>> leaf_update(spec, s, np.full(4, -40.0), None, np.zeros(4), None, None) is None  # too small
    True
    """
    if not _takes_kernel(g, e):
        return None
    state = [a for a in (e, m, b) if a is not None]
    order = _order(state)
    if order is None:
        return None
    if x is not None:
        x = np.asarray(x, dtype=e.dtype, order=order)
    e_out = np.empty_like(e)
    m_out = None if m is None else np.empty_like(m)
    b_out = None if b is None else np.empty_like(b)
    u = np.empty_like(e)
    # A kernel never touches the arrays its rule has not got; g (read) and u (written) stand in for them.
    read = lambda a: g if a is None else a  # noqa: E731
    written = lambda a: u if a is None else a  # noqa: E731
    _run(spec, s, g, read(x), e, read(m), read(b), e_out, written(m_out), written(b_out), u, order, in_place=False)
    return u, e_out, m_out, b_out


def leaf_update_in_place(spec, s, params, g, x, e, m, b) -> bool:
    """Step ``params`` and the state's ``e, m, b`` in place with a kernel; ``False`` (nothing done) when none applies.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec`).
    s : tuple
        The step's scalars (:func:`rmsprop.rule.step.scalars`), in the arrays' dtype.
    params : numpy.ndarray
        The parameter, overwritten with ``x + u``.
    g : numpy.ndarray
        The gradient, in the state's dtype and shape.
    x : numpy.ndarray or None
        ``params`` when the rule reads the parameters, else ``None``.
    e : numpy.ndarray
        The average of squares, overwritten with the new one.
    m, b : numpy.ndarray or None
        The average of gradients and the momentum buffer, overwritten, where the rule has them.

    Returns
    -------
    bool
        True when a kernel took the step; False, with nothing written, where none applies.

    Examples
    --------
    >>> import numba  # the kernels need it
    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> spec, s = settings.spec(np.float64), scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> x, e = np.full(MIN_SIZE, -4.0), np.zeros(MIN_SIZE)
    >>> leaf_update_in_place(spec, s, x, np.full(MIN_SIZE, -40.0), None, e, None, None)
    True
    >>> float(x[0]), float(e[0])
    (-3.6837722339930443, 159.99999999999997)
    """
    if params.dtype != e.dtype or not _takes_kernel(g, e):
        return False
    state = [a for a in (params, e, m, b) if a is not None]
    order = _order(state)
    if order is None:
        return False
    m, b = (params if a is None else a for a in (m, b))
    _run(spec, s, g, params, e, m, b, e, m, b, params, order, in_place=True)
    return True


class InPlaceSteps:
    """The fast path of ``update_in_place``: kernels and flat views kept from one step to the next.

    ``RMSprop.step`` passes the same parameter list and state arrays every step, so the
    checks and views that do not change are made once, in a :class:`_Plan`, and a step
    only checks that the gradients fit it. Without clipping (which needs the norms
    first) and when every array takes a kernel, a step is one kernel call per array.

    Parameters
    ----------
    settings : Settings
        The rule's settings.
    numbers : object
        Gives a step's spec and scalars: ``numbers.get(dtype, x_given, lr, correction,
        leaf_scale, global_scale) -> (spec, s)``, kept from step to step by
        :func:`rmsprop.rmsprop`'s ``update_in_place``.

    Examples
    --------
    >>> import numba  # the kernels need it
    >>> import numpy as np
    >>> from rmsprop import Settings, rmsprop
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> class Numbers:
    ...     def get(self, dtype, x_given, lr, correction, leaf_scale, global_scale):
    ...         return (settings.spec(dtype, x_given),
    ...                 scalars(settings, lr, correction, leaf_scale, global_scale, dtype))
    >>> steps = InPlaceSteps(settings, Numbers())
    >>> params = [np.full(MIN_SIZE, -4.0)]
    >>> state = rmsprop(0.1).init(params)
    >>> steps.step([np.full(MIN_SIZE, -40.0)], state, params, 0.1, 1.0)
    True
    >>> float(params[0][0]), float(state.e[0][0])
    (-3.6837722339930443, 159.99999999999997)
    >>> steps.step([np.full(MIN_SIZE, -40.0)], state, params[0], 0.1, 1.0)  # not a list: the general path
    False
    """

    def __init__(self, settings, numbers) -> None:
        self.uses_params = settings.uses_params
        self.numbers = numbers  # the spec and scalars of a step, per dtype
        self.usable = not settings.clips
        self.plan: _Plan | None = None

    def step(self, grads, state, params, lr: float, correction: float) -> bool:
        """One step of every array in place; ``False``, with nothing written, where the plan cannot take it.

        Parameters
        ----------
        grads : list or tuple of numpy.ndarray
            One gradient per parameter array, each of its parameter's shape, dtype and layout.
        state : RMSpropState
            The state whose arrays are overwritten.
        params : list of numpy.ndarray
            The parameters, overwritten.
        lr : float
            This step's learning rate.
        correction : float
            This step's bias correction (1.0 without it).

        Returns
        -------
        bool
            True when every array took its kernel; False where the caller must take the
            general path (clipping, no Numba, or arrays the kernels cannot take).
        """
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

    def _kernel_and_scalars(self, plan: _Plan, i: int, lr: float, correction: float) -> tuple:
        dtype, size = plan.e[i].dtype, plan.e[i].size
        spec, s = self.numbers.get(dtype, self.uses_params, lr, correction, None, None)
        return _kernels.kernel(spec, True, size >= PARALLEL_MIN_SIZE), np.array(s, dtype=dtype)


class _Plan:
    """Flat views of one parameter list and its state, checked once for the kernels."""

    def __init__(self, state, params, x, e, m, b, order) -> None:
        self.trees = (state.e, state.m, state.b, params)
        self.params = list(params)
        self.x, self.e, self.m, self.b = x, e, m, b
        self.order = order
        self.shapes = [a.shape for a in self.params]
        self.dtypes = [a.dtype for a in e]
        self.strides = [a.strides for a in self.params]  # contiguous in its order: a gradient must match
        self.calls: list[tuple] = []  # (kernel, scalars) per array, for this rate and bias correction:
        self.calls_lr = self.calls_correction = math.nan

    @classmethod
    def make(cls, state, params) -> _Plan | None:
        """The plan for these arrays, or ``None`` when one of them cannot take a kernel."""
        if not isinstance(params, list) or not isinstance(state.e, list):
            return None
        n = len(params)
        mu = state.m if state.m is not None else [None] * n
        buf = state.b if state.b is not None else [None] * n
        if len(state.e) != n or len(mu) != n or len(buf) != n:
            return None
        orders = []
        for x, e, m, b in zip(params, state.e, mu, buf):
            arrays = [a for a in (x, e, m, b) if a is not None]
            if not all(isinstance(a, np.ndarray) for a in arrays):
                return None
            order = _order(arrays)
            if order is None or x.dtype != e.dtype or e.dtype not in _FLOATS or e.size < MIN_SIZE:
                return None
            orders.append(order)
        flat = lambda arrays: [None if a is None else _flat(a, o) for a, o in zip(arrays, orders)]  # noqa: E731
        x, e = flat(params), flat(state.e)
        # Where a rule has no m or b, the parameters stand in: the kernel never touches them.
        m = [xi if mi is None else mi for xi, mi in zip(x, flat(mu))]
        b = [xi if bi is None else bi for xi, bi in zip(x, flat(buf))]
        return cls(state, params, x, e, m, b, orders)

    def fits(self, state, params) -> bool:
        e, m, b, planned = self.trees
        if state.e is not e or state.m is not m or state.b is not b or params is not planned:
            return False
        return len(params) == len(self.params) and all(map(operator.is_, params, self.params))

    def gradients(self, grads) -> list[np.ndarray] | None:
        """Flat views of ``grads`` when each has its parameter's shape, dtype and memory order, else ``None``."""
        if len(grads) != len(self.params):
            return None
        if len(grads) == 1:
            g = grads[0]
            if (
                type(g) is not np.ndarray
                or g.dtype is not self.dtypes[0]
                or g.shape != self.shapes[0]
                or g.strides != self.strides[0]
            ):
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
