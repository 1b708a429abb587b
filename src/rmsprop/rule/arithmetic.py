"""How each line of the rule is rounded: the libraries' arithmetics as small named pieces.

The mathematics of a line is fixed (``e = decay * e + (1 - decay) * g^2``); the
floating-point result is not: a library may multiply in another order, or its compiled
kernel may use a fused multiply-add (``fma(a, b, c) = round(a * b + c)``, one rounding
instead of two). After hundreds of steps on a problem where RMSprop oscillates, a
one-bit difference per step can grow to 1e-10 and more, so a flavor that must reproduce
a library picks that library's arithmetic.

An :class:`Arithmetic` is a choice of one piece for each line that libraries round
differently; the step (:func:`rmsprop.rule.step.make_step`) calls the chosen piece through
the small dispatchers below. Each piece is one line, with the library kernel it mirrors.
The pieces are written in :mod:`rmsprop.rule.primitives`, so that NumPy runs them on
arrays and Numba compiles them into the kernels.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .primitives import abs_sq, clamp_at_zero, fma, lerp, reciprocal, sqrt

__all__ = [
    "Arithmetic",
    "ARITHMETICS",
    "SEED",
    "TORCH",
    "KERAS",
    "OPTAX",
    "PLAIN",
    "FMA",
    "LERP",
    "CLAMP",
    "RECIPROCAL",
    "mean_square",
    "mean",
    "debias",
    "variance",
    "centered_denominator",
    "denominator",
    "coupled_weight_decay",
    "descend",
    "decoupled_weight_decay",
]

#: The functions that choose a piece, in the order the step calls them.
PIECES = (
    "coupled_weight_decay",
    "mean_square",
    "mean",
    "debias",
    "variance",
    "denominator",
    "centered_denominator",
    "descend",
    "decoupled_weight_decay",
)

# Codes of the pieces, small integers so that compiled code folds the choice away.
SEED = PLAIN = 0  # every line as written, two roundings per a * b + c
TORCH = FMA = 1  # ATen's fused multiply-adds
KERAS = 2  # Keras 3 on its torch backend
LERP = 3  # torch.lerp
CLAMP = 4  # our clamp of the centered variance at 0
OPTAX = 5
RECIPROCAL = 6  # multiply by 1/c (Optax's float32 bias correction)


class Arithmetic(NamedTuple):
    """One library's choice of piece per line (the codes above); ``floatx`` for Keras's scalars.

    Parameters
    ----------
    name : str
        The ``arithmetic=`` value of :func:`rmsprop.rmsprop`.
    coupled_weight_decay, mean_square, mean, variance, descend, decoupled_weight_decay : int
        The piece of each line.
    debias_float32 : int
        The bias correction's piece for float32 arrays (float64 always divides).
    floatx : str
        The precision in which Keras forms its decay factor ``1 - wd * lr``.

    Examples
    --------
    >>> ARITHMETICS["torch"]
    Arithmetic(name='torch', coupled_weight_decay=1, mean_square=1, mean=3, variance=1, descend=1,
               decoupled_weight_decay=0, debias_float32=0, floatx='float64')
    >>> ARITHMETICS["optax"].debias_float32 == RECIPROCAL
    True
    """

    name: str
    coupled_weight_decay: int = PLAIN
    mean_square: int = SEED
    mean: int = SEED
    variance: int = CLAMP
    descend: int = PLAIN
    decoupled_weight_decay: int = PLAIN
    debias_float32: int = PLAIN
    floatx: str = "float64"


#: The arithmetics by name. ``seed`` is the reference: every line exactly as written.
ARITHMETICS = {
    a.name: a
    for a in (
        Arithmetic("seed"),
        # torch.optim.RMSprop's CPU kernels (PyTorch 2.x, single-tensor path): addcmul, lerp and
        # add(..., alpha=) are fused multiply-adds in ATen's vectorised loops; addcdiv is x + (v * g) / d.
        Arithmetic("torch", coupled_weight_decay=FMA, mean_square=TORCH, mean=LERP, variance=FMA, descend=FMA),
        # Keras 3's RMSprop on its torch backend: torch._foreach_add_(a, b, alpha=w) is fma(b, w, a); the
        # centered denominator is sqrt((e + eps) - m^2); decoupled weight decay multiplies x by 1 - wd * lr
        # first, that factor formed in Keras's floatx (keras/src/backend/torch/optimizers/).
        Arithmetic(
            "keras_torch", mean_square=KERAS, mean=KERAS, variance=KERAS, decoupled_weight_decay=KERAS, floatx="float32"
        ),
        Arithmetic(
            "keras_torch_float64",
            mean_square=KERAS,
            mean=KERAS,
            variance=KERAS,
            decoupled_weight_decay=KERAS,
            floatx="float64",
        ),
        # Optax's scale_by_rms / scale_by_stddev op by op (Optax 0.2.8, jax 0.10): the centered variance is
        # not clamped, and in float32 the bias correction multiplies by 1 / c. XLA's rsqrt in the step
        # -lr * (g * rsqrt(v + eps)) is an approximation refined by Newton steps on AVX-512 CPUs, not a
        # correctly rounded 1 / sqrt; we keep the seed's -(lr * g) / sqrt(v + eps), an ulp or two from it.
        Arithmetic("optax", variance=PLAIN, debias_float32=RECIPROCAL),
    )
}


def coupled_weight_decay(piece: int, g: Any, x: Any, weight_decay: Any) -> Any:
    """The L2 gradient added: ``g + wd * x``; PyTorch's ``grad.add(param, alpha=wd)`` is ``fma(x, wd, g)``.

    Parameters
    ----------
    piece : int
        :data:`PLAIN` or :data:`FMA`.
    g, x : float or numpy.ndarray
        The gradient and the parameter.
    weight_decay : float
        ``wd``, in the arrays' precision.

    Returns
    -------
    float or numpy.ndarray
        ``g + wd * x``, rounded as the piece rounds it.

    Examples
    --------
    >>> import numpy as np
    >>> g, x = np.float64(0.5), np.float64(3.4)
    >>> float(coupled_weight_decay(PLAIN, g, x, 0.1)), float(coupled_weight_decay(FMA, g, x, 0.1))
    (0.8400000000000001, 0.84)
    """
    if piece == FMA:
        return fma(x, weight_decay, g)
    return g + weight_decay * x


def mean_square(piece: int, e: Any, g: Any, decay: Any, one_minus_decay: Any) -> Any:
    """The average of squares ``decay * e + (1 - decay) * |g|^2``.

    PyTorch: ``e.mul_(alpha).addcmul_(g, g, value=1 - alpha)`` is ``fma((1 - alpha) g, g, alpha e)``;
    Keras: ``v *= rho; v += (1 - rho) * (g * g)`` is ``fma(g g, 1 - rho, rho v)``.

    Parameters
    ----------
    piece : int
        :data:`SEED`, :data:`TORCH` or :data:`KERAS`.
    e : float or numpy.ndarray
        The average of squares so far.
    g : float, complex or numpy.ndarray
        The gradient.
    decay, one_minus_decay : float
        ``decay`` and ``1 - decay`` (formed in float64), in the arrays' precision.

    Returns
    -------
    float or numpy.ndarray
        The new average of squares.

    Examples
    --------
    >>> import numpy as np
    >>> e, g = np.float64(0.5), np.float64(9.5)
    >>> [float(mean_square(piece, e, g, 0.9, 0.1)) for piece in (SEED, TORCH, KERAS)]
    [9.475, 9.475000000000001, 9.475]
    """
    if piece == TORCH:
        return fma(one_minus_decay * g, g, decay * e)
    if piece == KERAS:
        return fma(abs_sq(g), one_minus_decay, decay * e)
    return decay * e + one_minus_decay * abs_sq(g)


def mean(piece: int, m: Any, g: Any, decay: Any, one_minus_decay: Any) -> Any:
    """The average of gradients ``decay * m + (1 - decay) * g`` (centered only).

    PyTorch: ``m.lerp_(g, 1 - alpha)``; Keras: ``m *= rho; m += (1 - rho) * g`` is ``fma(g, 1 - rho, rho m)``.

    Parameters
    ----------
    piece : int
        :data:`SEED`, :data:`LERP` or :data:`KERAS`.
    m, g : float or numpy.ndarray
        The average of gradients so far and the gradient.
    decay, one_minus_decay : float
        ``decay`` and ``1 - decay`` (formed in float64), in the arrays' precision.

    Returns
    -------
    float or numpy.ndarray
        The new average of gradients.

    Examples
    --------
    >>> import numpy as np
    >>> m, g = np.float64(0.1), np.float64(7.9)
    >>> [float(mean(piece, m, g, 0.9, 0.1)) for piece in (SEED, LERP, KERAS)]
    [0.88, 0.8800000000000001, 0.8800000000000001]
    """
    if piece == LERP:
        return lerp(m, g, one_minus_decay)
    if piece == KERAS:
        return fma(g, one_minus_decay, decay * m)
    return decay * m + one_minus_decay * g


def debias(piece: int, a: Any, correction: Any) -> Any:
    """An average divided by the bias correction ``c = 1 - decay^t``; Optax's float32 multiplies by ``1 / c``.

    Parameters
    ----------
    piece : int
        :data:`PLAIN` or :data:`RECIPROCAL`.
    a : float or numpy.ndarray
        The average (``e`` or ``m``).
    correction : float
        ``c``, in the arrays' precision.

    Returns
    -------
    float or numpy.ndarray
        The unbiased average.

    Examples
    --------
    >>> import numpy as np
    >>> a, c = np.float32(0.58), np.float32(0.6)
    >>> debias(PLAIN, a, c), debias(RECIPROCAL, a, c)
    (np.float32(0.9666666), np.float32(0.96666664))
    """
    if piece == RECIPROCAL:
        return a * reciprocal(correction)
    return a / correction


def variance(piece: int, e: Any, m: Any) -> Any:
    """``e - |m|^2``, the centered second moment.

    Ours clamps it at 0: ``e >= m^2`` exactly, and only rounding can take it below, where the
    libraries' unclamped forms give NaN (eps outside the root) or a spurious large step.
    PyTorch: ``e.addcmul(m, m, value=-1)`` is ``fma(-m, m, e)``; Optax: ``e - |m|^2`` as it comes.

    Parameters
    ----------
    piece : int
        :data:`CLAMP`, :data:`FMA` or :data:`PLAIN`.
    e, m : float or numpy.ndarray
        The averages of squares and of gradients.

    Returns
    -------
    float or numpy.ndarray
        ``e - |m|^2``.

    Examples
    --------
    After one step from zero, ``e = m^2`` exactly, but ``0.1 * 0.1`` rounds:

    >>> import numpy as np
    >>> e, m = np.float64(0.01), np.float64(0.1)
    >>> [float(variance(piece, e, m)) for piece in (CLAMP, FMA, PLAIN)]
    [0.0, -9.020562075079397e-19, -1.734723475976807e-18]
    """
    if piece == FMA:
        return fma(-m, m, e)
    if piece == CLAMP:
        return clamp_at_zero(e - abs_sq(m))
    return e - abs_sq(m)


def denominator(v: Any, eps: Any, eps_in_sqrt: int) -> Any:
    """``sqrt(v + eps)`` (the seed, Keras, TF, Optax) or ``sqrt(v) + eps`` (PyTorch, Caffe).

    Parameters
    ----------
    v : float or numpy.ndarray
        The (maybe unbiased) average of squares.
    eps : float
        ``eps``, in the arrays' precision.
    eps_in_sqrt : int
        1 for ``sqrt(v + eps)``, 0 for ``sqrt(v) + eps``.

    Returns
    -------
    float or numpy.ndarray
        The denominator of the step.

    Examples
    --------
    >>> import numpy as np
    >>> float(denominator(np.float64(16.0), 9.0, 1)), float(denominator(np.float64(16.0), 9.0, 0))
    (5.0, 13.0)
    """
    if eps_in_sqrt:
        return sqrt(v + eps)
    return sqrt(v) + eps


def centered_denominator(piece: int, e: Any, m: Any, eps: Any, eps_in_sqrt: int) -> Any:
    """The denominator from ``e`` and the mean ``m``: ``denominator(variance(e, m))``.

    Keras forms it as ``sqrt((e + eps) - m^2)``, unclamped; with eps outside the root (not a
    Keras option) ``sqrt(e - m^2) + eps``.

    Parameters
    ----------
    piece : int
        The :func:`variance` piece, or :data:`KERAS`.
    e, m : float or numpy.ndarray
        The (maybe unbiased) averages of squares and of gradients.
    eps : float
        ``eps``, in the arrays' precision.
    eps_in_sqrt : int
        1 for eps inside the root, 0 outside.

    Returns
    -------
    float or numpy.ndarray
        The denominator of the centered step.

    Examples
    --------
    >>> import numpy as np
    >>> e, m = np.float64(25.0), np.float64(3.0)
    >>> float(centered_denominator(CLAMP, e, m, 9.0, 1)), float(centered_denominator(CLAMP, e, m, 9.0, 0))
    (5.0, 13.0)
    """
    if piece == KERAS:
        if eps_in_sqrt:
            return sqrt((e + eps) - abs_sq(m))
        return sqrt(e - abs_sq(m)) + eps
    return denominator(variance(piece, e, m), eps, eps_in_sqrt)


def descend(piece: int, x: Any, neg_lr: Any, b: Any) -> Any:
    """The update ``-lr * b`` that takes ``x`` to ``x - lr * b`` (lr outside the momentum buffer).

    PyTorch's ``param.add_(buf, alpha=-lr)`` is ``fma(b, -lr, x)``, returned as the update ``x_new - x``.

    Parameters
    ----------
    piece : int
        :data:`PLAIN` or :data:`FMA`.
    x : float or numpy.ndarray
        The parameter (read by :data:`FMA` only).
    neg_lr : float
        ``-lr``, in the arrays' precision.
    b : float or numpy.ndarray
        The momentum buffer.

    Returns
    -------
    float or numpy.ndarray
        The update ``u``; ``x + u`` is the library's new parameter.

    Examples
    --------
    >>> import numpy as np
    >>> x, b = np.float64(1.0), np.float64(0.3)
    >>> float(descend(PLAIN, x, -0.1, b)), float(descend(FMA, x, -0.1, b))
    (-0.03, -0.030000000000000027)
    """
    if piece == FMA:
        return fma(b, neg_lr, x) - x
    return neg_lr * b


def decoupled_weight_decay(piece: int, x: Any, u: Any, lr_weight_decay: Any, keras_factor: Any) -> Any:
    """The update ``u - lr * wd * x`` (Loshchilov & Hutter 2019).

    Keras: ``x *= floatx(1 - floatx(wd * lr))`` first, then ``x += u``: one update ``(x f + u) - x``.

    Parameters
    ----------
    piece : int
        :data:`PLAIN` or :data:`KERAS`.
    x, u : float or numpy.ndarray
        The parameter and the adaptive step's update.
    lr_weight_decay : float
        ``lr * wd`` (formed in float64), in the arrays' precision (:data:`PLAIN`).
    keras_factor : float
        Keras's ``1 - wd * lr`` in its floatx (:data:`KERAS`).

    Returns
    -------
    float or numpy.ndarray
        The update with the weight decay.

    Examples
    --------
    >>> import numpy as np
    >>> x, u = np.float64(6.4), np.float64(0.5)
    >>> float(decoupled_weight_decay(PLAIN, x, u, 0.001, None))
    0.4936
    >>> float(decoupled_weight_decay(KERAS, x, u, None, np.float64(1 - 0.001)))
    0.4935999999999998
    """
    if piece == KERAS:
        return (x * keras_factor + u) - x
    return u - lr_weight_decay * x
