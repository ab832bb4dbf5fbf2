"""Output files that are never left half-written: temporary names renamed when complete, a lock
per output against a second run, and write errors that name the file (stdlib only, POSIX locks).

A file is written as ``<name>.partial<ext>`` in its own folder (the extension kept, so that
OpenCV still picks the container from it) and renamed to ``<name><ext>`` when complete. A run
holds ``<output>.lock`` (``fcntl.flock``) while it writes; a second run on the same output is
refused at once instead of interleaving with the first.
"""
from __future__ import annotations

import errno
import fcntl
import os
import sys

from lib.errors import LightTrackError

LOCK_SUFFIX = ".lock"


def temporary_path(path: str) -> str:
    """``folder/name.partial.ext`` for ``folder/name.ext``: same folder, same extension."""
    root, ext = os.path.splitext(path)
    return f"{root}.partial{ext}"


class WriteError(LightTrackError):
    """An output could not be written (full disk, no permission): later outputs would fail
    too, so a batch stops at the first one."""


def write_error(path: str, err: OSError) -> WriteError:
    """The one-line error for a failed write of ``path`` ("cannot write X: No space left ...")."""
    reason = err.strerror or str(err) or type(err).__name__
    return WriteError(f"cannot write {path}: {reason}")


def replace(temporary: str, path: str) -> None:
    """Rename the finished ``temporary`` to ``path`` (atomic on one file system)."""
    try:
        os.replace(temporary, path)
    except OSError as err:
        raise write_error(path, err) from None


def write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through its temporary name; the folder is created. On an error
    nothing is left behind but the previous ``path`` (if any) and LightTrackError names it."""
    temporary = temporary_path(path)
    try:
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data)
    except OSError as err:
        remove_quietly(temporary)
        raise write_error(path, err) from None
    replace(temporary, path)


def remove_quietly(path: str) -> None:
    """Delete ``path`` if it exists; errors are ignored (used while reporting another one)."""
    try:
        os.unlink(path)
    except OSError:
        pass


class OutputLock:
    """An exclusive ``flock`` on ``<path>.lock`` (or ``<folder>/.lock`` for a folder), taken at
    construction without waiting: LightTrackError when another run holds it. ``release()``
    (also ``close()``, and leaving a ``with`` block) unlocks and removes the lock file."""

    def __init__(self, path: str):
        self.path = path
        if os.path.isdir(path):
            self.lock_path = os.path.join(path, LOCK_SUFFIX)
        else:
            self.lock_path = path.rstrip(os.sep) + LOCK_SUFFIX
        self._fd: int | None = None
        self._acquire()

    def _acquire(self) -> None:
        while True:  # the holder may remove the file between our open and our flock: retry
            try:
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as err:
                raise LightTrackError(f"cannot create the lock file {self.lock_path}: "
                                      f"{err.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                os.close(fd)
                if err.errno in (errno.EWOULDBLOCK, errno.EACCES):
                    raise LightTrackError(f"another run is writing {self.path} (it holds "
                                          f"{self.lock_path}): wait for it to end or choose "
                                          "another output") from None
                raise LightTrackError(f"cannot lock {self.lock_path}: {err.strerror}") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return
            os.close(fd)

    def release(self) -> None:
        if self._fd is not None:
            remove_quietly(self.lock_path)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "OutputLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def close_all(sinks) -> None:
    """Close every sink in order, even when one fails; then raise the first failure, unless an
    exception is already on its way out (that one is the cause; it is not masked)."""
    first = None
    for sink in sinks:
        try:
            sink.close()
        except Exception as err:  # every sink must get its close; report the first failure
            first = first or err
    if first is not None and sys.exc_info()[1] is None:
        raise first
