"""Every RMSprop in use, with each library's own argument names and defaults.

"RMSprop" means different things in different libraries (pytorch/pytorch#23796
and #32545, google-deepmind/optax#49 and #532, tensorflow/tensorflow#58412).
Each constructor here takes one library's arguments and returns a
:class:`~rmsprop.GradientTransformation` that steps as that library does.
:data:`FLAVOR_FACTS` tabulates how they differ (eps inside or outside the root,
where the accumulator starts, default decay, eps and learning rate, where the
learning rate meets momentum, the form of weight decay, centering, clipping);
``docs/flavors.md`` renders it and reports how closely each is matched.

They are built from the one rule in :func:`rmsprop.rmsprop` plus, where a
library does something the rule does not, a small transformation beside it
(Keras's clipping formulas and parameter EMA, PyTorch's treatment of complex
numbers as pairs of reals; :mod:`rmsprop._library_extras`). Learning rates may be numbers or schedules
(callables of the step count, see :mod:`rmsprop.schedules`): PyTorch's and
Keras's schedulers, Optax's schedules and ``jax.example_libraries``' step-size
functions are all of that kind.

Where rounding differs from a library (the order of a few multiplications, or
a fused multiply-add in a library's compiled kernel) the docs in
``docs/flavors.md`` say so and the tests measure by how much.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import GradientTransformation, chain
from ._library_extras import complex_as_real_pairs, keras_clip, with_parameter_ema
from ._rmsprop import rmsprop
from ._validate import flag, in_range, positive_or_none

__all__ = [
    "torch",
    "keras",
    "optax",
    "tf1",
    "jax_example",
    "lasagne",
    "caffe",
    "graves",
    "seed",
    "FLAVORS",
    "FLAVOR_FACTS",
    "configure",
    "seed_comparison",
]


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
    """
    arguments = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                     centered=centered, maximize=maximize)
    inner = rmsprop(lr, decay=alpha, eps=eps, eps_in_sqrt=False, centered=centered, momentum=momentum,
                    weight_decay=weight_decay, maximize=maximize, arithmetic="torch")
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
    """
    arguments = dict(learning_rate=learning_rate, rho=rho, momentum=momentum, epsilon=epsilon, centered=centered,
                     weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                     global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum, floatx=floatx)
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
    clip = keras_clip(positive_or_none("clipnorm", clipnorm), positive_or_none("clipvalue", clipvalue),
                       positive_or_none("global_clipnorm", global_clipnorm), as_floatx)
    if clip is not None:
        links.append(clip)
    links.append(rmsprop(learning_rate, decay=rho, eps=epsilon, centered=centered, momentum=momentum,
                         lr_inside_momentum=momentum > 0, weight_decay=weight_decay,
                         decoupled_weight_decay=weight_decay > 0,
                         arithmetic="keras_torch" if floatx == "float32" else "keras_torch_float64"))
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
    """
    arguments = dict(learning_rate=learning_rate, decay=decay, eps=eps, initial_scale=initial_scale,
                     eps_in_sqrt=eps_in_sqrt, centered=centered, momentum=momentum, nesterov=nesterov,
                     bias_correction=bias_correction)
    momentum = 0.0 if momentum is None else momentum
    if nesterov and momentum == 0.0:
        raise ValueError("nesterov=True needs a momentum (Optax ignores it without one; say what you mean)")
    transform = rmsprop(learning_rate, decay=decay, eps=eps, eps_in_sqrt=eps_in_sqrt, initial_scale=initial_scale,
                        centered=centered, momentum=momentum, nesterov=nesterov,
                        lr_inside_momentum=momentum > 0, bias_correction=bias_correction, arithmetic="optax")
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
    """
    arguments = dict(learning_rate=learning_rate, decay=decay, momentum=momentum, epsilon=epsilon, centered=centered)
    transform = rmsprop(learning_rate, decay=decay, eps=epsilon, initial_scale=1.0, centered=centered,
                        momentum=momentum, lr_inside_momentum=momentum > 0)
    return _named(transform, "tf1", arguments)


def jax_example(step_size: Any, gamma: float = 0.9, eps: float = 1e-8, momentum: float | None = None):
    """``jax.example_libraries.optimizers.rmsprop`` (and ``rmsprop_momentum`` with ``momentum``).

    Per step: ``avg = avg * gamma + g^2 * (1 - gamma)``;
    ``x = x - step_size(i) * g / sqrt(avg + eps)``, or with momentum
    ``mom = momentum * mom + step_size(i) * g / sqrt(avg + eps)``; ``x = x - mom``.
    Source: ``jax/example_libraries/optimizers.py``.
    """
    arguments = dict(step_size=step_size, gamma=gamma, eps=eps, momentum=momentum)
    momentum = 0.0 if momentum is None else momentum
    transform = rmsprop(step_size, decay=gamma, eps=eps, momentum=momentum, lr_inside_momentum=momentum > 0)
    return _named(transform, "jax_example", arguments)


def lasagne(learning_rate: Any = 1.0, rho: float = 0.9, epsilon: float = 1e-6) -> GradientTransformation:
    """``lasagne.updates.rmsprop``: ``a = rho * a + (1 - rho) * g^2``; ``x = x - lr * g / sqrt(a + epsilon)``.

    Source: ``lasagne/updates.py`` (Lasagne 0.2).
    """
    arguments = dict(learning_rate=learning_rate, rho=rho, epsilon=epsilon)
    return _named(rmsprop(learning_rate, decay=rho, eps=epsilon), "lasagne", arguments)


def caffe(base_lr: Any, rms_decay: float = 0.99, delta: float = 1e-8, weight_decay: float = 0) -> GradientTransformation:
    """Caffe's ``RMSPropSolver`` with L2 regularization.

    Per step: ``g = g + weight_decay * x`` (``SGDSolver::Regularize``);
    ``h = (1 - rms_decay) * g^2 + rms_decay * h``; ``x = x - lr * g / (sqrt(h) + delta)``.
    Source: ``src/caffe/solvers/rmsprop_solver.cpp`` (BVLC Caffe 1.0).
    """
    arguments = dict(base_lr=base_lr, rms_decay=rms_decay, delta=delta, weight_decay=weight_decay)
    transform = rmsprop(base_lr, decay=rms_decay, eps=delta, eps_in_sqrt=False, weight_decay=weight_decay)
    return _named(transform, "caffe", arguments)


def graves(learning_rate: Any = 1e-4, decay: float = 0.95, momentum: float = 0.9, eps: float = 1e-4):
    """Graves (2013), "Generating sequences with recurrent neural networks", eqs. (38)-(41).

    ``n = decay * n + (1 - decay) * g^2``; ``m = decay * m + (1 - decay) * g``;
    ``D = momentum * D - lr * g / sqrt(n - m^2 + eps)``; ``w = w + D``, with the paper's
    constants ``decay = 0.95``, ``momentum = 0.9``, ``lr = 1e-4``, ``eps = 1e-4``.
    """
    arguments = dict(learning_rate=learning_rate, decay=decay, momentum=momentum, eps=eps)
    transform = rmsprop(learning_rate, decay=decay, eps=eps, centered=True, momentum=momentum,
                        lr_inside_momentum=momentum > 0)
    return _named(transform, "graves", arguments)


def seed(learning_rate: Any = 0.1, gamma: float = 0.9, epsilon: float = 1e-8) -> GradientTransformation:
    """The seed document's rule, with its names: ``e = gamma * e + (1 - gamma) * g^2``; ``x -= lr * g / sqrt(e + epsilon)``."""
    arguments = dict(learning_rate=learning_rate, gamma=gamma, epsilon=epsilon)
    return _named(rmsprop(learning_rate, decay=gamma, eps=epsilon), "seed", arguments)


