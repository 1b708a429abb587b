"""The RMSprop step, written once: every engine runs this function.

RMSprop (Tieleman & Hinton 2012, Coursera "Neural Networks for Machine Learning",
lecture 6e) divides each gradient component by the root of a decaying average of its
recent squares. With every option off this is exactly the rule of the seed document, in
the seed's order of operations::

    e <- decay * e + (1 - decay) * g**2          e starts at 0
    x <- x - learning_rate * g / sqrt(e + eps)

:func:`make_step` gives that rule for one element, with every option of
:class:`rmsprop.Settings` and every library's arithmetic (:mod:`rmsprop.rule.arithmetic`).
It is plain Python over the operations of :mod:`rmsprop.rule.primitives`, so that:

* NumPy runs it on whole arrays as it is (the functional ``update``, and the batch
  engine of ``minimize_many`` with one column of settings per run);
* Numba compiles it into the fused array kernel and the compiled batch engine
  (:mod:`rmsprop._compiled`), with the options folded away as constants.

What a step does is given by a *spec*, a tuple of small integers indexed by
:data:`SPEC` (:meth:`rmsprop.Settings.spec` makes it), and its numbers by a tuple of
scalars indexed by :data:`SCALARS`, in the arrays' precision (:func:`scalars` makes it). :func:`bias_correction` and :func:`clip_factor` are the two
per-step numbers every engine computes the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .arithmetic import (
    centered_denominator,
    coupled_weight_decay,
    debias,
    decoupled_weight_decay,
    denominator,
    descend,
    mean,
    mean_square,
)
from .primitives import clip, power

__all__ = [
    "SPEC",
    "SCALARS",
    "OFF",
    "OUTSIDE",
    "INSIDE",
    "make_step",
    "bias_correction",
    "clip_factor",
    "scalars",
]

#: The fields of a spec, in order. Flags are 0 or 1; the others hold a piece of
#: :mod:`rmsprop.rule.arithmetic` or :data:`OFF`.
SPEC = (
    "clip_value",  # 1: clip g to [-clip_value, clip_value]
    "clip_norm",  # 1: multiply g by s[LEAF_SCALE], the array's clip_factor
    "global_clip_norm",  # 1: multiply g by s[GLOBAL_SCALE]
    "maximize",  # 1: g = -g
    "coupled_weight_decay",  # OFF or the piece of g + wd * x
    "mean_square",  # the piece of the average of squares
    "centered",  # 1: divide by the standard deviation (Graves 2013)
    "mean",  # the piece of the average of gradients (centered)
    "variance",  # the piece of e - m^2 (centered)
    "debias",  # OFF or the piece of the bias correction
    "eps_in_sqrt",  # 1: sqrt(v + eps), 0: sqrt(v) + eps
    "momentum",  # OFF, OUTSIDE (lr outside the buffer) or INSIDE
    "nesterov",  # 1: Nesterov's form of momentum
    "descend",  # the piece of x - lr * b (momentum, lr outside)
    "decoupled_weight_decay",  # OFF or the piece of u - lr * wd * x
)
CENTERED, MOMENTUM_SPEC = SPEC.index("centered"), SPEC.index("momentum")

OFF = -1
OUTSIDE, INSIDE = 1, 2

#: The numbers of a step, in order, in the arrays' precision (rounded from float64).
SCALARS = (
    "lr",  # the learning rate of this step
    "neg_lr",  # -lr
    "decay",
    "one_minus_decay",  # 1 - decay, formed in float64
    "eps",
    "correction",  # bias_correction(decay, t)
    "momentum",
    "weight_decay",
    "clip_value",
    "leaf_scale",  # clip_factor of this array (clip_norm)
    "global_scale",  # clip_factor of all arrays (global_clip_norm)
    "lr_weight_decay",  # lr * weight_decay, formed in float64
    "keras_decay_factor",  # 1 - wd * lr in Keras's floatx
)
(
    LR,
    NEG_LR,
    DECAY,
    ONE_MINUS_DECAY,
    EPS,
    CORRECTION,
    MOMENTUM,
    WEIGHT_DECAY,
    CLIP_VALUE,
    LEAF_SCALE,
    GLOBAL_SCALE,
    LR_WEIGHT_DECAY,
    KERAS_DECAY_FACTOR,
) = range(len(SCALARS))


def make_step(spec: tuple[int, ...]) -> Callable[..., tuple[Any, Any, Any, Any]]:
    r"""The RMSprop step that ``spec`` describes: ``step(g, x, e, m, b, s) -> (u, e, m, b)``.

    The step of one element (or of whole arrays, elementwise), in this order, each line
    only where ``spec`` turns it on::

        g  = clip(g, c) * leaf_scale * global_scale   clip_value, clip_norm, global_clip_norm
        g  = -g                                       maximize
        g  = g + wd * x                               coupled weight decay (L2 penalty)
        e  = decay * e + (1 - decay) * g^2            always
        m  = decay * m + (1 - decay) * g              centered
        v  = e / c,  m' = m / c                       bias correction, c = 1 - decay^(t+1)
        d  = sqrt(v - m'^2 + eps)                     eps_in_sqrt (centered: v - m'^2, clamped at 0)
        d  = sqrt(v - m'^2) + eps                     eps outside the root
        u  = -lr * g / d                              no momentum
        b  = mu * b + g / d;       u = -lr * b        momentum, lr outside (PyTorch)
        b  = mu * b + lr * g / d;  u = -b             momentum, lr inside (TF, Keras, Optax)
        u  = u - lr * wd * x                          decoupled weight decay

    Nesterov's momentum steps along ``g / d + mu * b`` (``lr * g / d + mu * b`` inside)
    instead of ``b``. The new parameter is ``x + u``. The spec's fields are constants of the
    returned closure, so that compiled code keeps only the lines that are on.

    Parameters
    ----------
    spec : tuple of int
        What the step does, indexed by :data:`SPEC` (:meth:`rmsprop.Settings.spec`).

    Returns
    -------
    callable
        ``step(g, x, e, m, b, s)``: ``g, x, e, m, b`` are the gradient, the parameter (read
        only with weight decay or PyTorch's descend), the average of squares, the average
        of gradients (centered) and the momentum buffer, as floats or arrays; those the
        spec does not read may be anything (``None`` in NumPy). ``s`` holds the step's
        numbers, indexed by :data:`SCALARS`, in the arrays' precision. It returns the update
        ``u`` and the new ``e, m, b`` (``m`` and ``b`` as given where off).

    Examples
    --------
    The seed's first step from ``x = -4`` (``g = -40``, lr 0.1, decay 0.9, eps 1e-8):

    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> settings = Settings(learning_rate=0.1)
    >>> step = make_step(settings.spec(np.float64))
    >>> s = scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> u, e, _, _ = step(-40.0, None, 0.0, None, None, s)
    >>> float(u), float(e)
    (0.31622776600695585, 159.99999999999997)
    """
    (
        clip_value,
        clip_norm,
        global_clip_norm,
        maximize,
        coupled,
        mean_square_piece,
        centered,
        mean_piece,
        variance_piece,
        debias_piece,
        eps_in_sqrt,
        momentum,
        nesterov,
        descend_piece,
        decoupled,
    ) = spec

    def step(g: Any, x: Any, e: Any, m: Any, b: Any, s: Any) -> tuple[Any, Any, Any, Any]:
        if clip_value:
            g = clip(g, s[CLIP_VALUE])
        if clip_norm:
            g = g * s[LEAF_SCALE]
        if global_clip_norm:
            g = g * s[GLOBAL_SCALE]
        if maximize:
            g = -g
        if coupled != OFF:
            g = coupled_weight_decay(coupled, g, x, s[WEIGHT_DECAY])

        e = mean_square(mean_square_piece, e, g, s[DECAY], s[ONE_MINUS_DECAY])
        v = e
        if debias_piece != OFF:
            v = debias(debias_piece, e, s[CORRECTION])
        if centered:
            m = mean(mean_piece, m, g, s[DECAY], s[ONE_MINUS_DECAY])
            average = m
            if debias_piece != OFF:
                average = debias(debias_piece, m, s[CORRECTION])
            d = centered_denominator(variance_piece, v, average, s[EPS], eps_in_sqrt)
        else:
            d = denominator(v, s[EPS], eps_in_sqrt)

        if momentum == INSIDE:
            direction = (s[LR] * g) / d
            b = s[MOMENTUM] * b + direction
            u = -(direction + s[MOMENTUM] * b) if nesterov else -b
        elif momentum == OUTSIDE:
            direction = g / d
            b = s[MOMENTUM] * b + direction
            u = descend(descend_piece, x, s[NEG_LR], direction + s[MOMENTUM] * b if nesterov else b)
        else:
            u = -(s[LR] * g) / d

        if decoupled != OFF:
            u = decoupled_weight_decay(decoupled, x, u, s[LR_WEIGHT_DECAY], s[KERAS_DECAY_FACTOR])
        return u, e, m, b

    return step


def bias_correction(decay: float, t: int) -> float:
    """``1 - decay^(t+1)``, the bias correction of step ``t`` (Kingma & Ba 2015, Adam, Algorithm 1).

    In float64 with the C library's ``pow``, as Python's ``decay ** (t + 1)`` computes it.

    Parameters
    ----------
    decay : float
        The decay of the averages, in ``[0, 1)``.
    t : int
        The step, ``0`` for the first.

    Returns
    -------
    float
        ``1 - decay^(t+1)``.

    Examples
    --------
    >>> bias_correction(0.9, 0)
    0.09999999999999998
    """
    return 1.0 - power(decay, t + 1.0)


def clip_factor(sum_of_squares: float, limit: float) -> float:
    """The factor of norm clipping: 1 when ``||g|| = sqrt(sum_of_squares) <= limit``, else ``limit / ||g||``.

    ``g * clip_factor`` has norm at most ``limit`` (Pascanu et al. 2013, "On the difficulty of
    training recurrent neural networks", Algorithm 1); ``g * 1`` is ``g`` exactly.

    Parameters
    ----------
    sum_of_squares : float
        ``||g||^2``, in float64.
    limit : float
        The largest norm allowed, ``> 0``.

    Returns
    -------
    float
        The factor, in ``(0, 1]``.

    Examples
    --------
    >>> clip_factor(25.0, 10.0), clip_factor(400.0, 10.0)
    (1.0, 0.5)
    """
    norm = math.sqrt(sum_of_squares)
    return 1.0 if norm <= limit else limit / norm


def scalars(
    settings: Any,
    lr: Any,
    correction: Any,
    leaf_scale: Any,
    global_scale: Any,
    dtype: Any,
    decay: Any = None,
    eps: Any = None,
) -> tuple:
    """The step's numbers (:data:`SCALARS`) in ``dtype``, each formed in float64 first and then rounded.

    That is how NumPy 2 treats a Python float meeting an array of ``dtype``, so every engine
    gets the same numbers. ``lr``, ``correction``, the clipping factors and (for the batch
    engine, one per run) ``decay`` and ``eps`` may be arrays that broadcast over the runs;
    ``decay`` and ``eps`` default to the settings'. ``correction`` is
    :func:`bias_correction` (1 without it); ``leaf_scale`` and ``global_scale`` are
    :func:`clip_factor`\\ s or ``None``.

    Parameters
    ----------
    settings : Settings
        The rule's settings.
    lr, correction, leaf_scale, global_scale, decay, eps : float or ndarray
        This step's numbers in float64.
    dtype : numpy.dtype
        The arrays' real precision.

    Returns
    -------
    tuple
        NumPy scalars or arrays of ``dtype``, indexed by :data:`SCALARS`.

    Examples
    --------
    ``1 - decay`` is formed in float64 and then rounded, not computed in float32:

    >>> import numpy as np
    >>> from rmsprop import Settings
    >>> s = scalars(Settings(learning_rate=0.1, decay=0.9), 0.1, 1.0, None, None, np.float32)
    >>> s[LR], s[NEG_LR], s[DECAY], s[ONE_MINUS_DECAY]
    (np.float32(0.1), np.float32(-0.1), np.float32(0.9), np.float32(0.1))
    >>> np.float32(1) - np.float32(0.9)
    np.float32(0.100000024)

    The batch engine gives one decay per run:

    >>> s = scalars(Settings(), 0.01, 1.0, None, None, np.float64, decay=np.array([0.5, 0.9]))
    >>> s[ONE_MINUS_DECAY]
    array([0.5, 0.1])
    """
    dtype = np.dtype(dtype)
    decay = settings.decay if decay is None else decay
    eps = settings.eps if eps is None else eps
    lr = np.asarray(lr, dtype=np.float64)
    keras = np.dtype(settings.arithmetic_pieces.floatx).type
    weight_decay = settings.weight_decay
    keras_factor = keras(1) - (np.asarray(weight_decay, keras) * np.asarray(lr, keras)).astype(keras)
    values = (
        lr,
        -lr,
        decay,
        1.0 - np.asarray(decay, np.float64),
        eps,
        correction,
        settings.momentum,
        weight_decay,
        settings.clip_value or 0.0,
        1.0 if leaf_scale is None else leaf_scale,
        1.0 if global_scale is None else global_scale,
        lr * weight_decay,
        keras_factor,
    )
    return tuple(np.asarray(value, dtype=np.float64).astype(dtype)[()] for value in values)
