"""Gradient clipping, applied to the raw gradient before anything else (as Keras and Optax's chains do).

* by value:        ``g <- clip(g, -c, c)`` elementwise (real and imaginary parts separately);
* by norm:         ``g <- g * (c / ||g||)`` when ``||g|| > c``, for each array on its own;
* by global norm:  ``g <- g * (c / G)`` when ``G = sqrt(sum_arrays ||g||^2) > c`` (Pascanu et al. 2013,
  "On the difficulty of training recurrent neural networks").
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["abs_sq", "clip_by_value", "clip_by_norm", "clip_by_global_norm", "global_norm"]


def abs_sq(g: np.ndarray) -> np.ndarray:
    """``|g|^2`` elementwise: ``g * g`` for real ``g``, ``re^2 + im^2`` for complex ``g`` (Optax's choice)."""
    if np.iscomplexobj(g):
        return g.real * g.real + g.imag * g.imag
    return g * g


def clip_by_value(g: np.ndarray, limit: float) -> np.ndarray:
    if np.iscomplexobj(g):
        return np.clip(g.real, -limit, limit) + 1j * np.clip(g.imag, -limit, limit)
    return np.clip(g, -limit, limit)


def _norm(g: np.ndarray) -> float:
    return math.sqrt(float(np.sum(abs_sq(g), dtype=np.float64)))


def clip_by_norm(g: np.ndarray, limit: float) -> np.ndarray:
    norm = _norm(g)
    return g if norm <= limit else g * (limit / norm)


def global_norm(leaves: list[np.ndarray]) -> float:
    return math.sqrt(sum(float(np.sum(abs_sq(g), dtype=np.float64)) for g in leaves))


def clip_by_global_norm(leaves: list[np.ndarray], limit: float) -> list[np.ndarray]:
    norm = global_norm(leaves)
    if norm <= limit:
        return leaves
    return [g * (limit / norm) for g in leaves]
