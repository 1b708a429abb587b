"""The step of CPU tensors: one call of the list kernel per dtype, on the tensors' own memory.

Each tensor enters the kernel (:mod:`rmsprop._compiled.list_kernel`) as one row of a table
of addresses (``data_ptr()`` of the parameter, its gradient and its state), so nothing is
copied or gathered: the kernel reads and writes the tensors where they lie, every tensor
of one dtype in one call, split over the cores in chunks. A complex tensor enters as its
pairs of reals (``torch.view_as_real``, the same memory), as PyTorch steps it.

A tensor that is not contiguous, and every tensor when Numba is missing or
``RMSPROP_DISABLE_JIT=1`` (:func:`rmsprop._fused.jit_enabled`), steps through the NumPy
form of the same rule (:func:`rmsprop.rule.step.make_step` on NumPy views of the
tensors), which gives the kernel's numbers bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .. import _fused
from ..rule.step import make_step
from ._flavors import GroupRule

__all__ = ["step_cpu", "KERNEL_DTYPES"]

#: The real dtype of each dtype the step takes, with its NumPy dtype.
KERNEL_DTYPES = {
    torch.float32: (torch.float32, np.dtype(np.float32)),
    torch.float64: (torch.float64, np.dtype(np.float64)),
    torch.complex64: (torch.float32, np.dtype(np.float32)),
    torch.complex128: (torch.float64, np.dtype(np.float64)),
}

_chunks: dict[tuple[int, ...], np.ndarray] = {}  # the chunks of a list of sizes, kept: a model steps the same list


def step_cpu(rule: GroupRule, lr: float, params: list, grads: list, states: list) -> None:
    """One step of CPU tensors in place: every parameter, and its state, of one group.

    Parameters
    ----------
    rule : GroupRule
        The group's rule (its spec and scalars per dtype).
    lr : float
        The group's learning rate now.
    params, grads : list of torch.Tensor
        The parameters that have a gradient, and their gradients (same shapes and dtypes).
    states : list of dict
        Each parameter's state: ``square_avg``, and ``grad_avg`` and ``momentum_buffer``
        where the rule has them, tensors of the parameter's shape and dtype.

    Raises
    ------
    TypeError
        If a state tensor's dtype is not its parameter's.

    Examples
    --------
    The seed's first step from ``x = -4`` (lr 0.1, decay 0.9, eps in the root):

    >>> import torch
    >>> from rmsprop.torch._flavors import settings_for
    >>> rule = GroupRule("seed", settings_for("seed", 0.1, 0.9, 1e-8, 0.0, 0.0, False, False))
    >>> x, g = torch.tensor([-4.0, 3.0], dtype=torch.float64), torch.tensor([-40.0, 42.0], dtype=torch.float64)
    >>> step_cpu(rule, 0.1, [x], [g], [{"square_avg": torch.zeros_like(x)}])
    >>> x.tolist()
    [-3.6837722339930443, 2.6837722339921255]
    """
    use_kernel = _fused.jit_enabled()
    rows: dict[torch.dtype, tuple[list, list]] = {}
    for p, g, state in zip(params, grads, states):
        e, m, b = state["square_avg"], state.get("grad_avg"), state.get("momentum_buffer")
        dtype = p.dtype
        if e.dtype is not dtype or (m is not None and m.dtype is not dtype) or (b is not None and b.dtype is not dtype):
            _refuse_state_dtype(dtype, e, m, b)
        if (
            use_kernel
            and p.is_contiguous()
            and g.is_contiguous()
            and e.is_contiguous()
            and (m is None or m.is_contiguous())
            and (b is None or b.is_contiguous())
        ):
            x_address = p.data_ptr()
            real, _ = KERNEL_DTYPES[dtype]
            table, sizes = rows.setdefault(real, ([], []))
            table.append(
                (
                    x_address,
                    g.data_ptr(),
                    e.data_ptr(),
                    x_address if m is None else m.data_ptr(),
                    x_address if b is None else b.data_ptr(),
                )
            )
            sizes.append(p.numel() * (2 if real is not dtype else 1))
        else:
            _numpy_step(rule, lr, p, g, e, m, b)
    if rows:
        from .._compiled import list_kernel

        for real, (table, sizes) in rows.items():
            spec, s = rule.numbers(lr, KERNEL_DTYPES[real][1])
            key = tuple(sizes)
            chunks = _chunks.get(key)
            if chunks is None:
                if len(_chunks) > 256:
                    _chunks.clear()
                chunks = _chunks[key] = list_kernel.chunks(sizes)
            parallel = sum(sizes) >= _fused.PARALLEL_MIN_SIZE
            kernel = list_kernel.kernel(spec, parallel)
            kernel(np.array(table, dtype=np.int64), chunks, np.array(s))


def _refuse_state_dtype(dtype: torch.dtype, e, m, b) -> None:
    for name, t in (("square_avg", e), ("grad_avg", m), ("momentum_buffer", b)):
        if t is not None and t.dtype is not dtype:
            raise TypeError(
                f"state {name} is {t.dtype} but its parameter is {dtype}; "
                "make the optimizer after converting the model (or load a state_dict again)"
            )


def _as_numpy(t: Any) -> Any:
    """A NumPy view of ``t`` (complex as pairs of reals), or ``None``."""
    if t is None:
        return None
    if t.is_complex():
        t = torch.view_as_real(t)
    return t.detach().numpy()


def _numpy_step(rule: GroupRule, lr: float, p, g, e, m, b) -> None:
    """The NumPy form of the step on one tensor, in place (the kernel's numbers, for any layout)."""
    x, gn, en, mn, bn = (_as_numpy(t) for t in (p, g, e, m, b))
    spec, s = rule.numbers(lr, en.dtype)
    u, e_new, m_new, b_new = make_step(spec)(gn, x, en, mn, bn, s)
    en[...] = e_new
    if mn is not None:
        mn[...] = m_new
    if bn is not None:
        bn[...] = b_new
    np.add(x, u, out=x)