#: Every flavor by name, for the command line and loops over flavors.
FLAVORS = {
    "seed": seed,
    "torch": torch,
    "keras": keras,
    "optax": optax,
    "tf1": tf1,
    "jax_example": jax_example,
    "lasagne": lasagne,
    "caffe": caffe,
    "graves": graves,
}


#: The library argument names that stand for each setting of :func:`rmsprop.rmsprop`.
SETTING_ALIASES = {
    "learning_rate": ("lr", "learning_rate", "step_size", "base_lr"),
    "decay": ("alpha", "rho", "decay", "gamma", "rms_decay"),
    "eps": ("eps", "epsilon", "delta"),
    "clip_value": ("clip_value", "clipvalue"),
    "clip_norm": ("clip_norm", "clipnorm"),
    "global_clip_norm": ("global_clip_norm", "global_clipnorm"),
}


def accepts(flavor: str, setting: str) -> bool:
    """Whether flavor ``flavor`` has an argument for ``setting`` (a name of :func:`rmsprop.rmsprop`)."""
    return _argument(flavor, setting) is not None


def _argument(flavor: str, setting: str) -> str | None:
    import inspect

    accepted = inspect.signature(FLAVORS[flavor]).parameters
    return next((name for name in SETTING_ALIASES.get(setting, (setting,)) if name in accepted), None)


