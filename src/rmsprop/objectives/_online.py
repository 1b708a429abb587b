r"""Online objectives: a function ``f_t`` that changes with the step ``t``, and its gradient.

In online convex optimization (Zinkevich 2003; the setting of Reddi, Kale & Kumar 2018, "On the
convergence of Adam and beyond", ICLR, Section 2) the optimizer picks ``x_t``, then sees the
loss ``f_t`` and its gradient ``g_t = grad f_t(x_t)``, and is judged by its regret
``R_T = sum_{t=1}^T f_t(x_t) - min_{x in F} sum_{t=1}^T f_t(x)``; it converges in the
online sense when the average regret ``R_T / T`` goes to 0. A minibatch loss is the same thing:
``f_t`` is the loss on the ``t``-th minibatch, its gradient the minibatch gradient at step ``t``.

Here the step is counted from 0: :func:`rmsprop.minimize` evaluates ``f_k(x_k)`` and
``grad f_k(x_k)`` at iteration ``k = 0, 1, ...`` and steps from ``x_k`` with that gradient, so
``f_k`` is the paper's ``f_{k+1}``. ``f`` and ``grad`` take the coordinates on the leading axis,
as :class:`~rmsprop.objectives.Objective`'s do, and the step as an int: ``f(x, t)`` for ``x`` of
shape ``(dim, ...)`` returns shape ``(...)``, ``grad(x, t)`` returns shape ``(dim, ...)``;
:func:`rmsprop.minimize_many` evaluates all runs at step ``t`` as ``f(X.T, t)``.

Three constructors: :func:`online` from functions of ``(x, t)``; :func:`periodic` from a
sequence of objectives taken in turn, ``f_t = objectives[t mod n]``; :func:`linear` from a
sequence of gradients, ``f_t(x) = <c_{t mod n}, x>`` (Reddi et al.'s counterexamples are such).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._objective import Objective

__all__ = ["OnlineObjective", "online", "periodic", "linear"]


@dataclass(frozen=True, eq=False)
class OnlineObjective:
    """A sequence of differentiable functions ``f_t: R^dim -> R``, ``t = 0, 1, ...``, and their gradients.

    Build one with :func:`online`, :func:`periodic` or :func:`linear`; :func:`rmsprop.minimize`
    and :func:`rmsprop.minimize_many` (NumPy engine) run it, evaluating ``f_k`` at iteration ``k``.

    Parameters
    ----------
    name : str
        A name, for legends and checkpoints.
    f : callable
        ``f(x, t)`` for ``x`` of shape ``(dim, ...)`` and an int ``t >= 0``; returns shape ``(...)``.
    grad : callable
        ``grad(x, t)``, the gradient of ``f(., t)``; returns shape ``(dim, ...)``.
    dim : int
        Number of coordinates.
    period : int or None
        ``n`` when ``f_{t+n} = f_t`` for every ``t``, else ``None``.
    comparator : array_like or None
        The fixed point ``x*`` that the regret is measured against (the best point in
        hindsight, where it is known), shape ``(dim,)``; ``None`` when not known.
    domain : tuple of (float, float)
        One ``(lo, hi)`` window per coordinate, for figures; default ``(-1, 1)`` each.
    formula : str
        The functions written out in plain text.
    reference : str
        Where they are published.

    Raises
    ------
    ValueError
        If ``dim`` is not a positive int, ``period`` not a positive int or ``None``,
        ``comparator`` not of shape ``(dim,)``, or ``domain`` not ``dim`` pairs with ``lo < hi``.

    Examples
    --------
    >>> import numpy as np
    >>> losses = online(lambda x, t: (x[0] - t) ** 2, lambda x, t: 2 * (x - t), dim=1, name="moving target")
    >>> float(losses.f(np.array([1.0]), 3)), losses.grad(np.array([1.0]), 3)
    (4.0, array([-4.]))
    >>> losses
    OnlineObjective(name='moving target', dim=1, period=None)
    """

    name: str
    f: Callable[[np.ndarray, int], Any]
    grad: Callable[[np.ndarray, int], Any]
    dim: int
    period: int | None = None
    #: ``x*``, the point the regret is measured against: a read-only float64 array ``(dim,)``, or ``None``.
    comparator: Any = None
    domain: tuple[tuple[float, float], ...] | None = None
    formula: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.dim, int) or isinstance(self.dim, bool) or self.dim < 1:
            raise ValueError(f"dim must be a positive int; got {self.dim!r}")
        if self.period is not None and (
            not isinstance(self.period, int) or isinstance(self.period, bool) or self.period < 1
        ):
            raise ValueError(f"period must be a positive int or None; got {self.period!r}")
        if not callable(self.f) or not callable(self.grad):
            raise TypeError("f and grad must be callables of (x, t)")
        if self.comparator is not None:
            comparator = np.array(self.comparator, dtype=np.float64)
            if comparator.shape != (self.dim,):
                raise ValueError(f"comparator must have shape ({self.dim},); got {comparator.shape}")
            comparator.flags.writeable = False
            object.__setattr__(self, "comparator", comparator)
        domain = tuple((float(lo), float(hi)) for lo, hi in (self.domain or [(-1.0, 1.0)] * self.dim))
        if len(domain) != self.dim or any(not lo < hi for lo, hi in domain):
            raise ValueError(f"domain must be {self.dim} (lo, hi) pairs with lo < hi; got {self.domain!r}")
        object.__setattr__(self, "domain", domain)

    def __repr__(self) -> str:
        return f"OnlineObjective(name={self.name!r}, dim={self.dim}, period={self.period})"

    def at(self, t: int) -> Objective:
        """Return ``f_t`` as an :class:`~rmsprop.objectives.Objective` (to draw it, or to minimize it alone).

        Parameters
        ----------
        t : int
            The step, ``>= 0``.

        Returns
        -------
        Objective
            ``f_t`` and its gradient, named ``"<name>[t]"``; no known minimum (``min_value`` NaN),
            the window of ``domain``, and its centre as the start.

        Raises
        ------
        ValueError
            If ``t`` is not an int ``>= 0``.

        Examples
        --------
        >>> import numpy as np
        >>> f1 = linear([[3.0], [-1.0]], name="toy").at(1)
        >>> f1, float(f1(np.array([2.0])))
        (Objective(name='toy[1]', dim=1, formula='f_1 of toy'), -2.0)
        """
        t = _step(t)
        return Objective(
            name=f"{self.name}[{t}]",
            f=lambda x: self.f(x, t),
            grad=lambda x: self.grad(x, t),
            dim=self.dim,
            minima=np.empty((0, self.dim)),
            min_value=math.nan,
            domain=self.domain or (),
            start=np.array([(lo + hi) / 2 for lo, hi in self.domain or ()]),
            formula=f"f_{t} of {self.name}",
            reference=self.reference,
        )

    def losses(self, path_x: Any, point: Any = None) -> np.ndarray:
        """Return ``f_k(x_k)`` along a path, or ``f_k(point)`` for a fixed point, ``k = 0, 1, ...``.

        Parameters
        ----------
        path_x : array_like
            The iterates, shape ``(T, dim)`` (a result's ``path_x``).
        point : array_like, optional
            A fixed point ``(dim,)``: the losses of that point at the same steps instead.

        Returns
        -------
        numpy.ndarray
            ``(T,)`` float64.

        Examples
        --------
        >>> losses = linear([[2.0], [-1.0]], name="toy")
        >>> losses.losses([[1.0], [1.0], [0.5]]).tolist(), losses.losses([[1.0]] * 3, point=[-1.0]).tolist()
        ([2.0, -1.0, 1.0], [-2.0, 1.0, -2.0])
        """
        xs = np.asarray(path_x, dtype=np.float64)
        if point is not None:
            xs = np.broadcast_to(np.asarray(point, dtype=np.float64), xs.shape)
        return np.array([float(self.f(x, k)) for k, x in enumerate(xs)])

    def regret(self, path_x: Any, comparator: Any = None) -> np.ndarray:
        """Return the regret ``R_T = sum_{k<T} f_k(x_k) - f_k(x*)`` for ``T = 1, ..., len(path_x)``.

        Reddi et al. (2018), Section 2, with the steps counted from 0; divide by
        ``T = arange(1, len + 1)`` for the average regret ``R_T / T`` of their Figure 1.

        Parameters
        ----------
        path_x : array_like
            The iterates, shape ``(T, dim)``.
        comparator : array_like, optional
            ``x*``; default :attr:`comparator`.

        Returns
        -------
        numpy.ndarray
            ``(T,)`` float64, the cumulative sums.

        Raises
        ------
        ValueError
            If no comparator is given and the objective knows none.

        Examples
        --------
        >>> losses = linear([[2.0], [-1.0]], name="toy", comparator=[-1.0])
        >>> losses.regret([[1.0], [1.0], [0.5]]).tolist()
        [4.0, 2.0, 5.0]
        """
        point = self.comparator if comparator is None else comparator
        if point is None:
            raise ValueError(f"online objective {self.name!r} knows no comparator x*; give comparator=")
        return np.cumsum(self.losses(path_x) - self.losses(path_x, point=point))


def _step(t: Any) -> int:
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
        raise ValueError(f"the step t must be an int >= 0; got {t!r}")
    return int(t)


def online(
    fun: Callable[[np.ndarray, int], Any],
    grad: Callable[[np.ndarray, int], Any],
    dim: int,
    *,
    name: str = "online",
    period: int | None = None,
    comparator: Any = None,
    domain: Any = None,
    formula: str = "",
    reference: str = "",
) -> OnlineObjective:
    """Build an :class:`OnlineObjective` from ``fun(x, t)`` and ``grad(x, t)``.

    Parameters
    ----------
    fun : callable
        ``fun(x, t)``: ``f_t`` at ``x`` of shape ``(dim, ...)`` (coordinates first), shape ``(...)``.
    grad : callable
        ``grad(x, t)``: its gradient, shape ``(dim, ...)``.
    dim : int
        Number of coordinates.
    name, period, comparator, domain, formula, reference : optional
        As the attributes of :class:`OnlineObjective`.

    Returns
    -------
    OnlineObjective

    Raises
    ------
    TypeError, ValueError
        As :class:`OnlineObjective` raises them.

    Examples
    --------
    A target that moves on a circle, ``f_t(x) = ||x - (cos t, sin t)||^2``:

    >>> import numpy as np
    >>> def target(t):
    ...     return np.array([np.cos(t), np.sin(t)])
    >>> circle = online(lambda x, t: ((x.T - target(t)) ** 2).T.sum(axis=0),
    ...                 lambda x, t: 2 * (x.T - target(t)).T, dim=2, name="circle")
    >>> float(circle.f(np.zeros(2), 0)), circle.grad(np.zeros(2), 0).tolist()
    (1.0, [-2.0, 0.0])
    """
    return OnlineObjective(name, fun, grad, dim, period, comparator, domain, formula, reference)


def periodic(objectives: Sequence[Objective], *, name: str | None = None, comparator: Any = None) -> OnlineObjective:
    """Take the objectives in turn: ``f_t = objectives[t mod n]``.

    Parameters
    ----------
    objectives : sequence of Objective
        ``n >= 1`` objectives of one dimension (catalogue ones, typed formulas, ...).
    name : str, optional
        Default: their names joined by ``"|"``.
    comparator : array_like, optional
        ``x*`` for the regret.

    Returns
    -------
    OnlineObjective
        Of period ``n``, with the first objective's window.

    Raises
    ------
    TypeError
        If an entry is not an :class:`~rmsprop.objectives.Objective`.
    ValueError
        If the sequence is empty or the dimensions differ.

    Examples
    --------
    >>> import numpy as np
    >>> from rmsprop import objectives
    >>> pair = periodic([objectives.get("seed"), objectives.get("booth")])
    >>> pair, float(pair.f(np.array([1.0, 3.0]), 2)), float(pair.f(np.array([1.0, 3.0]), 3))
    (OnlineObjective(name='seed|booth', dim=2, period=2), 68.0, 0.0)
    """
    items = list(objectives)
    if not items:
        raise ValueError("periodic needs at least one objective")
    for i, item in enumerate(items):
        if not isinstance(item, Objective):
            raise TypeError(f"periodic takes Objectives; objectives[{i}] is {type(item).__name__}")
    if len({item.dim for item in items}) > 1:
        raise ValueError(f"periodic needs objectives of one dimension; got {[item.dim for item in items]}")
    n = len(items)

    def f(x, t):
        return items[t % n].f(x)

    def grad(x, t):
        return items[t % n].grad(x)

    return OnlineObjective(
        name or "|".join(item.name for item in items),
        f,
        grad,
        items[0].dim,
        n,
        comparator,
        items[0].domain,
        " ; ".join(item.formula for item in items),
        " ; ".join(dict.fromkeys(item.reference for item in items)),
    )


def linear(
    coefficients: Any,
    *,
    name: str = "linear",
    comparator: Any = None,
    domain: Any = None,
    formula: str | None = None,
    reference: str = "",
) -> OnlineObjective:
    """Linear losses from a sequence of gradients: ``f_t(x) = <c_{t mod n}, x>``, ``grad f_t = c_{t mod n}``.

    The sum is taken coordinate by coordinate from the first, ``c_1 x_1 + c_2 x_2 + ...``, the
    same for one run and a batch.

    Parameters
    ----------
    coefficients : array_like
        ``(n, dim)`` real numbers, or ``(n,)`` for ``dim = 1``; finite, ``n >= 1``.
    name, comparator, domain, reference : optional
        As the attributes of :class:`OnlineObjective`.
    formula : str, optional
        Default: the sequence written out (first few terms).

    Returns
    -------
    OnlineObjective
        Of period ``n``.

    Raises
    ------
    TypeError
        If the coefficients are not real numbers.
    ValueError
        If they are empty, not 1-D or 2-D, or not finite.

    Examples
    --------
    Reddi et al. (2018)'s Theorem 1 with ``C = 3``, counted from ``t = 0``: ``3x``, ``-x``, ``-x``, ...

    >>> import numpy as np
    >>> theorem = linear([3.0, -1.0, -1.0], name="reddi", comparator=[-1.0])
    >>> [float(theorem.f(np.array([0.5]), t)) for t in range(4)], theorem.grad(np.ones((1, 2)), 1).tolist()
    ([1.5, -0.5, -0.5, 1.5], [[-1.0, -1.0]])
    """
    c = np.array(coefficients)
    if c.dtype.kind not in "iuf":
        raise TypeError(f"coefficients must be real numbers; got dtype {c.dtype}")
    c = c.astype(np.float64)
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2 or c.size == 0:
        raise ValueError(f"coefficients must have shape (n, dim) or (n,), n >= 1; got shape {np.shape(coefficients)}")
    if not np.isfinite(c).all():
        raise ValueError("coefficients must be finite")
    c.flags.writeable = False
    n, dim = c.shape

    def f(x, t):
        row = c[t % n]
        total = row[0] * x[0]
        for i in range(1, dim):
            total = total + row[i] * x[i]
        return total

    def grad(x, t):
        x = np.asarray(x)
        return np.broadcast_to(c[t % n].reshape((dim,) + (1,) * (x.ndim - 1)), x.shape).astype(np.result_type(x, c))

    if formula is None:
        shown = ", ".join(str(row.tolist() if dim > 1 else row[0]) for row in c[:4])
        formula = f"<c_(t mod {n}), x>, c = {shown}{', ...' if n > 4 else ''}"
    return OnlineObjective(name, f, grad, dim, n, comparator, domain, formula, reference)
