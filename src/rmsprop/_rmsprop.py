"""The RMSprop update rule, written once.

RMSprop (Tieleman & Hinton 2012, Coursera "Neural Networks for Machine
Learning", lecture 6e) divides each gradient component by the root of a
decaying average of its recent squares. With the defaults this module is
exactly the rule of the seed document, in the seed's order of operations::

    e <- decay * e + (1 - decay) * g**2          e starts at 0
    x <- x - learning_rate * g / sqrt(e + eps)

Each option below changes one line of that rule; the sources are cited where
the option is documented in :func:`rmsprop`. :func:`leaf_update` runs every line
on whole arrays, one parameter array (a "leaf") at a time; where it applies, a
fused kernel runs the same lines in one pass over memory with the same numbers
(:mod:`rmsprop._fused` decides, :mod:`rmsprop._kernels` computes).

Warning -- where the libraries disagree (the defaults follow the seed):

* ``eps`` inside the square root (seed, Keras, TensorFlow, Optax) or outside
  (PyTorch, Caffe): ``eps_in_sqrt``;
* the accumulator starts at 0 (seed, PyTorch, Keras, Optax) or 1 (TF1):
  ``initial_scale``;
* the learning rate inside the momentum buffer (TF, Keras, Optax) or outside
  (PyTorch): ``lr_inside_momentum``; the two agree while the rate is constant.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import schedules as _schedules
from ._base import GradientTransformation
from ._arithmetic import ARITHMETICS
from . import _fused
from ._clip import clip_by_value, clip_factors
from ._tree import as_leaves, flatten, unflatten
from ._validate import check_option_names, flag, in_range, positive_or_none

__all__ = ["RMSpropState", "rmsprop", "OPTION_NAMES", "resolve_optimizer", "Rule", "leaf_update"]


class RMSpropState(NamedTuple):
    """What RMSprop remembers between steps; trees have the parameters' structure.

    count:    steps taken so far (``t``); the next step uses ``learning_rate(count)``.
    nu:       ``e``, the decaying average of squared gradients (real, like the parameters).
    mu:       the decaying average of gradients (``centered=True`` only, else ``None``).
    momentum: the momentum buffer ``b`` (``momentum > 0`` only, else ``None``).
    """

    count: int
    nu: Any
    mu: Any
    momentum: Any


#: Keyword options of :func:`rmsprop` besides ``learning_rate``, ``decay`` and ``eps``.
OPTION_NAMES = (
    "eps_in_sqrt",
    "initial_scale",
    "centered",
    "momentum",
    "nesterov",
    "lr_inside_momentum",
    "weight_decay",
    "decoupled_weight_decay",
    "maximize",
    "bias_correction",
    "clip_value",
    "clip_norm",
    "global_clip_norm",
    "arithmetic",
)


#: The default learning rate where one is not required (PyTorch's default; the seed uses 0.1).
DEFAULT_LEARNING_RATE = 0.01


def resolve_optimizer(
    optimizer: GradientTransformation | None,
    where: str,
    learning_rate: Any = None,
    decay: float | None = None,
    eps: float | None = None,
    **options: Any,
) -> GradientTransformation:
    """``optimizer`` as given, or :func:`rmsprop` built from the settings; never both.

    ``learning_rate``, ``decay`` and ``eps`` left at ``None`` are unset and take
    :func:`rmsprop`'s defaults (the rate :data:`DEFAULT_LEARNING_RATE`); ``where``
    names the caller in error messages.
    """
    given = {"learning_rate": learning_rate, "decay": decay, "eps": eps}
    settings = {name: value for name, value in given.items() if value is not None} | options
    check_option_names(settings, ("learning_rate", "decay", "eps") + OPTION_NAMES, where)
    if optimizer is None:
        return rmsprop(**{"learning_rate": DEFAULT_LEARNING_RATE, **settings})
    if not isinstance(optimizer, GradientTransformation):
        raise TypeError(f"optimizer must be a GradientTransformation, e.g. rmsprop.rmsprop(0.01); got {optimizer!r}")
    if settings:
        raise ValueError(f"give either optimizer= or RMSprop settings ({', '.join(sorted(settings))}), not both")
    return optimizer


def _real_dtype(array: np.ndarray) -> np.dtype:
    return array.real.dtype if np.iscomplexobj(array) else array.dtype


def rmsprop(
    learning_rate: _schedules.LearningRate,
    decay: float = 0.9,
    eps: float = 1e-8,
    *,
    eps_in_sqrt: bool = True,
    initial_scale: float = 0.0,
    centered: bool = False,
    momentum: float = 0.0,
    nesterov: bool = False,
    lr_inside_momentum: bool = False,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
    maximize: bool = False,
    bias_correction: bool = False,
    clip_value: float | None = None,
    clip_norm: float | None = None,
    global_clip_norm: float | None = None,
    arithmetic: str = "seed",
) -> GradientTransformation:
    r"""RMSprop as a gradient transformation: ``init(params)``, ``update(grads, state, params)``.

    The step taken from iterate ``t`` (``t = 0, 1, ...``), per parameter array,
    in this order (each line only when its option is on)::

        g  = clip(g)                         clip_value, clip_norm, global_clip_norm
        g  = -g                              maximize
        g  = g + weight_decay * x            weight_decay, coupled (L2 penalty)
        e  = decay * e + (1 - decay) * g**2  always; e starts at initial_scale
        m  = decay * m + (1 - decay) * g     centered; m starts at 0
        v  = max(e - m**2, 0)                centered, else v = e
        v  = v / (1 - decay**(t+1))          bias_correction (m too, before v)
        d  = sqrt(v + eps)                   eps_in_sqrt, else d = sqrt(v) + eps
        x  = x - lr * g / d                  no momentum
        b  = mu_b * b + g / d;  x = x - lr * b        momentum, lr outside (PyTorch)
        b  = mu_b * b + lr * g / d;  x = x - b        momentum, lr inside (TF, Keras, Optax)
        x  = x - lr * weight_decay * x       weight_decay, decoupled (Loshchilov & Hutter 2019)

    with ``lr = learning_rate(t)`` and ``mu_b = momentum``. Nesterov momentum
    replaces the step ``b`` by ``g / d + mu_b * b`` (``lr * g / d + mu_b * b``
    inside), the form of PyTorch's SGD and Optax's ``trace(nesterov=True)``.

    Parameters
    ----------
    learning_rate:
        A rate ``>= 0`` or a schedule ``t -> rate`` (see :mod:`rmsprop.schedules`).
    decay:
        ``gamma`` of the seed, ``rho`` in Keras, ``alpha`` in PyTorch; in ``[0, 1)``.
    eps:
        Added for numerical stability; ``> 0`` (``>= 0`` when ``initial_scale > 0`` and ``decay > 0``,
        as TF1 allows; then a long run of zero gradients can still take ``e`` to 0 by underflow,
        after about 150 steps at decay 0.5 in float32, and give 0/0).
    eps_in_sqrt:
        ``True``: ``sqrt(e + eps)`` (seed; Keras; TF; Optax). ``False``:
        ``sqrt(e) + eps`` (PyTorch ``torch.optim.RMSprop``; Caffe's ``RMSPropSolver``).
    initial_scale:
        Start value of ``e``: 0 in the seed, PyTorch, Keras and Optax; 1 in TF1's
        ``tf.compat.v1.train.RMSPropOptimizer``.
    centered:
        Divide by an estimate of the standard deviation, ``sqrt(e - m^2)``, instead of
        the root mean square (Graves 2013, "Generating sequences with recurrent neural
        networks", eqs. 38-41).
    momentum, nesterov, lr_inside_momentum:
        Heavy-ball momentum ``b`` on the scaled gradient, optionally Nesterov's form;
        where the learning rate meets the buffer is shown above.
    weight_decay, decoupled_weight_decay:
        Coupled: the L2 gradient ``weight_decay * x`` is added to ``g`` (PyTorch,
        Caffe). Decoupled: ``x`` shrinks by ``lr * weight_decay * x`` apart from the
        adaptive step (Loshchilov & Hutter 2019, "Decoupled weight decay
        regularization"; Keras 3's ``weight_decay``).
    maximize:
        Ascend instead of descend (PyTorch's ``maximize``).
    bias_correction:
        Divide the averages by ``1 - decay^(t+1)`` so that they are unbiased while
        they warm up from zero (Kingma & Ba 2015, Adam; Optax's ``bias_correction``).
    clip_value, clip_norm, global_clip_norm:
        Clip the raw gradient elementwise, by each array's L2 norm, or by the
        norm of all arrays together (Keras's ``clipvalue``, ``clipnorm``,
        ``global_clipnorm``), in that order when several are given.
    arithmetic:
        How the lines are rounded, not what they compute: ``"seed"`` (every line as
        written above), ``"torch"``, ``"keras_torch"`` or ``"optax"`` (those libraries'
        fused multiply-adds and orders, see :mod:`rmsprop._arithmetic`). The flavors of
        :mod:`rmsprop.compat` set it; with a fused arithmetic an update may be formed
        as ``x_new - x``, which ``apply_updates`` turns back into ``x_new`` exactly
        whenever the step is less than half of ``|x|`` (Sterbenz's lemma).

    Returns
    -------
    GradientTransformation
        ``update`` returns the *updates* to add to the parameters (see
        :func:`rmsprop.apply_updates`) and the new :class:`RMSpropState`; it never
        modifies its inputs. ``params`` is needed only with ``weight_decay``.
    """
    schedule = _schedules.as_schedule(learning_rate)
    decay = in_range("decay", decay, 0.0, 1.0)
    eps_in_sqrt = flag("eps_in_sqrt", eps_in_sqrt)
    initial_scale = in_range("initial_scale", initial_scale, 0.0)
    eps = in_range("eps", eps, 0.0, low_open=initial_scale == 0.0 or decay == 0.0)  # else 0/0 on a zero gradient
    centered = flag("centered", centered)
    momentum = in_range("momentum", momentum, 0.0, 1.0)
    nesterov = flag("nesterov", nesterov)
    lr_inside_momentum = flag("lr_inside_momentum", lr_inside_momentum)
    weight_decay = in_range("weight_decay", weight_decay, 0.0)
    decoupled_weight_decay = flag("decoupled_weight_decay", decoupled_weight_decay)
    maximize = flag("maximize", maximize)
    bias_correction = flag("bias_correction", bias_correction)
    clip_value = positive_or_none("clip_value", clip_value)
    clip_norm = positive_or_none("clip_norm", clip_norm)
    global_clip_norm = positive_or_none("global_clip_norm", global_clip_norm)
    if nesterov and momentum == 0.0:
        raise ValueError("nesterov=True needs momentum > 0; set momentum (e.g. 0.9) or nesterov=False")
    if lr_inside_momentum and momentum == 0.0:
        raise ValueError("lr_inside_momentum=True needs momentum > 0; it only says where lr meets the buffer")
    if decoupled_weight_decay and weight_decay == 0.0:
        raise ValueError("decoupled_weight_decay=True needs weight_decay > 0")

    if not isinstance(arithmetic, str) or arithmetic not in ARITHMETICS:
        raise ValueError(f"unknown arithmetic {arithmetic!r}; allowed: {', '.join(ARITHMETICS)}")
    rule = Rule(
        arithmetic=ARITHMETICS[arithmetic],
        decay=decay,
        one_minus_decay=1.0 - decay,
        eps=eps,
        eps_in_sqrt=eps_in_sqrt,
        centered=centered,
        momentum=momentum,
        nesterov=nesterov,
        lr_inside_momentum=lr_inside_momentum,
        weight_decay=weight_decay,
        decoupled_weight_decay=decoupled_weight_decay,
        maximize=maximize,
        clip_value=clip_value,
        clip_norm=clip_norm,
        global_clip_norm=global_clip_norm,
    )
    # x is required for weight decay; a fused arithmetic also uses it, when given, to round x's update once.
    needs_params = weight_decay > 0.0
    uses_params = needs_params or (arithmetic != "seed" and momentum > 0.0)

    def init(params: Any) -> RMSpropState:
        leaves, structure = as_leaves(params, "params")
        # The state keeps each parameter's memory order, so that a fused kernel can run over both as flat arrays.
        nu = [np.full_like(p, initial_scale, dtype=_real_dtype(p)) for p in leaves]
        mu = [np.zeros_like(p) for p in leaves] if centered else None
        buf = [np.zeros_like(p) for p in leaves] if momentum > 0.0 else None
        wrap = lambda trees: None if trees is None else unflatten(structure, trees)  # noqa: E731
        return RMSpropState(count=0, nu=wrap(nu), mu=wrap(mu), momentum=wrap(buf))

    constant_lr = schedule.value if isinstance(schedule, _schedules.constant) else None

    def step_numbers(t: int) -> tuple[float, float]:
        """The learning rate and the bias correction ``1 - decay^(t+1)`` (1 without it) of step ``t``."""
        lr = constant_lr if constant_lr is not None else _schedules.evaluate(schedule, t)
        return lr, 1.0 - decay ** (t + 1) if bias_correction else 1.0

    def prepare(grads: Any, state: RMSpropState, params: Any, lr: float, correction: float) -> _Step:
        """Check the inputs against the state and gather one step's leaves and scalars."""
        g_leaves, structure = as_leaves(grads, "grads")
        nu_leaves, nu_structure = flatten(state.nu)
        if structure != nu_structure:
            raise ValueError(
                "grads must have the structure of the params the state was made for "
                f"({len(nu_leaves)} array(s)); got {len(g_leaves)} array(s) or other keys/nesting"
            )
        g_leaves = [_match(g, nu, i) for i, (g, nu) in enumerate(zip(g_leaves, nu_leaves))]
        none = [None] * len(g_leaves)
        t = state.count
        leaf_scales, global_scale = clip_factors(g_leaves, clip_value, clip_norm, global_clip_norm)
        return _Step(
            structure=structure,
            g=g_leaves,
            x=_params_for(params, structure, nu_leaves, needs_params, uses_params),
            nu=nu_leaves,
            mu=flatten(state.mu)[0] if centered else none,
            momentum=flatten(state.momentum)[0] if momentum > 0.0 else none,
            count=t,
            lr=lr,
            correction=correction,
            leaf_scales=leaf_scales or none,
            global_scale=global_scale,
        )

    def new_state(step: _Step, nu: list, mu: list, buf: list) -> RMSpropState:
        return RMSpropState(
            count=step.count + 1,
            nu=unflatten(step.structure, nu),
            mu=unflatten(step.structure, mu) if centered else None,
            momentum=unflatten(step.structure, buf) if momentum > 0.0 else None,
        )

    has_momentum = momentum > 0.0

    def update(grads: Any, state: RMSpropState, params: Any = None) -> tuple[Any, RMSpropState]:
        step = prepare(grads, state, params, *step_numbers(_check_state(state, centered, has_momentum)))
        updates, nu, mu, buf = [], [], [], []
        for leaf in step.leaves():
            u, e, m, b = _fused.leaf_update(rule, step, *leaf) or leaf_update(rule, step, *leaf)
            updates.append(u)
            nu.append(e)
            mu.append(m)
            buf.append(b)
        return unflatten(step.structure, updates), new_state(step, nu, mu, buf)

    fast = _fused.InPlaceSteps(rule, uses_params)
    def update_in_place(grads: Any, state: RMSpropState, params: Any) -> RMSpropState:
        """``params += updates`` and the state's arrays overwritten with the new state; returns the new state.

        The same numbers as ``update`` followed by ``params + updates``. Nothing is
        written before every input has been checked; the new state holds the same arrays.
        """
        if params is None:
            raise ValueError("update_in_place needs the parameters it updates")
        # _check_state's usual case, written out: at N = 1e3 a step is about 3 us and a call 0.1 us of it
        if not (type(state) is RMSpropState and type(t := state.count) is int and t >= 0
                and (state.mu is not None) is centered and (state.momentum is not None) is has_momentum):
            t = _check_state(state, centered, has_momentum)
        lr, correction = step_numbers(t)
        if fast.step(grads, state, params, lr, correction):
            return _new_state(RMSpropState, (t + 1, state.nu, state.mu, state.momentum))
        step = prepare(grads, state, params if uses_params else None, lr, correction)
        x_leaves = flatten(params)[0]
        for i, (x, g) in enumerate(zip(x_leaves, step.g)):
            if np.iscomplexobj(g) and not np.iscomplexobj(x):
                raise TypeError(f"grads[{i}] is complex but params[{i}] is real ({x.dtype})")
        for x, leaf in zip(x_leaves, step.leaves()):
            if not _fused.leaf_update_in_place(rule, step, x, *leaf):
                u, *new = leaf_update(rule, step, *leaf)
                np.add(x, u, out=x, casting="same_kind")
                for old, value in zip(leaf[2:5], new):
                    if old is not None:
                        np.copyto(old, value)
        return RMSpropState(t + 1, state.nu, state.mu, state.momentum)

    settings = {
        "name": "rmsprop",
        "learning_rate": learning_rate,
        "decay": decay,
        "eps": eps,
        "eps_in_sqrt": eps_in_sqrt,
        "initial_scale": initial_scale,
        "centered": centered,
        "momentum": momentum,
        "nesterov": nesterov,
        "lr_inside_momentum": lr_inside_momentum,
        "weight_decay": weight_decay,
        "decoupled_weight_decay": decoupled_weight_decay,
        "maximize": maximize,
        "bias_correction": bias_correction,
        "clip_value": clip_value,
        "clip_norm": clip_norm,
        "global_clip_norm": global_clip_norm,
        "arithmetic": arithmetic,
    }
    return GradientTransformation(init, update, settings, update_in_place)


def _check_state(state: Any, centered: bool, has_momentum: bool) -> int:
    """``state.count``, once ``state`` is known to be an :class:`RMSpropState` that this rule can continue."""
    if type(state) is RMSpropState:  # the usual case, in a fraction of a microsecond
        count = state.count
        if (type(count) is int and count >= 0 and (state.mu is not None) is centered
                and (state.momentum is not None) is has_momentum):
            return count
    if not isinstance(state, RMSpropState):
        raise TypeError(f"rmsprop's update needs the RMSpropState made by its init; got {type(state).__name__}")
    count = state.count
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
        raise ValueError(f"state.count must be an integer >= 0 (the steps taken so far); got {count!r}")
    for name, kept, wanted in (("mu", state.mu is not None, centered), ("momentum", state.momentum is not None,
                                                                          has_momentum)):
        if kept != wanted:
            option = "centered=True" if name == "mu" else "momentum > 0"
            raise ValueError(f"the state {'has' if kept else 'lacks'} a {name} array, so it was made by an rmsprop "
                             f"{'with' if kept else 'without'} {option}; continue with that optimizer or start "
                             "from this one's init")
    return count


_new_state = tuple.__new__  # a NamedTuple without the Python-level __new__: microseconds count at small sizes


def _match(g: np.ndarray, nu: np.ndarray, index: int) -> np.ndarray:
    """The gradient in the state's precision, with the state's shape, or a clear error."""
    if g.shape != nu.shape:
        raise ValueError(f"grads[{index}] has shape {g.shape} but its parameter has shape {nu.shape}")
    if np.iscomplexobj(g):
        return g.astype(np.result_type(nu.dtype, np.complex64), copy=False)
    return g.astype(nu.dtype, copy=False)


def _params_for(params: Any, structure: Any, nu_leaves: list[np.ndarray], required: bool, used: bool) -> list[Any]:
    """The parameter leaves, checked against the state, when the rule uses them."""
    if params is None and required:
        raise ValueError("weight_decay needs the parameters: call update(grads, state, params)")
    if params is None or not used:
        return [None] * len(nu_leaves)
    x_leaves, x_structure = as_leaves(params, "params")
    if x_structure != structure:
        raise ValueError("params must have the same structure as grads")
    for i, (x, nu) in enumerate(zip(x_leaves, nu_leaves)):
        if x.shape != nu.shape:
            raise ValueError(f"params[{i}] has shape {x.shape} but the state expects {nu.shape}")
    return x_leaves


class Rule(NamedTuple):
    """The checked settings of one :func:`rmsprop`, as :func:`leaf_update` and the kernels read them."""

    arithmetic: Any
    decay: float
    one_minus_decay: float
    eps: float
    eps_in_sqrt: bool
    centered: bool
    momentum: float
    nesterov: bool
    lr_inside_momentum: bool
    weight_decay: float
    decoupled_weight_decay: bool
    maximize: bool
    clip_value: float | None
    clip_norm: float | None
    global_clip_norm: float | None


class _Step(NamedTuple):
    """One step's checked leaves (``None`` where a rule has no such array) and scalars."""

    structure: Any
    g: list
    x: list
    nu: list
    mu: list
    momentum: list
    count: int
    lr: float
    correction: float  # 1 - decay^(t+1) with bias correction, else 1
    leaf_scales: list  # clip_norm's factor per leaf, or None
    global_scale: float | None

    def leaves(self):
        """``(g, x, e, m, b, leaf_scale)`` per parameter array."""
        return zip(self.g, self.x, self.nu, self.mu, self.momentum, self.leaf_scales)


def leaf_update(rule: Rule, step: _Step, g, x, e, m, b, leaf_scale) -> tuple:
    """One parameter array's step in NumPy, line by line as in :func:`rmsprop`: ``(u, e, m, b)``."""
    arithmetic = rule.arithmetic
    decay, one_minus_decay, eps, momentum = rule.decay, rule.one_minus_decay, rule.eps, rule.momentum
    lr, correction = step.lr, step.correction
    if rule.clip_value is not None:
        g = clip_by_value(g, rule.clip_value)
    if leaf_scale is not None:
        g = g * leaf_scale
    if step.global_scale is not None:
        g = g * step.global_scale
    if rule.maximize:
        g = -g
    if rule.weight_decay and not rule.decoupled_weight_decay:
        g = arithmetic.coupled_weight_decay(g, x, rule.weight_decay)
    e = arithmetic.mean_square(e, g, decay, one_minus_decay)
    if rule.centered:
        m = arithmetic.mean(m, g, decay, one_minus_decay)
        d = arithmetic.centered_denominator(arithmetic.debias(e, correction),
                                            arithmetic.debias(m, correction), eps, rule.eps_in_sqrt)
    else:
        d = arithmetic.denominator(arithmetic.debias(e, correction), eps, rule.eps_in_sqrt)
    if momentum == 0.0:
        u = -(lr * g) / d
    elif rule.lr_inside_momentum:
        direction = (lr * g) / d
        b = momentum * b + direction
        u = -(direction + momentum * b) if rule.nesterov else -b
    else:
        direction = g / d
        b = momentum * b + direction
        u = arithmetic.descend(x, lr, direction + momentum * b if rule.nesterov else b)
    if rule.weight_decay and rule.decoupled_weight_decay:
        u = arithmetic.decoupled_weight_decay(x, u, lr, rule.weight_decay)
    return np.asarray(u), np.asarray(e), None if m is None else np.asarray(m), None if b is None else np.asarray(b)