def configure(flavor: str, **settings: Any) -> GradientTransformation:
    """Flavor ``flavor`` built from settings named as in :func:`rmsprop.rmsprop`.

    ``configure("torch", learning_rate=0.01, decay=0.99)`` is ``torch(lr=0.01, alpha=0.99)``:
    each setting goes to the flavor's own argument for it (:data:`SETTING_ALIASES`).
    Raises ValueError for an unknown flavor or a setting the flavor has no argument for.
    """
    if flavor not in FLAVORS:
        raise ValueError(f"unknown flavor {flavor!r}; choose one of: {', '.join(FLAVORS)}")
    arguments = {}
    for setting, value in settings.items():
        target = _argument(flavor, setting)
        if target is None:
            import inspect

            raise ValueError(f"flavor {flavor} has no setting for {setting}; its arguments: "
                             f"{', '.join(inspect.signature(FLAVORS[flavor]).parameters)}")
        arguments[target] = value
    import inspect

    for name, parameter in inspect.signature(FLAVORS[flavor]).parameters.items():
        if parameter.default is inspect.Parameter.empty and name not in arguments:
            setting = next((s for s, aliases in SETTING_ALIASES.items() if name in aliases), name)
            option = "--lr" if setting == "learning_rate" else "--" + setting.replace("_", "-")
            raise ValueError(f"flavor {flavor} needs {setting} (its library's {name} has no default); "
                             f"give {setting}=... ({option} on the command line)")
    return FLAVORS[flavor](**arguments)


#: How the flavors differ, one row per flavor (rendered by ``rmsprop flavors`` and docs/flavors.md).
FLAVOR_FACTS = {
    # flavor: (library, eps, e starts, decay, eps value, default lr, lr vs momentum, weight decay, centered, clipping)
    "seed": ("RMSprop from scratch", "in sqrt", 0.0, 0.9, 1e-8, 0.1, "-", "-", "-", "-"),
    "torch": ("torch.optim.RMSprop", "outside", 0.0, 0.99, 1e-8, 0.01, "outside", "coupled", "yes", "-"),
    "keras": ("keras.optimizers.RMSprop", "in sqrt", 0.0, 0.9, 1e-7, 0.001, "inside", "decoupled", "yes", "first"),
    "optax": ("optax.rmsprop", "in sqrt*", "0*", 0.9, 1e-8, None, "inside", "-", "yes", "chain"),
    "tf1": ("tf.compat.v1 RMSProp", "in sqrt", 1.0, 0.9, 1e-10, None, "inside", "-", "yes", "-"),
    "jax_example": ("jax.example_libraries", "in sqrt", 0.0, 0.9, 1e-8, None, "inside", "-", "-", "-"),
    "lasagne": ("lasagne.updates", "in sqrt", 0.0, 0.9, 1e-6, 1.0, "-", "-", "-", "-"),
    "caffe": ("Caffe RMSPropSolver", "outside", 0.0, 0.99, 1e-8, None, "-", "coupled", "-", "-"),
    "graves": ("Graves 2013", "in sqrt", 0.0, 0.95, 1e-4, 1e-4, "inside", "-", "always", "-"),
}
FLAVOR_COLUMNS = ("flavor", "library", "eps", "e0", "decay", "eps value", "lr", "lr/momentum",
                  "weight decay", "centered", "clipping")


def seed_comparison(learning_rate: float = 0.1, steps: int = 50) -> dict[str, tuple[float, float, float]]:
    """The seed's problem under every flavor: ``steps`` steps from (-4, 3), the same learning rate,
    each flavor's own other defaults; returns ``{flavor: (x1, x2, f)}``."""
    from . import objectives

    seed_objective = objectives.get("seed")
    results = {}
    for name, factory in FLAVORS.items():
        optimizer = factory(learning_rate)
        x = np.array([-4.0, 3.0])
        state = optimizer.init(x)
        for _ in range(steps):
            updates, state = optimizer.update(seed_objective.grad(x), state, x)
            x = x + updates
        results[name] = (float(x[0]), float(x[1]), float(seed_objective(x)))
    return results

