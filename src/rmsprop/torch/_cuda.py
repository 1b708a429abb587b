"""The fused CUDA step: one Triton kernel launch for a list of tensors of one dtype on one device.

:func:`step_tensors` updates every parameter ``x`` of a list and its state ``e, m, b`` from
its gradient ``g`` in place, ``x <- x + u``, with the step of
:func:`rmsprop.rule.step.make_step` compiled by Triton from the rule's own code
(:mod:`rmsprop.torch._cuda_rule`), in one launch however many tensors there are, in the
manner of PyTorch's ``_foreach`` kernels and apex's ``multi_tensor_apply``. As the CPU list
kernel (:mod:`rmsprop._compiled.list_kernel`) it works on the tensors' own memory through
tables on the device:

* the *rows*: per tensor the addresses (``data_ptr()``) of its ``x, e, m, b`` (``x``'s again
  where the spec has no ``m`` or ``b``), ``int64``, shape ``(rows, 4)``;
* the *gradients*: per tensor its gradient's address, ``int64``, shape ``(rows,)``, apart,
  as autograd allocates gradients anew after ``zero_grad()``;
* the *chunks*: ``(row, start, stop)`` cutting each tensor into blocks of ``BLOCK`` elements
  (:func:`chunks`); program ``i`` of the launch steps chunk ``i``.

Each table is built once and kept, keyed on the addresses (and sizes) it holds, so a step
whose tensors have not moved copies nothing to the device, and one whose gradients have
moved copies their addresses only (``8 * rows`` bytes, from pinned memory, asynchronously).
The tensors are checked (dtype, layout, length, device) when a table is built, that is
whenever an address changes. The table sizes are runtime values, not ``constexpr``: one
compile per spec, dtype and form (host or device scalars) serves every list of tensors.

Every chunk starts at a multiple of ``BLOCK`` elements, so where every address is a
multiple of 16 bytes (the caching allocator's are) the kernel tells Triton so
(``tl.multiple_of``), and a full chunk is loaded and stored unmasked, 16 bytes at a time;
the last, partial chunk of a tensor is masked. A list with an address that is not a
multiple of 16 takes a second compile without those hints.

The step's numbers (:data:`rmsprop.rule.step.SCALARS`) come either from the host, as the
floats :func:`rmsprop.rule.step.scalars` gives (passed to the kernel as the bits of their
float64 values, so that neither Triton's launcher nor its interpreter rounds them to
float32), or from a float64 device tensor (``capturable``, :func:`scalars_on`): then
nothing is read on the host and the launch can be captured in a CUDA graph, and with bias
correction the kernel computes ``1 - decay^count`` from a step count kept on the device (the
rule's own :func:`rmsprop.rule.step.bias_correction`, compiled; CUDA only, as the
interpreter has no ``pow``).

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

import numpy as np
import torch
import triton.language as tl

from ..rule.step import CENTERED, MOMENTUM_SPEC, OFF, SCALARS, SPEC
from ._cuda_rule import jit, like_the_gpu, namespace, step_for

__all__ = ["step_tensors", "scalars_on", "kernel", "launch_config", "chunks", "SCALAR_ARGUMENTS"]

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
#: The most tables of each kind kept (a few optimizers, groups and dtypes; gradients that move).
_KEPT = 64


def _number(bits, index: tl.constexpr, s_ptr, DEVICE_SCALARS: tl.constexpr):
    """Scalar ``index`` in float64: from the device tensor, or from the bits of a host float64."""
    if DEVICE_SCALARS:
        value = tl.load(s_ptr + index)
    else:
        value = bits.to(tl.int64).to(tl.float64, bitcast=True)
    return value


def _address(at, FLOAT64: tl.constexpr, ALIGNED: tl.constexpr):
    """The address stored at ``at`` as a pointer to the dtype's elements, 16-byte aligned where ``ALIGNED``."""
    address = tl.load(at)
    if FLOAT64:
        pointer = address.to(tl.pointer_type(tl.float64))
    else:
        pointer = address.to(tl.pointer_type(tl.float32))
    if ALIGNED:
        pointer = tl.multiple_of(pointer, 16)
    return pointer


def _update(
    x_ptr, g_ptr, e_ptr, m_ptr, b_ptr, offsets, mask, s, STEP: tl.constexpr, HAS_M: tl.constexpr, HAS_B: tl.constexpr
):
    """One block: load, the rule's step, store (``mask`` None for a full block)."""
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


