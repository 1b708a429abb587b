"""The RMSprop rule, defined once: its settings, its step, and the arithmetics of the libraries.

* :mod:`rmsprop.rule.settings`: :class:`Settings`, the one source of the rule's options;
* :mod:`rmsprop.rule.step`: :func:`step`, the per-element step every engine runs, with the
  bias correction and the clipping factor;
* :mod:`rmsprop.rule.arithmetic`: how each library rounds the lines that it computes
  differently, as small named pieces;
* :mod:`rmsprop.rule.primitives`: the floating-point operations the rule is written in.

Nothing here imports Numba: :mod:`rmsprop._compiled` compiles these same functions.
"""

from .settings import DEFAULT_LEARNING_RATE, OPTION_NAMES, Settings

__all__ = ["Settings", "OPTION_NAMES", "DEFAULT_LEARNING_RATE"]
