"""Checkpoints of :func:`rmsprop.minimize`: save the loop's whole state, and resume it bit for bit.

A checkpoint is the state of the loop at the end of iteration ``nit``: everything the
remaining iterations need, and everything needed to tell whether a checkpoint belongs to
the run that wants to resume it. It is one NumPy ``.npz`` archive (a ZIP of ``.npy``
files, `NEP 1 <https://numpy.org/neps/nep-0001-npy-format.html>`_), read back with
``np.load(path, allow_pickle=False)``, so nothing in it is ever unpickled:

``meta``
    A 0-d unicode array holding one JSON object (strict JSON; a non-finite number is
    written as the string ``"inf"``, ``"-inf"`` or ``"nan"``)::

        {"format": "rmsprop-checkpoint", "version": 1,
         "run": {"objective": {"name", "formula", "dim", "dtype", "gradient"},
                 "optimizer": the optimizer's settings, "gtol": ..., "norm": ...},
         "nit": ..., "nfev": ..., "njev": ...,
         "state": {"type": "RMSpropState", "leaves": 4}}

    ``run`` identifies the run: resuming with anything else there is refused.
``x``, ``fun``, ``jac``
    The iterate ``x_nit``, ``f(x_nit)`` (a 0-d float64 array) and the gradient there.
``path_x``, ``path_fun``, ``path_jac``, ``path_grad_norm``
    The trajectory so far, ``nit + 1`` rows, the start first (as in the result).
``state_0``, ``state_1``, ...
    The leaves of the optimizer's state (``optimizer.init(x)``'s NamedTuple, flattened
    by :func:`rmsprop._tree.flatten`), as arrays; a ``None`` leaf has no entry.

The state's structure is not stored: it is rebuilt from ``optimizer.init(x)`` (a
template), each saved leaf is checked against the template's leaf (count, shape,
dtype), and each is restored with the template leaf's type -- a Python ``int`` stays an
``int``, a NumPy scalar or array keeps its dtype -- so the restored state is
bit-identical to the saved one. This is how :meth:`rmsprop.RMSprop.load_state_dict`
checks a state too.

A file is written whole or not at all (:func:`rmsprop._atomic.write_atomically`:
a temporary file beside it, fsync, rename), so a run killed at any moment leaves the
previous checkpoint or the new one, never a mixture. Each checkpoint holds the whole
trajectory, so writing one costs time in proportion to ``nit``: give long runs a large
``checkpoint_every``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import numbers
import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import DTypeLike

from ._atomic import remove_leftovers, target_path, write_atomically
from ._tree import flatten

__all__ = ["FORMAT", "VERSION", "DEFAULT_EVERY", "Progress", "describe_run", "checkpoint_target", "save", "load"]

FORMAT = "rmsprop-checkpoint"
VERSION = 1

#: Iterations between checkpoints when ``checkpoint_every`` is not given.
DEFAULT_EVERY = 1000

_TRAJECTORY = ("path_x", "path_fun", "path_jac", "path_grad_norm")

# What reading a damaged or foreign file can raise, from zipfile, zlib and numpy.lib.format.
_READ_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    RuntimeError,
    NotImplementedError,
    MemoryError,
    zipfile.BadZipFile,
    zlib.error,
)


class Progress(NamedTuple):
    """The loop at the end of iteration ``nit``: what a checkpoint saves and a resume restores.

    ``x``, ``f`` and ``g`` are the last rows of the trajectory; ``state`` is the
    optimizer's state that takes the next step from ``x``.

    Parameters
    ----------
    nit : int
        The iterations done.
    nfev, njev : int
        The evaluations of f and of the gradient so far.
    state : object
        The optimizer's state (a NamedTuple of numbers and arrays, as its ``init`` makes).
    path_x : list of numpy.ndarray or numpy.ndarray
        The iterates ``x_0 .. x_nit``, each of shape ``(d,)`` (a list, or their array).
    path_fun : list of float or numpy.ndarray
        ``f`` at each iterate.
    path_jac : list of numpy.ndarray or numpy.ndarray
        The gradient at each iterate.
    path_grad_norm : list of float or numpy.ndarray
        The norm of the gradient at each iterate (the one ``gtol`` is compared with).

    Examples
    --------
    The loop before its first step, from ``(-4, 3)`` on the seed objective:

    >>> import numpy as np
    >>> from rmsprop import baselines, objectives
    >>> x0 = np.array([-4.0, 3.0])
    >>> f, g = objectives.get("seed").value_and_grad(x0)
    >>> Progress(0, 1, 1, baselines.sgd(0.1).init(x0), [x0], [float(f)], [g], [float(np.abs(g).max())])
    Progress(nit=0, nfev=1, njev=1, state=SGDState(count=0), path_x=[array([-4.,  3.])], path_fun=[143.0],
             path_jac=[array([-40.,  42.])], path_grad_norm=[42.0])
    """

    nit: int
    nfev: int
    njev: int
    state: Any
    path_x: list | np.ndarray
    path_fun: list | np.ndarray
    path_jac: list | np.ndarray
    path_grad_norm: list | np.ndarray


def describe_run(fun: Any, x0: np.ndarray, settings: Any, gtol: float, norm: Any, finite_differences: bool) -> dict:
    """Describe what identifies a run, as plain JSON data: the objective, the optimizer's settings, gtol and the norm.

    A catalogue or typed objective is known by its name and formula; any other callable
    by its module and qualified name.

    Parameters
    ----------
    fun : callable
        The objective (an :class:`~rmsprop.objectives.Objective` or any callable).
    x0 : numpy.ndarray
        The start, as the loop holds it (its size and dtype are recorded).
    settings : mapping
        The optimizer's ``settings``.
    gtol : float
        The stopping tolerance.
    norm : object
        The order of the gradient's norm (``np.linalg.norm``'s ``ord``).
    finite_differences : bool
        Whether the gradient is estimated by finite differences (no ``jac`` given).

    Returns
    -------
    dict
        ``{"objective": {"name", "formula", "dim", "dtype", "gradient"}, "optimizer":
        settings, "gtol": ..., "norm": ...}``, every value strict JSON (a non-finite
        number as ``"inf"``, ``"-inf"`` or ``"nan"``; a schedule as its fields).

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> from rmsprop import baselines, objectives
    >>> run = describe_run(objectives.get("seed"), np.array([-4.0, 3.0]), baselines.adam(0.1).settings,
    ...                    gtol=1e-5, norm=math.inf, finite_differences=False)
    >>> run["objective"]
    {'name': 'seed', 'formula': '5*x1**2 + 7*x2**2', 'dim': 2, 'dtype': 'float64', 'gradient': 'given'}
    >>> run["optimizer"], run["gtol"], run["norm"]
    ({'name': 'adam', 'learning_rate': 0.1, 'b1': 0.9, 'b2': 0.999, 'eps': 1e-08}, 1e-05, 'inf')
    """
    name = getattr(fun, "name", None)
    if not isinstance(name, str):
        name = f"{getattr(fun, '__module__', None) or ''}.{getattr(fun, '__qualname__', type(fun).__qualname__)}"
    formula = getattr(fun, "formula", None)
    return {
        "objective": {
            "name": name,
            "formula": formula if isinstance(formula, str) else None,
            "dim": int(x0.size),
            "dtype": str(x0.dtype),
            "gradient": "finite differences" if finite_differences else "given",
        },
        "optimizer": _plain(dict(settings)),
        "gtol": _plain(gtol),
        "norm": _plain(norm),
    }


def checkpoint_target(path: Any) -> Path:
    """Check ``path`` for writing a checkpoint (an ``.npz`` file in an existing folder), or a one-line error.

    The temporaries that an earlier run of this checkpoint left when it was killed
    mid-write are removed here (a checkpoint has one writer at a time).

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file.

    Returns
    -------
    pathlib.Path
        The path, ``~`` expanded.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    ValueError
        If ``path`` does not end in ``.npz``, is a directory, or its folder does not
        exist or is not writable.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = Path(folder, ".run-0123abcd.tmp.npz").write_bytes(b"killed mid-write")
    ...     print(checkpoint_target(Path(folder, "run.npz")).name, list(Path(folder).iterdir()))
    run.npz []
    >>> checkpoint_target("run.txt")
    Traceback (most recent call last):
    ...
    ValueError: cannot tell the format of 'run.txt' ('.txt'); use one of .npz
    """
    target = target_path(path, (".npz",), "checkpoint")
    remove_leftovers(target)
    return target


def save(path: Path, run: dict, progress: Progress) -> None:
    """Write ``progress`` and ``run`` to ``path`` atomically; every value must be finite.

    A non-finite iterate is never saved, so a diverging run cannot replace its last good
    checkpoint. Failures are one-line ``ValueError`` naming the file.

    Parameters
    ----------
    path : pathlib.Path
        The checkpoint file (see :func:`checkpoint_target`).
    run : dict
        :func:`describe_run` of the run.
    progress : Progress
        The loop's state at the end of iteration ``progress.nit``.

    Raises
    ------
    ValueError
        If the last iterate, its value or its gradient is not finite (nothing is
        written), or the file cannot be written.
    TypeError
        If a leaf of the optimizer's state is not a number or a NumPy array of a
        fixed-size dtype (it could only be pickled).

    Examples
    --------
    >>> import math, tempfile
    >>> import numpy as np
    >>> from pathlib import Path
    >>> from rmsprop import baselines, objectives
    >>> seed, x0, opt = objectives.get("seed"), np.array([-4.0, 3.0]), baselines.adam(0.1)
    >>> run = describe_run(seed, x0, opt.settings, 1e-5, math.inf, False)
    >>> f, g = seed.value_and_grad(x0)
    >>> progress = Progress(0, 1, 1, opt.init(x0), [x0], [float(f)], [g], [42.0])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save(Path(folder, "run.npz"), run, progress)
    ...     with np.load(Path(folder, "run.npz")) as archive:
    ...         print(sorted(archive.files), archive["path_fun"])
    ['fun', 'jac', 'meta', 'path_fun', 'path_grad_norm', 'path_jac', 'path_x', 'state_0', 'state_1', 'state_2',
     'x'] [143.]
    """
    x, f, g = progress.path_x[-1], progress.path_fun[-1], progress.path_jac[-1]
    if not (math.isfinite(f) and np.all(np.isfinite(x)) and np.all(np.isfinite(g))):
        raise ValueError(f"not writing the checkpoint {str(path)!r}: the iterate is not finite")
    leaves, _ = flatten(progress.state)
    arrays = {}
    for i, leaf in enumerate(leaves):
        if leaf is None:
            continue
        if not isinstance(leaf, (numbers.Number, np.generic, np.ndarray)):
            raise TypeError(
                f"cannot checkpoint the optimizer state: leaf {i} is a {type(leaf).__name__}, "
                "not a number or a NumPy array"
            )
        array = np.asarray(leaf)
        if array.dtype.hasobject:  # e.g. an int too large for int64: it could only be pickled
            raise TypeError(f"cannot checkpoint the optimizer state: leaf {i} ({leaf!r}) is not a fixed-size number")
        arrays[f"state_{i}"] = array
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "run": run,
        "nit": int(progress.nit),
        "nfev": int(progress.nfev),
        "njev": int(progress.njev),
        "state": {"type": type(progress.state).__name__, "leaves": len(leaves)},
    }
    arrays.update(
        meta=np.array(json.dumps(meta, allow_nan=False)),
        x=x,
        fun=np.float64(f),
        jac=g,
        path_x=np.array(progress.path_x),
        path_fun=np.array(progress.path_fun, dtype=np.float64),
        path_jac=np.array(progress.path_jac),
        path_grad_norm=np.array(progress.path_grad_norm, dtype=np.float64),
    )
    write_atomically(path, lambda stream: np.savez(stream, allow_pickle=False, **arrays))


def load(path: Any, run: dict, template: Any, x0: np.ndarray, maxiter: int) -> Progress:
    """Read the :class:`Progress` saved in ``path``, checked against the run that resumes it.

    Anything wrong -- a missing, truncated, damaged or foreign file, another format
    version, another run -- is a one-line ``ValueError`` naming the file and the fault.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file.
    run : dict
        :func:`describe_run` of the run that resumes.
    template : object
        That run's ``optimizer.init(x0)``: the structure, types, shapes and dtypes the
        saved state must have.
    x0 : numpy.ndarray
        That run's start: the saved trajectory must start there, bit for bit.
    maxiter : int
        That run's ``maxiter`` (the total): a checkpoint beyond it is refused.

    Returns
    -------
    Progress
        The saved loop, its state rebuilt with the template's types (a Python ``int``
        stays an ``int``), bit-identical to the one saved.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    ValueError
        If the file is missing, not a checkpoint, damaged, of another format version,
        saved for another run (objective, optimizer settings, gtol, norm, start), or
        beyond ``maxiter``.

    Examples
    --------
    Save the loop after one step of Adam, then resume it, and a run with another
    learning rate that may not:

    >>> import math, tempfile
    >>> import numpy as np
    >>> from pathlib import Path
    >>> from rmsprop import apply_updates, baselines, objectives
    >>> seed, x0, opt = objectives.get("seed"), np.array([-4.0, 3.0]), baselines.adam(0.1)
    >>> run = describe_run(seed, x0, opt.settings, 1e-5, math.inf, False)
    >>> f0, g0 = seed.value_and_grad(x0)
    >>> updates, state = opt.update(g0, opt.init(x0))
    >>> x1 = apply_updates(x0, updates)
    >>> f1, g1 = seed.value_and_grad(x1)
    >>> progress = Progress(1, 2, 2, state, [x0, x1], [float(f0), float(f1)], [g0, g1], [42.0, float(abs(g1).max())])
    >>> other = describe_run(seed, x0, baselines.adam(0.2).settings, 1e-5, math.inf, False)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save(Path(folder, "run.npz"), run, progress)
    ...     resumed = load(Path(folder, "run.npz"), run, opt.init(x0), x0, maxiter=100)
    ...     try:
    ...         load(Path(folder, "run.npz"), other, opt.init(x0), x0, maxiter=100)
    ...     except ValueError as error:
    ...         print(str(error).split(": ", 1)[1])
    it was saved for optimizer learning_rate 0.1; this run has 0.2
    >>> resumed.nit, resumed.path_x[-1], resumed.state.count
    (1, array([-3.9,  2.9]), 1)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"resume must be a path (str or os.PathLike); got {type(path).__name__}")
    source = Path(os.fsdecode(os.fspath(path))).expanduser()
    where = f"cannot resume from {str(source)!r}"
    if not source.exists():
        raise ValueError(f"{where}: no such file")
    if not source.is_file():
        raise ValueError(f"{where}: it is not a file")
    with _reading(where):
        stream = open(source, "rb")
    with stream:  # np.load is given the open file, so that nothing is left open when reading fails
        with _reading(where):
            start = stream.read(4)
            stream.seek(0)
        if start != b"PK\x03\x04":  # every .npz is a ZIP archive
            raise ValueError(f"{where}: not a checkpoint (not an .npz archive)")
        with _reading(where):
            archive = np.load(stream, allow_pickle=False)
        with archive:
            if "meta" not in archive.files:
                raise ValueError(f"{where}: not an rmsprop checkpoint (it has no 'meta' entry)")
            with _reading(where):
                meta = _parse_meta(_entry(archive, "meta"))
            _check_meta(where, meta, run, maxiter)
            leaves, _ = flatten(template)
            if meta["state"] != {"type": type(template).__name__, "leaves": len(leaves)}:
                raise ValueError(
                    f"{where}: its optimizer state is a {meta['state']!r}; this optimizer's is a "
                    f"{type(template).__name__} of {len(leaves)} leaves"
                )
            stored = [f"state_{i}" for i, leaf in enumerate(leaves) if leaf is not None]
            expected = {"meta", "x", "fun", "jac", *_TRAJECTORY, *stored}
            if set(archive.files) != expected:
                odd = sorted(set(archive.files) ^ expected)
                raise ValueError(f"{where}: the entries {', '.join(odd)} are missing or unexpected")
            with _reading(where):
                arrays = {name: _entry(archive, name) for name in sorted(expected - {"meta"})}
    trajectory = _checked_trajectory(where, arrays, meta["nit"], x0)
    state = _rebuild(
        template, iter([_leaf_like(where, i, arrays.get(f"state_{i}"), leaf) for i, leaf in enumerate(leaves)])
    )
    return Progress(meta["nit"], meta["nfev"], meta["njev"], state, *trajectory)


