"""The baseline optimizers' rules: SGD, momentum, Nesterov, Adagrad, Adadelta and Adam (see :mod:`rmsprop.baselines`)."""

from __future__ import annotations

import math

import numpy as np

from .. import schedules as _schedules
from .._base import GradientTransformation
from .._validate import flag, in_range
from ._elementwise import elementwise
from ._states import AdadeltaState, AdagradState, AdamState, AMSGradState, MomentumState, SGDState

__all__ = ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "adam", "amsgrad"]


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

    return elementwise("sgd", learning_rate, {}, SGDState, (), rule, real_only=False)


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

    return elementwise("momentum", learning_rate, {"momentum": mu}, MomentumState, (0.0,), rule, real_only=False)


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

    return elementwise("nesterov", learning_rate, {"momentum": mu}, MomentumState, (0.0,), rule, real_only=False)


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
    return elementwise("adagrad", learning_rate, settings, AdagradState, (initial,), rule)


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

    return elementwise("adadelta", learning_rate, {"rho": rho, "eps": eps}, AdadeltaState, (0.0, 0.0), rule)


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

    return elementwise("adam", learning_rate, {"b1": b1, "b2": b2, "eps": eps}, AdamState, (0.0, 0.0), rule)


def amsgrad(
    learning_rate: _schedules.LearningRate = 0.001,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    bias_correction: bool = False,
) -> GradientTransformation:
    """AMSGrad, Reddi, Kale & Kumar (2018), "On the convergence of Adam and beyond", ICLR, Algorithm 2.

    ``m``, ``v`` and ``v_max`` start at 0; ``t = 1`` for the first step::

        m     <- b1 m + (1 - b1) g
        v     <- b2 v + (1 - b2) g^2
        v_max <- max(v_max, v)
        x     <- x - lr m / (sqrt(v_max) + eps)

    The paper's Algorithm 2 has no ``eps`` (``eps=0`` here is the paper exactly; with a zero
    gradient in some coordinate from the start, ``0 / 0`` is then NaN there) and no bias
    correction; it keeps the maximum of ``v``, so the effective step ``lr / sqrt(v_max)``
    never grows (their Section 4), which repairs Adam's failure on the problems of their
    Theorems 1-3. With ``b1`` constant it is their Algorithm 2 with ``beta_{1t} = beta_1``
    (their experiments' setting). The projection ``Pi_{F, sqrt(V_t)}`` onto the feasible set is
    ``bounds=`` of :func:`rmsprop.minimize` (for a box the weighted projection is the clip).

    ``bias_correction=True`` is PyTorch's ``torch.optim.Adam(amsgrad=True)``, which differs
    from the paper in two ways: it corrects Adam's bias, and it keeps the maximum of the raw
    ``v`` (not of the bias-corrected ``v_hat``), dividing that maximum by the current step's
    ``1 - b2^t``::

        v_max <- max(v_max, v)
        x     <- x - lr (m / (1 - b1^t)) / (sqrt(v_max) / sqrt(1 - b2^t) + eps)

    (Optax's ``amsgrad`` takes the maximum of ``v_hat`` instead; neither is the paper's.)

    Parameters
    ----------
    learning_rate : float or callable, optional
        A rate ``>= 0``, or a schedule ``t -> rate`` (:mod:`rmsprop.schedules`; the paper's
        ``alpha / sqrt(t)`` is :class:`rmsprop.schedules.inverse_sqrt_decay`); default 0.001.
    b1 : float, optional
        The decay of ``m``, in ``[0, 1)``; default 0.9.
    b2 : float, optional
        The decay of ``v``, in ``[0, 1)``; default 0.999.
    eps : float, optional
        Added to the root, ``>= 0``; default 1e-8 (PyTorch's), 0 for the paper's equations.
    bias_correction : bool, optional
        PyTorch's variant (above); default False, the paper's.

    Returns
    -------
    GradientTransformation
        ``init(params) -> AMSGradState``, ``update(grads, state, params=None) -> (updates,
        state)``, and ``settings = {"name": "amsgrad", "learning_rate": ..., "b1": ...,
        "b2": ..., "eps": ..., "bias_correction": ...}``.

    Raises
    ------
    TypeError
        If a setting is not a real number (or, for the rate, callable; for
        ``bias_correction``, a bool); from ``init``, if the parameters are complex.
    ValueError
        If a setting is outside its range.

    Examples
    --------
    A large gradient, then small ones: ``v`` forgets it, ``v_max`` does not, so the steps stay small.

    >>> import numpy as np
    >>> opt = amsgrad(0.1, b1=0.0, b2=0.5, eps=0.0)
    >>> state = opt.init(np.zeros(1))
    >>> steps = []
    >>> for g in (10.0, 1.0, 1.0):
    ...     update, state = opt.update(np.array([g]), state)
    ...     steps.append(round(float(update[0]), 6))
    >>> steps, state.nu.tolist(), state.nu_max.tolist()
    ([-0.141421, -0.014142, -0.014142], [13.25], [50.0])
    """
    b1 = in_range("b1", b1, 0.0, 1.0)
    b2 = in_range("b2", b2, 0.0, 1.0)
    eps = in_range("eps", eps, 0.0)
    corrected = flag("bias_correction", bias_correction)
    one_minus_b1, one_minus_b2 = 1.0 - b1, 1.0 - b2

    def rule(lr, t, g, m, v, v_max):
        m = b1 * m + one_minus_b1 * g
        v = b2 * v + one_minus_b2 * (g * g)
        v_max = np.maximum(v_max, v)
        if corrected:
            m_hat = m / (1.0 - b1 ** (t + 1))
            denominator = np.sqrt(v_max) / math.sqrt(1.0 - b2 ** (t + 1)) + eps
            return -(lr * m_hat) / denominator, m, v, v_max
        return -(lr * m) / (np.sqrt(v_max) + eps), m, v, v_max

    settings = {"b1": b1, "b2": b2, "eps": eps, "bias_correction": corrected}
    return elementwise("amsgrad", learning_rate, settings, AMSGradState, (0.0, 0.0, 0.0), rule)
