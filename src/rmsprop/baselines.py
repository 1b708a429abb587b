"""Baseline optimizers to compare RMSprop with, under the same functional interface.

Each constructor returns a :class:`~rmsprop.GradientTransformation`, as
:func:`rmsprop.rmsprop` does: ``init(params) -> state`` and
``update(grads, state, params=None) -> (updates, state)``, with
``settings = {"name": ..., <its arguments>}`` for legends and saving. So any of
them can be passed as ``optimizer=`` to :func:`rmsprop.minimize` and
:class:`rmsprop.RMSprop`. The rules, per coordinate, for the step from iterate
``t = 0, 1, ...`` with ``lr = learning_rate(t)`` (every state starts at 0 unless said)::

    sgd       x <- x - lr g                                    Robbins & Monro 1951
    momentum  b <- mu b + g;  x <- x - lr b                    Polyak 1964 (heavy ball)
    nesterov  b <- mu b + g;  x <- x - lr (g + mu b)           Sutskever et al. 2013
    adagrad   s <- s + g^2;   x <- x - lr g / (sqrt(s) + eps)  Duchi, Hazan & Singer 2011
    adadelta  E[g^2]  <- rho E[g^2] + (1 - rho) g^2            Zeiler 2012, Algorithm 1
              dx      =  -sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) g
              E[dx^2] <- rho E[dx^2] + (1 - rho) dx^2;  x <- x + lr dx
    adam      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2      Kingma & Ba 2015, Algorithm 1
              m_hat = m / (1 - b1^(t+1));  v_hat = v / (1 - b2^(t+1))
              x <- x - lr m_hat / (sqrt(v_hat) + eps)

Each line is computed as written, left to right: ``lr g / d`` is ``(lr * g) / d``
and ``g^2`` is ``g * g``, as in the seed's ``learning_rate * g / sqrt(e + eps)``.
``tests/reference_baselines.py`` writes the same lines in plain Python floats and
the tests compare them bit for bit; PyTorch's ``torch.optim`` agrees to about
1e-14 over 100 steps (its kernels fuse multiply-adds, and its Adam applies the
bias corrections in another order). Parameters are trees of arrays, as for
:func:`rmsprop.rmsprop`; the state keeps their dtype (float32 stays float32).
``sgd``, ``momentum`` and ``nesterov`` take complex parameters too, their rules
being linear in ``g``; the adaptive rules refuse them, since the libraries
disagree on what ``g^2`` means there.

Sources:

* H. Robbins and S. Monro (1951), "A stochastic approximation method",
  Annals of Mathematical Statistics 22(3), 400-407.
* B. T. Polyak (1964), "Some methods of speeding up the convergence of iteration
  methods", USSR Computational Mathematics and Mathematical Physics 4(5), 1-17.
* I. Sutskever, J. Martens, G. Dahl and G. Hinton (2013), "On the importance of
  initialization and momentum in deep learning", ICML.
* J. Duchi, E. Hazan and Y. Singer (2011), "Adaptive subgradient methods for online
  learning and stochastic optimization", JMLR 12, 2121-2159.
* M. D. Zeiler (2012), "ADADELTA: an adaptive learning rate method", arXiv:1212.5701.
* D. P. Kingma and J. Ba (2015), "Adam: a method for stochastic optimization",
  ICLR, arXiv:1412.6980.

:data:`BASELINES` maps each name above to its constructor; :data:`OPTIMIZERS` is
``{"rmsprop": rmsprop.rmsprop}`` followed by the baselines, and :func:`names` and
:func:`get` look names up there, so that a comparison can loop over every optimizer.
Both mappings are read-only.
"""

from __future__ import annotations

import inspect
from types import MappingProxyType
from typing import Any, Callable, NamedTuple

import numpy as np

from . import schedules as _schedules
from ._base import GradientTransformation
from ._rmsprop import rmsprop
from ._tree import as_leaves, flatten, unflatten
from ._validate import check_option_names, in_range

__all__ = [
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "adadelta",
    "adam",
    "SGDState",
    "MomentumState",
    "AdagradState",
    "AdadeltaState",
    "AdamState",
    "BASELINES",
    "OPTIMIZERS",
    "names",
    "get",
]


