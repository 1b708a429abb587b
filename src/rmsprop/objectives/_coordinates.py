"""The one check of an objective's argument, shared by the catalogue and typed formulas."""

from __future__ import annotations

import numpy as np


def coordinates(x, name: str, dim: int) -> np.ndarray:
    """Return ``x`` as a floating array with ``dim`` coordinates on the leading axis.

    Floating input (float32, float64, ...) is passed through unchanged; anything
    else (e.g. integers) is converted to float64.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    if x.ndim == 0 or x.shape[0] != dim:
        raise ValueError(
            f"objective {name!r} takes x with {dim} coordinates on the leading axis, got shape {x.shape}"
        )
    return x