def _rmsprop_kernel(
    rows_ptr,
    grads_ptr,
    chunks_ptr,
    s_ptr,
    count_ptr,
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
    FLOAT64: tl.constexpr,
    ALIGNED: tl.constexpr,
    BLOCK: tl.constexpr,
):
    chunk = chunks_ptr + 3 * tl.program_id(0).to(tl.int64)
    row = tl.load(chunk)
    start = tl.multiple_of(tl.load(chunk + 1), BLOCK)
    stop = tl.load(chunk + 2)
    x_ptr = _address(rows_ptr + 4 * row, FLOAT64, ALIGNED)
    g_ptr = _address(grads_ptr + row, FLOAT64, ALIGNED)
    e_ptr = _address(rows_ptr + 4 * row + 1, FLOAT64, ALIGNED)
    m_ptr = x_ptr
    b_ptr = x_ptr
    if HAS_M:
        m_ptr = _address(rows_ptr + 4 * row + 2, FLOAT64, ALIGNED)
    if HAS_B:
        b_ptr = _address(rows_ptr + 4 * row + 3, FLOAT64, ALIGNED)
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

    offsets = start + tl.arange(0, BLOCK)
    if stop - start == BLOCK:  # a full block: unmasked, so that loads and stores are vectorised
        _update(x_ptr, g_ptr, e_ptr, m_ptr, b_ptr, offsets, None, s, STEP, HAS_M, HAS_B)
    else:
        _update(x_ptr, g_ptr, e_ptr, m_ptr, b_ptr, offsets, offsets < stop, s, STEP, HAS_M, HAS_B)


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
    for helper in (_number, _address, _update):
        names[helper.__name__] = jit(helper, names, interpret)
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