@contextlib.contextmanager
def _reading(where: str) -> Iterator[None]:
    """Turn what reading a damaged or foreign file raises into one line that names the file."""
    try:
        yield
    except _READ_ERRORS as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise ValueError(f"{where}: the file is damaged or not a checkpoint ({reason})") from error


def _entry(archive: Any, name: str) -> np.ndarray:
    value = archive[name]
    if not isinstance(value, np.ndarray):  # np.load gives the raw bytes of a member that is not a .npy file
        raise ValueError(f"its entry {name!r} is not a NumPy array")
    return value


def _parse_meta(array: np.ndarray) -> Any:
    if array.shape != () or array.dtype.kind != "U":
        raise ValueError("its 'meta' entry is not a text")
    return json.loads(str(array[()]))


def _check_meta(where: str, meta: Any, run: dict, maxiter: int) -> None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"{where}: not an rmsprop checkpoint (its 'meta' entry is not one)")
    if meta.get("version") != VERSION:
        raise ValueError(
            f"{where}: it has format version {meta.get('version')!r}; this rmsprop reads version {VERSION}"
        )
    for name in ("nit", "nfev", "njev"):
        value = meta.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{where}: its {name} is {value!r}, not a count")
    if not isinstance(meta.get("state"), dict) or not isinstance(meta.get("run"), dict):
        raise ValueError(f"{where}: its 'meta' entry lacks 'state' or 'run'")
    saved = meta["run"]
    for part in ("objective", "optimizer"):
        theirs, mine = saved.get(part), run[part]
        if theirs == mine:
            continue
        if not isinstance(theirs, dict):
            raise ValueError(f"{where}: its 'meta' entry has no {part} settings")
        key = (
            "name"
            if theirs.get("name") != mine["name"]
            else min(key for key in set(theirs) | set(mine) if theirs.get(key) != mine.get(key))
        )
        raise ValueError(
            f"{where}: it was saved for {part} {key} {_shown(theirs.get(key))}; this run has {_shown(mine.get(key))}"
        )
    for part in ("gtol", "norm", "bounds", "noise"):  # only a bounded run has bounds, a noisy one noise
        if saved.get(part) != run.get(part):
            raise ValueError(
                f"{where}: it was saved for {part} {_shown(saved.get(part))}; this run has {_shown(run.get(part))}"
            )
    if meta["nit"] > maxiter:
        raise ValueError(f"{where}: it is at iteration {meta['nit']}, beyond maxiter={maxiter} (maxiter is the total)")


