"""``rmsprop.torch.RMSprop``: a ``torch.optim.Optimizer`` whose step is the project's rule, fused.

The class keeps ``torch.optim.RMSprop``'s arguments, defaults, parameter groups and state
layout, so that it takes its place in a training loop and a checkpoint moves between the
two. Its step runs the rule of :func:`rmsprop.rule.step.make_step` for the group's
:class:`~rmsprop.Settings` (:mod:`._flavors`): on CPU, one call of the fused list kernel per
dtype (:mod:`._cpu`); on CUDA, one launch of the Triton kernel of ``rmsprop.torch._cuda``
per dtype (see :func:`step_cuda`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import torch

from ._cpu import KERNEL_DTYPES, step_cpu
from ._flavors import FLAVOR_NAMES, GroupRule, settings_for

__all__ = ["RMSprop", "step_cuda"]

#: The options of a group that make its rule (the learning rate is a number of each step).
_RULE_OPTIONS = ("alpha", "eps", "weight_decay", "momentum", "centered", "maximize")
_ONE = torch.tensor(1.0)
#: The devices whose tensors step through the Triton kernel (:func:`step_cuda`); the tests add "cpu" to run
#: the class's CUDA path on CPU tensors in Triton's interpreter.
_TRITON_DEVICES = ("cuda",)
#: The state tensors of a parameter, in ``torch.optim.RMSprop``'s order.
_STATE_TENSORS = ("square_avg", "momentum_buffer", "grad_avg")


class RMSprop(torch.optim.Optimizer):
    r"""RMSprop for PyTorch models with ``torch.optim.RMSprop``'s arguments, fused on CPU and CUDA.

    A drop-in replacement for ``torch.optim.RMSprop``: the same arguments and defaults,
    parameter groups, ``zero_grad``, closures, ``torch.optim.lr_scheduler`` and
    ``torch.amp.GradScaler``, and the same ``state_dict`` (``step``, ``square_avg``,
    ``momentum_buffer`` with momentum, ``grad_avg`` when centered, per parameter), so a
    checkpoint moves to and from ``torch.optim.RMSprop``. With ``flavor="torch"`` a step is
    PyTorch's (Hinton 2012, lecture 6e; Graves 2013 when centered)::

        g = -g (maximize);  g = g + weight_decay * x
        e = alpha * e + (1 - alpha) * g^2;   m = m + (1 - alpha) * (g - m) (centered)
        d = sqrt(e - m^2) + eps;   b = momentum * b + g / d;   x = x - lr * b

    in PyTorch's CPU arithmetic (its fused multiply-adds; ``rmsprop.compat.torch``, bit for
    bit). Every parameter of one dtype steps in one call of the fused kernel (one launch on
    CUDA), on the tensors' own memory; complex parameters step as pairs of reals, as
    PyTorch's do.
    Another ``flavor`` reads the same arguments as that flavor of :mod:`rmsprop.compat`
    (eps inside the root for ``"seed"``, Keras's decoupled weight decay, TF1's accumulator
    from 1, ...); see :mod:`rmsprop.torch`.

    Parameters
    ----------
    params : iterable of torch.Tensor or of dict
        The parameters (float32, float64, complex64 or complex128), or parameter groups.
    lr : float or torch.Tensor, default 0.01
        The learning rate (a 1-element tensor is read each step).
    alpha : float, default 0.99
        The decay of the averages, in ``[0, 1)``.
    eps : float, default 1e-8
        Added to the denominator; ``> 0``.
    weight_decay : float, default 0
        The L2 penalty added to the gradient (decoupled in the ``"keras"`` flavor).
    momentum : float, default 0
        The momentum, in ``[0, 1)``.
    centered : bool, default False
        Divide by the standard deviation instead of the root mean square.
    capturable : bool, default False
        PyTorch's meaning, for CUDA graphs: the step count stays on the parameter's device
        and the step's numbers are read there, so ``step()`` reads nothing on the host and
        can be captured (with a float ``lr``, or a tensor on the CPU, read when captured).
        CUDA parameters only, as in PyTorch.
    foreach : bool or None, default None
        Accepted and kept for PyTorch's layout; the step is fused either way.
    maximize : bool, default False
        Ascend instead of descend.
    flavor : str, default "torch"
        The form of the step: one of ``"torch"``, ``"seed"``, ``"keras"``, ``"optax"``,
        ``"tf1"``, ``"jax_example"``, ``"lasagne"``, ``"caffe"``, ``"graves"``.

    Raises
    ------
    ValueError
        For a value out of range (PyTorch's messages), an unknown flavor, or an option the
        flavor has not got.
    TypeError
        For parameters that are not tensors, or of a dtype the step does not take.

    Examples
    --------
    The seed's first step, in PyTorch's form (eps outside the root; ``torch.optim.RMSprop``
    gives the same numbers):

    >>> import torch, rmsprop.torch
    >>> x = torch.tensor([-4.0, 3.0], dtype=torch.float64, requires_grad=True)
    >>> opt = rmsprop.torch.RMSprop([x], lr=0.1, alpha=0.9)
    >>> (5 * x[0] ** 2 + 7 * x[1] ** 2).backward()
    >>> opt.step()
    >>> x.detach().tolist()
    [-3.683772234233162, 2.6837722342212573]
    >>> sorted(opt.state_dict()["state"][0])
    ['square_avg', 'step']
    """

    def __init__(
        self,
        params: Any,
        lr: float | torch.Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        *,
        flavor: str = "torch",
    ) -> None:
        if isinstance(lr, torch.Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        for name, value in (("epsilon", eps), ("momentum", momentum), ("weight_decay", weight_decay), ("alpha", alpha)):
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name} value: {value}")
        if not isinstance(flavor, str) or flavor not in FLAVOR_NAMES:
            raise ValueError(f"unknown flavor {flavor!r}; choose one of: {', '.join(FLAVOR_NAMES)}")
        self.flavor = flavor
        self._rules: dict[tuple, GroupRule] = {}
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": False,
        }
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore from ``state`` (pickling, ``load_state_dict``), with PyTorch's defaults for missing group keys.

        Parameters
        ----------
        state : dict
            The optimizer's ``__dict__`` (``state`` and ``param_groups``).
        """
        super().__setstate__(state)
        for key, value in (("momentum", 0), ("centered", False), ("foreach", None), ("maximize", False)):
            for group in self.param_groups:
                group.setdefault(key, value)
        for group in self.param_groups:
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        self.__dict__.setdefault("flavor", "torch")
        self.__dict__.setdefault("_rules", {})

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a parameter group, checked now: its options and its parameters' dtypes.

        Parameters
        ----------
        param_group : dict
            ``{"params": ..., <options that differ from the defaults>}``.

        Raises
        ------
        ValueError
            For an option out of range or one the flavor has not got.
        TypeError
            For a parameter of a dtype the step does not take.
        """
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        self._rule(group)
        for p in group["params"]:
            self._check_dtype(p)

    def _check_dtype(self, p: torch.Tensor) -> None:
        if p.dtype not in KERNEL_DTYPES:
            raise TypeError(
                f"rmsprop.torch.RMSprop steps float32, float64, complex64 and complex128 parameters; got {p.dtype} "
                "(keep float32 master weights: torch.autocast computes in lower precision around them)"
            )
        if p.is_complex() and self.flavor != "torch":
            raise TypeError(
                f"complex parameters step as pairs of reals in the 'torch' flavor only; flavor {self.flavor!r} has none"
            )

    def _rule(self, group: dict[str, Any]) -> GroupRule:
        """The group's rule, made once per set of options (a group's options may change between steps)."""
        key = tuple(group[name] for name in _RULE_OPTIONS)
        rule = self._rules.get(key)
        if rule is None:
            alpha, momentum = group["alpha"], group["momentum"]
            if not alpha < 1.0:
                raise ValueError(f"Invalid alpha value: {alpha} (the average needs 0 <= alpha < 1)")
            if not momentum < 1.0:
                raise ValueError(f"Invalid momentum value: {momentum} (it must be below 1)")
            lr = float(group["lr"])
            settings = settings_for(self.flavor, lr, *key)
            rule = self._rules[key] = GroupRule(self.flavor, settings)
        return rule

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One step of every parameter that has a gradient.

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss (run with gradients enabled).

        Returns
        -------
        object
            The closure's loss, or ``None`` without a closure.

        Raises
        ------
        RuntimeError
            For a sparse gradient, ``differentiable=True`` (loaded from PyTorch), a
            device other than CPU and CUDA, or ``capturable=True`` with CPU parameters.
        """
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            if group["differentiable"]:
                raise RuntimeError("rmsprop.torch.RMSprop has no differentiable step; use torch.optim.RMSprop for that")
            rule = self._rule(group)
            lr = group["lr"]
            if isinstance(lr, torch.Tensor):
                lr = lr.item()
            centered, momentum = rule.settings.centered, rule.settings.momentum > 0
            by_device: dict[str, tuple[list, list, list]] = {}
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if g.layout is not torch.strided:
                    raise RuntimeError("RMSprop does not support sparse gradients (rmsprop.torch.RMSprop neither)")
                state = self.state[p]
                if "square_avg" not in state:
                    self._check_dtype(p)
                    self._init_state(p, state, group, rule)
                elif (centered and "grad_avg" not in state) or (momentum and "momentum_buffer" not in state):
                    self._init_state(p, state, group, rule)
                params, grads, states = by_device.setdefault("cpu" if p.is_cpu else p.device.type, ([], [], []))
                params.append(p)
                grads.append(g)
                states.append(state)
            for device, (params, grads, states) in by_device.items():
                steps = [state["step"] for state in states]
                if steps[0].is_cpu:  # a tensor 1, not a number: PyTorch's fast form on CPU (its own trick)
                    torch._foreach_add_(steps, _ONE, alpha=1.0)
                else:
                    torch._foreach_add_(steps, 1.0)
                if device in _TRITON_DEVICES:
                    step_cuda(rule, lr, params, grads, states, group["capturable"])
                elif group["capturable"]:
                    raise RuntimeError(
                        f"capturable=True steps CUDA parameters (for CUDA graphs), as torch.optim.RMSprop's; "
                        f"got {device} parameters: use capturable=False"
                    )
                elif device == "cpu":
                    step_cpu(rule, lr, params, grads, states)
                else:
                    raise RuntimeError(f"rmsprop.torch.RMSprop steps CPU and CUDA tensors; got a {device} tensor")
        return loss

    def _init_state(self, p: torch.Tensor, state: dict, group: dict[str, Any], rule: GroupRule) -> None:
        """PyTorch's state for ``p`` (what is missing of it), ``square_avg`` from the rule's start value."""
        if "step" not in state:
            dtype = torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32
            state["step"] = torch.zeros((), dtype=dtype, device=p.device if group["capturable"] else "cpu")
        if "square_avg" not in state:
            state["square_avg"] = torch.full_like(p, rule.settings.initial_scale, memory_format=torch.preserve_format)
        if rule.settings.momentum > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = torch.zeros_like(p, memory_format=torch.preserve_format)
        if rule.settings.centered and "grad_avg" not in state:
            state["grad_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue from ``state_dict``, this class's or ``torch.optim.RMSprop``'s.

        Parameters
        ----------
        state_dict : dict
            What ``state_dict()`` returned (either class's); its tensors are copied to
            each parameter's dtype and device, as PyTorch does.

        Raises
        ------
        ValueError
            If its groups do not match this optimizer's (PyTorch's check), or a state
            tensor's shape is not its parameter's.
        """
        saved_groups = state_dict.get("param_groups", []) if isinstance(state_dict, dict) else []
        ours = list(itertools.chain.from_iterable(group["params"] for group in self.param_groups))
        saved_ids = list(itertools.chain.from_iterable(group.get("params", []) for group in saved_groups))
        if len(saved_ids) == len(ours):
            for index, p in zip(saved_ids, ours):
                saved = state_dict.get("state", {}).get(index, {})
                for name in _STATE_TENSORS:
                    t = saved.get(name)
                    if isinstance(t, torch.Tensor) and t.shape != p.shape:
                        raise ValueError(
                            f"state_dict state {index} {name} has shape {tuple(t.shape)}; its parameter has {tuple(p.shape)}"
                        )
        super().load_state_dict(state_dict)
        self._rules.clear()


def step_cuda(rule: GroupRule, lr: float, params: list, grads: list, states: list, capturable: bool = False) -> None:
    """One step of CUDA tensors: one launch of ``rmsprop.torch._cuda.step_tensors`` per dtype (the Triton kernel).

    Each parameter enters the kernel with its gradient and state as they lie in memory
    (complex ones as their pairs of reals, ``torch.view_as_real``); the kernel reads their
    addresses from tables it keeps on the device (:mod:`rmsprop.torch._cuda`). With
    ``capturable`` the scalars are a tensor on the device (made once per learning rate and
    dtype), so the step reads nothing on the host and can be captured in a CUDA graph.

    Parameters
    ----------
    rule : GroupRule
        The group's rule.
    lr : float
        The group's learning rate now.
    params, grads : list of torch.Tensor
        Parameters of one device and their gradients.
    states : list of dict
        Their states.
    capturable : bool, optional
        Read the scalars from the device.

    Raises
    ------
    RuntimeError
        Where the CUDA kernel cannot be imported (no Triton).
    ValueError
        If a parameter or its state is not contiguous.

    Examples
    --------
    >>> step_cuda  # doctest: +ELLIPSIS
    <function step_cuda at ...>
    """
    try:
        from ._cuda import scalars_on, step_tensors  # type: ignore[import-not-found, unused-ignore]
    except ImportError as error:
        raise RuntimeError(
            f"rmsprop.torch.RMSprop steps CUDA tensors with a Triton kernel, which cannot be loaded here ({error})"
        ) from None
    lists: dict[torch.dtype, tuple[list, list, list, list, list]] = {}
    for p, g, state in zip(params, grads, states):
        e, m, b = state["square_avg"], state.get("grad_avg"), state.get("momentum_buffer")
        g = g.contiguous()
        if p.is_complex():
            p, g, e = torch.view_as_real(p), torch.view_as_real(g), torch.view_as_real(e)
            m = None if m is None else torch.view_as_real(m)
            b = None if b is None else torch.view_as_real(b)
        xs, gs, es, ms, bs = lists.setdefault(p.dtype, ([], [], [], [], []))
        xs.append(p)
        gs.append(g)
        es.append(e)
        if m is not None:
            ms.append(m)
        if b is not None:
            bs.append(b)
    for real, (xs, gs, es, ms, bs) in lists.items():
        spec, s = rule.numbers(lr, KERNEL_DTYPES[real][1])
        step_tensors(spec, scalars_on(s, xs[0].device) if capturable else s, xs, gs, es, ms or None, bs or None)
