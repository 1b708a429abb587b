"""The seed document's run: 50 RMSprop steps from (-4, 3) on ``5 x1^2 + 7 x2^2``.

The seed ("RMSprop from scratch", sections 4 and 5) runs ``e <- gamma e + (1 - gamma) g^2;
x <- x - lr g / sqrt(e + eps)`` with ``lr = 0.1``, ``gamma = 0.9``, ``eps = 1e-8``, 50 epochs,
and prints ``x1 = -0.10352260359924752``, ``x2 = 0.0025296212056016548``,
``y = 0.05362944016394148``; its figure is the path on the contour (section 5). This is
:func:`rmsprop.minimize` with those settings and ``gtol=0``, bit for bit.
"""

from __future__ import annotations

from pathlib import Path

from ._report import Report, Row

__all__ = ["PUBLISHED", "reproduce"]

#: What the seed prints (section 4, "Output").
PUBLISHED = {"x1": -0.10352260359924752, "x2": 0.0025296212056016548, "y": 0.05362944016394148}


def reproduce() -> Report:
    """Run the seed's 50 steps and set its printed numbers beside ours.

    Returns
    -------
    Report
        Rows ``x1``, ``x2``, ``y`` (equal to the last bit: ``repr`` of the floats), the figure
        (the path on the contour), and ``data["result"]``, the run.

    Examples
    --------
    >>> report = reproduce()
    >>> [(row.quantity, row.ours, row.agrees) for row in report.rows]
    [('x1', '-0.10352260359924752', True), ('x2', '0.0025296212056016548', True), ('y', '0.05362944016394148', True)]
    """
    from .. import objectives
    from .._minimize import minimize

    seed = objectives.get("seed")
    result = minimize(seed, [-4.0, 3.0], learning_rate=0.1, decay=0.9, eps=1e-8, maxiter=50, gtol=0)
    ours = {"x1": float(result.x[0]), "x2": float(result.x[1]), "y": float(result.fun)}
    rows = tuple(
        Row(name, repr(PUBLISHED[name]), repr(ours[name]), ours[name] == PUBLISHED[name], "bit for bit")
        for name in PUBLISHED
    )

    def draw(path: Path) -> None:
        from .. import plot

        plot.paths(seed, {"RMSprop lr=0.1 decay=0.9 eps=1e-8": result}, save=path)

    return Report(
        "the seed: RMSprop from scratch, 50 steps on 5 x1^2 + 7 x2^2 from (-4, 3)",
        "the seed document, 'RMSprop from scratch', sections 4 (the run) and 5 (the path on the contour)",
        rows,
        draw,
        {"result": result},
    )
