"""Gradient clipping, applied to the raw gradient before anything else (as Keras and Optax's chains do).

* by value:        ``g <- clip(g, -c, c)`` elementwise (real and imaginary parts separately);
* by norm:         ``g <- g * (c / ||g||)`` when ``||g|| > c``, for each array on its own;
* by global norm:  ``g <- g * (c / G)`` when ``G = sqrt(sum_arrays ||g||^2) > c`` (Pascanu et al. 2013,
  "On the difficulty of training recurrent neural networks").

Norm clipping is a factor per array (:func:`clip_factors`; 1 when under the limit, and ``g * 1``
is ``g`` exactly), so a fused kernel can apply it in its single pass. The norms are sums of
squares in float64 over blocks of :data:`BLOCK` elements, taken in memory order: the same sum
for the NumPy form and the kernels, and no temporary larger than a block.
"""

from __future__ import annotations

import numpy as np

from .rule.primitives import abs_sq, clip
from .rule.step import clip_factor

__all__ = ["sum_of_squares", "clip_factors", "BLOCK"]

#: Elements per block of a norm's sum (512 KiB of float64).
BLOCK = 1 << 16


def sum_of_squares(g: np.ndarray, clip_value: float | None = None, scale: float | None = None) -> float:
    """``sum |h|^2`` in float64 for ``h = clip(g, clip_value) * scale`` (each part only when given).

    The sum runs block by block over ``g`` in memory order; each block is summed by NumPy.

    Parameters
    ----------
    g : numpy.ndarray
        A gradient array, real or complex.
    clip_value : float, optional
        Clip each component (real and imaginary parts apart) to ``[-clip_value, clip_value]``
        first; default no clipping.
    scale : float, optional
        Multiply by this factor (an earlier clipping's) before squaring; default none.

    Returns
    -------
    float
        The sum of squares, ``||h||^2``.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([3.0, -4.0])
    >>> sum_of_squares(g), sum_of_squares(g, clip_value=1.0), sum_of_squares(g, scale=0.5)
    (25.0, 2.0, 6.25)
    """
    flat = np.ravel(g, order="K")
    total = 0.0
    for start in range(0, flat.size, BLOCK):
        block = flat[start : start + BLOCK]
        if clip_value is not None:
            block = clip(block, clip_value)
        if scale is not None:
            block = block * scale
        total += float(np.sum(abs_sq(block), dtype=np.float64))
    return total


def clip_factors(
    leaves: list[np.ndarray], clip_value: float | None, clip_norm: float | None, global_clip_norm: float | None
) -> tuple[list[float] | None, float | None]:
    """The factors of norm clipping: one per array for ``clip_norm`` and one for ``global_clip_norm``.

    ``None`` where that clipping is off. The norms are of the gradients as clipped so far
    (by value, then by each array's norm), in the order of :func:`rmsprop.rmsprop`.

    Parameters
    ----------
    leaves : list of numpy.ndarray
        The gradient arrays.
    clip_value, clip_norm, global_clip_norm : float or None
        The limits of :func:`rmsprop.rmsprop`; ``None`` where that clipping is off.

    Returns
    -------
    leaf_scales : list of float or None
        The factor of each array (:func:`rmsprop.rule.step.clip_factor`), or ``None``
        without ``clip_norm``.
    global_scale : float or None
        The factor of all arrays together, or ``None`` without ``global_clip_norm``.

    Examples
    --------
    Norms 5 and 12 clipped to 10 each, then to 5 together:

    >>> import numpy as np
    >>> leaves = [np.array([3.0, -4.0]), np.array([12.0])]
    >>> clip_factors(leaves, None, 10.0, None)
    ([1.0, 0.8333333333333334], None)
    >>> clip_factors(leaves, None, 10.0, 5.0)
    ([1.0, 0.8333333333333334], 0.4472135954999579)
    """
    leaf_scales = None
    if clip_norm is not None:
        leaf_scales = [clip_factor(sum_of_squares(g, clip_value), clip_norm) for g in leaves]
    global_scale = None
    if global_clip_norm is not None:
        scales: list[float] | list[None] = leaf_scales or [None] * len(leaves)
        total = sum(sum_of_squares(g, clip_value, scale) for g, scale in zip(leaves, scales))
        global_scale = clip_factor(total, global_clip_norm)
    return leaf_scales, global_scale