class SGDState(NamedTuple):
    """The state of :func:`sgd`.

    Parameters
    ----------
    count : int
        Steps taken so far (the next step uses ``learning_rate(count)``).

    Examples
    --------
    >>> import numpy as np
    >>> opt = sgd(0.1)
    >>> opt.update(np.array([1.0]), opt.init(np.zeros(1)))[1]
    SGDState(count=1)
    """

    count: int


class MomentumState(NamedTuple):
    """The state of :func:`momentum` and :func:`nesterov`.

    Parameters
    ----------
    count : int
        Steps taken so far.
    momentum : array_like or list or tuple or dict
        The buffer ``b``, a tree of the parameters' structure.

    Examples
    --------
    >>> import numpy as np
    >>> opt = momentum(0.1, momentum=0.9)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1]
    MomentumState(count=1, momentum=array([ 1., -2.]))
    """

    count: int
    momentum: Any


class AdagradState(NamedTuple):
    """The state of :func:`adagrad`.

    Parameters
    ----------
    count : int
        Steps taken so far.
    sum_of_squares : array_like or list or tuple or dict
        ``s``, the running sum of ``g^2``, a tree of the parameters' structure.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adagrad(0.1)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1]
    AdagradState(count=1, sum_of_squares=array([1., 4.]))
    """

    count: int
    sum_of_squares: Any


class AdadeltaState(NamedTuple):
    """The state of :func:`adadelta`.

    Parameters
    ----------
    count : int
        Steps taken so far.
    mean_square_grad : array_like or list or tuple or dict
        The decaying average ``E[g^2]``, a tree of the parameters' structure.
    mean_square_delta : array_like or list or tuple or dict
        The decaying average ``E[dx^2]``, likewise.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adadelta(rho=0.9)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1].mean_square_grad
    array([0.1, 0.4])
    """

    count: int
    mean_square_grad: Any
    mean_square_delta: Any


class AdamState(NamedTuple):
    """The state of :func:`adam`.

    Parameters
    ----------
    count : int
        Steps taken so far (``t``).
    mu : array_like or list or tuple or dict
        ``m``, the first moment, a tree of the parameters' structure.
    nu : array_like or list or tuple or dict
        ``v``, the second moment, likewise.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adam(0.1)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1]
    AdamState(count=1, mu=array([ 0.1, -0.2]), nu=array([0.001, 0.004]))
    """

    count: int
    mu: Any
    nu: Any


# A rule maps (lr, t, g, *state arrays) of one parameter array to (update, *new state arrays).
Rule = Callable[..., tuple]


def sgd(learning_rate: _schedules.LearningRate) -> GradientTransformation:
    """Plain (stochastic) gradient descent: ``x <- x - lr g``.

    Robbins & Monro (1951). The state holds only the step count, so without ``params``
    ``update`` cannot check the gradients' shapes against the parameters (and
    returns updates in the gradients' dtype); with ``params`` it does both.

    Parameters
    ----------
    learning_rate : float or callable
        A rate ``>= 0``, or a schedule ``t -> rate`` (:mod:`rmsprop.schedules`).

    Returns
    -------
    GradientTransformation
        ``init(params) -> SGDState``, ``update(grads, state, params=None) -> (updates,
        state)``, and ``settings = {"name": "sgd", "learning_rate": ...}``.

    Raises
    ------
    TypeError
        If a setting is not a real number (or, for the rate, callable).
    ValueError
        If a setting is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> opt = sgd(0.1)
    >>> updates, state = opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))
    >>> updates, state
    (array([-0.1,  0.2]), SGDState(count=1))
    """

    def rule(lr, t, g):
        return (-(lr * g),)

    return _elementwise("sgd", learning_rate, {}, SGDState, (), rule, real_only=False)


