"""Parameter trees: a NumPy array, or a (nested) list / tuple / dict of arrays.

The optimizer works leaf by leaf. These helpers flatten a tree into its leaves
and rebuild it, so that the update rule is written once for a single array.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["flatten", "unflatten", "as_leaves"]


def flatten(tree: Any) -> tuple[list[Any], Any]:
    """Split a tree into its leaves and its structure; dict keys are visited in sorted order.

    Parameters
    ----------
    tree : array_like or list or tuple or dict
        A leaf (anything that is not a list, tuple or dict: an array, a number,
        ``None``), or a (nested) list, tuple or dict of trees.

    Returns
    -------
    leaves : list
        The leaves, depth first, each dict's keys in sorted order.
    structure : tuple or None
        What :func:`unflatten` needs to rebuild the tree: ``None`` for a leaf,
        ``("dict", keys, children)``, ``("list", length, children)`` or
        ``("tuple", length, children)`` otherwise. Two trees of the same shape have
        equal structures.

    Examples
    --------
    >>> leaves, structure = flatten({"b": [1.0, 2.0], "a": 3.0})
    >>> leaves
    [3.0, 1.0, 2.0]
    >>> structure
    ('dict', ('a', 'b'), (None, ('list', 2, (None, None))))
    """
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
    """Rebuild a tree from its structure and leaves: the inverse of :func:`flatten`.

    Parameters
    ----------
    structure : tuple or None
        The structure :func:`flatten` returned.
    leaves : list
        The leaves, in :func:`flatten`'s order (as many as the structure holds).

    Returns
    -------
    object
        The tree: ``leaves[0]`` for a single leaf, else the nested lists, tuples and
        dicts of the structure holding the new leaves.

    Examples
    --------
    >>> leaves, structure = flatten({"b": [1.0, 2.0], "a": 3.0})
    >>> unflatten(structure, [10.0, 20.0, 30.0])
    {'a': 10.0, 'b': [20.0, 30.0]}
    """
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
    """Flatten ``tree`` into arrays, checking each leaf is a real or complex float array.

    Parameters
    ----------
    tree : array_like or list or tuple or dict
        A parameter tree (see :func:`flatten`).
    what : str
        What the tree is, for the messages (``"params"``, ``"grads"``).

    Returns
    -------
    arrays : list of numpy.ndarray
        The leaves as arrays (``np.asarray``: no copy of an array), in
        :func:`flatten`'s order.
    structure : tuple or None
        The tree's structure, as :func:`flatten` returns it.

    Raises
    ------
    ValueError
        If the tree has no leaves (an empty list, tuple or dict).
    TypeError
        If a leaf is not of a floating dtype (float16/32/64 or complex); integers
        are refused rather than silently converted.

    Examples
    --------
    >>> import numpy as np
    >>> arrays, structure = as_leaves([np.zeros(2), np.ones(1, np.float32)], "params")
    >>> [a.dtype.name for a in arrays], structure
    (['float64', 'float32'], ('list', 2, (None, None)))
    >>> as_leaves([np.arange(3)], "params")
    Traceback (most recent call last):
    ...
    TypeError: params must hold floating-point arrays (float32, float64 or complex); got dtype int64;
    convert with .astype(float)
    """
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
