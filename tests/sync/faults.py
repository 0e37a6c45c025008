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
