"""RMSprop as a gradient transformation: ``init(params)`` and a pure ``update``, in the style of Optax.

The step itself is :func:`rmsprop.rule.step.make_step`, defined once; this module applies it
to each parameter array (a "leaf"), either as NumPy array expressions or, where it
applies, as one fused kernel with the same numbers (:mod:`rmsprop._fused` decides,
:mod:`rmsprop._compiled.array_kernel` computes). :func:`rmsprop` takes the options of
:class:`rmsprop.Settings`.
"""

from __future__ import annotations

import functools
import inspect
import warnings
import weakref
from typing import Any, NamedTuple

import numpy as np

from . import _float_step, _fused
from ._base import GradientTransformation
from ._clip import clip_factors
from ._step_numbers import StepNumbers
from ._tree import as_leaves, flatten, unflatten
from ._validate import check_option_names
from .rule.settings import DEFAULT_LEARNING_RATE, FIELD_NAMES, OPTION_NAMES, Settings, parameters_doc
from .rule.step import make_step

__all__ = ["RMSpropState", "rmsprop", "OPTION_NAMES", "resolve_optimizer", "rule_settings", "DEFAULT_LEARNING_RATE"]

#: Each ``update`` made by :func:`from_settings`, so that an engine can tell the rule's own from a wrapper of it.
_RULE_UPDATES: weakref.WeakSet = weakref.WeakSet()


class _StateFields(NamedTuple):
    count: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.count (optax-style public name)
    e: Any
    m: Any
    b: Any


_UNSET: Any = object()

#: The state's fields before they took the letters of the rule: old name -> new name.
RENAMED_STATE_FIELDS = {"nu": "e", "mu": "m", "momentum": "b"}


class RMSpropState(_StateFields):
    """What RMSprop remembers between steps; trees have the parameters' structure.

    The fields are named with the letters of the rule (:mod:`rmsprop.rule.step`)::

        e <- decay * e + (1 - decay) * g**2                 the average of squares
        m <- decay * m + (1 - decay) * g                    centered=True
        b <- momentum * b + g / sqrt(e - m**2 + eps)        momentum > 0

    Parameters
    ----------
    count : int
        Steps taken so far (``t``); the next step uses ``learning_rate(count)``.
    e : tree of numpy.ndarray
        The decaying average of squared gradients (real, like the parameters); Optax's
        ``nu``, PyTorch's ``square_avg``.
    m : tree of numpy.ndarray or None
        The decaying average of gradients (``centered=True`` only, else ``None``); Optax's
        ``mu``, PyTorch's ``grad_avg``.
    b : tree of numpy.ndarray or None
        The momentum buffer (``momentum > 0`` only, else ``None``); PyTorch's
        ``momentum_buffer``.
    **renamed
        ``nu``, ``mu`` and ``momentum``, the fields' names before 0.3: deprecated aliases
        of ``e``, ``m`` and ``b`` that warn (as do the attributes of those names).

    Raises
    ------
    TypeError
        If a field is given twice, is missing, or is not a field.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import rmsprop
    >>> opt = rmsprop(0.1, centered=True)
    >>> state = opt.init({"w": np.zeros(2)})
    >>> state
    RMSpropState(count=0, e={'w': array([0., 0.])}, m={'w': array([0., 0.])}, b=None)
    >>> _, state = opt.update({"w": np.array([1.0, -2.0])}, state)
    >>> state.count, state.e
    (1, {'w': array([0.1, 0.4])})
    """

    __slots__ = ()

    def __new__(cls, count: int, e: Any = _UNSET, m: Any = _UNSET, b: Any = _UNSET, **renamed: Any) -> RMSpropState:
        fields = {"e": e, "m": m, "b": b}
        for old, value in renamed.items():
            if old not in RENAMED_STATE_FIELDS:
                raise TypeError(f"RMSpropState has no field {old!r}; its fields are count, e, m and b")
            _warn_renamed(old)
            new = RENAMED_STATE_FIELDS[old]
            if fields[new] is not _UNSET:
                raise TypeError(f"RMSpropState got both {new!r} and its deprecated alias {old!r}")
            fields[new] = value
        missing = [name for name, value in fields.items() if value is _UNSET]
        if missing:
            raise TypeError(f"RMSpropState needs {', '.join(missing)}")
        return super().__new__(cls, count, fields["e"], fields["m"], fields["b"])

    @property
    def nu(self) -> Any:
        """Deprecated alias of :attr:`e`."""
        _warn_renamed("nu")
        return self.e

    @property
    def mu(self) -> Any:
        """Deprecated alias of :attr:`m`."""
        _warn_renamed("mu")
        return self.m

    @property
    def momentum(self) -> Any:
        """Deprecated alias of :attr:`b`."""
        _warn_renamed("momentum")
        return self.b


