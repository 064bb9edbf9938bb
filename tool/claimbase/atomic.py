"""Writing files so that a reader never sees half of one: write beside, flush, rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(path: str | os.PathLike[str], data: bytes, mode: int | None = None, durable: bool = True) -> None:
    """Replace `path` by `data` in one step.

    `durable=False` is for files the tool owns and can always write again (the pages of a built
    site): no fsync, and the new file gets the default mode rather than the old file's.  A reader,
    or a writer interrupted half way, still never sees half a file; only a power cut may lose the
    new content."""
    if not durable:
        _replace_quickly(os.fspath(path), data)
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _replace_quickly(path: str, data: bytes) -> None:
    """Write a temporary file named after this process (so parallel writers never share one)
    and rename it over `path`: three system calls where `mkstemp` and `chmod` take several more."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o666)  # the umask applies, as for any new file
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8", durable: bool = True) -> None:
    write_bytes(path, text.encode(encoding), durable=durable)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
