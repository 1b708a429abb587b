"""Dive into Deep Learning, Section 11.8 "RMSProp", its run on ``f = 0.1 x1^2 + 2 x2^2``.

Zhang, Lipton, Li & Smola, *Dive into Deep Learning* (d2l.ai), Section 11.8.3 ("Implementation
from Scratch"): ``rmsprop_2d`` takes ``g1, g2 = 0.2 x1, 4 x2`` and ``eps = 1e-6``,
``s_i <- gamma s_i + (1 - gamma) g_i^2`` and ``x_i <- x_i - eta / sqrt(s_i + eps) * g_i`` (eq.
11.8.1: eps *inside* the root, as this package's default rule and the seed's), with
``eta, gamma = 0.4, 0.9``; ``d2l.train_2d`` starts at ``(-5, -2)`` with ``s = 0`` and runs 20
epochs, printing ``epoch 20, x1: -0.010599, x2: 0.000000`` (the book's rendered output, as
stored in copies of the notebook). The objective is the catalogue's ``ill_conditioned``.

The book forms the step as ``(eta / sqrt(s + eps)) * g``, this package's rule as
``(eta * g) / sqrt(s + eps)`` (the seed's order), so the two differ in the last bits of some
steps; the printed six decimals are the same.
"""

from __future__ import annotations

from pathlib import Path

from ._report import Report, Row

__all__ = ["PUBLISHED", "reproduce"]

#: The line the book prints after 20 epochs.
PUBLISHED = "epoch 20, x1: -0.010599, x2: 0.000000"


def reproduce() -> Report:
    """Run d2l's 20 epochs of RMSprop and print its line beside ours.

    Returns
    -------
    Report
        Rows: the printed line, and ``x1``, ``x2`` to the six decimals the book prints;
        ``data["result"]`` is the run.

    Examples
    --------
    >>> report = reproduce()
    >>> report.rows[0].ours, report.agrees
    ('epoch 20, x1: -0.010599, x2: 0.000000', True)
    """
    from .. import objectives
    from .._minimize import minimize

    objective = objectives.get("ill_conditioned")
    result = minimize(objective, [-5.0, -2.0], learning_rate=0.4, decay=0.9, eps=1e-6, maxiter=20, gtol=0)
    x1, x2 = (float(v) for v in result.x)
    line = f"epoch {result.nit}, x1: {x1:f}, x2: {x2:f}"
    printed = PUBLISHED.split(", ")
    rows = (
        Row("the printed line", PUBLISHED, line, line == PUBLISHED, "d2l.train_2d's format, 6 decimals"),
        Row("x1", printed[1].split(": ")[1], repr(x1), f"{x1:f}" == printed[1].split(": ")[1], "to 6 decimals"),
        Row("x2", printed[2].split(": ")[1], repr(x2), f"{x2:f}" == printed[2].split(": ")[1], "to 6 decimals"),
    )

    def draw(path: Path) -> None:
        from .. import plot

        plot.paths(objective, {"RMSprop eta=0.4 gamma=0.9 eps=1e-6": result}, save=path)

    return Report(
        "d2l 11.8 RMSProp: 20 epochs on 0.1 x1^2 + 2 x2^2 from (-5, -2)",
        "Zhang, Lipton, Li & Smola, Dive into Deep Learning, Section 11.8.3 (rmsprop_2d, eq. 11.8.1)",
        rows,
        draw,
        {"result": result},
    )
