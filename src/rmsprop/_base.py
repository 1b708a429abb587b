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

__all__ = ["GradientTransformation", "ChainState", "apply_updates", "chain"]


class GradientTransformation(NamedTuple):
    """``init``, ``update`` and the ``settings`` they were built with (for legends and saving).

    ``update_in_place(grads, state, params) -> state``, where given, is ``update``
    followed by ``params += updates`` with the state's arrays overwritten: the same
    numbers without the temporaries (:class:`rmsprop.RMSprop` uses it).
    """

    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]
    settings: Mapping[str, Any] = {}
    update_in_place: Callable[..., Any] | None = None


def apply_updates(params: Any, updates: Any) -> Any:
    """Return ``params + updates``, leaf by leaf, keeping each parameter's dtype."""
    param_leaves, structure = flatten(params)
    update_leaves, update_structure = flatten(updates)
    if structure != update_structure:
        raise ValueError("params and updates must have the same structure (same nesting, keys and lengths)")
    new = []
    for i, (p, u) in enumerate(zip(param_leaves, update_leaves)):
        p = np.asarray(p)
        if np.shape(u) != p.shape:
            raise ValueError(f"updates[{i}] has shape {np.shape(u)} but params[{i}] has shape {p.shape}; they must match")
        new.append(np.asarray(p + u, dtype=p.dtype))
    return unflatten(structure, new)


class ChainState(NamedTuple):
    """The states of the transformations of a :func:`chain`, in order."""

    inner: tuple


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply ``transforms`` one after another: each one's updates are the next one's input.

    As Optax's ``chain``: ``update`` passes ``params`` to every link.
    """
    if not transforms or not all(isinstance(t, GradientTransformation) for t in transforms):
        raise TypeError("chain() needs one or more GradientTransformation objects")

    def init(params: Any) -> ChainState:
        return ChainState(tuple(t.init(params) for t in transforms))

    def update(updates: Any, state: ChainState, params: Any = None) -> tuple[Any, ChainState]:
        new_states = []
        for t, s in zip(transforms, state.inner):
            updates, s = t.update(updates, s, params)
            new_states.append(s)
        return updates, ChainState(tuple(new_states))

    settings: dict[str, Any] = {}
    for t in transforms:
        settings.update(t.settings)
    return GradientTransformation(init, update, settings)