def momentum(learning_rate: _schedules.LearningRate, momentum: float = 0.9) -> GradientTransformation:
    """Heavy-ball momentum: ``b <- mu b + g;  x <- x - lr b``, ``b`` starting at 0.

    Polyak (1964), in the form of PyTorch's ``torch.optim.SGD(momentum=mu)`` with
    ``dampening=0``: the learning rate multiplies the buffer, so a schedule rescales
    the whole step at once. (TensorFlow's ``MomentumOptimizer`` and Optax's ``sgd``
    keep ``lr g`` in the buffer; the two agree while the rate is constant.)

    Parameters
    ----------
    learning_rate : float or callable
        A rate ``>= 0``, or a schedule ``t -> rate`` (:mod:`rmsprop.schedules`).
    momentum : float, optional
        ``mu``, in ``[0, 1)``; default 0.9. With 0 this is :func:`sgd`.

    Returns
    -------
    GradientTransformation
        ``init(params) -> MomentumState``, ``update(grads, state, params=None) -> (updates,
        state)``, and ``settings = {"name": "momentum", "learning_rate": ...,
        "momentum": ...}``.

    Raises
    ------
    TypeError
        If a setting is not a real number (or, for the rate, callable).
    ValueError
        If a setting is outside its range.

    Examples
    --------
    Two steps with the same gradient: the second moves ``1 + mu`` times as far.

    >>> import numpy as np
    >>> opt = momentum(0.1, momentum=0.9)
    >>> state = opt.init(np.zeros(2))
    >>> first, state = opt.update(np.array([1.0, -2.0]), state)
    >>> second, state = opt.update(np.array([1.0, -2.0]), state)
    >>> first, second
    (array([-0.1,  0.2]), array([-0.19,  0.38]))
    """
    mu = in_range("momentum", momentum, 0.0, 1.0)

    def rule(lr, t, g, b):
        b = mu * b + g
        return -(lr * b), b

    return _elementwise("momentum", learning_rate, {"momentum": mu}, MomentumState, (0.0,), rule, real_only=False)


def nesterov(learning_rate: _schedules.LearningRate, momentum: float = 0.9) -> GradientTransformation:
    """Nesterov momentum: ``b <- mu b + g;  x <- x - lr (g + mu b)``, ``b`` starting at 0.

    Nesterov's accelerated gradient as used for deep learning by Sutskever et al.
    (2013), in the form of PyTorch's ``torch.optim.SGD(momentum=mu, nesterov=True)``
    (dampening 0): the gradient is taken at the current iterate, which plays the
    part of Sutskever's look-ahead point ``x + mu v`` (the change of variables of
    Bengio, Boulanger-Lewandowski & Pascanu 2013).

    Parameters
    ----------
    learning_rate : float or callable
        A rate ``>= 0``, or a schedule ``t -> rate`` (:mod:`rmsprop.schedules`).
    momentum : float, optional
        ``mu``, in ``[0, 1)``; default 0.9.

    Returns
    -------
    GradientTransformation
        ``init(params) -> MomentumState``, ``update(grads, state, params=None) -> (updates,
        state)``, and ``settings = {"name": "nesterov", "learning_rate": ...,
        "momentum": ...}``.

    Raises
    ------
    TypeError
        If a setting is not a real number (or, for the rate, callable).
    ValueError
        If a setting is outside its range.

    Examples
    --------
    >>> import numpy as np
    >>> opt = nesterov(0.1, momentum=0.9)
    >>> state = opt.init(np.zeros(2))
    >>> first, state = opt.update(np.array([1.0, -2.0]), state)
    >>> second, state = opt.update(np.array([1.0, -2.0]), state)
    >>> first, second
    (array([-0.19,  0.38]), array([-0.271,  0.542]))
    """
    mu = in_range("momentum", momentum, 0.0, 1.0)

    def rule(lr, t, g, b):
        b = mu * b + g
        return -(lr * (g + mu * b)), b

    return _elementwise("nesterov", learning_rate, {"momentum": mu}, MomentumState, (0.0,), rule, real_only=False)