def _shown(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _checked_trajectory(where: str, arrays: dict, nit: int, x0: np.ndarray) -> list:
    """The trajectory as the loop's lists, after checking shapes, dtypes, finiteness and the start."""
    d, dtype = x0.size, x0.dtype
    wanted: dict[str, tuple[tuple[int, ...], DTypeLike]] = {
        "x": ((d,), dtype),
        "jac": ((d,), dtype),
        "fun": ((), np.float64),
        "path_x": ((nit + 1, d), dtype),
        "path_jac": ((nit + 1, d), dtype),
        "path_fun": ((nit + 1,), np.float64),
        "path_grad_norm": ((nit + 1,), np.float64),
    }
    for name, (shape, kind) in wanted.items():
        array = arrays[name]
        if array.shape != shape or array.dtype != kind:
            raise ValueError(
                f"{where}: {name} has shape {array.shape} and dtype {array.dtype}; "
                f"expected {shape} and {np.dtype(kind)}"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{where}: {name} is not finite")
    path_x, path_fun, path_jac, path_grad_norm = (arrays[name] for name in _TRAJECTORY)
    if not (
        np.array_equal(arrays["x"], path_x[-1])
        and np.array_equal(arrays["jac"], path_jac[-1])
        and arrays["fun"] == path_fun[-1]
    ):
        raise ValueError(f"{where}: x, fun and jac are not the trajectory's last row")
    if path_x[0].tobytes() != x0.tobytes():
        raise ValueError(f"{where}: its run started from {path_x[0].tolist()}, not from x0 = {x0.tolist()}")
    return [list(path_x), [float(v) for v in path_fun], list(path_jac), [float(v) for v in path_grad_norm]]


def _leaf_like(where: str, i: int, saved: np.ndarray | None, template: Any) -> Any:
    """Saved leaf ``i`` with the type, shape and dtype of the template's leaf, or a one-line error."""
    if template is None:
        return None
    assert saved is not None  # every leaf that is not None was stored, and the archive's entries were checked
    if isinstance(template, np.ndarray):
        if saved.shape != template.shape or saved.dtype != template.dtype:
            raise ValueError(
                f"{where}: optimizer state leaf {i} has shape {saved.shape} and dtype {saved.dtype}; "
                f"this optimizer needs {template.shape} and {template.dtype}"
            )
        return saved
    expected = np.asarray(template).dtype
    compatible = saved.dtype == expected or (isinstance(template, numbers.Integral) and saved.dtype.kind in "iu")
    if saved.shape != () or not compatible:
        raise ValueError(
            f"{where}: optimizer state leaf {i} has shape {saved.shape} and dtype {saved.dtype}; "
            f"this optimizer needs a scalar of type {type(template).__name__}"
        )
    if isinstance(template, np.generic):
        return saved[()]
    return type(template)(saved[()])  # a Python bool, int, float or complex, as the template's


def _rebuild(template: Any, leaves: Any) -> Any:
    """The template's tree (NamedTuples, tuples, lists, dicts) with the next leaves, in :func:`flatten`'s order."""
    if isinstance(template, dict):
        built = {key: _rebuild(template[key], leaves) for key in sorted(template)}
        return {key: built[key] for key in template}
    if isinstance(template, (list, tuple)):
        children = [_rebuild(item, leaves) for item in template]
        if hasattr(template, "_fields"):  # a NamedTuple
            return type(template)(*children)
        return type(template)(children)
    return next(leaves)


def _plain(value: Any) -> Any:
    """``value`` as strict JSON data, for recording a setting and comparing it with a run's."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else repr(number)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a schedule
        fields = {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
        return {"type": f"{type(value).__module__}.{type(value).__qualname__}", **fields}
    if callable(value):
        return {"callable": f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"}
    return {"repr": repr(value)}
