"""The functional interface shared by RMSprop and every other optimizer here.

As in Optax, an optimizer is a pair of pure functions:

* ``init(params) -> state``
* ``update(grads, state, params=None) -> (updates, state)``

and the new parameters are ``apply_updates(params, updates)``, i.e.
``params + updates`` leaf by leaf. State is a small NamedTuple of arrays and
counters that can be printed, saved and compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ._tree import flatten, unflatten

if TYPE_CHECKING:
    from .rule.settings import Settings

__all__ = ["GradientTransformation", "ChainState", "apply_updates", "chain"]


class GradientTransformation(NamedTuple):
    """An optimizer: ``init``, ``update`` and the ``settings`` they were built with (for legends and saving).

    Parameters
    ----------
    init : callable
        ``init(params) -> state``: the optimizer's state for a parameter tree.
    update : callable
        ``update(grads, state, params=None) -> (updates, state)``: the updates to add
        to the parameters (:func:`apply_updates`) and the next state.
    settings : mapping, optional
        The settings the optimizer was built with, ``{"name": ..., <its arguments>}``;
        default ``{}``.
    update_in_place : callable or None, optional
        ``update_in_place(grads, state, params) -> state``, where given, is ``update``
        followed by ``params += updates`` with the state's arrays overwritten: the same
        numbers without the temporaries (:class:`rmsprop.RMSprop` uses it). Default
        ``None``.
    rule : Settings or None, optional
        Where given, ``update`` is on real arrays exactly the step of :func:`rmsprop.rmsprop`
        with these settings (its numbers, bit for bit), so an engine that runs the rule
        itself, such as the compiled engine of :func:`rmsprop.minimize_many`, may run it
        instead. :func:`rmsprop.rmsprop` and the flavors of :mod:`rmsprop.compat` that are
        the rule set it; default ``None`` (an optimizer of its own).

    Examples
    --------
    A transformation that halves the gradients and keeps no state:

    >>> import numpy as np
    >>> halve = GradientTransformation(init=lambda params: (),
    ...                                update=lambda grads, state, params=None: (grads / 2, state),
    ...                                settings={"name": "halve"})
    >>> updates, state = halve.update(np.array([1.0, -2.0]), halve.init(np.zeros(2)))
    >>> updates
    array([ 0.5, -1. ])
    >>> halve.settings, halve.update_in_place, halve.rule
    ({'name': 'halve'}, None, None)
    """

    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]
    settings: Mapping[str, Any] = {}
    update_in_place: Callable[..., Any] | None = None
    rule: Settings | None = None


def apply_updates(params: Any, updates: Any) -> Any:
    """Return ``params + updates``, leaf by leaf, keeping each parameter's dtype.

    Parameters
    ----------
    params : array_like or list or tuple or dict
        The parameter tree (see :mod:`rmsprop._tree`).
    updates : array_like or list or tuple or dict
        A tree of the same structure, each leaf of its parameter's shape: the updates
        of an optimizer's ``update``.

    Returns
    -------
    array_like or list or tuple or dict
        A new tree of the structure of ``params``; each leaf is a new array of its
        parameter's dtype (float32 parameters stay float32).

    Raises
    ------
    ValueError
        If the two trees differ in structure, or a leaf of ``updates`` has another
        shape than its parameter.

    Examples
    --------
    >>> import numpy as np
    >>> apply_updates(np.array([1.0, 2.0]), np.array([0.5, -0.5]))
    array([1.5, 1.5])
    >>> apply_updates({"w": np.ones(2, np.float32)}, {"w": np.array([0.25, 0.5])})
    {'w': array([1.25, 1.5 ], dtype=float32)}
    """
    if type(params) is np.ndarray and type(updates) is np.ndarray and updates.shape == params.shape:
        return np.asarray(params + updates, dtype=params.dtype)  # one array: the leaf's numbers, without the trees
    param_leaves, structure = flatten(params)
    update_leaves, update_structure = flatten(updates)
    if structure != update_structure:
        raise ValueError("params and updates must have the same structure (same nesting, keys and lengths)")
    new = []
    for i, (p, u) in enumerate(zip(param_leaves, update_leaves)):
        p = np.asarray(p)
        if np.shape(u) != p.shape:
            raise ValueError(
                f"updates[{i}] has shape {np.shape(u)} but params[{i}] has shape {p.shape}; they must match"
            )
        new.append(np.asarray(p + u, dtype=p.dtype))
    return unflatten(structure, new)


class ChainState(NamedTuple):
    """The states of the transformations of a :func:`chain`, in order.

    Parameters
    ----------
    inner : tuple
        One state per transformation of the chain, in the chain's order.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import baselines
    >>> chain(baselines.sgd(0.1), baselines.sgd(0.2)).init(np.zeros(2))
    ChainState(inner=(SGDState(count=0), SGDState(count=0)))
    """

    inner: tuple


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply ``transforms`` one after another: each one's updates are the next one's input.

    As Optax's ``chain``: ``update`` passes ``params`` to every link.

    Parameters
    ----------
    *transforms : GradientTransformation
        One or more transformations, applied in this order.

    Returns
    -------
    GradientTransformation
        Its state is a :class:`ChainState` of the links' states; its ``settings`` are
        the links' settings merged in order (a later link's value wins); it has no
        ``update_in_place`` and no ``rule``.

    Raises
    ------
    TypeError
        If no transformation is given, or one is not a :class:`GradientTransformation`.

    Examples
    --------
    Halve the gradients, then take a plain gradient step with rate 0.1:

    >>> import numpy as np
    >>> from rmsprop import baselines
    >>> halve = GradientTransformation(lambda params: (), lambda grads, state, params=None: (grads / 2, state),
    ...                                {"halved": True})
    >>> opt = chain(halve, baselines.sgd(0.1))
    >>> updates, state = opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))
    >>> updates
    array([-0.05,  0.1 ])
    >>> opt.settings
    {'halved': True, 'name': 'sgd', 'learning_rate': 0.1}
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
