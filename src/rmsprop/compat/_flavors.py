"""The flavors of :mod:`rmsprop.compat`: one constructor per library, with its argument names and defaults.

Each takes one library's arguments and returns the rule of :func:`rmsprop.rmsprop` set up as
that library steps (and, where the library does something the rule does not, a
transformation of :mod:`rmsprop.compat._extras` beside it), named after the flavor: its
``settings`` are ``{"name": <flavor>, <its arguments>}``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._base import GradientTransformation, chain
from .._rmsprop import rmsprop
from .._validate import flag, in_range, positive_or_none
from ._extras import complex_as_real_pairs, keras_clip, with_parameter_ema

__all__ = ["torch", "keras", "optax", "tf1", "jax_example", "lasagne", "caffe", "graves", "seed"]


def _named(transform: GradientTransformation, flavor: str, arguments: dict[str, Any]) -> GradientTransformation:
    """The same transformation, with settings that name the flavor and its library arguments."""
    return transform._replace(settings={"name": flavor, **arguments})


def torch(
    lr: Any = 0.01,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0,
    momentum: float = 0,
    centered: bool = False,
    maximize: bool = False,
) -> GradientTransformation:
    """``torch.optim.RMSprop``: eps outside the root, coupled weight decay, lr outside momentum.

    Per step: ``g = -g`` (maximize); ``g = g + weight_decay * x``;
    ``e = alpha * e + (1 - alpha) * g^2``; ``m = m + (1 - alpha) * (g - m)`` (centered);
    ``d = sqrt(e - m^2) + eps``; ``b = momentum * b + g / d``; ``x = x - lr * b``
    (or ``x = x - lr * g / d`` without momentum). Complex parameters are treated as
    pairs of real numbers, as ``torch.view_as_real`` does. Source:
    ``torch/optim/rmsprop.py`` (PyTorch 2.x, ``_single_tensor_rmsprop``).

    Parameters
    ----------
    lr : float or callable, optional
        The learning rate or a schedule (default 0.01).
    alpha, eps, weight_decay, momentum : float, optional
        The decay of ``e`` (0.99), ``eps`` (1e-8), the coupled weight decay and the momentum (0).
    centered, maximize : bool, optional
        Divide by ``sqrt(e - m^2)``; ascend (default False).

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "torch", <these arguments>}``.

    Examples
    --------
    With ``e`` from 0 and ``alpha = 0.99``, the first step is ``lr / sqrt(1 - alpha)`` per coordinate:

    >>> import numpy as np
    >>> opt, x = torch(lr=0.1), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist()
    [-3.0000000025, 2.0000000023809528]
    """
    arguments = dict(
        lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered, maximize=maximize
    )
    inner = rmsprop(
        lr,
        decay=alpha,
        eps=eps,
        eps_in_sqrt=False,
        centered=centered,
        momentum=momentum,
        weight_decay=weight_decay,
        maximize=maximize,
        arithmetic="torch",
    )
    return _named(complex_as_real_pairs(inner), "torch", arguments)


def keras(
    learning_rate: Any = 0.001,
    rho: float = 0.9,
    momentum: float = 0.0,
    epsilon: float = 1e-7,
    centered: bool = False,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
    use_ema: bool = False,
    ema_momentum: float = 0.99,
    *,
    floatx: str = "float32",
) -> GradientTransformation:
    """``keras.optimizers.RMSprop`` (Keras 3, torch backend), in Keras's order: clip, decay, update, EMA.

    Per step: clip ``g`` (only one of ``clipnorm``, ``clipvalue``, ``global_clipnorm``,
    with Keras's formulas ``g * c / max(||g||, c)`` and ``g * c * min(1/G, 1/c)``);
    ``x = x * (1 - weight_decay * lr)``; ``e = rho * e + (1 - rho) * g^2``;
    ``increment = lr * g / sqrt(e + epsilon)`` (centered: ``sqrt(e + epsilon - m^2)``);
    ``b = momentum * b + increment; x = x - b``. With ``use_ema`` the state keeps
    ``ema = ema_momentum * ema + (1 - ema_momentum) * x`` (the new ``x``; the first step
    copies ``x``). Keras turns the numbers it is given (a constant learning rate, the
    decay factor, the clipping constants, ``ema_momentum``) into tensors of dtype
    ``keras.config.floatx()``, float32 by default, so they are rounded to float32 first
    even for float64 weights (``floatx="float64"`` if you set Keras's floatx to float64);
    its ``maximum``/``minimum`` in the clipping run in float32 either way. Sources:
    ``keras/src/optimizers/rmsprop.py``, ``base_optimizer.py`` and
    ``keras/src/backend/torch/optimizers/torch_rmsprop.py``, ``torch_optimizer.py``.

    Parameters
    ----------
    learning_rate : float or callable, optional
        The learning rate or a schedule (default 0.001).
    rho, momentum, epsilon : float, optional
        The decay of ``e`` (0.9), the momentum (0) and ``epsilon`` (1e-7).
    centered : bool, optional
        Divide by ``sqrt(e + epsilon - m^2)`` (default False).
    weight_decay, clipnorm, clipvalue, global_clipnorm : float or None, optional
        The decoupled weight decay and the clipping limits (default none; at most one limit).
    use_ema, ema_momentum : bool, float, optional
        Keep the moving average of the parameters (default False), with this momentum (0.99).
    floatx : {"float32", "float64"}, optional
        Keras's floatx, in which it rounds the numbers it is given (default "float32").

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "keras", <these arguments>}``.

    Raises
    ------
    ValueError
        If more than one clipping limit is given, ``floatx`` is unknown, or a value is out of range.

    Examples
    --------
    The seed's first step, with Keras's float32 rate and its ``epsilon``:

    >>> import numpy as np
    >>> opt, x = keras(learning_rate=0.1), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist()
    [-3.683772229369822, 2.6837722293606348]
    """
    arguments = dict(
        learning_rate=learning_rate,
        rho=rho,
        momentum=momentum,
        epsilon=epsilon,
        centered=centered,
        weight_decay=weight_decay,
        clipnorm=clipnorm,
        clipvalue=clipvalue,
        global_clipnorm=global_clipnorm,
        use_ema=use_ema,
        ema_momentum=ema_momentum,
        floatx=floatx,
    )
    if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
        raise ValueError("Only one of clipnorm, clipvalue and global_clipnorm can be set (as in Keras)")
    if floatx not in ("float32", "float64"):
        raise ValueError(f"floatx must be 'float32' or 'float64'; got {floatx!r}")
    as_floatx = np.dtype(floatx).type
    rho = in_range("rho", rho, 0.0, 1.0)
    epsilon = in_range("epsilon", epsilon, 0.0, low_open=True)
    use_ema = flag("use_ema", use_ema)
    if not callable(learning_rate):
        learning_rate = float(as_floatx(in_range("learning_rate", learning_rate, 0.0)))
    weight_decay = 0.0 if weight_decay is None else in_range("weight_decay", weight_decay, 0.0)
    links = []
    clip = keras_clip(
        positive_or_none("clipnorm", clipnorm),
        positive_or_none("clipvalue", clipvalue),
        positive_or_none("global_clipnorm", global_clipnorm),
        as_floatx,
    )
    if clip is not None:
        links.append(clip)
    links.append(
        rmsprop(
            learning_rate,
            decay=rho,
            eps=epsilon,
            centered=centered,
            momentum=momentum,
            lr_inside_momentum=momentum > 0,
            weight_decay=weight_decay,
            decoupled_weight_decay=weight_decay > 0,
            arithmetic="keras_torch" if floatx == "float32" else "keras_torch_float64",
        )
    )
    transform = links[0] if len(links) == 1 else chain(*links)
    if use_ema:
        ema_momentum = in_range("ema_momentum", ema_momentum, 0.0, 1.0, high_open=False)
        transform = with_parameter_ema(transform, float(as_floatx(ema_momentum)))
    return _named(transform, "keras", arguments)


def optax(
    learning_rate: Any,
    decay: float = 0.9,
    eps: float = 1e-8,
    initial_scale: float = 0.0,
    eps_in_sqrt: bool = True,
    centered: bool = False,
    momentum: float | None = None,
    nesterov: bool = False,
    bias_correction: bool = False,
) -> GradientTransformation:
    """``optax.rmsprop``: ``chain(scale_by_rms | scale_by_stddev, scale_by_learning_rate, trace)``.

    Per step: ``e = decay * e + (1 - decay) * |g|^2`` (e starts at ``initial_scale``);
    centered: ``m = decay * m + (1 - decay) * g``, ``v = e - |m|^2``;
    bias correction divides ``e`` and ``m`` by ``1 - decay^t``;
    ``u = -lr * g / sqrt(v + eps)`` (or ``/ (sqrt(v) + eps)``);
    momentum: ``b = u + momentum * b``, step ``b`` (Nesterov: ``u + momentum * b``).
    Source: ``optax/_src/alias.py`` and ``transform.py`` (Optax 0.2).

    Parameters
    ----------
    learning_rate : float or callable
        The learning rate or a schedule (no default, as in Optax).
    decay, eps, initial_scale : float, optional
        The decay of ``e`` (0.9), ``eps`` (1e-8) and the start of ``e`` (0).
    eps_in_sqrt, centered : bool, optional
        ``eps`` inside the root (default True); divide by the standard deviation (False).
    momentum : float or None, optional
        The momentum of ``trace`` (default none).
    nesterov, bias_correction : bool, optional
        Nesterov's momentum; unbias the averages (default False).

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "optax", <these arguments>}``.

    Raises
    ------
    ValueError
        If ``nesterov`` is given without a momentum, or a value is out of range.

    Examples
    --------
    With its defaults it is the seed's rule:

    >>> import numpy as np
    >>> opt, x = optax(0.1), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist()
    [-3.6837722339930443, 2.6837722339921255]
    """
    arguments = dict(
        learning_rate=learning_rate,
        decay=decay,
        eps=eps,
        initial_scale=initial_scale,
        eps_in_sqrt=eps_in_sqrt,
        centered=centered,
        momentum=momentum,
        nesterov=nesterov,
        bias_correction=bias_correction,
    )
    momentum = 0.0 if momentum is None else momentum
    if nesterov and momentum == 0.0:
        raise ValueError("nesterov=True needs a momentum (Optax ignores it without one; say what you mean)")
    transform = rmsprop(
        learning_rate,
        decay=decay,
        eps=eps,
        eps_in_sqrt=eps_in_sqrt,
        initial_scale=initial_scale,
        centered=centered,
        momentum=momentum,
        nesterov=nesterov,
        lr_inside_momentum=momentum > 0,
        bias_correction=bias_correction,
        arithmetic="optax",
    )
    return _named(transform, "optax", arguments)


def tf1(
    learning_rate: Any,
    decay: float = 0.9,
    momentum: float = 0.0,
    epsilon: float = 1e-10,
    centered: bool = False,
) -> GradientTransformation:
    """``tf.compat.v1.train.RMSPropOptimizer``: the accumulator starts at 1.

    Per step: ``ms = decay * ms + (1 - decay) * g^2`` with ``ms`` starting at 1;
    centered: ``mg = decay * mg + (1 - decay) * g``, ``v = ms - mg^2``;
    ``mom = momentum * mom + lr * g / sqrt(v + epsilon)``; ``x = x - mom``.
    Source: ``tensorflow/python/training/rmsprop.py`` and the ``ApplyRMSProp`` /
    ``ApplyCenteredRMSProp`` kernels (``training_ops.cc``).

    Parameters
    ----------
    learning_rate : float or callable
        The learning rate or a schedule (no default, as in TF1).
    decay, momentum, epsilon : float, optional
        The decay of ``ms`` (0.9), the momentum (0) and ``epsilon`` (1e-10).
    centered : bool, optional
        Divide by ``sqrt(ms - mg^2 + epsilon)`` (default False).

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "tf1", <these arguments>}``.

    Examples
    --------
    The accumulator starts at 1, so the first step is shorter than the seed's:

    >>> import numpy as np
    >>> opt, x = tf1(0.1), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist(), state.e
    ([-3.6846578899605387, 2.684575863658556], array([160.9, 177.3]))
    """
    arguments = dict(learning_rate=learning_rate, decay=decay, momentum=momentum, epsilon=epsilon, centered=centered)
    transform = rmsprop(
        learning_rate,
        decay=decay,
        eps=epsilon,
        initial_scale=1.0,
        centered=centered,
        momentum=momentum,
        lr_inside_momentum=momentum > 0,
    )
    return _named(transform, "tf1", arguments)


def jax_example(step_size: Any, gamma: float = 0.9, eps: float = 1e-8, momentum: float | None = None):
    """``jax.example_libraries.optimizers.rmsprop`` (and ``rmsprop_momentum`` with ``momentum``).

    Per step: ``avg = avg * gamma + g^2 * (1 - gamma)``;
    ``x = x - step_size(i) * g / sqrt(avg + eps)``, or with momentum
    ``mom = momentum * mom + step_size(i) * g / sqrt(avg + eps)``; ``x = x - mom``.
    Source: ``jax/example_libraries/optimizers.py``.

    Parameters
    ----------
    step_size : float or callable
        The step size, or a function of the step count ``i``.
    gamma, eps : float, optional
        The decay of ``avg`` (0.9) and ``eps`` (1e-8).
    momentum : float or None, optional
        ``rmsprop_momentum``'s momentum (default none: ``rmsprop``).

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "jax_example", <these arguments>}``.

    Examples
    --------
    >>> import numpy as np
    >>> opt, x = jax_example(lambda i: 0.1 / (i + 1)), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist()
    [-3.6837722339930443, 2.6837722339921255]
    """
    arguments = dict(step_size=step_size, gamma=gamma, eps=eps, momentum=momentum)
    momentum = 0.0 if momentum is None else momentum
    transform = rmsprop(step_size, decay=gamma, eps=eps, momentum=momentum, lr_inside_momentum=momentum > 0)
    return _named(transform, "jax_example", arguments)


def lasagne(learning_rate: Any = 1.0, rho: float = 0.9, epsilon: float = 1e-6) -> GradientTransformation:
    """``lasagne.updates.rmsprop``: ``a = rho * a + (1 - rho) * g^2``; ``x = x - lr * g / sqrt(a + epsilon)``.

    Source: ``lasagne/updates.py`` (Lasagne 0.2).

    Parameters
    ----------
    learning_rate : float or callable, optional
        The learning rate or a schedule (default 1.0).
    rho, epsilon : float, optional
        The decay of ``a`` (0.9) and ``epsilon`` (1e-6).

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "lasagne", <these arguments>}``.

    Examples
    --------
    >>> import numpy as np
    >>> opt, x = lasagne(0.1), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist()
    [-3.6837722349713737, 2.6837722348794992]
    """
    arguments = dict(learning_rate=learning_rate, rho=rho, epsilon=epsilon)
    return _named(rmsprop(learning_rate, decay=rho, eps=epsilon), "lasagne", arguments)


def caffe(
    base_lr: Any, rms_decay: float = 0.99, delta: float = 1e-8, weight_decay: float = 0
) -> GradientTransformation:
    """Caffe's ``RMSPropSolver`` with L2 regularization.

    Per step: ``g = g + weight_decay * x`` (``SGDSolver::Regularize``);
    ``h = (1 - rms_decay) * g^2 + rms_decay * h``; ``x = x - lr * g / (sqrt(h) + delta)``.
    Source: ``src/caffe/solvers/rmsprop_solver.cpp`` (BVLC Caffe 1.0).

    Parameters
    ----------
    base_lr : float or callable
        The learning rate or a schedule (no default, as in Caffe).
    rms_decay, delta, weight_decay : float, optional
        The decay of ``h`` (0.99), ``delta`` (1e-8) and the L2 weight decay (0).

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "caffe", <these arguments>}``.

    Examples
    --------
    >>> import numpy as np
    >>> opt, x = caffe(0.1, weight_decay=0.5), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist()
    [-3.0000000023809528, 2.000000002298851]
    """
    arguments = dict(base_lr=base_lr, rms_decay=rms_decay, delta=delta, weight_decay=weight_decay)
    transform = rmsprop(base_lr, decay=rms_decay, eps=delta, eps_in_sqrt=False, weight_decay=weight_decay)
    return _named(transform, "caffe", arguments)


def graves(learning_rate: Any = 1e-4, decay: float = 0.95, momentum: float = 0.9, eps: float = 1e-4):
    """Graves (2013), "Generating sequences with recurrent neural networks", eqs. (38)-(41).

    ``n = decay * n + (1 - decay) * g^2``; ``m = decay * m + (1 - decay) * g``;
    ``D = momentum * D - lr * g / sqrt(n - m^2 + eps)``; ``w = w + D``, with the paper's
    constants ``decay = 0.95``, ``momentum = 0.9``, ``lr = 1e-4``, ``eps = 1e-4``.

    Parameters
    ----------
    learning_rate : float or callable, optional
        The learning rate or a schedule (default 1e-4).
    decay, momentum, eps : float, optional
        The decay of ``n`` and ``m`` (0.95), the momentum (0.9) and ``eps`` (1e-4).

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "graves", <these arguments>}``.

    Examples
    --------
    >>> import numpy as np
    >>> opt, x = graves(), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist()
    [-3.9995411688341216, 2.999541168806057]
    """
    arguments = dict(learning_rate=learning_rate, decay=decay, momentum=momentum, eps=eps)
    transform = rmsprop(
        learning_rate, decay=decay, eps=eps, centered=True, momentum=momentum, lr_inside_momentum=momentum > 0
    )
    return _named(transform, "graves", arguments)


def seed(learning_rate: Any = 0.1, gamma: float = 0.9, epsilon: float = 1e-8) -> GradientTransformation:
    """The seed document's rule, with its names: ``e = gamma * e + (1 - gamma) * g^2``; ``x -= lr * g / sqrt(e + epsilon)``.

    Parameters
    ----------
    learning_rate : float or callable, optional
        The learning rate or a schedule (default 0.1).
    gamma, epsilon : float, optional
        The decay of ``e`` (0.9) and ``epsilon`` (1e-8).

    Returns
    -------
    GradientTransformation
        Its ``settings`` are ``{"name": "seed", <these arguments>}``.

    Examples
    --------
    >>> import numpy as np
    >>> opt, x = seed(), np.array([-4.0, 3.0])
    >>> updates, state = opt.update(np.array([10.0, 14.0]) * x, opt.init(x), x)
    >>> (x + updates).tolist(), opt.settings
    ([-3.6837722339930443, 2.6837722339921255],
     {'name': 'seed', 'learning_rate': 0.1, 'gamma': 0.9, 'epsilon': 1e-08})
    """
    arguments = dict(learning_rate=learning_rate, gamma=gamma, epsilon=epsilon)
    return _named(rmsprop(learning_rate, decay=gamma, eps=epsilon), "seed", arguments)
