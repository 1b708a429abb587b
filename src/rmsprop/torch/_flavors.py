"""PyTorch's arguments, read as any flavor of :mod:`rmsprop.compat`: the rule's :class:`~rmsprop.Settings` of a group.

``rmsprop.torch.RMSprop`` takes ``torch.optim.RMSprop``'s arguments whatever its flavor.
The *numbers* are the ones given (``lr``, ``alpha``, ``eps``, ``weight_decay``,
``momentum``); the flavor gives the *form* of the step, as the constructor of the same
name in :mod:`rmsprop.compat` builds it:

=============  ===========================================================================
argument       setting of :class:`rmsprop.Settings`
=============  ===========================================================================
``lr``         ``learning_rate`` (Keras rounds it to float32 first, as its floatx does)
``alpha``      ``decay``
``eps``        ``eps``
``weight_decay`` ``weight_decay``: coupled (an L2 gradient) for torch and caffe, decoupled for keras
``momentum``   ``momentum``: lr outside the buffer for torch, inside for the others
``centered``   ``centered`` (graves is always centered)
``maximize``   ``maximize``, in every flavor (``g = -g`` before the rule)
=============  ===========================================================================

and the rest of the form (where eps goes, where ``e`` starts, the library's arithmetic) is
the :class:`~rmsprop.Settings` that the :mod:`rmsprop.compat` constructor builds
(:func:`rmsprop.compat.configure`, its ``rule``). A flavor takes ``weight_decay``, ``momentum`` or ``centered``
only where its :mod:`rmsprop.compat` constructor has the argument
(:func:`rmsprop.compat.accepts`); tests hold every flavor here to its
:mod:`rmsprop.compat` constructor, bit for bit.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .. import compat
from ..rule.settings import Settings
from ..rule.step import scalars

__all__ = ["FLAVOR_NAMES", "GroupRule", "settings_for"]

#: The flavors, PyTorch's first.
FLAVOR_NAMES = ("torch", *(name for name in compat.FLAVORS if name != "torch"))
#: The flavors that round the learning rate to float32 (Keras's floatx) before the step.
_FLOAT32_RATE = ("keras",)


def settings_for(
    flavor: str,
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
    centered: bool,
    maximize: bool,
) -> Settings:
    """The rule's settings for PyTorch's arguments under ``flavor`` (see the module's table).

    Parameters
    ----------
    flavor : str
        A name of :data:`FLAVOR_NAMES`.
    lr, alpha, eps, weight_decay, momentum : float
        ``torch.optim.RMSprop``'s numbers.
    centered, maximize : bool
        ``torch.optim.RMSprop``'s switches.

    Returns
    -------
    Settings
        The checked settings; ``learning_rate`` is ``lr`` as given.

    Raises
    ------
    ValueError
        For an unknown flavor, an option the flavor has not got, or a value out of the
        rule's range.

    Examples
    --------
    >>> s = settings_for("torch", 0.01, 0.99, 1e-8, 0.0, 0.9, False, False)
    >>> s.decay, s.eps_in_sqrt, s.arithmetic, s.lr_inside_momentum
    (0.99, False, 'torch', False)
    >>> settings_for("tf1", 0.01, 0.9, 1e-10, 0.0, 0.9, False, False).initial_scale
    1.0
    >>> settings_for("seed", 0.01, 0.9, 1e-8, 0.0, 0.9, False, False)
    Traceback (most recent call last):
    ...
    ValueError: flavor 'seed' has no momentum (rmsprop.compat.seed has not); use momentum=0 or another flavor
    """
    if flavor not in compat.FLAVORS:
        raise ValueError(f"unknown flavor {flavor!r}; choose one of: {', '.join(FLAVOR_NAMES)}")
    numbers = {"learning_rate": lr, "decay": alpha, "eps": eps}
    for name, value, on in (
        ("weight_decay", weight_decay, weight_decay > 0),
        ("momentum", momentum, momentum > 0),
        ("centered", bool(centered), bool(centered)),
    ):
        if not on:
            continue
        if not compat.accepts(flavor, name):
            off = "centered=False" if name == "centered" else f"{name}=0"
            raise ValueError(
                f"flavor {flavor!r} has no {name} (rmsprop.compat.{flavor} has not); use {off} or another flavor"
            )
        numbers[name] = value
    rule = compat.configure(flavor, **numbers).rule
    assert rule is not None  # every flavor without Keras's clipping is the rule with some settings
    return dataclasses.replace(rule, learning_rate=lr, maximize=bool(maximize))


class GroupRule:
    """The rule of one parameter group: its settings, and each step's spec and scalars per dtype, kept.

    Parameters
    ----------
    flavor : str
        A name of :data:`FLAVOR_NAMES`.
    settings : Settings
        The group's settings (:func:`settings_for`).

    Examples
    --------
    >>> import numpy as np
    >>> rule = GroupRule("torch", settings_for("torch", 0.01, 0.99, 1e-8, 0.0, 0.0, False, False))
    >>> spec, s = rule.numbers(0.01, np.float32)
    >>> s[0], rule.numbers(0.01, np.float32)[1] is s
    (np.float32(0.01), True)
    """

    def __init__(self, flavor: str, settings: Settings) -> None:
        self.flavor = flavor
        self.settings = settings
        self.kept: dict[tuple, tuple] = {}  # (lr, dtype) -> (spec, scalars)

    def numbers(self, lr: float, dtype: Any) -> tuple[tuple[int, ...], tuple]:
        """The spec and the scalars of a step at rate ``lr`` on arrays of ``dtype``.

        Parameters
        ----------
        lr : float
            The group's learning rate now.
        dtype : numpy.dtype
            The real dtype of the arrays.

        Returns
        -------
        spec : tuple of int
            :meth:`rmsprop.Settings.spec` (the step reads the parameters).
        s : tuple
            :func:`rmsprop.rule.step.scalars`, without bias correction or clipping.
        """
        key = (lr, dtype)
        found = self.kept.get(key)
        if found is None:
            if len(self.kept) > 64:  # a scheduler changes lr every step: keep the last few only
                self.kept.clear()
            rate = float(np.float32(lr)) if self.flavor in _FLOAT32_RATE else lr
            found = self.kept[key] = (
                self.settings.spec(dtype, True),
                scalars(self.settings, rate, 1.0, None, None, dtype),
            )
        return found
