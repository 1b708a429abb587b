"""How each line of the RMSprop rule is rounded.

The mathematics of a line is fixed (``e = decay * e + (1 - decay) * g^2``); the
floating-point result is not: a library may multiply in another order, or its
compiled kernel may use a fused multiply-add (``fma(a, b, c) = round(a * b + c)``,
one rounding instead of two). After hundreds of steps on a problem where RMSprop
oscillates, a one-bit difference per step can grow to 1e-10 and more, so a
flavor that must reproduce a library picks that library's arithmetic here.

:class:`Arithmetic` is the seed's order, the reference. The others override the
lines that a library computes differently, each with the kernel it mirrors.
"""

from __future__ import annotations

import numpy as np

from ._clip import abs_sq
from ._fma import fma

__all__ = [
    "Arithmetic",
    "TorchArithmetic",
    "KerasTorchArithmetic",
    "KerasTorchFloat64Arithmetic",
    "OptaxArithmetic",
    "ARITHMETICS",
]


class Arithmetic:
    """The seed's order of operations: every line exactly as written, two roundings per ``a * b + c``."""

    name = "seed"
    #: The same lines as choices of a fused kernel (:class:`rmsprop._kernels.KernelSpec`).
    kernel_choices = {
        "coupled_decay": "plain",
        "mean_square": "plain",
        "mean": "plain",
        "variance": "clamp",
        "descend": "plain",
        "decoupled_decay": "plain",
        "debias": "divide",
    }

    def coupled_weight_decay(self, g, x, weight_decay):
        """``g + weight_decay * x``."""
        return g + weight_decay * x

    def mean_square(self, e, g, decay, one_minus_decay):
        """``decay * e + (1 - decay) * |g|^2``."""
        return decay * e + one_minus_decay * abs_sq(g)

    def mean(self, m, g, decay, one_minus_decay):
        """``decay * m + (1 - decay) * g``."""
        return decay * m + one_minus_decay * g

    def debias(self, a, correction):
        """``a / (1 - decay^t)``, the bias correction (``correction`` is 1.0 when it is off)."""
        return a / correction

    def variance(self, e, m):
        """``max(e - |m|^2, 0)``: ``e >= m^2`` exactly, only rounding can take it below zero.

        The clamp is ours: the libraries compute ``e - m^2`` as it comes, and a negative
        rounding residue becomes NaN (eps outside the root) or a spurious large step.
        Their arithmetics below leave it out, to step as they do.
        """
        return np.maximum(e - abs_sq(m), 0.0)

    def denominator(self, v, eps, eps_in_sqrt):
        """``sqrt(v + eps)`` or ``sqrt(v) + eps``."""
        return np.sqrt(v + eps) if eps_in_sqrt else np.sqrt(v) + eps

    def centered_denominator(self, e, m, eps, eps_in_sqrt):
        """The denominator from ``e`` and the mean ``m``: ``sqrt(max(e - |m|^2, 0) + eps)`` (or eps outside)."""
        return self.denominator(self.variance(e, m), eps, eps_in_sqrt)

    def descend(self, x, lr, b):
        """The update ``-lr * b`` that takes ``x`` to ``x - lr * b`` (lr outside the momentum buffer)."""
        return -lr * b

    def decoupled_weight_decay(self, x, u, lr, weight_decay):
        """The update ``u - lr * weight_decay * x``."""
        return u - (lr * weight_decay) * x


class TorchArithmetic(Arithmetic):
    """``torch.optim.RMSprop``'s CPU kernels (PyTorch 2.x, single-tensor path).

    ``addcmul``, ``lerp`` and ``add(..., alpha=)`` are fused multiply-adds in
    ATen's vectorised CPU loops; ``addcdiv`` is ``x + (value * g) / d`` unfused.
    """

    name = "torch"
    kernel_choices = {**Arithmetic.kernel_choices, "coupled_decay": "fma", "mean_square": "torch",
                      "mean": "lerp", "variance": "fma", "descend": "fma"}

    def coupled_weight_decay(self, g, x, weight_decay):
        """``grad.add(param, alpha=wd)``: ``fma(x, wd, g)``."""
        return fma(x, weight_decay, g)

    def mean_square(self, e, g, decay, one_minus_decay):
        """``e.mul_(alpha).addcmul_(g, g, value=1 - alpha)``: ``fma((1 - alpha) * g, g, alpha * e)``."""
        return fma(one_minus_decay * g, g, decay * e)

    def mean(self, m, g, decay, one_minus_decay):
        """``m.lerp_(g, 1 - alpha)``: ``fma(w, g - m, m)`` for a weight ``w < 0.5``, else ``fma(-(1 - w), g - m, g)``."""
        if one_minus_decay < 0.5:
            return fma(one_minus_decay, g - m, m)
        return fma(-(1.0 - one_minus_decay), g - m, g)

    def variance(self, e, m):
        """``e.addcmul(m, m, value=-1)``: ``fma(-m, m, e)``, unclamped."""
        return fma(-m, m, e)

    def descend(self, x, lr, b):
        """``param.add_(buf, alpha=-lr)``: ``fma(b, -lr, x)``, returned as the update ``x_new - x``."""
        if x is None:
            return -lr * b
        return fma(b, -lr, x) - x


