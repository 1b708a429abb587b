"""A gradient transformation from an elementwise rule: the plumbing every baseline shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import schedules as _schedules
from .._base import GradientTransformation
from .._tree import as_leaves, flatten, unflatten

__all__ = ["elementwise", "match_dtype", "Rule"]

#: A rule maps (lr, t, g, *state arrays) of one parameter array to (update, *new state arrays).
Rule = Callable[..., tuple]


def elementwise(
    name: str,
    learning_rate: _schedules.LearningRate,
    arguments: dict[str, Any],
    state_type: type[Any],  # a NamedTuple class: a count, then the state trees
    starts: tuple[float, ...],
    rule: Rule,
    real_only: bool = True,
) -> GradientTransformation:
    """Build the transformation that runs ``rule`` on every parameter array of a tree.

    The state is ``state_type(count, *arrays)``, one tree of arrays per entry of
    ``starts`` (its start value), each like the parameters.

    Parameters
    ----------
    name : str
        The optimizer's name, for ``settings``.
    learning_rate : float or callable
        A rate or a schedule ``t -> rate``.
    arguments : dict
        The optimizer's other arguments, for ``settings``.
    state_type : type
        The state's NamedTuple: a count, then one field per entry of ``starts``.
    starts : tuple of float
        The start value of each state array.
    rule : callable
        ``rule(lr, t, g, *state arrays) -> (update, *new state arrays)`` for one parameter array.
    real_only : bool, optional
        Refuse complex parameters: the adaptive rules square ``g``, and the libraries
        disagree on what that means for complex numbers.

    Returns
    -------
    GradientTransformation

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop.baselines import SGDState
    >>> opt = elementwise("sgd", 0.5, {}, SGDState, (), lambda lr, t, g: (-lr * g,))
    >>> opt.update(np.array([2.0]), opt.init(np.zeros(1)))[0]
    array([-1.])
    """
    schedule = _schedules.as_schedule(learning_rate)

    def init(params: Any) -> Any:
        leaves, structure = as_leaves(params, "params")
        if real_only:
            for i, p in enumerate(leaves):
                if np.iscomplexobj(p):
                    raise TypeError(
                        f"{name} takes real parameters; params[{i}] is {p.dtype} (rmsprop.rmsprop takes complex)"
                    )
        return state_type(0, *(unflatten(structure, [np.full_like(p, start) for p in leaves]) for start in starts))

    def update(grads: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        if not isinstance(state, state_type):
            raise TypeError(
                f"{name}'s update needs the {state_type.__name__} made by its init; got {type(state).__name__}"
            )
        g_leaves, structure = as_leaves(grads, "grads")
        arrays = [flatten(tree) for tree in state[1:]]
        if arrays:
            like, like_structure = arrays[0]
        elif params is not None:
            like, like_structure = as_leaves(params, "params")
        else:
            like, like_structure = [None] * len(g_leaves), structure
        if structure != like_structure:
            raise ValueError(
                "grads must have the structure of the params the state was made for "
                f"({len(like)} array(s)); got {len(g_leaves)} array(s) or other keys/nesting"
            )
        t = state.count
        lr = _schedules.evaluate(schedule, t)
        results = []
        for i, (g, p) in enumerate(zip(g_leaves, like)):
            g = g if p is None else match_dtype(g, p, i)
            results.append([np.asarray(a) for a in rule(lr, t, g, *(leaves[i] for leaves, _ in arrays))])
        columns = [unflatten(structure, list(column)) for column in zip(*results)]
        return columns[0], state_type(t + 1, *columns[1:])

    return GradientTransformation(init, update, {"name": name, "learning_rate": learning_rate, **arguments})


def match_dtype(g: np.ndarray, like: np.ndarray, index: int) -> np.ndarray:
    """Return the gradient ``g`` in the dtype of its parameter ``like``, or a clear error.

    Parameters
    ----------
    g, like : numpy.ndarray
        A gradient array and its parameter.
    index : int
        The array's place in the tree, for the message.

    Returns
    -------
    numpy.ndarray
        ``g`` as ``like``'s dtype (no copy when it already is).

    Raises
    ------
    ValueError
        When the shapes differ.

    Examples
    --------
    >>> import numpy as np
    >>> match_dtype(np.array([1, 2]), np.zeros(2, np.float32), 0).dtype
    dtype('float32')
    """
    if g.shape != like.shape:
        raise ValueError(f"grads[{index}] has shape {g.shape} but its parameter has shape {like.shape}")
    if np.iscomplexobj(g) and not np.iscomplexobj(like):
        raise TypeError(f"grads[{index}] is complex but its parameter is real ({like.dtype})")
    return g.astype(like.dtype, copy=False)