def adagrad(
    learning_rate: _schedules.LearningRate,
    eps: float = 1e-10,
    initial_accumulator_value: float = 0.0,
) -> GradientTransformation:
    """Adagrad: ``s <- s + g^2;  x <- x - lr g / (sqrt(s) + eps)``.

    ``s`` starts at ``initial_accumulator_value``. Duchi, Hazan & Singer (2011), the diagonal version, with PyTorch's
    ``torch.optim.Adagrad`` defaults and placement of ``eps`` (outside the root).
    Warning: Keras and Optax put ``eps`` inside the root (``sqrt(s + eps)``) and start
    ``s`` at 0.1.

    Parameters
    ----------
    learning_rate : float or callable
        A rate ``>= 0``, or a schedule ``t -> rate`` (:mod:`rmsprop.schedules`).
    eps : float, optional
        Added to ``sqrt(s)``; default 1e-10. It must be ``> 0`` (``>= 0`` when
        ``initial_accumulator_value > 0``).
    initial_accumulator_value : float, optional
        The start of ``s``, ``>= 0``; default 0.

    Returns
    -------
    GradientTransformation
        ``init(params) -> AdagradState``, ``update(grads, state, params=None) -> (updates,
        state)``, and ``settings = {"name": "adagrad", "learning_rate": ..., "eps":
        ..., "initial_accumulator_value": ...}``.

    Raises
    ------
    TypeError
        If a setting is not a real number (or, for the rate, callable); from ``init``,
        if the parameters are complex.
    ValueError
        If a setting is outside its range.

    Examples
    --------
    The first step is ``lr`` in every coordinate (``g / sqrt(g^2)``), the second
    ``lr / sqrt(2)``:

    >>> import numpy as np
    >>> opt = adagrad(0.1)
    >>> state = opt.init(np.zeros(2))
    >>> first, state = opt.update(np.array([1.0, -2.0]), state)
    >>> second, state = opt.update(np.array([1.0, -2.0]), state)
    >>> first, second
    (array([-0.1,  0.1]), array([-0.07071068,  0.07071068]))
    """
    initial = in_range("initial_accumulator_value", initial_accumulator_value, 0.0)
    eps = in_range("eps", eps, 0.0, low_open=initial == 0.0)

    def rule(lr, t, g, s):
        s = s + g * g
        return -(lr * g) / (np.sqrt(s) + eps), s

    settings = {"eps": eps, "initial_accumulator_value": initial}
    return _elementwise("adagrad", learning_rate, settings, AdagradState, (initial,), rule)


def adadelta(
    learning_rate: _schedules.LearningRate = 1.0,
    rho: float = 0.9,
    eps: float = 1e-6,
) -> GradientTransformation:
    """Adadelta, Zeiler (2012), Algorithm 1, both averages starting at 0::

        E[g^2]  <- rho E[g^2] + (1 - rho) g^2
        dx      =  -sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) g
        E[dx^2] <- rho E[dx^2] + (1 - rho) dx^2
        x       <- x + lr dx

    Zeiler has no learning rate (``lr = 1``, the default here, as in PyTorch's
    ``torch.optim.Adadelta``, whose defaults ``rho = 0.9`` and ``eps = 1e-6`` these are;
    the paper's experiments use ``rho = 0.95``). Keras's default rate is 0.001.

    Parameters
    ----------
    learning_rate : float or callable, optional
        A rate ``>= 0``, or a schedule ``t -> rate`` (:mod:`rmsprop.schedules`);
        default 1.
    rho : float, optional
        The decay of both averages, in ``[0, 1)``; default 0.9.
    eps : float, optional
        ``> 0`` (with 0 the first step would be 0/0); default 1e-6.

    Returns
    -------
    GradientTransformation
        ``init(params) -> AdadeltaState``, ``update(grads, state, params=None) -> (updates,
        state)``, and ``settings = {"name": "adadelta", "learning_rate": ..., "rho":
        ..., "eps": ...}``.

    Raises
    ------
    TypeError
        If a setting is not a real number (or, for the rate, callable); from ``init``,
        if the parameters are complex.
    ValueError
        If a setting is outside its range.

    Examples
    --------
    The first step is about ``sqrt(eps / (1 - rho))`` in every coordinate:

    >>> import numpy as np
    >>> opt = adadelta()
    >>> updates, state = opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))
    >>> updates
    array([-0.00316226,  0.00316227])
    >>> state.mean_square_grad
    array([0.1, 0.4])
    """
    rho = in_range("rho", rho, 0.0, 1.0)
    eps = in_range("eps", eps, 0.0, low_open=True)
    one_minus_rho = 1.0 - rho

    def rule(lr, t, g, mean_square_grad, mean_square_delta):
        mean_square_grad = rho * mean_square_grad + one_minus_rho * (g * g)
        dx = -(np.sqrt(mean_square_delta + eps) / np.sqrt(mean_square_grad + eps)) * g
        mean_square_delta = rho * mean_square_delta + one_minus_rho * (dx * dx)
        return lr * dx, mean_square_grad, mean_square_delta

    return _elementwise("adadelta", learning_rate, {"rho": rho, "eps": eps}, AdadeltaState, (0.0, 0.0), rule)


