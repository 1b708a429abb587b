"""The fused CUDA step: one Triton kernel launch over flat buffers of one dtype on one device.

:func:`step_flat` updates a flat parameter buffer ``x`` and its state ``e, m, b`` from the
gradient buffer ``g`` in place, ``x <- x + u``, with the step of
:func:`rmsprop.rule.step.make_step` compiled by Triton from the rule's own code
(:mod:`rmsprop.torch._cuda_rule`). Every tensor of a parameter group views one such
buffer, so a whole model takes one launch per dtype and device.

The step's numbers (:data:`rmsprop.rule.step.SCALARS`) come either from the host, as the
floats :func:`rmsprop.rule.step.scalars` gives (passed to the kernel as the bits of their
float64 values, so that neither Triton's launcher nor its interpreter rounds them to
float32), or from a float64 device tensor (``capturable``): then nothing is read on the
host and the launch can be captured in a CUDA graph, and with bias correction the kernel
computes ``1 - decay^count`` from a step count kept on the device (the rule's own
:func:`rmsprop.rule.step.bias_correction`, compiled; CUDA only, as the interpreter has no
``pow``).

The same kernel runs on CPU tensors in Triton's interpreter (NumPy, one program at a time:
slow, for the tests of a machine without a GPU), with the ``fma`` of the rule's NumPy form
(:func:`rmsprop.torch._cuda_rule.like_the_gpu`).

Kernels are compiled per spec and dtype on first use and kept on disk by Triton; they are
compiled with ``enable_fp_fusion=False``, so that only the rule's ``fma`` fuses.
"""

from __future__ import annotations

import contextlib
import functools
import struct
from typing import Any

import torch
import triton
import triton.language as tl

from ..rule.step import CENTERED, MOMENTUM_SPEC, OFF, SCALARS, SPEC
from ._cuda_rule import jit, like_the_gpu, namespace, step_for

__all__ = ["step_flat", "kernel", "launch_config", "SCALAR_ARGUMENTS"]

#: The kernel's scalar arguments, in the order of :data:`rmsprop.rule.step.SCALARS`.
SCALAR_ARGUMENTS = (
    "lr",
    "neg_lr",
    "decay",
    "one_minus_decay",
    "eps",
    "correction",
    "momentum",
    "weight_decay",
    "clip_value",
    "leaf_scale",
    "global_scale",
    "lr_weight_decay",
    "keras_decay_factor",
)
assert SCALAR_ARGUMENTS == SCALARS, "the kernel's arguments follow rmsprop.rule.step.SCALARS"

_DTYPES = (torch.float32, torch.float64)
_DEBIAS = SPEC.index("debias")


def _number(bits, index: tl.constexpr, s_ptr, DEVICE_SCALARS: tl.constexpr):
    """Scalar ``index`` in float64: from the device tensor, or from the bits of a host float64."""
    if DEVICE_SCALARS:
        value = tl.load(s_ptr + index)
    else:
        value = bits.to(tl.int64).to(tl.float64, bitcast=True)
    return value