def chunks(sizes: Any, block: int) -> np.ndarray:
    """The chunks ``(row, start, stop)`` that cut tensors of ``sizes`` elements into blocks of ``block``.

    Each ``start`` is a multiple of ``block``; a tensor of no elements has no chunk.

    Parameters
    ----------
    sizes : list of int or numpy.ndarray
        The number of elements of each row's tensors.
    block : int
        The elements of one program.

    Returns
    -------
    numpy.ndarray
        ``int64``, shape ``(k, 3)``, in the order of the rows.

    Examples
    --------
    >>> chunks([5, 0, 2], block=3).tolist()
    [[0, 0, 3], [0, 3, 5], [2, 0, 2]]
    """
    n = np.asarray(sizes, dtype=np.int64).reshape(-1)
    per_row = -(-n // block)
    rows = np.repeat(np.arange(n.size, dtype=np.int64), per_row)
    first = np.repeat(np.cumsum(per_row) - per_row, per_row)
    starts = (np.arange(rows.size, dtype=np.int64) - first) * block
    return np.stack([rows, starts, np.minimum(starts + block, n[rows])], axis=1).reshape(-1, 3)


def _bits(value: Any) -> int:
    """The bits of ``float(value)`` as float64, as a signed 64-bit integer."""
    return struct.unpack("<q", struct.pack("<d", float(value)))[0]


def _on_device(values: Any, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """``values`` as a tensor on ``device``: on CUDA one asynchronous copy from pinned memory (capturable)."""
    if device.type == "cpu":
        return torch.tensor(values, dtype=dtype)
    host = torch.tensor(values, dtype=dtype, pin_memory=True)
    found = host.to(device, non_blocking=True)
    found._rmsprop_host = host  # type: ignore[attr-defined]  # a copy captured in a CUDA graph reads it at each replay
    return found


_rows: dict[tuple, tuple[torch.Tensor, torch.Tensor, bool]] = {}  # (device, dtype, block, addresses and sizes)
_grads: dict[tuple, tuple[torch.Tensor, bool]] = {}  # (device, gradients' addresses)
_scalars: dict[tuple, torch.Tensor] = {}  # (device, scalars) -> float64 tensor


def _keep(cache: dict, key: tuple, value: Any) -> Any:
    if len(cache) >= _KEPT:
        cache.clear()
    cache[key] = value
    return value


def scalars_on(scalars: Any, device: torch.device) -> torch.Tensor:
    """The step's numbers as a float64 tensor on ``device``, made once per numbers and device.

    What :func:`step_tensors` reads on the device for a ``capturable`` step.

    Parameters
    ----------
    scalars : tuple of float
        The numbers, indexed by :data:`rmsprop.rule.step.SCALARS`.
    device : torch.device
        Where the kernel runs.

    Returns
    -------
    torch.Tensor
        float64, shape ``(len(SCALARS),)``; the same tensor for the same numbers (keep it
        unchanged: a CUDA graph reads it).

    Examples
    --------
    >>> import torch
    >>> s = scalars_on((0.5,) * 13, torch.device("cpu"))
    >>> s.dtype, s.shape, scalars_on((0.5,) * 13, torch.device("cpu")) is s
    (torch.float64, torch.Size([13]), True)
    """
    values = tuple(float(v) for v in scalars)
    key = (device, values)
    found = _scalars.get(key)
    if found is None:
        found = _keep(_scalars, key, _on_device(values, torch.float64, device))
    return found


def step_tensors(
    spec: tuple[int, ...],
    scalars: Any,
    xs: list[torch.Tensor],
    gs: list[torch.Tensor],
    es: list[torch.Tensor],
    ms: list[torch.Tensor] | None,
    bs: list[torch.Tensor] | None,
    *,
    count: torch.Tensor | None = None,
    block: int | None = None,
    num_warps: int | None = None,
) -> None:
    """One RMSprop step of a list of tensors in one kernel launch: each ``x += u``, its ``e, m, b`` updated in place.

    ``u, e, m, b = make_step(spec)(g, x, e, m, b, s)`` elementwise
    (:func:`rmsprop.rule.step.make_step`) for every tensor of the lists, with the rule's
    roundings: IEEE division and square root, ``fma`` only where the spec's arithmetic has
    one. ``leaf_scale`` (``clip_norm``) applies to every tensor alike.

    Parameters
    ----------
    spec : tuple of int
        The step's spec (:meth:`rmsprop.Settings.spec` of the dtype).
    scalars : tuple of float or torch.Tensor
        The step's numbers indexed by :data:`rmsprop.rule.step.SCALARS`
        (:func:`rmsprop.rule.step.scalars`), or, for a step that reads nothing on the host
        (``capturable``), a float64 tensor of those numbers on the tensors' device
        (:func:`scalars_on`).
    xs, gs, es : list of torch.Tensor
        The parameters (updated), their gradients and averages of squares (updated):
        contiguous tensors of one dtype (float32 or float64) on one device, ``gs[i]`` and
        ``es[i]`` of ``xs[i]``'s number of elements.
    ms, bs : list of torch.Tensor or None
        The averages of gradients (centered) and the momentum buffers (momentum), like
        ``es``; ``None`` where the spec has none.
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
        For lists of different lengths, tensors that are not contiguous or not of their
        parameter's length and device, ``ms`` or ``bs`` not matching the spec, scalars of
        the wrong length or place, or a missing ``count``.

    Examples
    --------
    The seed's first step from ``x = (-4, 3)`` (gradient ``(-40, 42)``) and from ``x = 1``
    (gradient ``2``), in one launch; on CPU tensors the kernel runs in Triton's interpreter:

    >>> import numpy as np, torch
    >>> from rmsprop import Settings
    >>> from rmsprop.rule.step import scalars
    >>> settings = Settings(learning_rate=0.1)
    >>> xs = [torch.tensor([-4.0, 3.0], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64)]
    >>> gs = [torch.tensor([-40.0, 42.0], dtype=torch.float64), torch.tensor([2.0], dtype=torch.float64)]
    >>> es = [torch.zeros_like(x) for x in xs]
    >>> s = scalars(settings, 0.1, 1.0, None, None, np.float64)
    >>> step_tensors(settings.spec(np.float64), s, xs, gs, es, None, None)
    >>> xs[0].tolist(), xs[1].tolist()
    ([-3.6837722339930443, 2.6837722339921255], [0.6837722379360089])
    """
    _check_lists(spec, scalars, xs, gs, es, ms, bs, count)
    if not xs:
        return
    x0 = xs[0]
    device, dtype = x0.device, x0.dtype
    default_block, default_warps = launch_config(dtype)
    block = block or default_block
    static: list[int] = []
    for x, e, m, b in zip(xs, es, ms or xs, bs or xs):
        static += (x.data_ptr(), e.data_ptr(), m.data_ptr(), b.data_ptr(), x.numel())
    key = (device, dtype, block, tuple(static))
    grads_key = (device, tuple([g.data_ptr() for g in gs]))
    rows = _rows.get(key)
    grads = _grads.get(grads_key)
    if rows is None or grads is None:  # something moved: check every tensor, then make its table
        _check_tensors(xs, gs, es, ms, bs)
    if rows is None:
        table = np.array(static, dtype=np.int64).reshape(-1, 5)
        aligned = not (table[table[:, 4] > 0, :4] % 16).any()
        rows = _keep(
            _rows,
            key,
            (
                _on_device(table[:, :4], torch.int64, device),
                _on_device(chunks(table[:, 4], block), torch.int64, device),
                aligned,
            ),
        )
    if grads is None:
        addresses = grads_key[1]
        grads = _keep(
            _grads, grads_key, (_on_device(addresses, torch.int64, device), not any(a % 16 for a in addresses))
        )
    rows_table, chunk_table, aligned = rows
    grads_table, grads_aligned = grads
    if chunk_table.shape[0] == 0:
        return
    on_device = isinstance(scalars, torch.Tensor)
    device_correction = on_device and spec[_DEBIAS] != OFF
    bits = [0] * len(SCALARS) if on_device else [_bits(value) for value in scalars]
    interpret = device.type == "cpu"
    with like_the_gpu() if interpret else contextlib.nullcontext():
        kernel(interpret)[(chunk_table.shape[0],)](
            rows_table,
            grads_table,
            chunk_table,
            scalars if on_device else None,
            count if device_correction else None,
            *bits,
            STEP=step_for(tuple(spec), interpret),
            HAS_M=ms is not None,
            HAS_B=bs is not None,
            DEVICE_SCALARS=on_device,
            DEVICE_CORRECTION=device_correction,
            FLOAT64=dtype == torch.float64,
            ALIGNED=aligned and grads_aligned,
            BLOCK=block,
            num_warps=num_warps or default_warps,
            enable_fp_fusion=False,
        )


def _check_lists(spec, scalars, xs, gs, es, ms, bs, count) -> None:
    """One-line errors for a spec, scalars or lists :func:`step_tensors` cannot take (each call: no tensor read)."""
    if len(spec) != len(SPEC):
        raise ValueError(f"spec has {len(spec)} fields; rmsprop.rule.step.SPEC has {len(SPEC)}")
    wants_m, wants_b = bool(spec[CENTERED]), spec[MOMENTUM_SPEC] != OFF
    if (ms is not None) != wants_m:
        raise ValueError(
            f"ms must be {'a list' if wants_m else 'None'}: the spec is {'' if wants_m else 'not '}centered"
        )
    if (bs is not None) != wants_b:
        raise ValueError(
            f"bs must be {'a list' if wants_b else 'None'}: the spec has {'' if wants_b else 'no '}momentum"
        )
    for name, tensors in (("gs", gs), ("es", es), ("ms", ms), ("bs", bs)):
        if tensors is not None and len(tensors) != len(xs):
            raise ValueError(f"{name} has {len(tensors)} tensors, xs has {len(xs)}; one per parameter")
    if isinstance(scalars, torch.Tensor):
        device = xs[0].device if xs else scalars.device
        if scalars.dtype != torch.float64 or scalars.shape != (len(SCALARS),) or scalars.device != device:
            raise ValueError(
                f"scalars on the device must be a float64 tensor of shape ({len(SCALARS)},) on {device}, "
                f"not {scalars.dtype} of shape {tuple(scalars.shape)} on {scalars.device}"
            )
        if spec[_DEBIAS] != OFF and (
            not isinstance(count, torch.Tensor) or count.numel() != 1 or count.device != device
        ):
            raise ValueError(
                f"bias correction with scalars on the device needs count, a one-element tensor on {device}"
            )
    elif len(scalars) != len(SCALARS):
        raise ValueError(f"scalars has {len(scalars)} numbers; rmsprop.rule.step.SCALARS has {len(SCALARS)}")


def _check_tensors(xs, gs, es, ms, bs) -> None:
    """One-line errors for tensors :func:`step_tensors` cannot take (whenever a table is made)."""
    x0 = xs[0]
    for i, x in enumerate(xs):
        row = {"x": x, "g": gs[i], "e": es[i], "m": None if ms is None else ms[i], "b": None if bs is None else bs[i]}
        for name, tensor in row.items():
            if tensor is None and name in ("m", "b"):
                continue
            if not isinstance(tensor, torch.Tensor):
                raise TypeError(f"{name}[{i}] must be a torch.Tensor, not {type(tensor).__name__}")
            if tensor.dtype not in _DTYPES:
                raise TypeError(f"{name}[{i}] has dtype {tensor.dtype}; allowed: torch.float32, torch.float64")
            if tensor.dtype != x0.dtype:
                raise TypeError(f"{name}[{i}] has dtype {tensor.dtype}, x[0] has {x0.dtype}; one dtype per launch")
            if not tensor.is_contiguous():
                raise ValueError(
                    f"{name}[{i}] must be contiguous (strides {tensor.stride()} for shape {tuple(tensor.shape)})"
                )
            if tensor.numel() != x.numel() or tensor.device != x0.device:
                raise ValueError(
                    f"{name}[{i}] has {tensor.numel()} elements on {tensor.device}; x[{i}] has {x.numel()} on {x0.device}"
                )
