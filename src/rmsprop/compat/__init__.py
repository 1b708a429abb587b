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
numbers as pairs of reals). Learning rates may be numbers or schedules
(callables of the step count, see :mod:`rmsprop.schedules`): PyTorch's and
Keras's schedulers, Optax's schedules and ``jax.example_libraries``' step-size
functions are all of that kind.

Where rounding differs from a library (the order of a few multiplications, or
a fused multiply-add in a library's compiled kernel) the docs in
``docs/flavors.md`` say so and the tests measure by how much.

One module per idea: :mod:`._flavors` the constructors, :mod:`._extras` what a library
does around the rule; this one names them (:data:`FLAVORS`, :func:`configure`) and
compares them (:data:`FLAVOR_FACTS`, :func:`seed_comparison`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._base import GradientTransformation
from ._flavors import caffe, graves, jax_example, keras, lasagne, optax, seed, tf1, torch

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


#: Every flavor by name, for the command line and loops over flavors.
FLAVORS: dict[str, Callable[..., GradientTransformation]] = {
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
    """Whether flavor ``flavor`` has an argument for ``setting`` (a name of :func:`rmsprop.rmsprop`).

    Parameters
    ----------
    flavor : str
        A key of :data:`FLAVORS`.
    setting : str
        An option of :func:`rmsprop.rmsprop`; the flavor's argument may have another
        name (:data:`SETTING_ALIASES`).

    Returns
    -------
    bool

    Examples
    --------
    >>> accepts("torch", "decay"), accepts("torch", "initial_scale")
    (True, False)
    """
    return _argument(flavor, setting) is not None


def _argument(flavor: str, setting: str) -> str | None:
    accepted = _parameters(flavor)
    return next((name for name in SETTING_ALIASES.get(setting, (setting,)) if name in accepted), None)


@functools.cache
def _parameters(flavor: str) -> Mapping[str, inspect.Parameter]:
    """The parameters of flavor ``flavor``'s constructor (read once: a sweep configures a flavor per setting)."""
    return inspect.signature(FLAVORS[flavor]).parameters


def configure(flavor: str, **settings: Any) -> GradientTransformation:
    """Flavor ``flavor`` built from settings named as in :func:`rmsprop.rmsprop`.

    ``configure("torch", learning_rate=0.01, decay=0.99)`` is ``torch(lr=0.01, alpha=0.99)``:
    each setting goes to the flavor's own argument for it (:data:`SETTING_ALIASES`).

    Parameters
    ----------
    flavor : str
        A key of :data:`FLAVORS`.
    **settings
        Settings named as in :func:`rmsprop.rmsprop`.

    Returns
    -------
    GradientTransformation
        The flavor built with its own names for the settings.

    Raises
    ------
    ValueError
        For an unknown flavor, a setting the flavor has no argument for, or a missing
        setting that the flavor's library requires.

    Examples
    --------
    >>> configure("torch", learning_rate=0.01, decay=0.99).settings["alpha"]
    0.99
    >>> configure("caffe")
    Traceback (most recent call last):
    ...
    ValueError: flavor caffe needs learning_rate (its library's base_lr has no default); give ...
    """
    if flavor not in FLAVORS:
        raise ValueError(f"unknown flavor {flavor!r}; choose one of: {', '.join(FLAVORS)}")
    arguments = {}
    for setting, value in settings.items():
        target = _argument(flavor, setting)
        if target is None:
            raise ValueError(
                f"flavor {flavor} has no setting for {setting}; its arguments: {', '.join(_parameters(flavor))}"
            )
        arguments[target] = value
    for name, parameter in _parameters(flavor).items():
        if parameter.default is inspect.Parameter.empty and name not in arguments:
            setting = next((s for s, aliases in SETTING_ALIASES.items() if name in aliases), name)
            option = "--lr" if setting == "learning_rate" else "--" + setting.replace("_", "-")
            raise ValueError(
                f"flavor {flavor} needs {setting} (its library's {name} has no default); "
                f"give {setting}=... ({option} on the command line)"
            )
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
FLAVOR_COLUMNS = (
    "flavor",
    "library",
    "eps",
    "e0",
    "decay",
    "eps value",
    "lr",
    "lr/momentum",
    "weight decay",
    "centered",
    "clipping",
)


def seed_comparison(learning_rate: float = 0.1, steps: int = 50) -> dict[str, tuple[float, float, float]]:
    """The seed's problem under every flavor: ``steps`` steps from (-4, 3) at one learning rate.

    Each flavor takes its own other defaults.

    Parameters
    ----------
    learning_rate : float, optional
        The rate given to every flavor (default 0.1).
    steps : int, optional
        The steps (default 50).

    Returns
    -------
    dict
        ``{flavor: (x1, x2, f)}``, in the order of :data:`FLAVORS`.

    Examples
    --------
    >>> results = seed_comparison()
    >>> results["seed"]
    (-0.10352260359924752, 0.0025296212056016548, 0.05362944016394148)
    >>> results["optax"] == results["seed"], results["tf1"] == results["seed"]
    (True, False)
    """
    from .. import objectives

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
