"""Parameter trees: a NumPy array, or a (nested) list / tuple / dict of arrays.

The optimizer works leaf by leaf. These helpers flatten a tree into its leaves
and rebuild it, so that the update rule is written once for a single array.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["flatten", "unflatten", "as_leaves"]


def flatten(tree: Any) -> tuple[list[Any], Any]:
    """Return ``(leaves, structure)``; dict keys are visited in sorted order."""
    if isinstance(tree, dict):
        keys = sorted(tree)
        leaves: list[Any] = []
        children = []
        for key in keys:
            sub_leaves, sub_structure = flatten(tree[key])
            leaves.extend(sub_leaves)
            children.append(sub_structure)
        return leaves, ("dict", tuple(keys), tuple(children))
    if isinstance(tree, (list, tuple)):
        leaves = []
        children = []
        for item in tree:
            sub_leaves, sub_structure = flatten(item)
            leaves.extend(sub_leaves)
            children.append(sub_structure)
        kind = "list" if isinstance(tree, list) else "tuple"
        return leaves, (kind, len(tree), tuple(children))
    return [tree], None


def unflatten(structure: Any, leaves: list[Any]) -> Any:
    """Inverse of :func:`flatten`."""
    return _build(structure, iter(leaves))


def _build(structure: Any, leaves: Any) -> Any:
    if structure is None:
        return next(leaves)
    kind, keys_or_len, children = structure
    built = [_build(child, leaves) for child in children]
    if kind == "dict":
        return dict(zip(keys_or_len, built))
    return built if kind == "list" else tuple(built)


def as_leaves(tree: Any, what: str) -> tuple[list[np.ndarray], Any]:
    """Flatten ``tree`` into arrays, checking each leaf is a real or complex float array."""
    leaves, structure = flatten(tree)
    if not leaves:
        raise ValueError(f"{what} is empty; give an array or a non-empty list/tuple/dict of arrays")
    arrays = []
    for leaf in leaves:
        array = np.asarray(leaf)
        if array.dtype.kind not in "fc":
            raise TypeError(
                f"{what} must hold floating-point arrays (float32, float64 or complex); "
                f"got dtype {array.dtype}; convert with .astype(float)"
            )
        arrays.append(array)
    return arrays, structure
