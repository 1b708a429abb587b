"""The spec and scalars of a step, per dtype, kept while the step's numbers repeat.

Every step of :func:`rmsprop.rmsprop` needs the spec of its arrays' dtype
(:meth:`rmsprop.Settings.spec`) and the step's numbers rounded to that dtype
(:func:`rmsprop.rule.step.scalars`). With a constant rate and no bias correction they are
the same every step; :class:`StepNumbers` makes them once and keeps them.
"""

from __future__ import annotations

import numpy as np

from .rule.settings import Settings
from .rule.step import scalars

__all__ = ["StepNumbers"]


class StepNumbers:
    """The spec and scalars of a step, per dtype, kept while the rate, correction and clipping factors repeat.

    Parameters
    ----------
    settings : Settings
        The rule's settings.

    Examples
    --------
    >>> numbers = StepNumbers(Settings(learning_rate=0.1))
    >>> spec, s = numbers.get(np.dtype(np.float64), False, 0.1, 1.0, None, None)
    >>> spec == numbers.spec(np.dtype(np.float64), False), s[0]
    (True, 0.1)
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.specs: dict[tuple, tuple] = {}
        self.kept: dict[tuple, tuple] = {}

    def spec(self, dtype: np.dtype, x_given: bool) -> tuple:
        """:meth:`Settings.spec` of ``dtype``, kept.

        Parameters
        ----------
        dtype : numpy.dtype
            The state's (real) dtype.
        x_given : bool
            Whether the step is given the parameters.

        Returns
        -------
        tuple of int
            The spec.
        """
        key = (dtype, x_given)
        spec = self.specs.get(key)
        if spec is None:
            spec = self.specs[key] = self.settings.spec(dtype, x_given)
        return spec

    def get(
        self,
        dtype: np.dtype,
        x_given: bool,
        lr: float,
        correction: float,
        leaf_scale: float | None,
        global_scale: float | None,
    ) -> tuple[tuple, tuple]:
        """``(spec, scalars)`` of a step of arrays of ``dtype`` (:func:`rmsprop.rule.step.scalars`).

        Parameters
        ----------
        dtype : numpy.dtype
            The state's (real) dtype.
        x_given : bool
            Whether the step is given the parameters.
        lr, correction : float
            The step's learning rate and bias correction (:meth:`Settings.step_numbers`).
        leaf_scale, global_scale : float or None
            The clipping factors (:func:`rmsprop._clip.clip_factors`), ``None`` without.

        Returns
        -------
        spec : tuple of int
            The spec.
        scalars : tuple
            The step's numbers in ``dtype``; Python floats for float64, which NumPy, the
            kernels and the step on floats all take as float64.
        """
        key = (dtype, lr, correction, leaf_scale, global_scale)
        s = self.kept.get(key)
        if s is None:
            if len(self.kept) > 64:  # a schedule: a new rate every step
                self.kept.clear()
            s = scalars(self.settings, lr, correction, leaf_scale, global_scale, dtype)
            if dtype == np.float64:  # Python floats: the same numbers for NumPy and the kernels, quicker on floats
                s = tuple(map(float, s))
            self.kept[key] = s
        return self.spec(dtype, x_given), s