def adam(
    learning_rate: _schedules.LearningRate = 0.001,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
) -> GradientTransformation:
    """Adam, Kingma & Ba (2015), Algorithm 1, with its bias correction; ``m`` and ``v`` start at 0::

        m     <- b1 m + (1 - b1) g
        v     <- b2 v + (1 - b2) g^2
        m_hat =  m / (1 - b1^t)            t = 1 for the first step
        v_hat =  v / (1 - b2^t)
        x     <- x - lr m_hat / (sqrt(v_hat) + eps)

    The defaults are the paper's (and PyTorch's and Optax's). Warning: Keras's
    ``epsilon`` is the paper's "epsilon hat" of Section 2, added to ``sqrt(v)`` before
    the bias correction, so it acts ``sqrt(1 - b2^t)`` times larger.

    Parameters
    ----------
    learning_rate : float or callable, optional
        A rate ``>= 0``, or a schedule ``t -> rate`` (:mod:`rmsprop.schedules`);
        default 0.001.
    b1 : float, optional
        The decay of ``m``, in ``[0, 1)``; default 0.9.
    b2 : float, optional
        The decay of ``v``, in ``[0, 1)``; default 0.999.
    eps : float, optional
        Added to ``sqrt(v_hat)``, ``> 0``; default 1e-8.

    Returns
    -------
    GradientTransformation
        ``init(params) -> AdamState``, ``update(grads, state, params=None) -> (updates,
        state)``, and ``settings = {"name": "adam", "learning_rate": ..., "b1": ...,
        "b2": ..., "eps": ...}``.

    Raises
    ------
    TypeError
        If a setting is not a real number (or, for the rate, callable); from ``init``,
        if the parameters are complex.
    ValueError
        If a setting is outside its range.

    Examples
    --------
    With the bias correction, the first steps are ``lr`` in every coordinate:

    >>> import numpy as np
    >>> opt = adam(0.1)
    >>> state = opt.init(np.zeros(2))
    >>> first, state = opt.update(np.array([1.0, -2.0]), state)
    >>> second, state = opt.update(np.array([1.0, -2.0]), state)
    >>> first, second
    (array([-0.1,  0.1]), array([-0.1,  0.1]))
    """
    b1 = in_range("b1", b1, 0.0, 1.0)
    b2 = in_range("b2", b2, 0.0, 1.0)
    eps = in_range("eps", eps, 0.0, low_open=True)
    one_minus_b1, one_minus_b2 = 1.0 - b1, 1.0 - b2

    def rule(lr, t, g, m, v):
        m = b1 * m + one_minus_b1 * g
        v = b2 * v + one_minus_b2 * (g * g)
        m_hat = m / (1.0 - b1 ** (t + 1))
        v_hat = v / (1.0 - b2 ** (t + 1))
        return -(lr * m_hat) / (np.sqrt(v_hat) + eps), m, v

    return _elementwise("adam", learning_rate, {"b1": b1, "b2": b2, "eps": eps}, AdamState, (0.0, 0.0), rule)


