"""Fused RMSprop kernels, compiled by Numba: one pass over memory per step.

RMSprop is memory-bound: per parameter it reads ``x``, ``g`` and ``e`` (and ``m``,
``b`` when centered or with momentum) and writes back all but ``g``. The NumPy
form of :mod:`rmsprop._rmsprop` makes one pass per line and an N-sized temporary
for each; a kernel here makes a single pass, with every line of the rule for one
element in registers, over contiguous 1-D views, parallel over the cores.

Each kernel is specialised for one :class:`KernelSpec`: the options are constants
of a closure, so Numba removes the branches that are off and LLVM vectorises
what is left (the compiled loops use packed ``vsqrtp*``/``vdivp*``). The lines are
the same floating-point operations as the NumPy form, in the same order, with
the scalars rounded to the arrays' dtype first (NumPy 2 does the same with Python
floats), so both give the same bits; the libraries' fused multiply-adds are real
``fma`` instructions here (LLVM's ``llvm.fma``, correctly rounded), where the NumPy
form emulates them exactly (:mod:`rmsprop._fma`).

Kernels are compiled on first use, never at import, and cached on disk
(``cache=True``; Numba keys the cache on the closure's constants).
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numba
from numba.extending import intrinsic

__all__ = ["KernelSpec", "kernel", "SCALARS"]

#: Positions of the scalars in the ``s`` array every kernel takes (in the arrays' dtype).
SCALARS = (
    "lr",  # learning rate of this step
    "decay",
    "one_minus_decay",
    "eps",
    "correction",  # 1 - decay^(t+1), or its reciprocal for Optax's float32 debias
    "momentum",
    "weight_decay",
    "clip_value",
    "leaf_scale",  # clip_norm's factor for this array (1 when under the limit)
    "global_scale",  # global_clip_norm's factor (1 when under the limit)
    "neg_lr",  # -lr, rounded from float64
    "lr_weight_decay",  # lr * weight_decay, rounded from float64
    "lerp_weight",  # -(1 - (1 - decay)), torch.lerp's weight from the far end
    "keras_decay_factor",  # 1 - wd * lr in Keras's floatx
    "zero",
)
(LR, DECAY, ONE_MINUS_DECAY, EPS, CORRECTION, MOMENTUM, WEIGHT_DECAY, CLIP_VALUE, LEAF_SCALE, GLOBAL_SCALE,
 NEG_LR, LR_WEIGHT_DECAY, LERP_WEIGHT, KERAS_DECAY_FACTOR, ZERO) = range(len(SCALARS))


class KernelSpec(NamedTuple):
    """What a kernel computes; every field is a small constant of the compiled code.

    The names of the choices follow :mod:`rmsprop._arithmetic`, where each is documented
    with the library kernel it mirrors.
    """

    clip_value: bool = False
    leaf_scale: bool = False  # multiply g by s[LEAF_SCALE] (clip_norm)
    global_scale: bool = False  # multiply g by s[GLOBAL_SCALE] (global_clip_norm)
    maximize: bool = False
    coupled_decay: str = ""  # "", "plain" (g + wd x) or "fma" (fma(x, wd, g))
    mean_square: str = "plain"  # "plain", "torch" (fma(omd g, g, decay e)) or "keras" (fma(g g, omd, decay e))
    mean: str = ""  # centered only: "plain", "lerp_near", "lerp_far" (torch.lerp) or "keras"
    variance: str = ""  # centered only: "clamp" (ours), "fma" (torch), "plain" (Optax) or "keras"
    debias: str = ""  # "", "divide" or "reciprocal" (multiply by s[CORRECTION])
    eps_in_sqrt: bool = True
    momentum: str = ""  # "", "inside" (lr in the buffer) or "outside"
    nesterov: bool = False
    descend: str = "plain"  # lr outside the buffer: "plain" (-lr b) or "fma" (fma(b, -lr, x) - x)
    decoupled_decay: str = ""  # "", "plain" (u - lr wd x) or "keras" ((x f + u) - x)
    in_place: bool = False  # write x + u into x (else write u into out)
    parallel: bool = False


@intrinsic
def fma(typingctx, a, b, c):
    """``round(a * b + c)`` with one rounding: LLVM's ``llvm.fma`` in ``c``'s type."""
    signature = c(c, c, c)

    def codegen(context, builder, sig, args):
        a_, b_, c_ = (context.cast(builder, value, type_, sig.return_type) for value, type_ in zip(args, sig.args))
        return builder.fma(a_, b_, c_)

    return signature, codegen


@functools.lru_cache(maxsize=None)
def kernel(spec: KernelSpec):
    """The compiled kernel for ``spec``: ``kernel(x, g, e, m, b, e_out, m_out, b_out, out, s)``.

    All arrays are 1-D, contiguous, of one real dtype and one length; ``s`` holds
    :data:`SCALARS` in that dtype. ``e, m, b`` are read and ``e_out, m_out, b_out``
    written (the same arrays for an in-place step); ``m``, ``b`` and their outputs are
    ignored unless centered or with momentum, ``x`` unless the rule reads it. ``out``
    receives the update ``u``. With ``spec.in_place`` the step writes ``x + u`` into ``x`` and
    the new ``e, m, b`` over the old, and leaves the output arguments alone: a loop that
    reads and writes one array vectorises, while two arguments that share memory defeat
    LLVM's overlap check and leave the loop scalar.
    """
    # Booleans, not strings: Numba folds a test of a constant bool away before vectorising.
    clip_value, leaf_scale, global_scale, maximize = spec.clip_value, spec.leaf_scale, spec.global_scale, spec.maximize
    coupled_plain, coupled_fma = spec.coupled_decay == "plain", spec.coupled_decay == "fma"
    mean_square_torch, mean_square_keras = spec.mean_square == "torch", spec.mean_square == "keras"
    centered = spec.mean != ""
    mean_lerp_near, mean_lerp_far, mean_keras = (spec.mean == name for name in ("lerp_near", "lerp_far", "keras"))
    variance_clamp, variance_fma, variance_keras = (spec.variance == name for name in ("clamp", "fma", "keras"))
    debias_divide, debias_reciprocal = spec.debias == "divide", spec.debias == "reciprocal"
    eps_in_sqrt, nesterov, in_place = spec.eps_in_sqrt, spec.nesterov, spec.in_place
    momentum_inside, momentum_outside = spec.momentum == "inside", spec.momentum == "outside"
    descend_fma = spec.descend == "fma"
    decoupled_plain, decoupled_keras = spec.decoupled_decay == "plain", spec.decoupled_decay == "keras"
    # The loop itself is a constant of the closure too: Numba's disk cache tells kernels apart by their
    # closures, not by the parallel= option, so a flag outside the body would let them share one entry.
    loop = numba.prange if spec.parallel else range

    def rmsprop_kernel(x, g, e, m, b, e_out, m_out, b_out, out, s):
        lr = s[LR]
        decay = s[DECAY]
        omd = s[ONE_MINUS_DECAY]
        eps = s[EPS]
        mom = s[MOMENTUM]
        for i in loop(g.size):
            gi = g[i]
            xi = x[i]
            if clip_value:
                if gi < -s[CLIP_VALUE]:
                    gi = -s[CLIP_VALUE]
                elif gi > s[CLIP_VALUE]:
                    gi = s[CLIP_VALUE]
            if leaf_scale:
                gi = gi * s[LEAF_SCALE]
            if global_scale:
                gi = gi * s[GLOBAL_SCALE]
            if maximize:
                gi = -gi
            if coupled_plain:
                gi = gi + s[WEIGHT_DECAY] * xi
            elif coupled_fma:
                gi = fma(xi, s[WEIGHT_DECAY], gi)

            if mean_square_torch:
                ei = fma(omd * gi, gi, decay * e[i])
            elif mean_square_keras:
                ei = fma(gi * gi, omd, decay * e[i])
            else:
                ei = decay * e[i] + omd * (gi * gi)
            if in_place:
                e[i] = ei
            else:
                e_out[i] = ei
            if debias_divide:
                ei = ei / s[CORRECTION]
            elif debias_reciprocal:
                ei = ei * s[CORRECTION]

            if centered:
                if mean_lerp_near:
                    mi = fma(omd, gi - m[i], m[i])
                elif mean_lerp_far:
                    mi = fma(s[LERP_WEIGHT], gi - m[i], gi)
                elif mean_keras:
                    mi = fma(gi, omd, decay * m[i])
                else:
                    mi = decay * m[i] + omd * gi
                if in_place:
                    m[i] = mi
                else:
                    m_out[i] = mi
                if debias_divide:
                    mi = mi / s[CORRECTION]
                elif debias_reciprocal:
                    mi = mi * s[CORRECTION]
                if variance_keras and eps_in_sqrt:
                    vi = (ei + eps) - mi * mi
                elif variance_fma:
                    vi = fma(-mi, mi, ei)
                else:
                    vi = ei - mi * mi
                    if variance_clamp and vi < s[ZERO]:
                        vi = s[ZERO]
            else:
                vi = ei

            if variance_keras and eps_in_sqrt:
                d = math.sqrt(vi)
            elif eps_in_sqrt:
                d = math.sqrt(vi + eps)
            else:
                d = math.sqrt(vi) + eps

            if momentum_inside:
                step = (lr * gi) / d
                bi = mom * b[i] + step
                if in_place:
                    b[i] = bi
                else:
                    b_out[i] = bi
                ui = -(step + mom * bi) if nesterov else -bi
            elif momentum_outside:
                step = gi / d
                bi = mom * b[i] + step
                if in_place:
                    b[i] = bi
                else:
                    b_out[i] = bi
                direction = step + mom * bi if nesterov else bi
                if descend_fma:
                    ui = fma(direction, s[NEG_LR], xi) - xi
                else:
                    ui = s[NEG_LR] * direction
            else:
                ui = -(lr * gi) / d

            if decoupled_plain:
                ui = ui - s[LR_WEIGHT_DECAY] * xi
            elif decoupled_keras:
                ui = (xi * s[KERAS_DECAY_FACTOR] + ui) - xi
            if in_place:
                x[i] = xi + ui
            else:
                out[i] = ui

    return numba.njit(cache=True, parallel=spec.parallel, error_model="numpy", nogil=True)(rmsprop_kernel)
