"""Published results, reproduced: each entry runs what a source ran and sets its numbers beside ours.

``rmsprop reproduce NAME [--out DIR]`` prints an entry's table (published vs ours) and writes its
figure, ``DIR/NAME.png``; ``rmsprop reproduce --list`` lists them. In Python, ``get(name).run()``
returns a :class:`Report` (its rows, its ``draw(path)``, and the runs in ``data``).

One module per source:

=========  =====================================================================================
seed       the seed document's run (``seed.py``): 50 steps on ``5 x1^2 + 7 x2^2``, bit for bit
d2l        Dive into Deep Learning, Section 11.8 "RMSProp" (``d2l.py``): its run and printed line
reddi2018  Reddi, Kale & Kumar (2018), Theorem 1 and Section 5 (``reddi2018.py``): RMSprop and
           Adam end at the worst point of a convex online problem, AMSGrad at the optimum
shi2021    Shi, Li, Hong & Sun (2021), Figure 1 (``shi2021.py``): the phase diagram of RMSprop over
           ``beta_2`` and the period of Reddi et al.'s counterexample, one ``minimize_many`` call
=========  =====================================================================================

An entry is registered in :data:`ENTRIES` (name, one line, and its ``reproduce`` function);
adding a source is a module with a ``reproduce()`` returning a :class:`Report`, and a line here.
"""

from __future__ import annotations

from types import MappingProxyType

from ._report import Entry, Report, Row

__all__ = ["ENTRIES", "Entry", "Report", "Row", "names", "get"]


def _entries() -> dict[str, Entry]:
    from . import d2l, reddi2018, seed, shi2021

    return {
        "seed": Entry("seed", "the seed document's run: 50 RMSprop steps on 5 x1^2 + 7 x2^2", seed.reproduce),
        "d2l": Entry("d2l", "Dive into Deep Learning, 11.8 RMSProp: 0.1 x1^2 + 2 x2^2 from (-5, -2)", d2l.reproduce),
        "reddi2018": Entry(
            "reddi2018",
            "Reddi, Kale & Kumar 2018 (ICLR): RMSprop/Adam fail on convex online problems, AMSGrad does not",
            reddi2018.reproduce,
        ),
        "shi2021": Entry(
            "shi2021",
            "Shi, Li, Hong & Sun 2021 (ICLR), Figure 1: where RMSprop converges over beta_2 and the period",
            shi2021.reproduce,
        ),
    }


#: The reproductions by name, in the order of ``--list``.
ENTRIES = MappingProxyType(_entries())


def names() -> tuple[str, ...]:
    """Return the names of the reproductions.

    Returns
    -------
    tuple of str
        The keys of :data:`ENTRIES`.

    Examples
    --------
    >>> names()
    ('seed', 'd2l', 'reddi2018', 'shi2021')
    """
    return tuple(ENTRIES)


def get(name: str) -> Entry:
    """Return the reproduction ``name``.

    Parameters
    ----------
    name : str
        One of :func:`names`.

    Returns
    -------
    Entry
        Its name, summary and ``run``.

    Raises
    ------
    ValueError
        If ``name`` is not one of :func:`names` (the message suggests the closest).

    Examples
    --------
    >>> get("seed").run().agrees
    True
    >>> get("reddi")
    Traceback (most recent call last):
    ...
    ValueError: unknown reproduction 'reddi'; did you mean 'reddi2018'? (choose one of: seed, d2l, reddi2018, shi2021)
    """
    import difflib

    if name in ENTRIES:
        return ENTRIES[name]
    close = difflib.get_close_matches(str(name), names(), n=1, cutoff=0.4)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown reproduction {name!r}{hint} (choose one of: {', '.join(names())})")
