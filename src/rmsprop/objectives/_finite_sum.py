r"""Finite sums over data, taken a minibatch at a time: the losses of minibatch training as an online objective.

A data set of ``n`` examples with losses ``l_i`` defines the *full* objective

.. math::

    f(x) = \frac{1}{n} \sum_{i=1}^{n} l_i(x) + \frac{\lambda}{2} \|x\|^2

(the mean loss, plus an L2 term of weight ``lambda = l2`` on the penalized coordinates), and
minibatch training steps at step ``t`` with the gradient of the mean over a batch ``B_t``,

.. math::

    f_t(x) = \frac{1}{|B_t|} \sum_{i \in B_t} l_i(x) + \frac{\lambda}{2} \|x\|^2 ,

an unbiased estimate of ``f`` and ``grad f`` when each example is equally likely to be in the
batch (Bottou, Curtis & Nocedal 2018, "Optimization methods for large-scale machine learning",
SIAM Review 60(2), Section 4; Tieleman & Hinton 2012, lecture 6e, made RMSprop for such
gradients). :class:`FiniteSum` is that sequence ``f_t``, an
:class:`~rmsprop.objectives.OnlineObjective`, so :func:`rmsprop.minimize` and
:func:`rmsprop.minimize_many` run it as they run any online objective (``f_k`` at iteration
``k``), and they record the full loss ``f`` at every iterate beside it (``path_full_fun``).

The batches, exactly. With ``m = ceil(n / B)`` batches per epoch for a batch size ``B``, step
``t`` is batch ``b = t mod m`` of epoch ``e = t // m``: the examples
``perm_e[b B : (b + 1) B]``, where ``perm_e`` is the ``(e + 1)``-th permutation of
``0, ..., n - 1`` drawn by ``numpy.random.default_rng(seed).permutation(n)``: one generator,
one permutation per epoch, drawn in order. When ``B`` does not divide ``n`` the last batch of
each epoch is shorter (kept, as PyTorch's ``DataLoader`` keeps it by default), so every example
is seen exactly once per epoch and ``sum_b |B_b| grad f_b(x) = n grad f(x)`` over an epoch's
batches (up to rounding). ``batch_size=None`` is the full batch, nothing shuffled: ``f_t = f``
at every step, summed in the data's order, and a run is the deterministic run on :attr:`full`
bit for bit. ``batch_size=n`` shuffles the full batch each epoch: ``f`` up to the order of the sum.
The seed follows the gradient noise's conventions (an integer ``>= 0``, 0 by default, refused
where nothing is shuffled), but it belongs to the objective: every run of
:func:`rmsprop.minimize_many` takes the same batches, the sequence ``f_t`` of the seed, as it
takes any online objective's (its ``seed=`` seeds the gradient noise, per run); runs over other
shuffles are runs on objectives built with other seeds.

Numbers: each value and gradient is summed over its examples one point at a time (NumPy's
pairwise sum along a contiguous axis), whatever the shape of ``x``, so ``f(X.T, t)[i]`` is
``f(X[i], t)`` bit for bit and :func:`rmsprop.minimize_many`'s rows are :func:`rmsprop.minimize`'s
runs. :func:`rmsprop.objectives.least_squares` and :func:`rmsprop.objectives.logistic_regression`
build the two classic finite sums.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from .._validate import random_seed
from ._objective import Objective
from ._online import OnlineObjective

__all__ = ["FiniteSum", "over_points", "shuffle_seed", "data_digest", "CHUNK_ELEMENTS"]

#: A vectorised evaluation works on chunks of points whose temporary arrays hold about this many numbers.
CHUNK_ELEMENTS = 1 << 22


def shuffle_seed(seed: Any, batch_size: int | None) -> int:
    """The seed of the shuffling, checked: an integer ``>= 0``; ``None`` is 0 (every run reproducible).

    As the seed of gradient noise (:func:`rmsprop._noise.checked_seed`): a seed given where
    nothing is shuffled (``batch_size=None``) is refused, as it would do nothing.

    Parameters
    ----------
    seed : int or None
        The seed given.
    batch_size : int or None
        The batch size; ``None`` is the full batch, not shuffled.

    Returns
    -------
    int
        The seed.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.
    ValueError
        If ``seed`` is negative, or given with ``batch_size=None``.

    Examples
    --------
    >>> shuffle_seed(None, 10), shuffle_seed(7, 10)
    (0, 7)
    >>> shuffle_seed(7, None)
    Traceback (most recent call last):
    ...
    ValueError: seed=7 seeds the shuffling of minibatches, which is off (batch_size=None); give batch_size= too, or leave seed unset
    """
    off = "the shuffling of minibatches, which is off (batch_size=None); give batch_size= too"
    return random_seed(seed, off if batch_size is None else None)


def over_points(compute: Callable[[np.ndarray], np.ndarray], x: Any, per_point: int) -> np.ndarray:
    """Apply ``compute`` to the points of ``x`` in chunks: the points last, ``(N, dim) -> (N, k...)``.

    ``x`` holds the coordinates on its leading axis, ``(dim, ...)``; ``compute`` takes a
    C-contiguous ``(N, dim)`` chunk of points and returns one row per point. The chunks hold
    about :data:`CHUNK_ELEMENTS` temporary numbers (``per_point`` per point), and each point's
    row does not depend on the others, so the chunks do not change the numbers.

    Parameters
    ----------
    compute : callable
        ``compute(points) -> (N, ...)`` for ``points`` of shape ``(N, dim)``.
    x : array_like
        The points, coordinates first: ``(dim,)`` for one, ``(dim, ...)`` for many.
    per_point : int
        The temporary numbers one point takes (for the chunks' size).

    Returns
    -------
    numpy.ndarray
        ``(...)`` or ``(..., k)``: each point's row, in the shape of ``x``'s trailing axes.

    Examples
    --------
    >>> import numpy as np
    >>> over_points(lambda p: (p * p).sum(-1), np.array([[1.0, 2.0], [3.0, 4.0]]), 2).tolist()
    [10.0, 20.0]
    """
    x = np.asarray(x)
    shape = x.shape[1:]
    points = np.ascontiguousarray(np.moveaxis(x, 0, -1).reshape(-1, x.shape[0]))
    step = max(1, CHUNK_ELEMENTS // max(1, per_point))
    if len(points) <= step:
        out = compute(points)
    else:
        out = np.concatenate([compute(points[i : i + step]) for i in range(0, len(points), step)])
    return out.reshape(shape + out.shape[1:])


class _Order:
    """The permutations of the epochs, drawn in order from ``default_rng(seed)``; the last few kept."""

    KEPT = 4

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.seed = n, seed
        self.lock = threading.Lock()
        self.generator = np.random.default_rng(seed)
        self.drawn = 0  # permutations drawn so far by the generator
        self.kept: dict[int, np.ndarray] = {}

    def epoch(self, e: int) -> np.ndarray:
        with self.lock:
            if e in self.kept:
                return self.kept[e]
            if e < self.drawn:  # an earlier epoch than those kept: draw again from the seed
                self.generator, self.drawn, self.kept = np.random.default_rng(self.seed), 0, {}
            while self.drawn <= e:
                permutation = self.generator.permutation(self.n)
                permutation.flags.writeable = False
                self.kept[self.drawn] = permutation
                self.drawn += 1
                if len(self.kept) > self.KEPT:
                    del self.kept[min(self.kept)]
            return self.kept[e]


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value!r:.40}")
    return int(value)


class FiniteSum(OnlineObjective):
    r"""The mean of ``n`` examples' losses plus an L2 term, taken a shuffled minibatch per step.

    ``f_t(x)`` is the mean loss over step ``t``'s batch plus ``(l2 / 2) sum_j w_j x_j^2``
    (``w_j = 1`` on the penalized coordinates, else 0); :attr:`full` is the full objective
    ``f``, an ordinary :class:`~rmsprop.objectives.Objective`. The batches are described in
    :mod:`rmsprop.objectives._finite_sum`. Build one with :func:`least_squares` or
    :func:`logistic_regression`, or from any loss here.

    Parameters
    ----------
    name : str
        A name, for legends and checkpoints.
    loss : callable
        ``loss(x, rows)``: the mean of ``l_i(x)`` over the examples ``rows`` (an int array, or
        ``None`` for all of them in their order), for ``x`` of shape ``(dim, ...)``; returns
        shape ``(...)``. No L2 term: this class adds it.
    grad : callable
        ``grad(x, rows)``: its gradient, shape ``(dim, ...)``.
    examples : int
        ``n``, the number of examples, ``>= 1``.
    dim : int
        The number of coordinates.
    batch_size : int or None, optional
        ``B``, ``1 <= B <= n``; default ``None``: the full batch, not shuffled.
    seed : int, optional
        The seed of the shuffling, ``>= 0`` (only with ``batch_size``); default 0.
    l2 : float, optional
        ``lambda >= 0``, the weight of the L2 term; default 0.
    penalized : array_like of bool, optional
        ``(dim,)``: the coordinates the L2 term takes (default all; an intercept is not).
    minimum : array_like, optional
        The minimizer of ``f``, ``(dim,)``, where it is known: :attr:`full`'s minimum and the
        comparator of the regret.
    domain : sequence of (float, float), optional
        A window per coordinate, for figures; default ``(-1, 1)`` each, grown to hold the
        minimum and 0.
    formula, reference : str, optional
        The loss written out, and where it is published.

    Raises
    ------
    TypeError
        If ``loss`` or ``grad`` is not callable, or the seed not an integer.
    ValueError
        If ``examples`` or ``batch_size`` is not an integer in range, ``l2`` is negative or
        not finite, a seed is given without ``batch_size``, or ``penalized``, ``minimum`` or
        ``domain`` is not of ``dim`` entries.

    Examples
    --------
    The mean of ``(x - a_i)^2 / 2`` over ``a = 1, 2, 3, 4``, in batches of 2:

    >>> import numpy as np
    >>> a = np.array([1.0, 2.0, 3.0, 4.0])
    >>> def loss(x, rows):
    ...     points = a if rows is None else a[rows]
    ...     return ((x[0][..., None] - points) ** 2).sum(-1) / (2 * len(points))
    >>> def grad(x, rows):
    ...     points = a if rows is None else a[rows]
    ...     return ((x[0][..., None] - points).sum(-1) / len(points))[None]
    >>> means = FiniteSum("means", loss, grad, examples=4, dim=1, batch_size=2, seed=1, minimum=[2.5])
    >>> means, means.batches_per_epoch, means.iterations(3)
    (FiniteSum(name='means', examples=4, dim=1, batch_size=2, seed=1, l2=0.0), 2, 6)
    >>> [means.batch(t).tolist() for t in range(4)]
    [[0, 1], [2, 3], [3, 0], [2, 1]]
    >>> float(means.f(np.array([0.0]), 0)), float(means.full(np.array([0.0])))
    (1.25, 3.75)
    """

    examples: int
    batch_size: int | None
    seed: int
    l2: float
    penalized: np.ndarray
    batches_per_epoch: int
    #: The full objective ``f``: the mean loss over every example plus the L2 term, an ordinary Objective.
    full: Objective

    def __init__(
        self,
        name: str,
        loss: Callable[[np.ndarray, Any], Any],
        grad: Callable[[np.ndarray, Any], Any],
        examples: int,
        dim: int,
        *,
        batch_size: int | None = None,
        seed: int | None = None,
        l2: float = 0.0,
        penalized: Any = None,
        minimum: Any = None,
        domain: Any = None,
        formula: str = "",
        reference: str = "",
    ) -> None:
        if not callable(loss) or not callable(grad):
            raise TypeError("loss and grad must be callables of (x, rows)")
        examples = _positive_int("examples", examples)
        if batch_size is not None:
            batch_size = _positive_int("batch_size", batch_size)
            if batch_size > examples:
                raise ValueError(f"batch_size must be at most the number of examples, {examples}; got {batch_size}")
        seed = shuffle_seed(seed, batch_size)
        if isinstance(l2, bool) or not isinstance(l2, (int, float, np.integer, np.floating)):
            raise TypeError(f"l2 must be a real number >= 0; got {type(l2).__name__}")
        if not (math.isfinite(l2) and l2 >= 0):
            raise ValueError(f"l2 must be finite and >= 0; got {float(l2)!r}")
        l2 = float(l2)
        mask = np.ones(dim, dtype=bool) if penalized is None else np.array(penalized, dtype=bool)
        if mask.shape != (dim,):
            raise ValueError(f"penalized must be {dim} booleans, one per coordinate; got shape {mask.shape}")
        mask.flags.writeable = False
        if minimum is not None:
            minimum = np.array(minimum, dtype=np.float64)
            if minimum.shape != (dim,):
                raise ValueError(f"minimum must have shape ({dim},); got {minimum.shape}")
        domain = _window(dim, minimum) if domain is None else domain
        weights = mask.astype(np.float64)
        penalty = l2 > 0.0

        def value(x: Any, rows: Any) -> Any:
            out = loss(x, rows)
            if penalty:
                out = out + l2 / 2 * over_points(lambda p: (p * p * weights).sum(-1), x, dim)
            return out

        def gradient(x: Any, rows: Any) -> Any:
            out = grad(x, rows)
            if penalty:
                out = out + l2 * np.moveaxis(np.moveaxis(np.asarray(x), 0, -1) * weights, -1, 0)
            return out

        order = None if batch_size is None else _Order(examples, seed)
        per_epoch = 1 if batch_size is None else -(-examples // batch_size)
        shown = "full batch" if batch_size is None else f"batches of {batch_size} shuffled by seed {seed}"
        full_formula = f"{formula}, mean over {examples} examples" + (f" + {l2:g}/2 ||x||^2" if penalty else "")
        super().__init__(
            name,
            lambda x, t: value(x, self.batch(t)) if order is not None else value(x, None),
            lambda x, t: gradient(x, self.batch(t)) if order is not None else gradient(x, None),
            dim,
            1 if batch_size is None else None,
            minimum,
            domain,
            f"{full_formula}; {shown}",
            reference,
        )
        full = Objective(
            name=name,
            f=lambda x: value(x, None),
            grad=lambda x: gradient(x, None),
            dim=dim,
            minima=np.empty((0, dim)) if minimum is None else minimum[None],
            min_value=math.nan if minimum is None else float(value(minimum, None)),
            domain=self.domain or (),
            start=np.zeros(dim),
            formula=full_formula,
            reference=reference,
        )
        for field, content in (
            ("examples", examples),
            ("batch_size", batch_size),
            ("seed", seed),
            ("l2", l2),
            ("penalized", mask),
            ("batches_per_epoch", per_epoch),
            ("full", full),
            ("_order", order),
        ):
            object.__setattr__(self, field, content)

    def __repr__(self) -> str:
        return (
            f"FiniteSum(name={self.name!r}, examples={self.examples}, dim={self.dim}, "
            f"batch_size={self.batch_size}, seed={self.seed}, l2={self.l2})"
        )

    def batch(self, t: int) -> np.ndarray | None:
        """Return the examples of step ``t``'s batch, in the order they are summed; ``None`` for the full batch.

        Parameters
        ----------
        t : int
            The step, ``>= 0``.

        Returns
        -------
        numpy.ndarray or None
            Read-only int64 indices into the data: ``perm_e[b B : (b + 1) B]`` for
            ``e, b = divmod(t, batches_per_epoch)``; ``None`` with ``batch_size=None``.

        Raises
        ------
        ValueError
            If ``t`` is not an int ``>= 0``.

        Examples
        --------
        >>> from rmsprop import objectives
        >>> problem = objectives.least_squares([[1.0], [2.0], [3.0]], [1.0, 2.0, 3.0], batch_size=2)
        >>> [problem.batch(t).tolist() for t in range(4)]
        [[2, 0], [1], [2, 1], [0]]
        """
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
            raise ValueError(f"the step t must be an int >= 0; got {t!r}")
        order: _Order | None = self.__dict__["_order"]
        if order is None:
            return None
        assert self.batch_size is not None  # an order is kept for batches only
        epoch, b = divmod(int(t), self.batches_per_epoch)
        return order.epoch(epoch)[b * self.batch_size : (b + 1) * self.batch_size]

    def iterations(self, epochs: int) -> int:
        """Return the steps of ``epochs`` passes over the data: ``epochs * batches_per_epoch`` (a ``maxiter``).

        Parameters
        ----------
        epochs : int
            Passes over the data, ``>= 0``.

        Returns
        -------
        int

        Raises
        ------
        ValueError
            If ``epochs`` is not an integer ``>= 0``.

        Examples
        --------
        >>> from rmsprop import objectives
        >>> objectives.least_squares([[1.0], [2.0], [3.0]], [1.0, 2.0, 3.0], batch_size=2).iterations(5)
        10
        """
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be an integer >= 0; got {epochs!r:.40}")
        return int(epochs) * self.batches_per_epoch

    def full_losses(self, points: Any) -> np.ndarray:
        """Return the full objective ``f`` at each point: ``f(path_x[k])`` for a path, vectorised.

        Parameters
        ----------
        points : array_like
            ``(..., dim)``, the coordinates last: a result's ``path_x`` ``(T, dim)``, or
            :func:`rmsprop.minimize_many`'s ``(B, T, dim)`` (a point with a NaN gives NaN, not evaluated).

        Returns
        -------
        numpy.ndarray
            ``(...)`` float64; entry ``k`` is ``full(points[k])`` bit for bit.

        Raises
        ------
        ValueError
            If the last axis is not of length ``dim``.

        Examples
        --------
        >>> from rmsprop import objectives
        >>> problem = objectives.least_squares([[1.0], [2.0]], [1.0, 2.0], batch_size=1)
        >>> problem.full_losses([[0.0], [1.0], [2.0]]).tolist()
        [1.25, 0.0, 1.25]
        """
        xs = np.asarray(points, dtype=np.float64)
        if xs.ndim == 0 or xs.shape[-1] != self.dim:
            raise ValueError(f"points must have shape (..., {self.dim}); got {xs.shape}")
        out = np.full(xs.shape[:-1], np.nan)
        known = ~np.isnan(xs).any(axis=-1)  # minimize_many's padding after a run's end
        with np.errstate(all="ignore"):
            out[known] = self.full.f(np.ascontiguousarray(xs[known].T))
        return out


def _window(dim: int, minimum: np.ndarray | None) -> tuple[tuple[float, float], ...]:
    """A window per coordinate holding 0 (the start) and the minimum, with a margin: at least ``(-1, 1)``."""
    if minimum is None or not np.isfinite(minimum).all():
        return ((-1.0, 1.0),) * dim
    window = []
    for value in minimum.tolist():
        lo, hi = min(0.0, value), max(0.0, value)
        margin = max(1.0, 0.5 * (hi - lo))
        window.append((lo - margin, hi + margin))
    return tuple(window)


def data_digest(*arrays: np.ndarray) -> str:
    """The first 12 hex digits of the SHA-256 of the arrays' shapes and bytes (the data, in a checkpoint's formula).

    Parameters
    ----------
    *arrays : numpy.ndarray
        The data.

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> len(data_digest(np.zeros(3), np.ones((2, 2))))
    12
    """
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(repr(array.shape).encode())
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    return digest.hexdigest()[:12]
