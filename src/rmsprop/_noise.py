r"""Stochastic gradients: additive Gaussian noise on the gradient the optimizer sees, from a seed.

At step ``t`` (from iterate ``x_t`` to ``x_{t+1}``) the optimizer is given

.. math::

    \tilde g_t = g_t + \sigma z_t \quad\text{(absolute)}, \qquad
    \tilde g_t = g_t + \sigma |g_t| \odot z_t \quad\text{(relative, elementwise)},

where ``g_t`` is the objective's gradient at ``x_t``, ``sigma`` the noise's ``scale`` and
``z_t ~ N(0, I_d)`` the ``t``-th draw of ``d`` numbers of ``numpy.random.default_rng(seed)``
(PCG64, ``standard_normal``, in float64), drawn in order, one draw per step. The sum is formed
in float64 as ``g + w`` or ``g + w * |g|`` with ``w = sigma * z`` (:func:`perturb`) and rounded
once to the iterate's dtype. ``standard_normal((k, d))`` gives the numbers of ``k`` draws of
``d``, so the engines draw chunks of steps at once (:class:`NoiseStream`) and every engine
sees the same numbers; relative noise is zero where the gradient is. A scale of ``0`` is no
noise: nothing is drawn, and the run is the noiseless run bit for bit.

The stopping test and the result's ``jac``, ``fun`` and paths use the objective's own
gradient and value at each iterate (the noisy gradient goes to the step only): a test on the
noisy gradient's norm would stop by chance, or never. Tieleman and Hinton (2012, lecture 6e)
introduced RMSprop for such minibatch gradients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import random_seed

__all__ = [
    "GradientNoise",
    "noise_of",
    "checked_seed",
    "row_seeds",
    "run_seeds",
    "perturb",
    "perturbed",
    "NoiseStream",
    "BATCH_DRAWS",
    "BatchStreams",
]


@dataclass(frozen=True)
class GradientNoise:
    r"""Additive Gaussian noise on the gradient: ``g + scale * z`` or, relative, ``g + scale * |g| * z``.

    ``z ~ N(0, I)`` is drawn anew at every step from the run's seed (see :mod:`rmsprop._noise`
    for the exact stream); ``noise=0.1`` in :func:`rmsprop.minimize` means
    ``GradientNoise(0.1)``.

    Parameters
    ----------
    scale : float
        The standard deviation ``sigma`` of each component's noise (absolute), or of its
        ratio to ``|g_i|`` (relative); finite, ``>= 0``. ``0`` is no noise.
    relative : bool, optional
        Scale each component's noise by ``|g_i|`` (default False: absolute).

    Raises
    ------
    TypeError
        If ``scale`` is not a real number or ``relative`` not a bool.
    ValueError
        If ``scale`` is negative or not finite.

    Examples
    --------
    >>> GradientNoise(0.5, relative=True)
    GradientNoise(scale=0.5, relative=True)
    >>> GradientNoise(-1.0)
    Traceback (most recent call last):
    ...
    ValueError: noise scale must be finite and >= 0; got -1.0
    """

    scale: float
    relative: bool = False

    def __post_init__(self) -> None:
        scale = self.scale
        if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)):
            raise TypeError(f"noise scale must be a real number; got {type(scale).__name__} {scale!r:.40}")
        if not (math.isfinite(scale) and scale >= 0):
            raise ValueError(f"noise scale must be finite and >= 0; got {float(scale)!r}")
        if not isinstance(self.relative, (bool, np.bool_)):
            raise TypeError(f"noise relative must be True or False; got {self.relative!r:.40}")
        object.__setattr__(self, "scale", float(scale))
        object.__setattr__(self, "relative", bool(self.relative))

    def describe(self) -> dict:
        """The noise as plain JSON data (for checkpoints and tables).

        Returns
        -------
        dict
            ``{"scale": float, "relative": bool}``.

        Examples
        --------
        >>> GradientNoise(0.1).describe()
        {'scale': 0.1, 'relative': False}
        """
        return {"scale": self.scale, "relative": self.relative}


def noise_of(noise: Any) -> GradientNoise | None:
    """The noise of a run, checked: ``None`` when it is off (``None`` or a scale of 0).

    Parameters
    ----------
    noise : None, float or GradientNoise
        ``None`` (no noise), a scale (absolute noise) or a :class:`GradientNoise`.

    Returns
    -------
    GradientNoise or None
        The noise, or ``None`` for none.

    Raises
    ------
    TypeError, ValueError
        As :class:`GradientNoise` raises them.

    Examples
    --------
    >>> noise_of(0.1)
    GradientNoise(scale=0.1, relative=False)
    >>> noise_of(0.0) is None, noise_of(None) is None
    (True, True)
    >>> noise_of("lots")
    Traceback (most recent call last):
    ...
    TypeError: noise must be a number (absolute scale), a GradientNoise or None; got str 'lots'
    """
    if noise is None:
        return None
    if not isinstance(noise, GradientNoise):
        if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
            raise TypeError(
                f"noise must be a number (absolute scale), a GradientNoise or None; got {type(noise).__name__} "
                f"{noise!r:.40}"
            )
        noise = GradientNoise(float(noise))
    return noise if noise.scale > 0 else None


def checked_seed(seed: Any, noise: Any) -> int:
    """The seed of a run's noise, checked: an integer ``>= 0``; ``None`` is 0 (every run reproducible).

    Parameters
    ----------
    seed : int or None
        The seed given.
    noise : object
        The ``noise`` argument as given: a seed given without it (``None``) is refused, as it
        would do nothing (with a scale of 0 it is taken: a slider at 0 keeps its seed).

    Returns
    -------
    int
        The seed.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.
    ValueError
        If ``seed`` is negative, or given without ``noise``.

    Examples
    --------
    >>> checked_seed(None, GradientNoise(0.1)), checked_seed(7, GradientNoise(0.1))
    (0, 7)
    >>> checked_seed(7, None)
    Traceback (most recent call last):
    ...
    ValueError: seed=7 seeds the gradient noise, which is off; give noise= too, or leave seed unset
    """
    return random_seed(seed, "the gradient noise, which is off; give noise= too" if noise is None else None)


def row_seeds(seed: Any, runs: int, noise: Any) -> np.ndarray:
    """The seeds of ``runs`` runs: ``seed + i`` for run ``i`` from an integer, or one given per run.

    Parameters
    ----------
    seed : int, array_like of int, or None
        An integer (run ``i`` takes ``seed + i``; ``None`` is 0) or a 1-D array of ``runs`` integers.
    runs : int
        The number of runs, B.
    noise : object
        The ``noise`` argument as given (seeds without it are refused, as in :func:`checked_seed`).

    Returns
    -------
    numpy.ndarray
        (B,) int64 (``>= 0``).

    Raises
    ------
    TypeError, ValueError
        For seeds that are not integers ``>= 0``, an array of another length than B, or seeds without noise.

    Examples
    --------
    >>> row_seeds(10, 3, GradientNoise(0.1)).tolist(), row_seeds([5, 1], 2, GradientNoise(0.1)).tolist()
    ([10, 11, 12], [5, 1])
    """
    if seed is None or np.ndim(seed) == 0:
        first = checked_seed(seed if seed is None else _scalar_seed(seed), noise)
        return first + np.arange(runs, dtype=np.int64)
    array = np.asarray(seed)
    if array.dtype.kind not in "iu" or array.ndim != 1 or array.shape[0] != runs:
        raise ValueError(
            f"seed must be an integer or a 1-D array of {runs} integers (one per run); got {array.dtype} "
            f"of shape {array.shape}"
        )
    if (array < 0).any():
        raise ValueError(f"seed must hold integers >= 0; got {int(array.min())}")
    checked_seed(int(array[0]), noise)
    return array.astype(np.int64)


def run_seeds(seed: int, runs: Any) -> np.ndarray:
    """The noise seeds of a sweep's runs: a function of the sweep's ``seed`` and each run's number alone.

    Run ``r`` takes ``splitmix64(2**32 * seed + r) >> 1`` (the first output of SplitMix64 from
    that state; Steele, Lea and Flood 2014,
    "Fast splittable pseudorandom number generators": the finaliser of SplitMix64), a 63-bit
    integer: neighbouring runs get unrelated streams, and none is the stream that drew the
    sweep's starts (``default_rng(seed)``). Where a chunk runs, or how the runs are cut into
    chunks, does not matter.

    Parameters
    ----------
    seed : int
        The sweep's seed, ``>= 0`` (its low 32 bits count).
    runs : array_like of int
        Run numbers, ``>= 0``.

    Returns
    -------
    numpy.ndarray
        int64 seeds, ``>= 0``, one per run: ``minimize(..., seed=<it>)`` is the run.

    Examples
    --------
    >>> run_seeds(0, [0, 1, 2]).tolist()
    [8147104208329303767, 5225608189600411232, 5452762862878174055]
    """
    z = np.asarray(runs, dtype=np.uint64) + np.uint64((seed << 32) + 0x9E3779B97F4A7C15 & (2**64 - 1))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)  # NumPy's uint64 arithmetic wraps, as C's
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return ((z ^ (z >> np.uint64(31))) >> np.uint64(1)).astype(np.int64)


def _scalar_seed(seed: Any) -> Any:
    return seed.item() if isinstance(seed, np.ndarray) else seed


def perturb(g64: Any, w: Any, relative: bool) -> Any:
    """The noisy gradient in float64: ``g + w`` (absolute) or ``g + w * |g|`` (relative), with ``w = scale * z``.

    Written once, for NumPy arrays and for the compiled engines (which compile this function).

    Parameters
    ----------
    g64 : float or numpy.ndarray
        The gradient, in float64.
    w : float or numpy.ndarray
        The draws times the scale, float64.
    relative : bool
        Whether the noise is relative.

    Returns
    -------
    float or numpy.ndarray
        The noisy gradient in float64 (the caller rounds it to the iterate's dtype).

    Examples
    --------
    >>> perturb(2.0, 0.5, False), perturb(2.0, 0.5, True), perturb(-2.0, 0.5, True), perturb(0.0, 0.5, True)
    (2.5, 3.0, -1.0, 0.0)
    """
    if relative:
        return g64 + w * abs(g64)
    return g64 + w


def perturbed(g: np.ndarray, w: np.ndarray, relative: bool) -> np.ndarray:
    """The noisy gradient :func:`perturb` forms, rounded once to ``g``'s dtype.

    Parameters
    ----------
    g : numpy.ndarray
        The gradient(s), float32 or float64.
    w : numpy.ndarray
        ``scale * z`` of ``g``'s shape, float64.
    relative : bool
        Whether the noise is relative.

    Returns
    -------
    numpy.ndarray
        A new array of ``g``'s shape and dtype.

    Examples
    --------
    >>> import numpy as np
    >>> perturbed(np.array([1.0, 0.0], np.float32), np.array([0.1, 0.1]), True)
    array([1.1, 0. ], dtype=float32)
    """
    return perturb(g.astype(np.float64), w, relative).astype(g.dtype)


class NoiseStream:
    """One run's draws, ``scale * z_t`` for steps ``t = 0, 1, ...``, taken in chunks of steps.

    Parameters
    ----------
    noise : GradientNoise
        The noise.
    seed : int
        The run's seed: the draws are ``numpy.random.default_rng(seed).standard_normal`` in order.
    dim : int
        The gradient's length ``d``: each step takes ``d`` numbers.

    Examples
    --------
    >>> stream = NoiseStream(GradientNoise(2.0), 0, 2)
    >>> first, rest = stream.take(0, 1), stream.take(1, 2)
    >>> import numpy as np
    >>> bool((np.vstack([first, rest]) == 2.0 * np.random.default_rng(0).standard_normal((3, 2))).all())
    True
    """

    def __init__(self, noise: GradientNoise, seed: int, dim: int) -> None:
        self.noise, self.dim = noise, dim
        self.generator = np.random.default_rng(seed)
        self.position = 0  # the next step whose numbers the generator gives
        self._rows = np.empty((0, dim))  # the draws of steps first .. first + len - 1, for row()
        self._first = 0

    def take(self, t: int, steps: int, out: np.ndarray | None = None) -> np.ndarray:
        """The draws of steps ``t .. t + steps - 1`` times the scale, ``(steps, d)`` float64.

        The steps are taken in order: steps before ``t`` not taken yet are drawn and dropped
        (as when a run resumes from a checkpoint at step ``t``); a step taken already cannot be
        taken again.

        Parameters
        ----------
        t : int
            The first step.
        steps : int
            How many steps.
        out : numpy.ndarray, optional
            A C-contiguous float64 array of shape ``(steps, d)`` to fill.

        Returns
        -------
        numpy.ndarray
            ``out``, or a new array.

        Raises
        ------
        ValueError
            If step ``t`` was taken already.
        """
        if t < self.position:
            raise ValueError(f"the noise of step {t} was drawn already (the stream is at step {self.position})")
        skip = t - self.position
        while skip > 0:  # a run resumed at step t: the draws of the steps before it, in bounded chunks
            count = min(skip, max(1, (1 << 16) // self.dim))
            self.generator.standard_normal((count, self.dim))
            skip -= count
        if out is None:
            out = np.empty((steps, self.dim))
        self.generator.standard_normal(out=out)
        out *= self.noise.scale
        self.position = t + steps
        return out

    def row(self, t: int) -> np.ndarray:
        """The draws of step ``t`` times the scale, ``(d,)`` float64, for a loop that takes one step at a time.

        The numbers of :meth:`take`, drawn a few hundred steps at a time.

        Parameters
        ----------
        t : int
            The step: the one after the last one asked for, or any later one.

        Returns
        -------
        numpy.ndarray
            A read-only row of the stream's buffer.

        Examples
        --------
        >>> import numpy as np
        >>> stream = NoiseStream(GradientNoise(1.0), 5, 3)
        >>> bool((stream.row(0) == np.random.default_rng(5).standard_normal(3)).all())
        True
        """
        if not self._first <= t < self._first + self._rows.shape[0]:
            self._rows = self.take(t, max(1, min(256, (1 << 14) // self.dim)))
            self._rows.flags.writeable = False
            self._first = t
        return self._rows[t - self._first]


#: The most draws a batch holds at once (float64 numbers): a chunk of steps of every run fits in 32 MiB.
BATCH_DRAWS = 1 << 22


class BatchStreams:
    """The draws of ``B`` runs, each its own :class:`NoiseStream`, a chunk of steps of every run at a time.

    Row ``i`` draws from ``numpy.random.default_rng(seeds[i])`` exactly as the single run
    with that seed, whatever the chunks (``standard_normal((k, d))`` is ``k`` draws of ``d``).

    Parameters
    ----------
    noise : GradientNoise
        The runs' noise.
    seeds : numpy.ndarray
        (B,) int: each run's seed (:func:`row_seeds`).
    dim : int
        The gradient's length ``d``.
    steps : int
        The most steps of one chunk (fewer where ``B * steps * d`` would pass :data:`BATCH_DRAWS`).

    Examples
    --------
    >>> import numpy as np
    >>> streams = BatchStreams(GradientNoise(1.0), np.array([3, 4]), 2, 100)
    >>> draws = streams.chunk(0, 5, np.array([0, 1]))
    >>> draws.shape, bool((draws[1] == np.random.default_rng(4).standard_normal((5, 2))).all())
    ((2, 5, 2), True)
    """

    def __init__(self, noise: GradientNoise, seeds: np.ndarray, dim: int, steps: int) -> None:
        self.noise = noise
        self.streams = [NoiseStream(noise, int(seed), dim) for seed in seeds.tolist()]
        self.steps = int(max(1, min(steps, BATCH_DRAWS // max(1, len(self.streams) * dim))))
        self.buffer = np.zeros((len(self.streams), self.steps, dim))
        self._first, self._count = 0, 0  # the steps the buffer holds, for at()

    def chunk(self, t: int, steps: int, rows: np.ndarray) -> np.ndarray:
        """The draws of steps ``t .. t + steps - 1`` of ``rows`` (``steps`` at most :attr:`steps`).

        Parameters
        ----------
        t : int
            The first step.
        steps : int
            How many steps.
        rows : numpy.ndarray
            The runs that draw (those still going); the other rows of the result are stale.

        Returns
        -------
        numpy.ndarray
            ``(B, steps, d)`` float64, a view of the buffer (valid until the next call).
        """
        out = self.buffer[:, :steps]
        for row in rows.tolist():
            self.streams[row].take(t, steps, out=out[row])
        self._first, self._count = t, steps
        return out

    def at(self, t: int, rows: np.ndarray) -> np.ndarray:
        """The draws of step ``t`` of ``rows`` (steps asked for in order), ``(len(rows), d)``.

        Parameters
        ----------
        t : int
            The step.
        rows : numpy.ndarray
            The runs still going.

        Returns
        -------
        numpy.ndarray
            A new array, one row per run of ``rows``.
        """
        if not self._first <= t < self._first + self._count:
            self.chunk(t, self.steps, rows)
        return self.buffer[rows, t - self._first]
