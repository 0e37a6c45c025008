"""Real faults of a shared folder, for tests that run as root (where permissions stop nothing).

Each fault is made for real with the kernel: a tmpfs of a few KiB that fills
up, a read-only bind mount, the folder swapped or emptied. Mounting needs
CAP_SYS_ADMIN (root in CI and in the development sandbox); when it is not
available the test FAILS with the reason, it is never skipped.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _run(*cmd: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"could not make the fault with {' '.join(cmd)}: {done.stderr.strip()} "
                    "(these tests need root: mount)")


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` becomes a read-only bind mount of itself: every write fails with EROFS."""
    _run("mount", "--bind", str(path), str(path))
    try:
        _run("mount", "-o", "remount,bind,ro", str(path))
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextlib.contextmanager
def small_filesystem(path: Path, size_kib: int) -> Iterator[None]:
    """A tmpfs of ``size_kib`` KiB mounted on ``path``: writes fail with ENOSPC when it fills."""
    path.mkdir(parents=True, exist_ok=True)
    _run("mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(path))
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(path: Path) -> None:
    """Fill the file system of ``path`` to the last byte."""
    with contextlib.suppress(OSError), open(path / ".filler", "wb") as fh:
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()
            os.fsync(fh.fileno())


@contextlib.contextmanager
def freezable_filesystem(path: Path, size_mib: int = 16) -> Iterator[None]:
    """A small ext4 file system (an image file on a loop device) mounted on ``path``.

    ext4 can be frozen (``fsfreeze``), which tmpfs cannot: see ``frozen``.
    """
    path.mkdir(parents=True, exist_ok=True)
    image = path.with_name(path.name + ".img")
    with open(image, "wb") as fh:
        fh.truncate(size_mib * 1024 * 1024)
    _run("mkfs.ext4", "-q", "-F", str(image))
    _run("mount", "-o", "loop", str(image), str(path))
    try:
        yield
    finally:
        subprocess.run(["fsfreeze", "--unfreeze", str(path)], capture_output=True, check=False)
        subprocess.run(["umount", "-l", str(path)], check=False)
        image.unlink(missing_ok=True)


def freeze(path: Path) -> None:
    """Every write to the file system mounted on ``path`` now blocks in the kernel (a share that
    stops answering) until ``thaw``: ``fsfreeze --freeze``. Reads still work."""
    _run("fsfreeze", "--freeze", str(path))


def thaw(path: Path) -> None:
    subprocess.run(["fsfreeze", "--unfreeze", str(path)], capture_output=True, check=False)
