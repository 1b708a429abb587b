"""What a reproduction gives: rows of "published vs ours" and a function that draws its figure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Row", "Report", "Entry"]


@dataclass(frozen=True)
class Row:
    """One line of a reproduction's table.

    Parameters
    ----------
    quantity : str
        What is compared (``"x1 after 50 steps"``).
    published : str
        What the source prints or states, as it prints it.
    ours : str
        What this package gives.
    agrees : bool
        Whether ours is the published value (to the digits printed) or statement.
    note : str, optional
        How it was compared, or what differs (fewer iterations, ...).

    Examples
    --------
    >>> Row("x1", "-0.010599", "-0.010599", True)
    Row(quantity='x1', published='-0.010599', ours='-0.010599', agrees=True, note='')
    """

    quantity: str
    published: str
    ours: str
    agrees: bool
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "agrees", bool(self.agrees))  # a NumPy bool as a plain one


@dataclass(frozen=True)
class Report:
    """A reproduction: its source, the rows of its table, and its figure.

    Parameters
    ----------
    title : str
        The table's title.
    source : str
        The publication, with section, equation or figure.
    rows : tuple of Row
        Published vs ours.
    draw : callable
        ``draw(path)`` writes the figure (PNG, SVG or PDF by the suffix), atomically.
    data : dict
        The runs behind the rows (results, paths), for tests and notebooks.

    Examples
    --------
    >>> report = Report("t", "s", (Row("x", "1", "1", True),), draw=lambda path: None, data={})
    >>> report.agrees
    True
    """

    title: str
    source: str
    rows: tuple[Row, ...]
    draw: Callable[[Path], Any]
    data: dict

    @property
    def agrees(self) -> bool:
        """Whether every row agrees with the source."""
        return all(row.agrees for row in self.rows)


@dataclass(frozen=True)
class Entry:
    """A registered reproduction: its name, one line on what it is, and the function that runs it.

    Parameters
    ----------
    name : str
        The name of ``rmsprop reproduce NAME``.
    summary : str
        One line for ``rmsprop reproduce --list``.
    run : callable
        ``run() -> Report``.

    Examples
    --------
    >>> Entry("toy", "a toy", lambda: None).name
    'toy'
    """

    name: str
    summary: str
    run: Callable[[], Report]
