"""The result of a sweep: :class:`SweepTable`, one row per run; CSV, Parquet, summaries, the best combination."""

from __future__ import annotations

import csv
import importlib.util
import io
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._atomic import atomic_path, target_path, write_atomically

__all__ = ["AGGREGATES", "SweepTable", "value_array"]

#: The aggregates of :meth:`SweepTable.summary` and :meth:`SweepTable.best` by name (a callable works too).
AGGREGATES: dict[str, Callable[[np.ndarray], float]] = {
    "median": np.median,
    "mean": np.mean,
    "min": np.min,
    "max": np.max,
    "std": np.std,
    "count": lambda values: float(values.size),
}

_INT_COLUMNS = ("run", "combination", "start", "noise_seed", "nit", "status")


class SweepTable:
    """One row per run of a sweep; columns in order (see :func:`sweep`).

    ``run``, ``combination``, one column per grid key (``names``), ``start``,
    ``x0_1..x0_d``, ``x_1..x_d``, ``fun``, ``nit``, ``status``, ``distance`` (to the
    nearest known minimum; nan when none is known). ``spec`` is the sweep's spec (the
    content of ``sweep.json``) or ``None``. The arrays are read-only.

    ``table[name]`` is a column, ``name in table`` tells whether there is one, and
    ``len(table)`` is the number of runs.

    Parameters
    ----------
    columns : mapping
        Column name -> its values, 1-D, all of one length (copied, made read-only).
    names : sequence of str, optional
        The columns that are grid keys (``table.names``); default none.
    spec : dict, optional
        The sweep's spec.

    Raises
    ------
    ValueError
        If a column is not 1-D, the columns differ in length, or a name is not a column.

    Examples
    --------
    >>> from rmsprop.sweep import sweep
    >>> table = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...               starts=3, maxiter=20)
    >>> table
    SweepTable(12 runs, 4 combinations of learning_rate, decay; columns run, combination, learning_rate, decay,
               start, x0_1, x0_2, x_1, x_2, fun, nit, status, distance)
    >>> len(table), table.names, table["learning_rate"][:4], table.spec["maxiter"]
    (12, ('learning_rate', 'decay'), array([0.01, 0.01, 0.01, 0.01]), 20)

    A table of one's own:

    >>> small = SweepTable({"run": [0, 1], "combination": [0, 1], "learning_rate": [0.1, 0.2], "start": [0, 0],
    ...                     "fun": [1.0, 0.5]}, names=["learning_rate"])
    >>> small.best()
    {'learning_rate': 0.2, 'combination': 1, 'fun': 0.5}
    """

    def __init__(self, columns: Mapping[str, Any], names: Sequence[str] = (), *, spec: dict | None = None) -> None:
        arrays = {}
        length = None
        for name, values in columns.items():
            array = np.array(values)  # a copy, made read-only below
            if array.ndim != 1:
                raise ValueError(f"column {name!r} must be 1-D; got shape {array.shape}")
            if length is not None and array.shape[0] != length:
                raise ValueError(f"column {name!r} has {array.shape[0]} rows, not {length}")
            length = array.shape[0]
            array.flags.writeable = False
            arrays[str(name)] = array
        names = tuple(names)
        missing = [name for name in names if name not in arrays]
        if missing:
            raise ValueError(f"names {missing} are not columns of the table")
        self._columns = arrays
        self._length = length or 0
        self.names = names
        self.spec = spec

    # -- access ----------------------------------------------------------------------

    @property
    def columns(self) -> dict[str, np.ndarray]:
        """Column name -> 1-D NumPy array (read-only), in the table's order (a new dict each time)."""
        return dict(self._columns)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._columns[name]
        except (KeyError, TypeError):
            raise KeyError(f"no column {name!r}; the columns: {', '.join(self._columns)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def __len__(self) -> int:
        return self._length

    @property
    def dim(self) -> int:
        """The number of coordinates (of the columns ``x_1..x_d``)."""
        return sum(1 for name in self._columns if re.fullmatch(r"x_\d+", name))

    def __repr__(self) -> str:
        combinations = len(np.unique(self._columns["combination"])) if "combination" in self._columns else "?"
        return (
            f"SweepTable({self._length} runs, {combinations} combinations of {', '.join(self.names) or 'nothing'}"
            f"; columns {', '.join(self._columns)})"
        )

    # -- files -----------------------------------------------------------------------

    def to_csv(self, path: Any) -> Path:
        """Write the table as CSV: a header, then one line per run; floats as ``repr`` (they read back exactly).

        Booleans are ``True``/``False``, ``None`` an empty field. Written atomically.

        Parameters
        ----------
        path : str or os.PathLike
            A ``.csv`` file in an existing folder.

        Returns
        -------
        pathlib.Path
            The file written.

        Raises
        ------
        TypeError
            If ``path`` is not a str or os.PathLike.
        ValueError
            If ``path`` does not end in ``.csv`` or cannot be written.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> table = SweepTable({"run": [0, 1], "combination": [0, 1], "learning_rate": [0.1, 0.2],
        ...                     "start": [0, 0], "fun": [1 / 3, 0.5]}, names=["learning_rate"])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     print(table.to_csv(Path(folder, "sweep.csv")).read_text(), end="")
        run,combination,learning_rate,start,fun
        0,0,0.1,0,0.3333333333333333
        1,1,0.2,0,0.5
        """
        target = target_path(path, (".csv",), "the CSV file")
        texts = [_csv_texts(array) for array in self._columns.values()]

        def write(stream: Any) -> None:
            text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(list(self._columns))
            writer.writerows(zip(*texts))
            text.flush()
            text.detach()

        return write_atomically(target, write)

    @classmethod
    def from_csv(cls, path: Any) -> SweepTable:
        """Read a table written by :meth:`to_csv` (grid columns typed back: numbers, booleans, None, strings).

        Parameters
        ----------
        path : str or os.PathLike
            The CSV file.

        Returns
        -------
        SweepTable
            The table, its grid keys (the columns between ``combination`` and
            ``start``) as ``names``, without a spec.

        Raises
        ------
        TypeError
            If ``path`` is not a str or os.PathLike.
        ValueError
            If the file is not a sweep's table (its header does not start
            ``run,combination`` or has no ``start``).
        OSError
            If the file cannot be read.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> table = SweepTable({"run": [0, 1], "combination": [0, 1], "centered": [False, True],
        ...                     "start": [0, 0], "fun": [1 / 3, 0.5]}, names=["centered"])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     back = SweepTable.from_csv(table.to_csv(Path(folder, "sweep.csv")))
        >>> back.names, back["centered"], back["fun"][0] == 1 / 3
        (('centered',), array([False,  True]), np.True_)
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}")
        with open(path, newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))
        if not rows or rows[0][:2] != ["run", "combination"] or "start" not in rows[0]:
            raise ValueError(f"{os.fspath(path)!r} is not a sweep table (its header is not run,combination,...)")
        header, body = rows[0], rows[1:]
        fields = list(zip(*body)) if body else [()] * len(header)
        names = tuple(header[2 : header.index("start")])
        columns = {}
        for name, texts in zip(header, fields):
            if name in _INT_COLUMNS:
                columns[name] = np.array([int(t) for t in texts], dtype=np.int64)
            elif name in names and name != "flavor":
                columns[name] = value_array([_parse_value(t) for t in texts])
            elif name == "flavor":
                columns[name] = np.array(texts, dtype=str)
            else:
                columns[name] = np.array([float(t) for t in texts], dtype=np.float64)
        return cls(columns, names)

    def to_parquet(self, path: Any) -> Path:
        """Write the table as Parquet (needs pyarrow; a ValueError without it). Written atomically.

        Parameters
        ----------
        path : str or os.PathLike
            A ``.parquet`` file in an existing folder.

        Returns
        -------
        pathlib.Path
            The file written.

        Raises
        ------
        ValueError
            If pyarrow cannot be imported, or ``path`` does not end in ``.parquet`` or
            cannot be written.
        TypeError
            If ``path`` is not a str or os.PathLike.
        """
        if importlib.util.find_spec("pyarrow") is None:
            raise ValueError("writing Parquet needs pyarrow (pip install pyarrow); to_csv needs nothing more")
        import pyarrow
        import pyarrow.parquet

        target = target_path(path, (".parquet",), "the Parquet file")
        table = pyarrow.table(
            {
                name: pyarrow.array(array.tolist() if array.dtype.kind in "OU" else array)
                for name, array in self._columns.items()
            }
        )
        with atomic_path(target) as temporary:
            pyarrow.parquet.write_table(table, str(temporary))
        return target

    # -- summaries -------------------------------------------------------------------

    def summary(self, by: Any = ("learning_rate", "decay"), value: str = "fun", aggregate: Any = "median") -> dict:
        """The ``aggregate`` of column ``value`` over the runs of each combination of the ``by`` columns.

        Returns a dict: each ``by`` name -> its sorted unique values; ``value`` (e.g. ``"fun"``) and
        ``"values"`` -> the same array of shape ``(len(unique_1), ..., len(unique_k))`` (nan
        where no run has that combination); ``"count"`` -> the runs in each cell. Grid keys not
        in ``by`` are pooled.

        Parameters
        ----------
        by : str or sequence of str, optional
            The columns to group by; default ``("learning_rate", "decay")``.
        value : str, optional
            The numeric column to aggregate; default ``"fun"``.
        aggregate : str or callable, optional
            A name of :data:`AGGREGATES` or a callable ``array -> float``; default
            ``"median"``.

        Returns
        -------
        dict
            As above.

        Raises
        ------
        ValueError
            If ``by`` is empty, names a missing column or one twice, ``value`` is not a
            numeric column, or ``aggregate`` is unknown.

        Examples
        --------
        >>> from rmsprop.sweep import sweep
        >>> table = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
        ...               starts=3, maxiter=20)
        >>> summary = table.summary(by="learning_rate", aggregate="min")
        >>> summary["learning_rate"], summary["fun"].round(4), summary["count"]
        (array([0.01, 0.1 ]), array([34.6039,  0.5488]), array([6, 6]))
        """
        by = (by,) if isinstance(by, str) else tuple(by)
        if not by:
            raise ValueError("summary needs at least one column in by")
        for name in by:
            self._column(name)
        if len(set(by)) != len(by):
            raise ValueError(f"by names a column twice: {by}")
        reduce = _aggregate(aggregate)
        values = self._numbers(value)
        uniques, inverses = zip(*(_unique(self._columns[name]) for name in by))
        shape = tuple(len(u) for u in uniques)
        cell = np.asarray(np.ravel_multi_index(inverses, shape)) if self._length else np.zeros(0, np.int64)
        out, count = _reduce_cells(values, cell, math.prod(shape), reduce)
        result: dict[str, Any] = {name: u for name, u in zip(by, uniques)}
        result[value] = result["values"] = out.reshape(shape)
        result["count"] = count.reshape(shape)
        return result

    def best(self, value: str = "fun", aggregate: Any = "median") -> dict:
        """Return the combination with the lowest ``aggregate`` of ``value`` over its runs (the first of equals).

        Parameters
        ----------
        value : str, optional
            The numeric column to aggregate; default ``"fun"``.
        aggregate : str or callable, optional
            A name of :data:`AGGREGATES` or a callable ``array -> float``; default
            ``"median"``.

        Returns
        -------
        dict
            Its grid settings, ``"combination"`` (its index) and ``value`` -> the
            aggregate.

        Raises
        ------
        ValueError
            If the table is empty, ``value`` is not a numeric column, ``aggregate`` is
            unknown, or no combination's aggregate is a number.

        Examples
        --------
        >>> from rmsprop.sweep import sweep
        >>> table = sweep("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
        ...               starts=3, maxiter=20)
        >>> best = table.best()
        >>> best["learning_rate"], best["decay"], best["combination"], round(best["fun"], 6)
        (0.1, 0.9, 3, 22.802362)
        """
        reduce = _aggregate(aggregate)
        values = self._numbers(value)
        if not self._length:
            raise ValueError("the table is empty")
        combinations, cell = np.unique(self._columns["combination"], return_inverse=True)
        out, _ = _reduce_cells(values, cell.reshape(-1), combinations.size, reduce)
        if np.isnan(out).all():
            raise ValueError(
                f"no combination has a {aggregate if isinstance(aggregate, str) else 'finite'} {value} that is a number"
            )
        winner = int(np.nanargmin(out))
        row = int(np.flatnonzero(cell == winner)[0])
        result = {name: _item(self._columns[name][row]) for name in self.names}
        result["combination"] = int(combinations[winner])
        result[value] = float(out[winner])
        return result

    def tolerance_note(self) -> str | None:
        """Say why, when no run of the table reached the tolerance; ``None`` when one did (or no run says).

        A run reached it when its ``status`` is 0 (the gradient's norm fell to ``gtol``).
        RMSprop with a constant learning rate does not settle: near a minimum its step
        ``lr * g / sqrt(v)`` has a length of about ``lr`` whatever the gradient, so the
        iterates end in a cycle about ``lr`` wide where the gradient stays above a small
        ``gtol``. A learning rate that decays to 0 lets it settle.

        Returns
        -------
        str or None
            One line: how many runs reached none of it, why, and what to do.

        Examples
        --------
        >>> from rmsprop.sweep import sweep
        >>> table = sweep("rosenbrock", {"learning_rate": [0.01], "decay": [0.9]}, starts=3, maxiter=500)
        >>> print(table.tolerance_note())
        no run of 3 reached the tolerance (gtol): RMSprop with a constant learning rate ends in a cycle about lr wide, \
where the gradient stays above gtol; use a decaying schedule (rmsprop.schedules, e.g. exponential_decay), more \
iterations or a larger gtol
        """
        if "status" not in self._columns or not self._length:
            return None
        if np.any(self._columns["status"] == 0):
            return None
        return (
            f"no run of {self._length} reached the tolerance (gtol): RMSprop with a constant learning rate ends in "
            "a cycle about lr wide, where the gradient stays above gtol; use a decaying schedule "
            "(rmsprop.schedules, e.g. exponential_decay), more iterations or a larger gtol"
        )

    def _column(self, name: Any) -> np.ndarray:
        if name not in self._columns:
            raise ValueError(f"no column {name!r}; the columns: {', '.join(self._columns)}")
        return self._columns[name]

    def _numbers(self, name: str) -> np.ndarray:
        array = self._column(name)
        if array.dtype.kind not in "biuf":
            raise ValueError(f"column {name!r} does not hold numbers")
        return array.astype(np.float64)


def _aggregate(aggregate: Any) -> Callable[[np.ndarray], float]:
    if callable(aggregate):
        return aggregate
    if isinstance(aggregate, str) and aggregate in AGGREGATES:
        return AGGREGATES[aggregate]
    raise ValueError(f"unknown aggregate {aggregate!r}; choose from {', '.join(AGGREGATES)} or give a function")


def _unique(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique values and each row's index among them (first-seen order where values do not sort)."""
    try:
        unique, inverse = np.unique(column, return_inverse=True)
        return unique, inverse.reshape(-1)
    except TypeError:  # an object column mixing None and numbers
        seen: dict[Any, int] = {}
        inverse = np.array([seen.setdefault(v, len(seen)) for v in column.tolist()], dtype=np.int64)
        unique = np.empty(len(seen), dtype=object)
        unique[:] = list(seen)
        return unique, inverse


def _reduce_cells(values: np.ndarray, cell: np.ndarray, cells: int, reduce: Callable) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[order], np.arange(cells + 1))
    out = np.full(cells, np.nan)
    count = np.diff(bounds)
    for i in np.flatnonzero(count).tolist():
        out[i] = float(reduce(values[order[bounds[i] : bounds[i + 1]]]))
    return out, count


def _item(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _csv_texts(array: np.ndarray) -> list[str]:
    if array.dtype.kind == "f":
        return [repr(v) for v in array.tolist()]
    return ["" if v is None else str(v) for v in array.tolist()]


def _parse_value(text: str) -> Any:
    if text == "":
        return None
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def value_array(values: list) -> np.ndarray:
    """Return a grid key's values as one array: bool, int64, float64, str, or object (mixed, or with None).

    Parameters
    ----------
    values : list
        The values, all of one kind or mixed.

    Returns
    -------
    numpy.ndarray
        1-D: bool for booleans, int64 for integers, float64 for numbers, str for
        strings, object otherwise.

    Examples
    --------
    >>> value_array([True, False]), value_array([1, 2]), value_array([1, 2.5])
    (array([ True, False]), array([1, 2]), array([1. , 2.5]))
    >>> value_array(["torch", "keras"]), value_array([None, 0.5])
    (array(['torch', 'keras'], dtype='<U5'), array([None, 0.5], dtype=object))
    """
    if all(isinstance(v, bool) for v in values):
        return np.array(values, dtype=bool)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.float64)
    if all(isinstance(v, str) for v in values):
        return np.array(values, dtype=str)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