def _elementwise(
    name: str,
    learning_rate: _schedules.LearningRate,
    arguments: dict[str, Any],
    state_type: type,
    starts: tuple[float, ...],
    rule: Rule,
    real_only: bool = True,
) -> GradientTransformation:
    """The transformation that runs ``rule`` on every parameter array of a tree.

    The state is ``state_type(count, *arrays)``, one tree of arrays per entry of
    ``starts`` (its start value), each like the parameters. ``real_only`` refuses
    complex parameters: the adaptive rules square ``g``, and the libraries disagree
    on what that means for complex numbers.
    """
    schedule = _schedules.as_schedule(learning_rate)

    def init(params: Any) -> Any:
        leaves, structure = as_leaves(params, "params")
        if real_only:
            for i, p in enumerate(leaves):
                if np.iscomplexobj(p):
                    raise TypeError(
                        f"{name} takes real parameters; params[{i}] is {p.dtype} (rmsprop.rmsprop takes complex)"
                    )
        return state_type(0, *(unflatten(structure, [np.full_like(p, start) for p in leaves]) for start in starts))

    def update(grads: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        if not isinstance(state, state_type):
            raise TypeError(
                f"{name}'s update needs the {state_type.__name__} made by its init; got {type(state).__name__}"
            )
        g_leaves, structure = as_leaves(grads, "grads")
        arrays = [flatten(tree) for tree in state[1:]]
        if arrays:
            like, like_structure = arrays[0]
        elif params is not None:
            like, like_structure = as_leaves(params, "params")
        else:
            like, like_structure = [None] * len(g_leaves), structure
        if structure != like_structure:
            raise ValueError(
                "grads must have the structure of the params the state was made for "
                f"({len(like)} array(s)); got {len(g_leaves)} array(s) or other keys/nesting"
            )
        t = state.count
        lr = _schedules.evaluate(schedule, t)
        results = []
        for i, (g, p) in enumerate(zip(g_leaves, like)):
            g = g if p is None else _match(g, p, i)
            results.append([np.asarray(a) for a in rule(lr, t, g, *(leaves[i] for leaves, _ in arrays))])
        columns = [unflatten(structure, list(column)) for column in zip(*results)]
        return columns[0], state_type(t + 1, *columns[1:])

    return GradientTransformation(init, update, {"name": name, "learning_rate": learning_rate, **arguments})


def _match(g: np.ndarray, like: np.ndarray, index: int) -> np.ndarray:
    """The gradient in its parameter's dtype, with its parameter's shape, or a clear error."""
    if g.shape != like.shape:
        raise ValueError(f"grads[{index}] has shape {g.shape} but its parameter has shape {like.shape}")
    if np.iscomplexobj(g) and not np.iscomplexobj(like):
        raise TypeError(f"grads[{index}] is complex but its parameter is real ({like.dtype})")
    return g.astype(like.dtype, copy=False)


#: The baselines by name, in the order of the module's table.
BASELINES = MappingProxyType({
    "sgd": sgd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "adadelta": adadelta,
    "adam": adam,
})

#: Every optimizer :func:`get` builds: RMSprop first, then the baselines.
OPTIMIZERS = MappingProxyType({"rmsprop": rmsprop, **BASELINES})


def names() -> tuple[str, ...]:
    """Return the names :func:`get` knows: ``"rmsprop"``, then the baselines.

    Returns
    -------
    tuple of str
        The keys of :data:`OPTIMIZERS`, in order.

    Examples
    --------
    >>> names()
    ('rmsprop', 'sgd', 'momentum', 'nesterov', 'adagrad', 'adadelta', 'adam')
    """
    return tuple(OPTIMIZERS)


def get(name: str, **settings: Any) -> GradientTransformation:
    """Build the optimizer ``name`` (one of :func:`names`) with ``settings``.

    ``get(**opt.settings)`` rebuilds ``opt`` from its recorded settings.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    **settings
        The keyword arguments of that optimizer's constructor (``learning_rate``,
        ``decay``, ``b1``, ...); those without a default are required.

    Returns
    -------
    GradientTransformation
        ``OPTIMIZERS[name](**settings)``.

    Raises
    ------
    TypeError
        If ``name`` is not a str, a setting is unknown to that optimizer, or a required
        one (such as ``sgd``'s ``learning_rate``) is missing.
    ValueError
        If ``name`` is not one of :func:`names`, or a setting is out of range.

    Examples
    --------
    >>> get("adam", learning_rate=0.1).settings["name"]
    'adam'
    >>> opt = momentum(0.1)
    >>> get(**opt.settings).settings
    {'name': 'momentum', 'learning_rate': 0.1, 'momentum': 0.9}
    >>> get("adam", lr=0.1)
    Traceback (most recent call last):
    ...
    TypeError: get('adam') got unknown option 'lr'; allowed: b1, b2, eps, learning_rate
    """
    if not isinstance(name, str):
        raise TypeError(f"optimizer name must be a str; got {type(name).__name__}")
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}")
    build = OPTIMIZERS[name]
    parameters = inspect.signature(build).parameters
    check_option_names(settings, tuple(parameters), f"get({name!r})")
    missing = [p for p, spec in parameters.items() if spec.default is inspect.Parameter.empty and p not in settings]
    if missing:
        raise TypeError(f"get({name!r}) needs {', '.join(missing)}; e.g. get({name!r}, {missing[0]}=0.01)")
    return build(**settings)
