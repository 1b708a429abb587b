"""Files written whole or not at all: a temporary file beside the target, fsync, then rename.

A reader never sees half a file, and a failure (bad data, full disk, Ctrl-C) leaves the
previous file, if any, as it was: the temporary is removed and the error goes on. Every
failure to write is a one-line ``ValueError`` naming the file.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["target_path", "atomic_path", "write_atomically", "remove_leftovers"]


def target_path(path: Any, suffixes: Sequence[str], what: str) -> Path:
    """Return ``path`` as a Path that a file of one of ``suffixes`` can be written to, or a one-line error.

    Checked before any work starts, so that a bad path never costs a run.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; ``~`` is expanded.
    suffixes : sequence of str
        The suffixes allowed, lower case with the dot (``(".png", ".svg")``); the
        path's suffix is compared in lower case.
    what : str
        What the path is, for the messages (``"save"``, ``"checkpoint"``).

    Returns
    -------
    pathlib.Path
        The path, ``~`` expanded.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    ValueError
        If ``path`` is a directory, its suffix is not one of ``suffixes``, or its folder
        does not exist, is not a folder or is not writable.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target_path(f"{folder}/figure.PNG", (".png", ".svg"), "save").name
    'figure.PNG'
    >>> target_path("figure.jpg", (".png", ".svg"), "save")
    Traceback (most recent call last):
    ...
    ValueError: cannot tell the format of 'figure.jpg' ('.jpg'); use one of .png, .svg
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} must be a path (str or os.PathLike); got {type(path).__name__}")
    target = Path(os.fsdecode(os.fspath(path))).expanduser()
    if target.is_dir():
        raise ValueError(f"cannot write {str(target)!r}: it is a directory")
    if target.suffix.lower() not in suffixes:
        shown = repr(target.suffix) if target.suffix else "no suffix"
        raise ValueError(f"cannot tell the format of {str(target)!r} ({shown}); use one of {', '.join(suffixes)}")
    parent = target.parent
    if not parent.exists():
        raise ValueError(f"cannot write {str(target)!r}: the directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise ValueError(f"cannot write {str(target)!r}: {str(parent)!r} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write {str(target)!r}: the directory {str(parent)!r} is not writable")
    return target


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary path beside ``target``; rename it onto ``target`` when the block succeeds.

    The temporary keeps ``target``'s suffix (writers such as Pillow and ffmpeg choose the
    format by the name) and is created with the permissions the umask gives, not
    ``mkstemp``'s 0600. It is removed when anything fails.

    Parameters
    ----------
    target : pathlib.Path
        The file to write (see :func:`target_path`).

    Yields
    ------
    pathlib.Path
        The temporary path, ``.<stem>-<8 hex digits>.tmp<suffix>`` beside ``target``,
        an empty file that the block writes.

    Raises
    ------
    ValueError
        If the temporary cannot be created or renamed (one line naming ``target``).
        An error raised inside the block goes on unchanged, ``target`` untouched.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder, "notes.txt")
    ...     with atomic_path(target) as temporary:
    ...         _ = temporary.write_text("written whole")
    ...         print(temporary.suffix, target.exists())
    ...     print(target.read_text(), temporary.exists())
    .txt False
    written whole False
    """
    try:
        for _ in range(100):
            temporary = target.with_name(f".{target.stem}-{os.urandom(4).hex()}.tmp{target.suffix}")
            try:
                os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover
            raise FileExistsError(f"no free temporary name beside {target}")
    except OSError as error:
        raise ValueError(f"cannot write {str(target)!r}: {error.strerror or error}") from error
    try:
        yield temporary
        try:
            os.replace(temporary, target)
        except OSError as error:
            raise ValueError(f"cannot write {str(target)!r}: {error.strerror or error}") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def remove_leftovers(target: str | os.PathLike) -> list[Path]:
    """Remove the temporaries that writers of ``target`` killed mid-write left beside it; return them.

    :func:`atomic_path` removes its temporary on any error, but not when the process is
    killed (SIGKILL, power loss). Only for files with one writer at a time, such as a
    run's checkpoint: another process writing ``target`` right now would lose its temporary.

    Parameters
    ----------
    target : str or os.PathLike
        The file whose leftovers to remove (``.<stem>-<8 hex digits>.tmp<suffix>``
        beside it); ``target`` itself is left alone.

    Returns
    -------
    list of pathlib.Path
        The files removed.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = Path(folder, "run.npz").write_text("the checkpoint")
    ...     _ = Path(folder, ".run-0123abcd.tmp.npz").write_text("half a checkpoint")
    ...     print([path.name for path in remove_leftovers(Path(folder, "run.npz"))])
    ...     print(sorted(path.name for path in Path(folder).iterdir()))
    ['.run-0123abcd.tmp.npz']
    ['run.npz']
    """
    target = Path(target)
    pattern = re.compile(rf"\.{re.escape(target.stem)}-[0-9a-f]{{8}}\.tmp{re.escape(target.suffix)}")
    removed = []
    for candidate in target.parent.glob(f".{glob.escape(target.stem)}-*.tmp{glob.escape(target.suffix)}"):
        if pattern.fullmatch(candidate.name) and candidate.is_file():
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def write_atomically(target: str | os.PathLike, write: Callable[[IO[bytes]], object]) -> Path:
    """Call ``write(stream)`` on a temporary file beside ``target``, fsync it, then rename it to ``target``.

    Parameters
    ----------
    target : str or os.PathLike
        The file to write, in an existing folder.
    write : callable
        ``write(stream)`` writes the file's bytes to ``stream``, a binary file open for
        writing.

    Returns
    -------
    pathlib.Path
        ``target``.

    Raises
    ------
    ValueError
        If the file cannot be written (a full disk, no permission): one line naming
        ``target``, which keeps its previous content. An error raised by ``write`` goes
        on unchanged, ``target`` untouched.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_atomically(Path(folder, "data.bin"), lambda stream: stream.write(b"all or nothing"))
    ...     print(path.name, path.read_bytes())
    data.bin b'all or nothing'
    """
    target = Path(target)
    with atomic_path(target) as temporary:
        try:
            with open(temporary, "wb") as stream:
                write(stream)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as error:
            raise ValueError(f"cannot write {str(target)!r}: {error.strerror or error}") from error
    return target
