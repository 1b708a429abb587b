"""The inputs of :func:`rmsprop.minimize_many`, checked: the starts, the settings of every run, the memory.

The settings are checked as :class:`rmsprop.Settings` checks one run's, for every run, and
spread over the runs as float64 arrays (or a shared schedule).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .rule.settings import DEFAULT_LEARNING_RATE, OPTION_NAMES, Settings

__all__ = [
    "checked_starts",
    "physical_memory",
    "trajectory_error",
    "check_trajectory_size",
    "BatchSettings",
    "batch_settings",
    "check_settings",
    "flavor_rule",
    "per_run_values",
]

#: The settings that :func:`rmsprop.minimize_many` takes one per run.
SETTINGS = ("learning_rate", "decay", "eps")


def checked_starts(x0s: Any) -> np.ndarray:
    """``x0s`` as a C-contiguous (B, d) float32 or float64 copy, or a clear error.

    Parameters
    ----------
    x0s : array_like
        The starts, one per row, shape (B, d); real numbers, all finite.

    Returns
    -------
    numpy.ndarray
        A new C-contiguous array of shape (B, d): float32 if ``x0s`` is float32, else
        float64.

    Raises
    ------
    TypeError
        If ``x0s`` does not hold real numbers.
    ValueError
        If ``x0s`` is not an array, is not 2-D, is empty, holds a value that is not
        finite, or is larger than this machine's memory.

    Examples
    --------
    >>> import numpy as np
    >>> checked_starts([[1, 2], [3, 4]])
    array([[1., 2.],
           [3., 4.]])
    >>> checked_starts(np.zeros((2, 3), dtype=np.float32)).dtype
    dtype('float32')
    >>> checked_starts([1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: x0s must have shape (B, d), one start per row; got shape (2,)
    >>> checked_starts([[np.nan, 1.0]])
    Traceback (most recent call last):
    ...
    ValueError: x0s must be finite; row 0 is [nan, 1.0]
    """
    memory = physical_memory()
    if isinstance(x0s, np.ndarray) and memory is not None and x0s.size * 8 > memory:  # e.g. a broadcast view
        raise ValueError(
            f"x0s of shape {x0s.shape} needs {x0s.size * 8 / 2**30:.3g} GiB for each copy of the "
            f"starts, more than this machine's {memory / 2**30:.3g} GiB; give fewer or shorter rows"
        )
    try:
        x = np.array(x0s, copy=True)
    except (TypeError, ValueError) as error:
        got = f"{type(x0s).__name__} {x0s!r:.60}"
        raise ValueError(f"x0s must be an array of starts, shape (B, d); got {got}") from error
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x0s must hold real numbers; got dtype {x.dtype}")
    if x.ndim != 2:
        raise ValueError(f"x0s must have shape (B, d), one start per row; got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"x0s is empty (shape {x.shape}); give at least one start with at least one coordinate")
    x = np.ascontiguousarray(x, dtype=np.float32 if x.dtype == np.float32 else np.float64)
    finite = np.isfinite(x).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise ValueError(f"x0s must be finite; row {row} is {x[row].tolist()}")
    return x


def physical_memory() -> int | None:
    """This machine's memory in bytes, where the system tells it.

    Returns
    -------
    int or None
        ``SC_PHYS_PAGES * SC_PAGE_SIZE``, or ``None`` where ``os.sysconf`` cannot tell.

    Examples
    --------
    >>> physical_memory() is None or physical_memory() > 2**20
    True
    """
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - Windows has no sysconf
        return None


def trajectory_error(runs: int, maxiter: int, dim: int, need: float, memory: int | None) -> ValueError:
    """The error for trajectories too large to keep: what they need, and what to lower.

    Parameters
    ----------
    runs : int
        The number of runs, B.
    maxiter : int
        The iterations per run (the trajectories keep ``maxiter + 1`` iterates).
    dim : int
        The coordinates per start, d.
    need : float
        The bytes the trajectories need.
    memory : int or None
        This machine's memory in bytes (:func:`physical_memory`), or ``None`` if unknown.

    Returns
    -------
    ValueError
        The error, to raise (it is returned, not raised).

    Examples
    --------
    >>> trajectory_error(10, 99, 2, 3 * 2**30, 2**30)
    ValueError("trajectories=True needs 3 GiB for path_x and path_fun (10 run(s) x 100 iterates x
    2 coordinate(s)), more than this machine's 1 GiB; lower maxiter or the number of runs, or leave
    trajectories=False")
    """
    have = "" if memory is None else f", more than this machine's {memory / 2**30:.3g} GiB"
    return ValueError(
        f"trajectories=True needs {need / 2**30:.3g} GiB for path_x and path_fun ({runs} run(s) x "
        f"{maxiter + 1} iterates x {dim} coordinate(s)){have}; lower maxiter or the number of runs, "
        "or leave trajectories=False"
    )


def check_trajectory_size(runs: int, dim: int, maxiter: int, dtype: np.dtype) -> None:
    """Refuse trajectories that cannot fit in memory, before any work (a ValueError, not a MemoryError).

    Parameters
    ----------
    runs : int
        The number of runs, B.
    dim : int
        The coordinates per start, d.
    maxiter : int
        The iterations per run (the trajectories keep ``maxiter + 1`` iterates).
    dtype : numpy.dtype
        The iterates' dtype (each value of ``path_fun`` takes 8 bytes more).

    Raises
    ------
    ValueError
        If ``path_x`` and ``path_fun`` would need more than this machine's memory
        (:func:`trajectory_error`); where the memory is unknown, nothing is refused.

    Examples
    --------
    >>> import numpy as np
    >>> check_trajectory_size(4, 2, 100, np.dtype(np.float64)) is None  # under 10 KiB: kept
    True
    >>> check_trajectory_size(10**6, 10**6, 10**6, np.dtype(np.float64))  # some 7 EiB: refused
    Traceback (most recent call last):
    ...
    ValueError: trajectories=True needs 7.45e+09 GiB for path_x and path_fun (...), more than this machine's ...
    """
    need = float(runs) * (maxiter + 1) * (dim * dtype.itemsize + 8)
    memory = physical_memory()
    if memory is not None and need > memory:
        raise trajectory_error(runs, maxiter, dim, need, memory)


class BatchSettings(NamedTuple):
    """The checked settings: per-run float64 arrays, or a shared schedule, and the shared options.

    Made by :func:`batch_settings`.

    Parameters
    ----------
    learning_rate : numpy.ndarray or None
        (B,) float64, read-only (maybe a broadcast scalar); ``None`` with a schedule.
    schedule : callable or None
        The shared learning-rate schedule, ``step -> rate``; ``None`` with a rate.
    decay : numpy.ndarray
        (B,) float64, read-only.
    eps : numpy.ndarray
        (B,) float64, read-only.
    rule : Settings
        The rule's checked settings (those of the first run).
    options : dict
        The options as given, for building the rule again.
    per_run : frozenset of str
        The names among ``learning_rate``, ``decay``, ``eps`` given one value per run.

    Examples
    --------
    >>> settings = batch_settings(0.1, [0.5, 0.9], None, {}, 2)
    >>> settings.decay, settings.learning_rate, settings.per_run
    (array([0.5, 0.9]), array([0.1, 0.1]), frozenset({'decay'}))
    >>> settings.rule.decay
    0.5
    """

    learning_rate: np.ndarray | None  # (B,) float64 (read-only, maybe a broadcast scalar), None with a schedule
    schedule: Callable[[int], float] | None
    decay: np.ndarray  # (B,) float64, read-only
    eps: np.ndarray  # (B,) float64, read-only
    rule: Settings  # the rule's checked settings (those of the first run)
    options: dict  # the options as given, for building the rule again
    per_run: frozenset  # the names among learning_rate, decay, eps given one value per run


def batch_settings(
    learning_rate: Any, decay: Any, eps: Any, options: dict, runs: int, flavor: str | None = None
) -> BatchSettings:
    """Check the settings as :func:`rmsprop.rmsprop` does, for every run, and spread them over the runs.

    Scalars and the first value of each array are checked by building the rule once; the
    arrays are then checked all at once, and the first run with a bad value is built too,
    to raise :func:`rmsprop.rmsprop`'s own error. With a ``flavor``, each distinct
    combination of the runs' values is built as that flavor (:func:`flavor_rule`), which
    checks it with the flavor's messages and gives the rule's numbers of the run (Keras,
    for one, rounds the learning rate to float32).

    Parameters
    ----------
    learning_rate : float, array_like, callable or None
        The rate of every run, one per run, or a schedule shared by all (``None``: the
        default rate).
    decay, eps : float, array_like or None
        The value of every run, or one per run (``None``: the rule's default).
    options : dict
        The other options of :func:`rmsprop.rmsprop`, shared by the runs.
    runs : int
        The number of runs, B.
    flavor : str or None, optional
        A name of :data:`rmsprop.compat.FLAVORS`: the settings and options are that
        flavor's (named as in :func:`rmsprop.rmsprop`, unset ones take the flavor's
        defaults); ``None`` (default) for the rule itself.

    Returns
    -------
    BatchSettings
        The settings, spread over the ``runs`` runs.

    Raises
    ------
    TypeError
        If a setting or option is of the wrong type, or an option is unknown (the
        rule's message, or :func:`per_run_values`').
    ValueError
        If a value of some run is out of range, or an array is not of length 1 or
        ``runs`` (the rule's message, or :func:`per_run_values`').

    Examples
    --------
    >>> settings = batch_settings(0.1, [0.5, 0.9], None, {}, 2)
    >>> settings.decay, settings.eps
    (array([0.5, 0.9]), array([1.e-08, 1.e-08]))
    >>> batch_settings(lambda step: 0.1, 0.9, None, {}, 2).learning_rate is None
    True
    >>> batch_settings(0.1, [0.5, 1.5], None, {}, 2)
    Traceback (most recent call last):
    ...
    ValueError: Invalid decay: 1.5; allowed: [0, 1)

    A flavor's defaults and its own rounding (Keras's float32 learning rate):

    >>> settings = batch_settings([0.1, 0.2], None, None, {}, 2, flavor="keras")
    >>> settings.learning_rate.tolist(), settings.decay.tolist(), settings.eps.tolist(), settings.rule.arithmetic
    ([0.10000000149011612, 0.20000000298023224], [0.9, 0.9], [1e-07, 1e-07], 'keras_torch')
    """
    if learning_rate is None and flavor is None:
        learning_rate = DEFAULT_LEARNING_RATE
    schedule = learning_rate if callable(learning_rate) else None
    given = {"learning_rate": learning_rate, "decay": decay, "eps": eps}
    arrays = {
        name: per_run_values(name, value, runs)
        for name, value in given.items()
        if value is not None and not callable(value) and np.ndim(value) > 0
    }
    first = {name: arrays[name][0] if name in arrays else value for name, value in given.items()}
    if flavor is not None:
        return _flavor_settings(flavor, given, arrays, schedule, options, runs)
    rule = rule_of(first, options)

    def spread(name: str) -> np.ndarray:
        return arrays[name] if name in arrays else np.broadcast_to(float(getattr(rule, name)), (runs,))

    lr = None if schedule is not None else spread("learning_rate")
    decays, epsilons = spread("decay"), spread("eps")
    with np.errstate(invalid="ignore"):
        good = np.isfinite(decays) & (decays >= 0.0) & (decays < 1.0) & np.isfinite(epsilons)
        good &= epsilons > 0.0 if rule.initial_scale == 0.0 else epsilons >= 0.0
        if lr is not None:
            good &= np.isfinite(lr) & (lr >= 0.0)
    if not good.all():
        row = int(np.flatnonzero(~good)[0])
        values = {name: float(arrays[name][row]) if name in arrays else first[name] for name in given}
        rule_of(values, options)  # raises the rule's message
        raise ValueError(f"invalid learning_rate, decay or eps for run {row}: {values}")
    return BatchSettings(lr, schedule, decays, epsilons, rule, dict(options), frozenset(arrays))


def _flavor_settings(flavor: str, given: dict, arrays: dict, schedule: Any, options: dict, runs: int) -> BatchSettings:
    """:func:`batch_settings` for a flavor: each distinct combination of per-run values built as the flavor."""
    first = {name: arrays[name][0] if name in arrays else value for name, value in given.items()}
    rule = flavor_rule(flavor, first, options)
    shared = tuple(getattr(rule, name) for name in OPTION_NAMES)
    spread = {
        name: np.broadcast_to(float(getattr(rule, name)), (runs,)) for name in SETTINGS if name != "learning_rate"
    }
    if schedule is None:
        spread["learning_rate"] = np.broadcast_to(float(rule.learning_rate), (runs,))
    names = [name for name in SETTINGS if name in arrays]
    if names:
        table = np.stack([arrays[name] for name in names], axis=1)
        distinct, inverse = np.unique(table, axis=0, return_inverse=True)
        mapped = np.empty(distinct.shape)
        for i, row in enumerate(distinct.tolist()):
            run = flavor_rule(flavor, {**given, **dict(zip(names, row))}, options)
            if tuple(getattr(run, name) for name in OPTION_NAMES) != shared:  # pragma: no cover - no flavor does
                raise ValueError(f"flavor {flavor}: its options change with {', '.join(names)}; run it with minimize")
            mapped[i] = [float(getattr(run, name)) for name in names]
        for k, name in enumerate(names):
            spread[name] = mapped[inverse.reshape(-1), k]
    lr = None if schedule is not None else spread["learning_rate"]
    return BatchSettings(lr, schedule, spread["decay"], spread["eps"], rule, dict(options), frozenset(arrays))


def flavor_rule(flavor: str, given: dict, options: dict) -> Settings:
    """The rule's settings of one run of flavor ``flavor``, with the flavor's messages.

    The run's optimizer is ``rmsprop.compat.configure(flavor, **given, **options)``; this is
    its ``rule``, the :class:`rmsprop.Settings` whose step it takes.

    Parameters
    ----------
    flavor : str
        A name of :data:`rmsprop.compat.FLAVORS`.
    given : dict
        ``learning_rate``, ``decay`` and ``eps`` of the run (a ``None`` is left unset: the
        flavor's default).
    options : dict
        The flavor's other settings, named as in :func:`rmsprop.rmsprop`.

    Returns
    -------
    Settings
        The settings of the rule that the flavor's optimizer is.

    Raises
    ------
    TypeError, ValueError
        As :func:`rmsprop.compat.configure` raises them; a ValueError too where the flavor
        does more than the rule (Keras's clipping, in its own formulas and float32), which
        ``minimize`` alone runs.

    Examples
    --------
    >>> rule = flavor_rule("torch", {"learning_rate": 0.1, "decay": None}, {"momentum": 0.9})
    >>> rule.decay, rule.eps_in_sqrt, rule.momentum, rule.arithmetic
    (0.99, False, 0.9, 'torch')
    >>> flavor_rule("keras", {"learning_rate": 0.1}, {"clip_norm": 1.0})
    Traceback (most recent call last):
    ...
    ValueError: flavor keras with clip_norm=1.0 does more than the rule (Keras's clipping: ...
    """
    from . import compat

    optimizer = compat.configure(flavor, **{k: v for k, v in given.items() if v is not None}, **options)
    if optimizer.rule is None:
        shown = ", ".join(f"{name}={value!r}" for name, value in options.items()) or "its defaults"
        raise ValueError(
            f"flavor {flavor} with {shown} does more than the rule (Keras's clipping: its own formulas, in "
            f"float32), which minimize_many does not run; run rmsprop.minimize(..., "
            f"optimizer=rmsprop.compat.configure({flavor!r}, ...)) per start"
        )
    return optimizer.rule


def rule_of(given: dict, options: dict) -> Settings:
    """The rule's checked settings of one run, with the messages of :class:`rmsprop.Settings`.

    Parameters
    ----------
    given : dict
        ``learning_rate``, ``decay`` and ``eps`` of the run (a ``None`` is left unset).
    options : dict
        The other options of :func:`rmsprop.rmsprop`.

    Returns
    -------
    Settings
        The run's settings, checked.

    Raises
    ------
    TypeError
        If a setting or option is of the wrong type, or an option is unknown.
    ValueError
        If a setting or option is out of range.

    Examples
    --------
    >>> settings = rule_of({"learning_rate": 0.1, "decay": None}, {"centered": True})
    >>> settings.learning_rate, settings.decay, settings.centered
    (0.1, 0.9, True)
    >>> rule_of({"decay": 2.0}, {})
    Traceback (most recent call last):
    ...
    ValueError: Invalid decay: 2.0; allowed: [0, 1)
    """
    return Settings.build("minimize_many", **{k: v for k, v in given.items() if v is not None}, **options)


def check_settings(learning_rate: Any, decay: Any, eps: Any, options: dict, runs: int) -> None:
    """Check the settings of ``runs`` runs as :func:`minimize_many` will: its TypeError or ValueError, or nothing.

    Parameters
    ----------
    learning_rate, decay, eps : float, array_like or None
        As :func:`minimize_many` takes them (``None``: unset).
    options : dict
        The other options of :func:`rmsprop.rmsprop`.
    runs : int
        The number of runs, B.

    Examples
    --------
    >>> check_settings(0.1, [0.5, 0.9], None, {}, 2)
    >>> check_settings(0.1, [0.5, 0.9, 0.99], None, {}, 2)
    Traceback (most recent call last):
    ...
    ValueError: decay must be a scalar or a 1-D array of length 2 (one value per run); got shape (3,)
    """
    batch_settings(learning_rate, decay, eps, options, runs)


def per_run_values(name: str, value: Any, runs: int) -> np.ndarray:
    """A 1-D array of settings as float64 of length ``runs`` (a length-1 array is spread).

    Parameters
    ----------
    name : str
        The setting's name, for the messages.
    value : array_like
        One value per run, or one for all (a length-1 array).
    runs : int
        The number of runs, B.

    Returns
    -------
    numpy.ndarray
        (``runs``,) float64, read-only (a broadcast view where one value is spread).

    Raises
    ------
    TypeError
        If ``value`` does not hold real numbers.
    ValueError
        If ``value`` is not 1-D of length 1 or ``runs``.

    Examples
    --------
    >>> per_run_values("decay", [0.9], 3)
    array([0.9, 0.9, 0.9])
    >>> per_run_values("decay", [0.5, 0.9, 0.99], 3)
    array([0.5 , 0.9 , 0.99])
    >>> per_run_values("decay", [0.5, 0.9], 3)
    Traceback (most recent call last):
    ...
    ValueError: decay must be a scalar or a 1-D array of length 3 (one value per run); got shape (2,)
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a number or a 1-D array of numbers, one per run; got {value!r:.60}") from error
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a number or a 1-D array of real numbers, one per run; got dtype {array.dtype}")
    if array.ndim != 1 or array.shape[0] not in (1, runs):
        raise ValueError(
            f"{name} must be a scalar or a 1-D array of length {runs} (one value per run); got shape {array.shape}"
        )
    return np.broadcast_to(array.astype(np.float64), (runs,))
