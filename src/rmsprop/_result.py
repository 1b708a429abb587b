"""``OptimizeResult``: the result of ``minimize`` and ``minimize_many``, SciPy's container without SciPy's import.

SciPy's :class:`scipy.optimize.OptimizeResult` is a ``dict`` whose keys are also
attributes; importing it loads all of :mod:`scipy.optimize` (a third of a second, longer
than the seed's whole run), so this module gives the same container: a ``dict`` with
attribute access and a printout that lists the fields one per line, as SciPy's does.
:func:`scipy.optimize.minimize` returns it unchanged when it calls :func:`rmsprop.minimize`
as a custom ``method``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["OptimizeResult"]

#: The fields printed first, in this order (SciPy's order); the others follow as they were set.
_FIRST = ("message", "success", "status", "fun", "x", "nit")


class OptimizeResult(dict):
    """The result of a run: a ``dict`` whose keys are also attributes, as SciPy's ``OptimizeResult``.

    Parameters
    ----------
    *args, **kwargs
        As for ``dict``: the fields and their values.

    Examples
    --------
    >>> result = OptimizeResult(x=[1.0, 2.0], fun=0.5, success=True)
    >>> result.fun, result["x"], sorted(result)
    (0.5, [1.0, 2.0], ['fun', 'success', 'x'])
    >>> result.nit = 3
    >>> result["nit"]
    3
    >>> print(result)
     success: True
         fun: 0.5
           x: [1.0, 2.0]
         nit: 3
    >>> result.jac
    Traceback (most recent call last):
    ...
    AttributeError: jac
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def __dir__(self) -> list[str]:
        return list(self.keys())

    def __repr__(self) -> str:
        return _formatted(self, 0) if self else f"{type(self).__name__}()"


def _formatted(value: Any, indent: int) -> str:
    """``value`` as SciPy prints a result: a dict's keys right-aligned, one per line, arrays abridged."""
    if isinstance(value, dict) and value:
        items = sorted(value.items(), key=lambda item: _FIRST.index(item[0]) if item[0] in _FIRST else len(_FIRST))
        width = max(len(str(key)) for key in value) + (1 if indent == 0 else 0)
        lines = []
        for key, item in items:
            text = _formatted(item, indent + width + 2).replace("\n", "\n" + " " * (width + 2))
            lines.append(f"{str(key).rjust(width)}: {text}")
        return "\n".join(lines)
    with np.printoptions(linewidth=76 - indent, edgeitems=2, threshold=12):
        return str(value)
