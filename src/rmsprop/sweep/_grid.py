"""The grid of a sweep: its keys, their order, each key's list of checked values, and the combinations."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import compat
from .._rmsprop import OPTION_NAMES

__all__ = ["RULE", "SETTINGS", "NOISE", "GRID_KEYS", "read_grid", "unravel"]

#: ``grid["flavor"]`` for this package's rule, :func:`rmsprop.rmsprop` (the default).
RULE = "rmsprop"

#: The settings that vary per run inside a chunk; the other grid keys make the groups.
SETTINGS = ("learning_rate", "decay", "eps")
#: The gradient noise of the runs (:class:`rmsprop.GradientNoise`: its scale, and whether it is relative).
NOISE = ("noise", "noise_relative")
#: Every key a grid may have.
GRID_KEYS = SETTINGS + ("flavor",) + tuple(OPTION_NAMES) + NOISE


def read_grid(grid: Any) -> tuple[tuple, dict]:
    """Return the grid's keys in sweep order and each key's list of values, checked.

    The order is ``learning_rate, decay, eps, flavor`` (those present), then the other
    keys sorted; the first varies slowest over the combinations.

    Parameters
    ----------
    grid : mapping
        Setting -> a value or a 1-D list (tuple, range, array) of values; the keys are
        those of :data:`GRID_KEYS`.

    Returns
    -------
    keys : tuple of str
        The keys, in sweep order.
    values : dict
        Key -> its list of values: floats for ``learning_rate``, ``decay`` and ``eps``;
        flavor names; numbers, booleans, strings or ``None`` for the other options.

    Raises
    ------
    ValueError
        If ``grid`` is not a mapping, a key is unknown, a list is empty, unordered (a
        set), multi-dimensional or lists a value twice, or a value is of the wrong kind
        or not finite.

    Examples
    --------
    >>> read_grid({"decay": [0.5, 0.9], "learning_rate": 0.1, "centered": [False, True]})
    (('learning_rate', 'decay', 'centered'), {'learning_rate': [0.1], 'decay': [0.5, 0.9], 'centered': [False, True]})
    >>> read_grid({"lr": 0.1})
    Traceback (most recent call last):
    ...
    ValueError: unknown grid key 'lr'; the keys are: ...
    """
    if not isinstance(grid, Mapping):
        raise ValueError(f"grid must be a dict of setting -> value or list of values; got {type(grid).__name__}")
    for key in grid:
        if key not in GRID_KEYS:
            raise ValueError(f"unknown grid key {key!r}; the keys are: {', '.join(GRID_KEYS)}")
    if "noise_relative" in grid and "noise" not in grid:
        raise ValueError("grid['noise_relative'] needs grid['noise'], the noise's scale")
    keys = tuple(key for key in SETTINGS + ("flavor",) if key in grid)
    keys += tuple(sorted(key for key in grid if key not in keys))
    return keys, {key: _grid_values(key, grid[key]) for key in keys}


def _grid_values(key: str, given: Any) -> list:
    if isinstance(given, np.ndarray) and given.ndim > 1:
        raise ValueError(f"grid[{key!r}] must be a value or a 1-D list of values; got an array of shape {given.shape}")
    if isinstance(given, (set, frozenset, dict)) or (hasattr(given, "__next__") and not isinstance(given, str)):
        raise ValueError(f"grid[{key!r}] must be a value or a list of values (in order); got a {type(given).__name__}")
    if isinstance(given, (list, tuple, range)) or (isinstance(given, np.ndarray) and given.ndim == 1):
        values = list(given)
    else:
        values = [given.item() if isinstance(given, np.ndarray) else given]
    if not values:
        raise ValueError(f"grid[{key!r}] is empty; give at least one value")
    checked = [_grid_value(key, value) for value in values]
    seen = set()
    for value in checked:
        identity = (type(value).__name__, value)
        if identity in seen:
            raise ValueError(f"grid[{key!r}] lists {value!r} twice")
        seen.add(identity)
    return checked


def _grid_value(key: str, value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if key == "flavor":
        if value != RULE and value not in compat.FLAVORS:
            raise ValueError(
                f"unknown flavor {value!r} in grid['flavor']; choose from: {', '.join((RULE,) + tuple(compat.FLAVORS))}"
            )
        return value
    if key in SETTINGS or key == "noise":
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"grid[{key!r}] must hold numbers; got {value!r}")
        value = float(value)
        if key == "noise" and not (math.isfinite(value) and value >= 0):
            raise ValueError(f"grid['noise'] must hold finite scales >= 0; got {value!r}")
    elif key == "noise_relative" and not isinstance(value, bool):
        raise ValueError(f"grid['noise_relative'] must hold True or False; got {value!r}")
    elif not (value is None or isinstance(value, (bool, int, float, str))):
        raise ValueError(f"grid[{key!r}] must hold numbers, booleans, strings or None; got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"grid[{key!r}] must hold finite numbers; got {value!r}")
    return value


def unravel(combinations: np.ndarray, shape: tuple) -> tuple:
    """Return each grid key's value index for each combination (nothing for an empty grid: one combination).

    Parameters
    ----------
    combinations : numpy.ndarray
        Combination numbers, in ``range(prod(shape))``.
    shape : tuple of int
        The number of values of each grid key, in sweep order.

    Returns
    -------
    tuple of numpy.ndarray
        One index array per key (``np.unravel_index``; the first key varies slowest);
        ``()`` for an empty grid.

    Examples
    --------
    >>> import numpy as np
    >>> unravel(np.arange(4), (2, 2))
    (array([0, 0, 1, 1]), array([0, 1, 0, 1]))
    >>> unravel(np.arange(1), ())
    ()
    """
    return np.unravel_index(combinations, shape) if shape else ()
