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
    amsgrad   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2      Reddi, Kale & Kumar 2018, Algorithm 2
              v_max <- max(v_max, v);  x <- x - lr m / (sqrt(v_max) + eps)
              (bias_correction=True: PyTorch's Adam(amsgrad=True), see amsgrad)

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
* S. J. Reddi, S. Kale and S. Kumar (2018), "On the convergence of Adam and beyond",
  ICLR, arXiv:1904.09237.

:data:`BASELINES` maps each name above to its constructor; :data:`OPTIMIZERS` is
``{"rmsprop": rmsprop.rmsprop}`` followed by the baselines, and :func:`names` and
:func:`get` look names up there, so that a comparison can loop over every optimizer.
Both mappings are read-only.
"""

from __future__ import annotations

import inspect
from types import MappingProxyType
from typing import Any

from .._base import GradientTransformation
from .._rmsprop import rmsprop
from .._validate import check_option_names
from ._rules import adadelta, adagrad, adam, amsgrad, momentum, nesterov, sgd
from ._states import AdadeltaState, AdagradState, AdamState, AMSGradState, MomentumState, SGDState

__all__ = [
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "adadelta",
    "adam",
    "amsgrad",
    "SGDState",
    "MomentumState",
    "AdagradState",
    "AdadeltaState",
    "AdamState",
    "AMSGradState",
    "BASELINES",
    "OPTIMIZERS",
    "names",
    "get",
]


#: The baselines by name, in the order of the module's table.
BASELINES = MappingProxyType(
    {
        "sgd": sgd,
        "momentum": momentum,
        "nesterov": nesterov,
        "adagrad": adagrad,
        "adadelta": adadelta,
        "adam": adam,
        "amsgrad": amsgrad,
    }
)

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
    ('rmsprop', 'sgd', 'momentum', 'nesterov', 'adagrad', 'adadelta', 'adam', 'amsgrad')
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