def _warn_renamed(old: str) -> None:
    new = RENAMED_STATE_FIELDS[old]
    warnings.warn(
        f"RMSpropState.{old} is deprecated; use RMSpropState.{new}, the rule's letter for it", DeprecationWarning, 3
    )


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

    Parameters
    ----------
    optimizer : GradientTransformation or None
        A transformation to use as it is, or ``None`` to build one from the settings.
    where : str
        The caller's name (``"minimize"``, ``"RMSprop"``), for the messages.
    learning_rate, decay, eps : float or None, optional
        The settings of :func:`rmsprop`; ``None`` (default) leaves each unset.
    **options
        The other options of :func:`rmsprop`.

    Returns
    -------
    GradientTransformation
        ``optimizer``, or ``rmsprop(**settings)``.

    Raises
    ------
    TypeError
        If ``optimizer`` is not a :class:`GradientTransformation`, an option is unknown
        or a value has the wrong type.
    ValueError
        If both ``optimizer`` and settings are given, or a setting is out of range.

    Examples
    --------
    >>> opt = resolve_optimizer(None, "minimize", learning_rate=0.1)
    >>> opt.settings["learning_rate"], opt.settings["decay"]
    (0.1, 0.9)
    >>> resolve_optimizer(opt, "minimize", decay=0.5)
    Traceback (most recent call last):
    ...
    ValueError: give either optimizer= or RMSprop settings (decay), not both
    """
    given = {"learning_rate": learning_rate, "decay": decay, "eps": eps}
    settings = {name: value for name, value in given.items() if value is not None} | options
    check_option_names(settings, FIELD_NAMES, where)
    if optimizer is None:
        return from_settings(Settings(**settings))
    if not isinstance(optimizer, GradientTransformation):
        raise TypeError(f"optimizer must be a GradientTransformation, e.g. rmsprop.rmsprop(0.01); got {optimizer!r}")
    if settings:
        raise ValueError(f"give either optimizer= or RMSprop settings ({', '.join(sorted(settings))}), not both")
    return optimizer


def _real_dtype(array: np.ndarray) -> np.dtype:
    return array.real.dtype if np.iscomplexobj(array) else array.dtype


def rmsprop(learning_rate: Any, decay: float = 0.9, eps: float = 1e-8, **options: Any) -> GradientTransformation:
    # The signature and the docstring are made from Settings' fields, below.
    return from_settings(Settings.build("rmsprop", learning_rate=learning_rate, decay=decay, eps=eps, **options))


rmsprop.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [inspect.Parameter("learning_rate", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + [
        inspect.Parameter(
            name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=Settings.__dataclass_fields__[name].default
        )
        for name in ("decay", "eps")
    ]
    + [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=Settings.__dataclass_fields__[name].default)
        for name in OPTION_NAMES
    ],
    return_annotation=GradientTransformation,
)
rmsprop.__doc__ = f"""RMSprop as a gradient transformation: ``init(params)``, ``update(grads, state, params)``.

    The step taken from iterate ``t`` (``t = 0, 1, ...``), per parameter array, is
    :func:`rmsprop.rule.step.make_step`; with the defaults it is the seed document's rule::

        e <- decay * e + (1 - decay) * g**2          e starts at initial_scale (0)
        x <- x - lr * g / sqrt(e + eps)

    with ``lr = learning_rate(t)``. Each option changes one line of it.

    Warning -- where the libraries disagree (the defaults follow the seed): ``eps`` inside
    the square root (seed, Keras, TensorFlow, Optax) or outside (PyTorch, Caffe):
    ``eps_in_sqrt``; the accumulator starts at 0 (seed, PyTorch, Keras, Optax) or 1 (TF1):
    ``initial_scale``; the learning rate inside the momentum buffer (TF, Keras, Optax) or
    outside (PyTorch): ``lr_inside_momentum``.

    Parameters
    ----------
{parameters_doc(indent="    ")}

    Returns
    -------
    GradientTransformation
        ``update`` returns the *updates* to add to the parameters (see
        :func:`rmsprop.apply_updates`) and the new :class:`RMSpropState`; it never
        modifies its inputs. ``params`` is needed only with ``weight_decay``.

    Raises
    ------
    ValueError
        A setting out of its range, or options that do not go together.
    TypeError
        An unknown option, or a value of the wrong type.

    Examples
    --------
    The seed's run: 50 steps from ``(-4, 3)`` on ``5 x1^2 + 7 x2^2``.

    >>> import numpy as np, rmsprop
    >>> opt = rmsprop.rmsprop(0.1, decay=0.9, eps=1e-8)
    >>> x = np.array([-4.0, 3.0])
    >>> state = opt.init(x)
    >>> for _ in range(50):
    ...     updates, state = opt.update(np.array([10.0, 14.0]) * x, state)
    ...     x = rmsprop.apply_updates(x, updates)
    >>> x.tolist()
    [-0.10352260359924752, 0.0025296212056016548]
    """


def from_settings(settings: Settings) -> GradientTransformation:
    """The transformation of :func:`rmsprop` for checked ``settings``.

    Parameters
    ----------
    settings : Settings
        The rule's settings, already checked.

    Returns
    -------
    GradientTransformation
        ``init``, ``update`` and ``update_in_place`` of the rule; its ``settings`` are
        ``{"name": "rmsprop", **settings.as_dict()}`` and its ``rule`` is ``settings``.

    Examples
    --------
    ``update_in_place`` gives the numbers of ``update`` followed by ``params + updates``:

    >>> import numpy as np
    >>> opt = from_settings(Settings(learning_rate=0.1))
    >>> x = np.array([-4.0, 3.0])
    >>> state = opt.update_in_place([np.array([10.0, 14.0]) * x], opt.init([x]), [x])
    >>> x, state.count
    (array([-3.68377223,  2.68377223]), 1)
    """
    centered = settings.centered
    has_momentum = settings.momentum > 0.0
    needs_params, uses_params, clips = settings.needs_params, settings.uses_params, settings.clips
    initial_scale = settings.initial_scale
    numbers = StepNumbers(settings)

    def init(params: Any) -> RMSpropState:
        leaves, structure = as_leaves(params, "params")
        # The state keeps each parameter's memory order, so that a fused kernel can run over both as flat arrays.
        nu = [np.full_like(p, initial_scale, dtype=_real_dtype(p)) for p in leaves]
        mu = [np.zeros_like(p) for p in leaves] if centered else None
        buf = [np.zeros_like(p) for p in leaves] if has_momentum else None
        wrap = lambda trees: None if trees is None else unflatten(structure, trees)  # noqa: E731
        return _new_state(RMSpropState, (0, wrap(nu), wrap(mu), wrap(buf)))

    def prepare(grads: Any, state: RMSpropState, params: Any) -> _Step:
        """Check the inputs against the state and gather one step's leaves."""
        g_leaves, structure = as_leaves(grads, "grads")
        nu_leaves, nu_structure = flatten(state.e)
        if structure != nu_structure:
            raise ValueError(
                "grads must have the structure of the params the state was made for "
                f"({len(nu_leaves)} array(s)); got {len(g_leaves)} array(s) or other keys/nesting"
            )
        g_leaves = [_match(g, nu, i) for i, (g, nu) in enumerate(zip(g_leaves, nu_leaves))]
        none = [None] * len(g_leaves)
        return _Step(
            structure=structure,
            g=g_leaves,
            x=_params_for(params, structure, nu_leaves, needs_params, uses_params),
            e=nu_leaves,
            m=flatten(state.m)[0] if centered else none,
            b=flatten(state.b)[0] if has_momentum else none,
        )

    def scales(g_leaves: list) -> tuple:
        """The clipping factors of these gradients (per array, global), ``(None, None)`` without clipping."""
        if not clips:
            return None, None
        return clip_factors(g_leaves, settings.clip_value, settings.clip_norm, settings.global_clip_norm)

    def leaf_step(g, x, e, m, b, lr, correction, leaf_scale, global_scale) -> tuple:
        """One array's ``(u, e, m, b)``: the fused kernel where it takes the array, else the NumPy form."""
        spec, s = numbers.get(e.dtype, x is not None, lr, correction, leaf_scale, global_scale)
        if e.size <= _float_step.MAX_SIZE:  # a few numbers: Python floats, where they apply
            return _float_step.leaf_update(spec, s, g, x, e, m, b) or _numpy_step(spec, s, g, x, e, m, b)
        return _fused.leaf_update(spec, s, g, x, e, m, b) or _numpy_step(spec, s, g, x, e, m, b)

    def update(grads: Any, state: RMSpropState, params: Any = None) -> tuple[Any, RMSpropState]:
        t = _check_state(state, centered, has_momentum)
        e = state.e
        if (  # one real array, as minimize steps it: the same numbers without the trees (a step of 2 is ~5 us)
            type(grads) is np.ndarray
            and type(e) is np.ndarray
            and grads.dtype == e.dtype
            and grads.shape == e.shape
            and (type(params) is np.ndarray and params.shape == e.shape or params is None and not needs_params)
        ):
            return update_array(grads, t, e, state.m, state.b, params if uses_params else None)
        leaves = prepare(grads, state, params)
        lr, correction = settings.step_numbers(t)
        leaf_scales, global_scale = scales(leaves.g)
        updates, nu, mu, buf = [], [], [], []
        for i, (g, x, e, m, b) in enumerate(leaves.arrays()):
            leaf_scale = None if leaf_scales is None else leaf_scales[i]
            u, e, m, b = leaf_step(g, x, e, m, b, lr, correction, leaf_scale, global_scale)
            updates.append(u)
            nu.append(e)
            mu.append(m)
            buf.append(b)
        structure = leaves.structure
        return unflatten(structure, updates), _new_state(
            RMSpropState,
            (
                t + 1,
                unflatten(structure, nu),
                unflatten(structure, mu) if centered else None,
                unflatten(structure, buf) if has_momentum else None,
            ),
        )

    def update_array(g: np.ndarray, t: int, e: np.ndarray, m: Any, b: Any, x: Any) -> tuple[Any, RMSpropState]:
        """``update`` of one array whose gradient has its state's dtype and shape (checked by the caller)."""
        lr, correction = settings.step_numbers(t)
        leaf_scales, global_scale = scales([g])
        leaf_scale = None if leaf_scales is None else leaf_scales[0]
        u, e, m, b = leaf_step(g, x, e, m, b, lr, correction, leaf_scale, global_scale)
        return u, _new_state(RMSpropState, (t + 1, e, m if centered else None, b if has_momentum else None))

    fast = _fused.InPlaceSteps(settings, numbers)

    def update_in_place(grads: Any, state: RMSpropState, params: Any) -> RMSpropState:
        """``params += updates`` and the state's arrays overwritten with the new state; returns the new state.

        The same numbers as ``update`` followed by ``params + updates``. Nothing is
        written before every input has been checked; the new state holds the same arrays.
        """
        if params is None:
            raise ValueError("update_in_place needs the parameters it updates")
        # _check_state's usual case, written out: at N = 1e3 a step is about 3 us and a call 0.1 us of it
        if not (
            type(state) is RMSpropState
            and type(t := state.count) is int
            and t >= 0
            and (state.m is not None) is centered
            and (state.b is not None) is has_momentum
        ):
            t = _check_state(state, centered, has_momentum)
        lr, correction = settings.step_numbers(t)
        if fast.step(grads, state, params, lr, correction):
            return _new_state(RMSpropState, (t + 1, state.e, state.m, state.b))
        leaves = prepare(grads, state, params if uses_params else None)
        x_leaves = flatten(params)[0]
        for i, (x, g) in enumerate(zip(x_leaves, leaves.g)):
            if np.iscomplexobj(g) and not np.iscomplexobj(x):
                raise TypeError(f"grads[{i}] is complex but params[{i}] is real ({x.dtype})")
        leaf_scales, global_scale = scales(leaves.g)
        for i, (params_i, (g, x, e, m, b)) in enumerate(zip(x_leaves, leaves.arrays())):
            spec, s = numbers.get(
                e.dtype, x is not None, lr, correction, None if leaf_scales is None else leaf_scales[i], global_scale
            )
            if not _fused.leaf_update_in_place(spec, s, params_i, g, x, e, m, b):
                u, *new = _numpy_step(spec, s, g, x, e, m, b)
                np.add(params_i, u, out=params_i, casting="same_kind")
                for old, value in zip((e, m, b), new):
                    if old is not None:
                        np.copyto(old, value)
        return RMSpropState(t + 1, state.e, state.m, state.b)

    _RULE_UPDATES.add(update)
    return GradientTransformation(
        init, update, {"name": "rmsprop", **settings.as_dict()}, update_in_place, rule=settings
    )