class KerasTorchArithmetic(Arithmetic):
    """Keras 3's RMSprop on its torch backend (``keras/src/backend/torch/optimizers/``).

    ``torch._foreach_add_(a, b, alpha=w)`` is ``fma(b, w, a)``; the centered
    denominator is formed as ``(e + eps) - m^2``; decoupled weight decay multiplies
    the variable by ``1 - wd * lr`` first (``TorchOptimizer._apply_weight_decay``),
    that factor formed in Keras's ``floatx``.
    """

    name = "keras_torch"
    floatx = np.float32
    kernel_choices = {**Arithmetic.kernel_choices, "mean_square": "keras", "mean": "keras", "variance": "keras",
                      "decoupled_decay": "keras"}

    def mean_square(self, e, g, decay, one_minus_decay):
        """``v *= rho; v += (1 - rho) * (g * g)`` as ``fma(g * g, 1 - rho, rho * v)``."""
        return fma(abs_sq(g), one_minus_decay, decay * e)

    def mean(self, m, g, decay, one_minus_decay):
        """``m *= rho; m += (1 - rho) * g`` as ``fma(g, 1 - rho, rho * m)``."""
        return fma(g, one_minus_decay, decay * m)

    def centered_denominator(self, e, m, eps, eps_in_sqrt):
        """``sqrt((e + eps) - m * m)``, unclamped, as Keras; with eps outside the root (not a Keras
        option), ``sqrt(e - m * m) + eps``."""
        if not eps_in_sqrt:
            return np.sqrt(e - abs_sq(m)) + eps
        return np.sqrt((e + eps) - abs_sq(m))

    def decoupled_weight_decay(self, x, u, lr, weight_decay):
        """``x *= floatx(1 - floatx(wd * lr))`` first, then ``x += u``; returned as one update ``x_new - x``."""
        if x is None:
            return super().decoupled_weight_decay(x, u, lr, weight_decay)
        fx = self.floatx
        factor = fx(1) - fx(fx(weight_decay) * fx(lr))
        return ((x * factor.astype(x.dtype)) + u) - x


class KerasTorchFloat64Arithmetic(KerasTorchArithmetic):
    """The same, with ``keras.config.set_floatx("float64")``."""

    name = "keras_torch_float64"
    floatx = np.float64


class OptaxArithmetic(Arithmetic):
    """Optax's ``scale_by_rms`` / ``scale_by_stddev`` as they run op by op (Optax 0.2.8, jax 0.10).

    The centered variance ``n_hat - |m_hat|^2`` is not clamped, and in float32 the bias
    correction multiplies by ``1 / c`` (``c = float32(1 - decay^t)``). The step itself,
    ``-lr * (g * rsqrt(v + eps))``, uses XLA's ``rsqrt``, which on AVX-512 CPUs is an
    approximation refined by Newton steps, not a correctly rounded ``1 / sqrt``; we keep the
    seed's ``-(lr * g) / sqrt(v + eps)``, within an ulp or two of it per step.
    """

    name = "optax"
    kernel_choices = {**Arithmetic.kernel_choices, "variance": "plain", "debias": "reciprocal_float32"}

    def debias(self, a, correction):
        if correction != 1.0 and a.dtype == np.float32:
            return a * (np.float32(1.0) / np.float32(correction))
        return a / correction

    def variance(self, e, m):
        return e - abs_sq(m)


ARITHMETICS = {
    a.name: a
    for a in (Arithmetic(), TorchArithmetic(), KerasTorchArithmetic(), KerasTorchFloat64Arithmetic(), OptaxArithmetic())
}
