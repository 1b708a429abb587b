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
import secrets
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Sequence

__all__ = ["target_path", "atomic_path", "write_atomically", "remove_leftovers"]


def target_path(path: Any, suffixes: Sequence[str], what: str) -> Path:
    """``path`` as a Path that a file of one of ``suffixes`` can be written to, or a one-line error.

    Checked before any work starts, so that a bad path never costs a run.
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
    """
    try:
        for _ in range(100):
            temporary = target.with_name(f".{target.stem}-{secrets.token_hex(4)}.tmp{target.suffix}")
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


def write_atomically(target: str | os.PathLike, write: Callable[[IO[bytes]], None]) -> Path:
    """Call ``write(stream)`` on a temporary file beside ``target``, fsync it, then rename it to ``target``."""
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