def rule_settings(optimizer: GradientTransformation) -> Settings | None:
    """The :class:`~rmsprop.Settings` of an optimizer whose ``update`` is the rule's own, or ``None`` for any other.

    :attr:`GradientTransformation.rule` says that an optimizer steps as the rule on real arrays;
    this says more: its ``update`` *is* the one :func:`rmsprop` made (a flavor that only renames
    its settings, not one that wraps it), so its states are :class:`RMSpropState` too. An engine
    that gives the final state as well as the path (the compiled path of
    :func:`rmsprop.minimize`) needs that.

    Parameters
    ----------
    optimizer : GradientTransformation
        Any optimizer.

    Returns
    -------
    Settings or None
        Its settings, when its ``update`` is the one :func:`rmsprop` made.

    Examples
    --------
    >>> rule_settings(rmsprop(0.1, centered=True)).centered
    True
    >>> from rmsprop import baselines
    >>> rule_settings(baselines.sgd(0.1)) is None
    True
    """
    try:
        own = optimizer.update in _RULE_UPDATES
    except TypeError:  # an update that cannot be weakly referenced is not the rule's
        return None
    return optimizer.rule if own else None


_steps = functools.lru_cache(maxsize=None)(make_step)


def _numpy_step(spec: tuple, s: tuple, g: np.ndarray, x: Any, e: np.ndarray, m: Any, b: Any) -> tuple:
    """One array's step as NumPy array expressions: ``(u, e, m, b)``."""
    u, e, m, b = _steps(spec)(g, x, e, m, b, s)
    return np.asarray(u), np.asarray(e), None if m is None else np.asarray(m), None if b is None else np.asarray(b)


