"""The folder of a sweep (``out``): ``sweep.json``, ``chunks/chunk-000012.npz``, ``sweep.csv``.

``sweep.json`` holds the spec; each finished chunk is a file written atomically and read back
with ``allow_pickle=False``, with a SHA-256 of its arrays: a chunk file that does not read back
whole, or belongs to another spec, is computed again, never trusted.

A folder of the version before ``tol`` was renamed ``gtol`` (its ``sweep.json`` says ``tol``)
is read as the spec with ``gtol``; its chunk files, which name the spec by the digest it had
then (:attr:`Plan.previous_digest`), load as they are.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .._atomic import remove_leftovers, write_atomically
from ._messages import one_line
from ._plan import FORMAT, VERSION, Chunk, Plan, renamed
from ._table import SweepTable

__all__ = ["CHUNK_FORMAT", "ChunkFolder"]

#: A chunk file's ``meta["format"]``.
CHUNK_FORMAT = "rmsprop-sweep-chunk"

_CHUNK_LEFTOVER = re.compile(r"\.chunk-\d{6,}-[0-9a-f]{8}\.tmp\.npz")
# What reading a damaged or foreign chunk file can raise (zipfile, zlib, numpy.lib.format, json).
_READ_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    RuntimeError,
    NotImplementedError,
    MemoryError,
    zipfile.BadZipFile,
    zlib.error,
)


class ChunkFolder:
    """A sweep's folder: its spec, its finished chunks, its table.

    Nothing is written until :meth:`open`.

    Parameters
    ----------
    out : str or os.PathLike
        The folder (``~`` expanded); it need not exist yet.

    Raises
    ------
    TypeError
        If ``out`` is not a str or os.PathLike.
    ValueError
        If ``out`` exists and is not a folder.

    Examples
    --------
    Save one chunk, read it back, and find that the folder refuses another sweep:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from rmsprop.sweep._chunk import run_chunk
    >>> from rmsprop.sweep._plan import make_plan
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=5)
    >>> chunk = plan.chunks[0]
    >>> runs = plan.rows(chunk)[0]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = ChunkFolder(Path(tmp, "out"))
    ...     folder.open(plan)
    ...     folder.save(plan, chunk, runs, run_chunk(plan.task(chunk, portable=False)))
    ...     print(sorted(path.name for path in folder.chunks.iterdir()), folder.load(plan, chunk, runs)["nit"])
    ...     longer = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                        starts=3, maxiter=30, gtol=1e-5, seed=0, chunk_size=5)
    ...     try:
    ...         ChunkFolder(Path(tmp, "out")).open(longer)
    ...     except ValueError as error:
    ...         print(str(error).split(" holds ")[1])
    ['chunk-000000.npz'] [20 20 20 20 20]
    another sweep (its maxiter differs); give another folder, or remove that one
    """

    def __init__(self, out: Any) -> None:
        if not isinstance(out, (str, os.PathLike)):
            raise TypeError(f"out must be a folder path (str or os.PathLike); got {type(out).__name__}")
        self.path = Path(os.fsdecode(os.fspath(out))).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"out: {str(self.path)!r} is not a folder")
        self.chunks = self.path / "chunks"
        self.spec_file = self.path / "sweep.json"

    def open(self, plan: Plan) -> None:
        """Create the folder, or check that it holds this sweep; write ``sweep.json`` (anew where it says ``tol``).

        The temporaries that writers killed mid-write left are removed first.

        Parameters
        ----------
        plan : Plan
            The sweep.

        Raises
        ------
        ValueError
            If the folder cannot be created, its ``sweep.json`` cannot be read or is not
            a sweep's spec, or it holds another sweep (naming the fields that differ).
        """
        try:
            self.chunks.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ValueError(f"out: cannot create {str(self.chunks)!r}: {error.strerror or error}") from None
        for name in ("sweep.json", "sweep.csv", "sweep.parquet"):  # what a writer killed mid-write left
            remove_leftovers(self.path / name)
        for leftover in self.chunks.iterdir():
            if _CHUNK_LEFTOVER.fullmatch(leftover.name) and leftover.is_file():
                leftover.unlink(missing_ok=True)
        if self.spec_file.exists():
            try:
                saved = json.loads(self.spec_file.read_text(encoding="utf-8"))
            except (OSError, ValueError, UnicodeDecodeError) as error:
                raise ValueError(
                    f"out: {str(self.spec_file)!r} cannot be read ({one_line(error)}); give another "
                    "folder, or remove it"
                ) from None
            if not isinstance(saved, dict) or saved.get("format") != FORMAT:
                raise ValueError(
                    f"out: {str(self.spec_file)!r} is not a sweep's spec; give another folder, or remove it"
                )
            previous = "tol" in saved and "gtol" not in saved  # saved before tol was renamed gtol
            if previous:
                saved = renamed(saved, "tol", "gtol")
            if saved != plan.spec:
                fields = [key for key in plan.spec if saved.get(key) != plan.spec[key]]
                fields += [key for key in saved if key not in plan.spec]
                raise ValueError(
                    f"out: {str(self.path)!r} holds another sweep (its {', '.join(fields)} "
                    f"{'differs' if len(fields) == 1 else 'differ'}); give another folder, or "
                    "remove that one"
                )
            if not previous:
                return
        text = json.dumps(plan.spec, indent=1, allow_nan=False) + "\n"
        write_atomically(self.spec_file, lambda stream: stream.write(text.encode()))

    def chunk_file(self, chunk: Chunk) -> Path:
        """Return the file of a chunk: ``chunks/chunk-<index, 6 digits>.npz``.

        Parameters
        ----------
        chunk : Chunk
            The chunk.

        Returns
        -------
        pathlib.Path
            The file, whether or not it exists.
        """
        return self.chunks / f"chunk-{chunk.index:06d}.npz"

    def save(self, plan: Plan, chunk: Chunk, runs: np.ndarray, result: dict) -> None:
        """Write a finished chunk's rows, atomically, with its metadata and the SHA-256 of its arrays.

        Parameters
        ----------
        plan : Plan
            The sweep.
        chunk : Chunk
            The chunk.
        runs : numpy.ndarray
            The run numbers of its rows (:meth:`Plan.rows`).
        result : dict
            Its rows, as :func:`run_chunk` returns them.

        Raises
        ------
        ValueError
            If the file cannot be written.
        """
        arrays = {"runs": runs, **{name: result[name] for name in ("x", "fun", "nit", "status")}}
        meta = {
            "format": CHUNK_FORMAT,
            "version": VERSION,
            "spec": plan.digest,
            "chunk": chunk.index,
            "first_run": int(runs[0]),
            "runs": int(runs.size),
            "engine": str(result.get("engine")),
            "sha256": _digest(arrays),
        }
        arrays["meta"] = np.array(json.dumps(meta))
        write_atomically(self.chunk_file(chunk), lambda stream: np.savez(stream, allow_pickle=False, **arrays))

    def load(self, plan: Plan, chunk: Chunk, runs: np.ndarray) -> dict | None:
        """Return the chunk's saved rows when its file reads back whole and belongs to this sweep; else ``None``.

        Parameters
        ----------
        plan : Plan
            The sweep.
        chunk : Chunk
            The chunk.
        runs : numpy.ndarray
            The run numbers of its rows (:meth:`Plan.rows`).

        Returns
        -------
        dict or None
            ``runs``, ``x``, ``fun``, ``nit``, ``status``; ``None`` when the file is
            missing, damaged, of another format or sweep, or its arrays do not match
            their digest (the chunk is then computed again).
        """
        path = self.chunk_file(chunk)
        if not path.is_file():
            return None
        try:
            with open(path, "rb") as stream, np.load(stream, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in ("meta", "runs", "x", "fun", "nit", "status")}
            meta = json.loads(str(arrays.pop("meta")[()]))
        except _READ_ERRORS:
            return None
        dim = plan.starts.shape[1]
        expected = {
            "runs": ((runs.size,), np.int64),
            "x": ((runs.size, dim), np.float64),
            "fun": ((runs.size,), np.float64),
            "nit": ((runs.size,), np.int64),
            "status": ((runs.size,), np.int64),
        }
        if not isinstance(meta, dict) or meta.get("format") != CHUNK_FORMAT or meta.get("version") != VERSION:
            return None
        if meta.get("spec") not in (plan.digest, plan.previous_digest) or meta.get("chunk") != chunk.index:
            return None
        if any(arrays[name].shape != shape or arrays[name].dtype != dtype for name, (shape, dtype) in expected.items()):
            return None
        if not np.array_equal(arrays["runs"], runs) or meta.get("sha256") != _digest(arrays):
            return None
        return arrays

    def write_table(self, table: SweepTable) -> None:
        """Write the table as ``sweep.csv``, and ``sweep.parquet`` where pyarrow can be imported.

        Parameters
        ----------
        table : SweepTable
            The sweep's table.

        Raises
        ------
        ValueError
            If a file cannot be written.
        """
        table.to_csv(self.path / "sweep.csv")
        if importlib.util.find_spec("pyarrow") is not None:
            table.to_parquet(self.path / "sweep.parquet")


def _digest(arrays: dict) -> str:
    """SHA-256 of the chunk's arrays (names, dtypes, shapes and bytes, in a fixed order)."""
    digest = hashlib.sha256()
    for name in ("runs", "x", "fun", "nit", "status"):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()
