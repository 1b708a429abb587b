"""The states of the baseline optimizers: small NamedTuples of step counts and arrays."""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["SGDState", "MomentumState", "AdagradState", "AdadeltaState", "AdamState", "AMSGradState"]


class SGDState(NamedTuple):
    """The state of :func:`sgd`.

    Parameters
    ----------
    count : int
        Steps taken so far (the next step uses ``learning_rate(count)``).

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop.baselines import sgd
    >>> opt = sgd(0.1)
    >>> opt.update(np.array([1.0]), opt.init(np.zeros(1)))[1]
    SGDState(count=1)
    """

    count: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.count (optax-style public name)


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
    >>> from rmsprop.baselines import momentum
    >>> opt = momentum(0.1, momentum=0.9)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1]
    MomentumState(count=1, momentum=array([ 1., -2.]))
    """

    count: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.count (optax-style public name)
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
    >>> from rmsprop.baselines import adagrad
    >>> opt = adagrad(0.1)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1]
    AdagradState(count=1, sum_of_squares=array([1., 4.]))
    """

    count: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.count (optax-style public name)
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
    >>> from rmsprop.baselines import adadelta
    >>> opt = adadelta(rho=0.9)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1].mean_square_grad
    array([0.1, 0.4])
    """

    count: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.count (optax-style public name)
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
    >>> from rmsprop.baselines import adam
    >>> opt = adam(0.1)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1]
    AdamState(count=1, mu=array([ 0.1, -0.2]), nu=array([0.001, 0.004]))
    """

    count: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.count (optax-style public name)
    mu: Any
    nu: Any


class AMSGradState(NamedTuple):
    """The state of :func:`amsgrad`.

    Parameters
    ----------
    count : int
        Steps taken so far (``t``).
    mu : array_like or list or tuple or dict
        ``m``, the first moment, a tree of the parameters' structure.
    nu : array_like or list or tuple or dict
        ``v``, the second moment, likewise.
    nu_max : array_like or list or tuple or dict
        ``v_max``, the largest ``v`` so far (the paper's ``v_hat``), likewise.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop.baselines import amsgrad
    >>> opt = amsgrad(0.1)
    >>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))[1]
    AMSGradState(count=1, mu=array([ 0.1, -0.2]), nu=array([0.001, 0.004]), nu_max=array([0.001, 0.004]))
    """

    count: int  # type: ignore[assignment]  # NamedTuple field deliberately shadows tuple.count (optax-style public name)
    mu: Any
    nu: Any
    nu_max: Any
