"""A stateful optimizer over a list of NumPy arrays, in the manner of ``torch.optim``.

It holds the arrays, calls the functional rule of :mod:`rmsprop._rmsprop` (or
any other :class:`~rmsprop.GradientTransformation`) and writes the result back
in place, so ``x += update`` is the same arithmetic as ``apply_updates``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._base import GradientTransformation
from ._rmsprop import RENAMED_STATE_FIELDS, RMSpropState, resolve_optimizer

__all__ = ["RMSprop"]

#: 2 since RMSpropState's fields took the rule's letters (1 named them nu, mu, momentum; still read).
STATE_DICT_FORMAT = 2


class RMSprop:
    """RMSprop that updates ``params`` in place.

    ``learning_rate`` (default 0.01), ``decay`` (0.9), ``eps`` (1e-8) and every
    option of :func:`rmsprop.rmsprop` are accepted, or ``optimizer=`` any gradient
    transformation instead (for example a flavor from :mod:`rmsprop.compat`).

    Parameters
    ----------
    params : numpy.ndarray or sequence of numpy.ndarray
        The parameters, writable floating-point arrays, updated in place at each step.
    learning_rate, decay, eps : optional
        The settings of :func:`rmsprop.rmsprop`; unset, its defaults (the rate 0.01).
    optimizer : GradientTransformation, optional
        A transformation to use instead of the settings.
    **options
        The other options of :func:`rmsprop.rmsprop`.

    Raises
    ------
    TypeError
        If ``params`` is not an array or a list of arrays, a parameter is not a
        floating-point NumPy array, or a setting is unknown or of the wrong type.
    ValueError
        If ``params`` is empty or read-only, a setting is out of range, or both
        ``optimizer`` and settings are given.

    Examples
    --------
    The seed's first step:

    >>> import numpy as np, rmsprop
    >>> x = np.array([-4.0, 3.0])
    >>> opt = rmsprop.RMSprop([x], learning_rate=0.1)
    >>> opt.step([np.array([10.0, 14.0]) * x])
    >>> x  # doctest: +ELLIPSIS
    array([-3.68377223,  2.68377223])
    >>> opt
    RMSprop(params=[(2,)], step=1)

    Another optimizer with the same settings continues from its ``state_dict``:

    >>> y = np.array([-4.0, 3.0])
    >>> other = rmsprop.RMSprop([y], learning_rate=0.1)
    >>> other.load_state_dict(opt.state_dict())
    >>> other.state.count, other.state.e
    (1, [array([160. , 176.4])])
    """

    def __init__(
        self,
        params: np.ndarray | Sequence[np.ndarray],
        learning_rate: Any = None,
        decay: float | None = None,
        eps: float | None = None,
        *,
        optimizer: GradientTransformation | None = None,
        **options: Any,
    ) -> None:
        self.optimizer = resolve_optimizer(optimizer, "RMSprop", learning_rate, decay, eps, **options)
        self.params = _as_param_list(params)
        self.state = self.optimizer.init(self.params)

    def step(self, grads: np.ndarray | Sequence[np.ndarray]) -> None:
        """One update of every parameter array, in place, from ``grads`` (same order and shapes).

        Nothing changes, neither the state nor any array, when a check fails.

        Parameters
        ----------
        grads : numpy.ndarray or sequence of numpy.ndarray
            One gradient per parameter array, in the same order and shapes.

        Raises
        ------
        TypeError
            If ``grads`` is not an array or a list of arrays, or a gradient is complex
            for a real parameter.
        ValueError
            If the number of gradients or a shape does not match the parameters.
        """
        if type(grads) is not list:  # a list, the usual case, is used as it is: a call costs at N = 1e3
            grads = _as_list(grads, "step() needs a NumPy array or a list of arrays, one per parameter")
        if len(grads) != len(self.params):
            raise ValueError(f"step() needs {len(self.params)} gradient array(s), one per parameter; got {len(grads)}")
        # Everything that can fail happens before the state or any array changes.
        if self.optimizer.update_in_place is not None:
            self.state = self.optimizer.update_in_place(grads, self.state, self.params)
            return
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if np.iscomplexobj(g) and not np.iscomplexobj(p):
                raise TypeError(f"grads[{i}] is complex but params[{i}] is real ({p.dtype})")
        updates, state = self.optimizer.update(grads, self.state, self.params)
        self.state = state
        for p, u in zip(self.params, updates):
            np.add(p, u, out=p, casting="same_kind")

    def state_dict(self) -> dict[str, Any]:
        """A copy of everything needed to continue: the state's arrays and counters, and the settings.

        Returns
        -------
        dict
            ``{"format": 2, "settings": {...}, "state": {field: value}}``, arrays copied.
        """
        return {
            "format": STATE_DICT_FORMAT,
            "settings": dict(self.optimizer.settings),
            "state": {name: _copy(value) for name, value in self.state._asdict().items()},
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue from ``state_dict``; it must come from an optimizer with the same settings and shapes.

        Parameters
        ----------
        state_dict : dict
            What :meth:`state_dict` returned; its arrays are copied. Format 1, whose
            RMSprop state named ``e``, ``m`` and ``b`` ``nu``, ``mu`` and ``momentum``, is
            read too.

        Raises
        ------
        ValueError
            If it is not a state dict of this format, its settings differ from this
            optimizer's, or its state's structure, shapes or dtypes do not match.
        """
        version = state_dict.get("format") if isinstance(state_dict, dict) else None
        if version not in (1, STATE_DICT_FORMAT):
            raise ValueError(f"not an RMSprop state_dict of format {STATE_DICT_FORMAT} (or 1)")
        _check_settings(state_dict.get("settings", {}), self.optimizer.settings)
        saved = state_dict.get("state")
        if version == 1 and isinstance(saved, dict) and isinstance(self.state, RMSpropState):
            saved = {RENAMED_STATE_FIELDS.get(name, name): value for name, value in saved.items()}
        current = self.state._asdict()
        if not isinstance(saved, dict) or set(saved) != set(current):
            raise ValueError(f"state_dict['state'] must have the fields {sorted(current)}")
        loaded = {name: _checked_like(name, saved[name], value) for name, value in current.items()}
        self.state = type(self.state)(**loaded)

    def __repr__(self) -> str:
        shapes = ", ".join(str(p.shape) for p in self.params)
        name = self.optimizer.settings.get("name", "?")
        rule = "" if name == "rmsprop" else f", optimizer={name}"
        return f"RMSprop(params=[{shapes}]{rule}, step={getattr(self.state, 'count', '?')})"


