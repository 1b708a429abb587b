"""What a library does around the rule: Keras's gradient clipping and parameter EMA, PyTorch's complex numbers.

The flavors of :mod:`rmsprop.compat` are the one rule of :func:`rmsprop.rmsprop` plus, where a
library does something the rule does not, one of these transformations beside it: Keras
clips with its own formulas and dtypes (:func:`keras_clip`) and may keep a moving average
of the parameters (:func:`with_parameter_ema`); PyTorch steps complex parameters as pairs
of real numbers (:func:`complex_as_real_pairs`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._base import GradientTransformation
from .._tree import as_leaves, flatten, unflatten

__all__ = ["with_parameter_ema", "keras_clip", "complex_as_real_pairs"]


class _EmaState(NamedTuple):
    inner: Any
    ema: Any
    count: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.count (optax-style public name)


def with_parameter_ema(inner: GradientTransformation, ema_momentum: float) -> GradientTransformation:
    """Keep Keras's moving average of the parameters beside ``inner`` (it does not change the updates).

    After each step: ``ema = mu * ema + (1 - mu) * x_new`` with ``mu = 0`` on the first step
    (Keras's ``_update_model_variables_moving_average``).

    Parameters
    ----------
    inner : GradientTransformation
        The transformation whose updates are kept as they are.
    ema_momentum : float
        ``mu``, in ``[0, 1]``.

    Returns
    -------
    GradientTransformation
        ``inner`` with the average in its state (``state.ema``, a copy of the parameters
        at ``init``); ``update`` needs the parameters. Its updates are ``inner``'s, so its
        ``rule`` is ``inner``'s too.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import rmsprop
    >>> opt = with_parameter_ema(rmsprop(0.1), 0.5)
    >>> x = np.array([-4.0, 3.0])
    >>> state = opt.init(x)
    >>> for _ in range(2):
    ...     updates, state = opt.update(np.array([10.0, 14.0]) * x, state, x)
    ...     x = x + updates
    >>> x, state.ema
    (array([-3.46350741,  2.46682078]), array([-3.57363982,  2.57529651]))
    """

    def init(params: Any) -> _EmaState:
        leaves, structure = as_leaves(params, "params")
        return _EmaState(inner.init(params), unflatten(structure, [np.array(p, copy=True) for p in leaves]), 0)

    def update(grads: Any, state: _EmaState, params: Any = None) -> tuple[Any, _EmaState]:
        if params is None:
            raise ValueError("use_ema needs the parameters: call update(grads, state, params)")
        updates, inner_state = inner.update(grads, state.inner, params)
        mu = ema_momentum if state.count > 0 else 0.0
        x_leaves, structure = flatten(params)
        new_ema = [  # asarray: a 0-d parameter keeps a 0-d array, not the NumPy scalar its arithmetic gives
            np.asarray(mu * a + (1.0 - mu) * (np.asarray(x) + u))
            for a, x, u in zip(flatten(state.ema)[0], x_leaves, flatten(updates)[0])
        ]
        return updates, _EmaState(inner_state, unflatten(structure, new_ema), state.count + 1)

    return GradientTransformation(init, update, dict(inner.settings), rule=inner.rule)


def keras_clip(clipnorm: float | None, clipvalue: float | None, global_clipnorm: float | None, as_floatx: type):
    """Keras's gradient clipping (``BaseOptimizer._clip_gradients``), exactly its formulas and dtypes.

    The constants become ``floatx`` tensors; Keras's ``maximum``/``minimum`` of a float64 tensor
    and a Python number compute in float32 (its ``result_type`` maps 64-bit types to 32-bit).

    Parameters
    ----------
    clipnorm, clipvalue, global_clipnorm : float or None
        Keras's limits, checked; at most one is given (:func:`rmsprop.compat.keras` checks it).
    as_floatx : type
        ``numpy.float32`` or ``numpy.float64``: Keras's floatx.

    Returns
    -------
    GradientTransformation or None
        A stateless transformation whose updates are the clipped gradients, to chain before
        the rule; ``None`` when no limit is given.

    Examples
    --------
    >>> import numpy as np
    >>> keras_clip(None, None, None, np.float32) is None
    True
    >>> keras_clip(1.0, None, None, np.float32).update([np.array([3.0, 4.0])], ())
    ([array([0.6, 0.8])], ())

    The global norm's factor is formed in float32, even for float64 gradients:

    >>> keras_clip(None, None, 1.0, np.float32).update([np.array([3.0]), np.array([4.0])], ())
    ([array([0.60000001]), array([0.80000001])], ())
    """
    if clipnorm is None and clipvalue is None and global_clipnorm is None:
        return None
    f32 = np.float32

    def clip(leaves: list[np.ndarray]) -> list[np.ndarray]:
        if clipnorm is not None:
            out = []
            for g in leaves:
                total = np.sum(g * g)
                norm = np.sqrt(total) if total > 0 else total
                limit = np.maximum(f32(norm), f32(clipnorm)).astype(g.dtype)
                out.append((g * as_floatx(clipnorm).astype(g.dtype)) / limit)
            return out
        if global_clipnorm is not None:
            norm = np.sqrt(np.sum(np.stack([np.sum(g * g) for g in leaves])))
            with np.errstate(divide="ignore"):
                scale = f32(global_clipnorm) * np.minimum(f32(1.0 / norm), f32(1.0 / global_clipnorm))
            return [g * scale.astype(g.dtype) for g in leaves]
        bound = as_floatx(clipvalue)
        return [np.clip(g, -bound.astype(g.dtype), bound.astype(g.dtype)) for g in leaves]

    def update(grads: Any, state: tuple, params: Any = None) -> tuple[Any, tuple]:
        leaves, structure = as_leaves(grads, "grads")
        return unflatten(structure, clip(leaves)), state

    settings = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
    return GradientTransformation(lambda params: (), update, settings)


def complex_as_real_pairs(inner: GradientTransformation) -> GradientTransformation:
    """Run ``inner`` on complex arrays viewed as real ``(..., 2)`` arrays (``torch.view_as_real``).

    Parameters
    ----------
    inner : GradientTransformation
        The transformation to run on real arrays.

    Returns
    -------
    GradientTransformation
        ``inner`` with complex parameters and gradients as pairs of reals, each part with its
        own average of squares; its updates are complex again where the gradients are. Real
        arrays pass as they are, so its ``rule`` is ``inner``'s (which speaks of real arrays).

    Examples
    --------
    PyTorch divides the real and imaginary parts each by its own root mean square; the rule
    alone divides by that of ``|g|``:

    >>> import numpy as np
    >>> from rmsprop import rmsprop
    >>> z, g = np.array([3 + 4j]), np.array([3 + 4j])
    >>> pairs = complex_as_real_pairs(rmsprop(0.1))
    >>> pairs.update(g, pairs.init(z), z)[0]
    array([-0.31622776-0.31622777j])
    >>> rmsprop(0.1).update(g, rmsprop(0.1).init(z), z)[0]
    array([-0.18973666-0.25298221j])
    """

    def as_real(tree: Any) -> Any:
        if tree is None:
            return None
        leaves, structure = flatten(tree)
        return unflatten(structure, [_real_view(leaf) for leaf in leaves])

    def init(params: Any) -> Any:
        return inner.init(as_real(params))

    def update(grads: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        g_leaves, structure = flatten(grads)
        updates, state = inner.update(as_real(grads), state, as_real(params))
        u_leaves = flatten(updates)[0]
        back = [_complex_view(u) if np.iscomplexobj(g) else u for g, u in zip(g_leaves, u_leaves)]
        return unflatten(structure, back), state

    return GradientTransformation(init, update, dict(inner.settings), rule=inner.rule)


def _real_view(array: Any) -> Any:
    array = np.asarray(array)
    if not np.iscomplexobj(array):
        return array
    return np.stack([array.real, array.imag], axis=-1)


def _complex_view(array: np.ndarray) -> np.ndarray:
    return array[..., 0] + 1j * array[..., 1]