def _check_state(state: Any, centered: bool, has_momentum: bool) -> int:
    """``state.count``, once ``state`` is known to be an :class:`RMSpropState` that this rule can continue."""
    if type(state) is RMSpropState:  # the usual case, in a fraction of a microsecond
        count = state.count
        if (
            type(count) is int
            and count >= 0
            and (state.m is not None) is centered
            and (state.b is not None) is has_momentum
        ):
            return count
    if not isinstance(state, RMSpropState):
        raise TypeError(f"rmsprop's update needs the RMSpropState made by its init; got {type(state).__name__}")
    count = state.count
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
        raise ValueError(f"state.count must be an integer >= 0 (the steps taken so far); got {count!r}")
    for what, kept, wanted, option in (
        ("m, the average of gradients", state.m is not None, centered, "centered=True"),
        ("b, the momentum buffer", state.b is not None, has_momentum, "momentum > 0"),
    ):
        if kept != wanted:
            raise ValueError(
                f"the state {'has' if kept else 'lacks'} {what}, so it was made by an rmsprop "
                f"{'with' if kept else 'without'} {option}; continue with that optimizer or start "
                "from this one's init"
            )
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


class _Step(NamedTuple):
    """One step's checked leaves (``None`` where a rule has no such array)."""

    structure: Any
    g: list
    x: list
    e: list
    m: list
    b: list

    def arrays(self):
        """``(g, x, e, m, b)`` per parameter array."""
        return zip(self.g, self.x, self.e, self.m, self.b)
