"""rmsprop: the reference implementation of the RMSprop optimizer.

The update rule (:func:`~rmsprop.rmsprop`) is a pair of pure functions in the style of
Optax; :class:`~rmsprop.RMSprop` holds arrays and updates them in place, in the style of
``torch.optim``; :func:`minimize` runs it the SciPy way. ``import rmsprop``
loads NumPy only: SciPy, matplotlib and the command line load where they are used.
"""

from . import baselines, compat, objectives, schedules
from ._base import GradientTransformation, apply_updates, chain
from ._batch import minimize_many
from ._minimize import STATUS_MESSAGES, minimize
from ._noise import GradientNoise
from ._result import OptimizeResult
from ._rmsprop import RMSpropState, rmsprop
from ._stateful import RMSprop
from .rule import Settings

__version__ = "0.1.0"

__all__ = [
    "GradientNoise",
    "GradientTransformation",
    "OptimizeResult",
    "RMSprop",
    "RMSpropState",
    "STATUS_MESSAGES",
    "Settings",
    "apply_updates",
    "baselines",
    "chain",
    "compat",
    "minimize",
    "minimize_many",
    "objectives",
    "plot",
    "rmsprop",
    "schedules",
    "sweep",
    "__version__",
]


def __getattr__(name: str):
    # ``rmsprop.plot`` is imported on first use: it brings matplotlib, which ``import rmsprop`` must not;
    # ``rmsprop.sweep`` too (light itself, it brings Dask where a cluster is used).
    if name in ("plot", "sweep"):
        import importlib

        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"plot", "sweep"})