def _as_list(value: Any, expected: str) -> list:
    """``[value]`` for one array, ``list(value)`` for a list or tuple; else TypeError ``expected; got <type>``."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise TypeError(f"{expected}; got {type(value).__name__}")


def _as_param_list(params: Any) -> list[np.ndarray]:
    if _is_torch(params):
        raise TypeError(
            "params are PyTorch tensors: use rmsprop.torch.RMSprop(model.parameters(), lr=...) "
            "(pip install rmsprop[torch]); rmsprop.RMSprop steps NumPy arrays"
        )
    params = _as_list(params, "params must be a NumPy array or a list of arrays (RMSprop updates them in place)")
    if not params:
        raise ValueError("RMSprop needs at least one parameter array")
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray):
            raise TypeError(f"params[{i}] must be a NumPy array (it is updated in place); got {type(p).__name__}")
        if p.dtype.kind not in "fc":
            raise TypeError(f"params[{i}] must be a floating-point array; got dtype {p.dtype}")
        if not p.flags.writeable:
            raise ValueError(f"params[{i}] is read-only; RMSprop updates its parameters in place")
    return params


def _is_torch(params: Any) -> bool:
    """Whether ``params`` is a PyTorch tensor, or a list, tuple or generator of them (by module name: torch is not imported)."""
    if type(params).__name__ == "generator":
        first = next(params, None)  # model.parameters(); what is read of it is lost, but only an error follows
        return first is not None and _is_torch(first)
    if isinstance(params, (list, tuple)):
        return bool(params) and _is_torch(params[0])
    return type(params).__module__.split(".")[0] == "torch"


def _copy(value: Any) -> Any:
    """A deep copy of a state: arrays copied, containers (NamedTuples too) rebuilt, numbers and None kept."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        children = [_copy(item) for item in value]
        return type(value)(*children) if hasattr(value, "_fields") else tuple(children)
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value  # None, Python and NumPy scalars: immutable


def _check_settings(saved: Any, current: Mapping[str, Any]) -> None:
    if not isinstance(saved, dict):
        raise ValueError(f"state_dict['settings'] must be a dict of settings; got {type(saved).__name__}")
    for name, value in current.items():
        if callable(value) and not hasattr(value, "__dataclass_fields__"):
            continue  # a plain function cannot be compared across processes
        if name not in saved or saved[name] != value:
            raise ValueError(
                f"state_dict was saved with {name}={saved.get(name)!r} but this optimizer has {name}={value!r}"
            )


def _checked_like(name: str, saved: Any, current: Any) -> Any:
    """``saved`` checked against this optimizer's ``current`` state part, walked node by node, and copied.

    Containers must match in kind and length (NamedTuples are rebuilt as this optimizer's
    type), arrays and NumPy scalars in shape and dtype, counters in type and sign.
    """
    if current is None:
        if saved is not None:
            raise ValueError(f"state_dict field {name!r} must be None for this optimizer; got a {type(saved).__name__}")
        return None
    if isinstance(current, (bool, int, float)) and not isinstance(current, np.generic):
        if type(saved) is not type(current) and not (
            isinstance(current, int) and isinstance(saved, (int, np.integer)) and not isinstance(saved, bool)
        ):
            raise ValueError(
                f"state_dict field {name!r} must be {type(current).__name__}; got a {type(saved).__name__}"
            )
        if isinstance(current, int) and saved < 0:
            raise ValueError(f"state_dict field {name!r} must be >= 0; got {saved}")
        return int(saved) if isinstance(current, int) and not isinstance(current, bool) else saved
    if isinstance(current, (tuple, list)):
        kind = list if isinstance(current, list) else tuple  # a NamedTuple may come back as its own type
        if not isinstance(saved, kind) or len(saved) != len(current):
            raise ValueError(f"state_dict field {name!r} has a different structure from this optimizer's")
        children = [_checked_like(f"{name}[{i}]", s, c) for i, (s, c) in enumerate(zip(saved, current))]
        if hasattr(current, "_fields"):
            return type(current)(*children)
        return type(current)(children)
    if isinstance(current, dict):
        if not isinstance(saved, dict) or set(saved) != set(current):
            raise ValueError(f"state_dict field {name!r} has a different structure from this optimizer's")
        return {key: _checked_like(f"{name}[{key!r}]", saved[key], c) for key, c in current.items()}
    s, c = np.asarray(saved), np.asarray(current)
    if s.shape != c.shape or s.dtype != c.dtype:
        raise ValueError(
            f"state_dict field {name!r} has shape {s.shape} and dtype {s.dtype}; "
            f"this optimizer needs {c.shape} and {c.dtype}"
        )
    return s[()] if isinstance(current, np.generic) else np.array(s, copy=True)
