"""The functional interface shared by RMSprop and every other optimizer here.

As in Optax, an optimizer is a pair of pure functions:

* ``init(params) -> state``
* ``update(grads, state, params=None) -> (updates, state)``

and the new parameters are ``apply_updates(params, updates)``, i.e.
``params + updates`` leaf by leaf. State is a small NamedTuple of arrays and
counters that can be printed, saved and compared.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, NamedTuple

import numpy as np

from ._tree import flatten, unflatten

__all__ = ["GradientTransformation", "apply_updates"]


class GradientTransformation(NamedTuple):
    """``init``, ``update`` and the ``settings`` they were built with (for legends and saving)."""

    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]
    settings: Mapping[str, Any] = {}


def apply_updates(params: Any, updates: Any) -> Any:
    """Return ``params + updates``, leaf by leaf, keeping each parameter's dtype."""
    param_leaves, structure = flatten(params)
    update_leaves, update_structure = flatten(updates)
    if structure != update_structure:
        raise ValueError("params and updates must have the same structure (same nesting, keys and lengths)")
    new = []
    for p, u in zip(param_leaves, update_leaves):
        p = np.asarray(p)
        new.append(np.asarray(p + u, dtype=p.dtype))
    return unflatten(structure, new)