def _rmsprop_kernel(
    x_ptr,
    g_ptr,
    e_ptr,
    m_ptr,
    b_ptr,
    s_ptr,
    count_ptr,
    n,
    lr: tl.int64,
    neg_lr: tl.int64,
    decay: tl.int64,
    one_minus_decay: tl.int64,
    eps: tl.int64,
    correction: tl.int64,
    momentum: tl.int64,
    weight_decay: tl.int64,
    clip_value: tl.int64,
    leaf_scale: tl.int64,
    global_scale: tl.int64,
    lr_weight_decay: tl.int64,
    keras_decay_factor: tl.int64,
    STEP: tl.constexpr,
    HAS_M: tl.constexpr,
    HAS_B: tl.constexpr,
    DEVICE_SCALARS: tl.constexpr,
    DEVICE_CORRECTION: tl.constexpr,
    WIDE: tl.constexpr,
    BLOCK: tl.constexpr,
):
    pid = tl.program_id(0)
    if WIDE:
        pid = pid.to(tl.int64)
    offsets = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    dtype = x_ptr.dtype.element_ty

    c = _number(correction, 5, s_ptr, DEVICE_SCALARS)
    if DEVICE_CORRECTION:
        t = tl.load(count_ptr).to(tl.float64) - 1.0
        # bias_correction: the rule's, from the kernel's namespace (see kernel)
        c = bias_correction(_number(decay, 2, s_ptr, DEVICE_SCALARS), t)  # type: ignore[name-defined]  # noqa: F821
    s = (
        _number(lr, 0, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(neg_lr, 1, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(decay, 2, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(one_minus_decay, 3, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(eps, 4, s_ptr, DEVICE_SCALARS).to(dtype),
        c.to(dtype),
        _number(momentum, 6, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(weight_decay, 7, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(clip_value, 8, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(leaf_scale, 9, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(global_scale, 10, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(lr_weight_decay, 11, s_ptr, DEVICE_SCALARS).to(dtype),
        _number(keras_decay_factor, 12, s_ptr, DEVICE_SCALARS).to(dtype),
    )

    g = tl.load(g_ptr + offsets, mask=mask, eviction_policy="evict_first")
    x = tl.load(x_ptr + offsets, mask=mask)
    e = tl.load(e_ptr + offsets, mask=mask)
    m = e
    b = e
    if HAS_M:
        m = tl.load(m_ptr + offsets, mask=mask)
    if HAS_B:
        b = tl.load(b_ptr + offsets, mask=mask)
    u, e, m, b = STEP(g, x, e, m, b, s)
    tl.store(x_ptr + offsets, x + u, mask=mask)
    tl.store(e_ptr + offsets, e, mask=mask)
    if HAS_M:
        tl.store(m_ptr + offsets, m, mask=mask)
    if HAS_B:
        tl.store(b_ptr + offsets, b, mask=mask)


@functools.cache
def kernel(interpret: bool) -> Any:
    """The step's kernel: compiled for CUDA, or Triton's interpreter's for CPU tensors.

    Parameters
    ----------
    interpret : bool
        The interpreter's version (NumPy on the host), or the compiled one.

    Returns
    -------
    triton.runtime.JITFunction or triton.runtime.interpreter.InterpretedFunction
        Launched as ``kernel[grid](...)``; one per mode, kept for the process.

    Examples
    --------
    >>> kernel(True).__name__
    '_rmsprop_kernel'
    """
    names: dict = {"__name__": __name__, "tl": tl, "bias_correction": namespace(interpret)["bias_correction"]}
    names["_number"] = jit(_number, names, interpret)
    return jit(_rmsprop_kernel, names, interpret, do_not_specialize=list(SCALAR_ARGUMENTS))


def launch_config(dtype: torch.dtype) -> tuple[int, int]:
    """``(BLOCK, num_warps)`` for ``dtype``: 16 float32 or 8 float64 elements a thread, four 16-byte loads.

    Parameters
    ----------
    dtype : torch.dtype
        ``torch.float32`` or ``torch.float64``.

    Returns
    -------
    tuple of int
        The elements a program updates and its warps.

    Examples
    --------
    >>> import torch
    >>> launch_config(torch.float32), launch_config(torch.float64)
    ((4096, 8), (2048, 8))
    """
    return (4096 if dtype == torch.float32 else 2048), 8


def _bits(value: Any) -> int:
    """The bits of ``float(value)`` as float64, as a signed 64-bit integer."""
    return struct.unpack("<q", struct.pack("<d", float(value)))[0]


def step_flat(
    spec: tuple[int, ...],
    scalars: Any,
    x: torch.Tensor,
    g: torch.Tensor,
    e: torch.Tensor,
    m: torch.Tensor | None,
    b: torch.Tensor | None,
    *,
    count: torch.Tensor | None = None,
    block: int | None = None,
    num_warps: int | None = None,
) -> None:
    """One RMSprop step over flat buffers in one kernel launch: ``x += u`` and ``e, m, b`` updated in place.

    ``u, e, m, b = make_step(spec)(g, x, e, m, b, s)`` elementwise
    (:func:`rmsprop.rule.step.make_step`), with the rule's roundings: IEEE division and
    square root, ``fma`` only where the spec's arithmetic has one. The buffer is one array
    for ``clip_norm``: ``leaf_scale`` applies to all of it.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec` of the dtype).
    scalars : tuple of float or torch.Tensor
        The step's numbers indexed by :data:`rmsprop.rule.step.SCALARS`
        (:func:`rmsprop.rule.step.scalars`), or, for a step that reads nothing on the host
        (``capturable``), a float64 tensor of those numbers on ``x``'s device.
    x, g, e : torch.Tensor
        The parameters (updated), the gradients and the average of squares (updated):
        contiguous 1-D tensors of one dtype (float32 or float64) and length, on one device.
    m, b : torch.Tensor or None
        The average of gradients (centered) and the momentum buffer (momentum), like ``x``;
        ``None`` where the spec has none.
    count : torch.Tensor, optional
        With ``scalars`` on the device and bias correction on: a one-element tensor on the
        device holding this step's number counted from 1 (PyTorch's ``state["step"]``
        after its increment); the kernel computes ``1 - decay^count``, and the scalars'
        ``correction`` is not read.
    block, num_warps : int, optional
        The launch's shape; default :func:`launch_config` (for benchmarks).

    Raises
    ------
    TypeError
        For tensors of another dtype than float32 or float64, or of mixed dtypes.
    ValueError
        For tensors that are not contiguous, 1-D, of one length and device, for ``m`` or
        ``b`` not matching the spec, for scalars of the wrong length or place, or for a
        missing ``count``.

    Examples
    --------
    The seed's first step from ``x = (-4, 3)`` (gradient ``(-40, 42)``); on CPU tensors the
    kernel runs in Triton's interpreter:

    >>> import numpy as np, torch
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> x = torch.tensor([-4.0, 3.0], dtype=torch.float64)
    >>> g, e = torch.tensor([-40.0, 42.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    >>> s = scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> step_flat(settings.spec(np.float64), s, x, g, e, None, None)
    >>> x.tolist()
    [-3.6837722339930443, 2.6837722339921255]
    """
    _check(spec, scalars, x, g, e, m, b, count)
    default_block, default_warps = launch_config(x.dtype)
    block = block or default_block
    n = x.numel()
    on_device = isinstance(scalars, torch.Tensor)
    device_correction = on_device and spec[_DEBIAS] != OFF
    bits = [0] * len(SCALARS) if on_device else [_bits(value) for value in scalars]
    interpret = x.device.type == "cpu"
    with like_the_gpu() if interpret else contextlib.nullcontext():
        kernel(interpret)[(triton.cdiv(n, block),)](
            x,
            g,
            e,
            m,
            b,
            scalars if on_device else None,
            count if device_correction else None,
            n,
            *bits,
            STEP=step_for(tuple(spec), interpret),
            HAS_M=m is not None,
            HAS_B=b is not None,
            DEVICE_SCALARS=on_device,
            DEVICE_CORRECTION=device_correction,
            WIDE=n + block >= 2**31,
            BLOCK=block,
            num_warps=num_warps or default_warps,
            enable_fp_fusion=False,
        )


def _check(spec, scalars, x, g, e, m, b, count) -> None:
    """One-line errors for buffers and scalars :func:`step_flat` cannot take."""
    if len(spec) != len(SPEC):
        raise ValueError(f"spec has {len(spec)} fields; rmsprop.rule.step.SPEC has {len(SPEC)}")
    wants_m, wants_b = bool(spec[CENTERED]), spec[MOMENTUM_SPEC] != OFF
    if (m is not None) != wants_m:
        raise ValueError(
            f"m must be {'a tensor' if wants_m else 'None'}: the spec is {'' if wants_m else 'not '}centered"
        )
    if (b is not None) != wants_b:
        raise ValueError(
            f"b must be {'a tensor' if wants_b else 'None'}: the spec has {'' if wants_b else 'no '}momentum"
        )
    named = {"x": x, "g": g, "e": e, "m": m, "b": b}
    for name, tensor in named.items():
        if tensor is None:
            continue
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, not {type(tensor).__name__}")
        if tensor.dtype not in _DTYPES:
            raise TypeError(f"{name} has dtype {tensor.dtype}; allowed: torch.float32, torch.float64")
        if tensor.dtype != x.dtype:
            raise TypeError(f"{name} has dtype {tensor.dtype}, x has {x.dtype}; one dtype per launch")
        if tensor.dim() != 1 or not tensor.is_contiguous():
            raise ValueError(
                f"{name} must be a contiguous 1-D tensor (a flat buffer), not of shape {tuple(tensor.shape)}"
            )
        if tensor.numel() != x.numel() or tensor.device != x.device:
            raise ValueError(
                f"{name} has {tensor.numel()} elements on {tensor.device}; x has {x.numel()} on {x.device}"
            )
    if isinstance(scalars, torch.Tensor):
        if scalars.dtype != torch.float64 or scalars.shape != (len(SCALARS),) or scalars.device != x.device:
            raise ValueError(
                f"scalars on the device must be a float64 tensor of shape ({len(SCALARS)},) on {x.device}, "
                f"not {scalars.dtype} of shape {tuple(scalars.shape)} on {scalars.device}"
            )
        if spec[_DEBIAS] != OFF and (
            not isinstance(count, torch.Tensor) or count.numel() != 1 or count.device != x.device
        ):
            raise ValueError(
                f"bias correction with scalars on the device needs count, a one-element tensor on {x.device}"
            )
    elif len(scalars) != len(SCALARS):
        raise ValueError(f"scalars has {len(scalars)} numbers; rmsprop.rule.step.SCALARS has {len(SCALARS)}")
