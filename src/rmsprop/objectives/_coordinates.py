"""The one check of an objective's argument, shared by the catalogue and typed formulas."""

from __future__ import annotations

import numpy as np


def coordinates(x, name: str, dim: int) -> np.ndarray:
    """Return ``x`` as a floating array with ``dim`` coordinates on the leading axis.

    Floating input (float32, float64, ...) is passed through unchanged; anything
    else (e.g. integers) is converted to float64.

    Parameters
    ----------
    x : array_like, shape (dim, ...)
        One point, or points with the coordinates on the leading axis.
    name : str
        The objective's name, for the message.
    dim : int
        The number of coordinates.

    Returns
    -------
    numpy.ndarray
        ``x`` itself when it is a floating array, else a float64 copy.

    Raises
    ------
    ValueError
        If ``x`` is 0-d or its leading axis is not of length ``dim``.

    Examples
    --------
    >>> import numpy as np
    >>> coordinates([1, 2], "seed", 2)
    array([1., 2.])
    >>> coordinates(np.zeros((2, 5), np.float32), "seed", 2).dtype
    dtype('float32')
    >>> coordinates(np.zeros((5, 2)), "seed", 2)
    Traceback (most recent call last):
    ...
    ValueError: objective 'seed' takes x with 2 coordinates on the leading axis, got shape (5, 2)
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    if x.ndim == 0 or x.shape[0] != dim:
        raise ValueError(f"objective {name!r} takes x with {dim} coordinates on the leading axis, got shape {x.shape}")
    return x
