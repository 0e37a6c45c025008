"""A backup copies the encrypted file in one pass of blocks and reads the copy back once (issue 14).

The CRC-32 is taken while the blocks are written; the copy read back must match it, or the
backup is refused with a sentence and nothing is replaced. Memory stays at one block whatever
the file's size.
"""

from __future__ import annotations

import shutil
import subprocess
import tracemalloc
import zipfile

import pytest

from safetydesk.domain.errors import DataFolderError
from safetydesk.services import files, interactions
from safetydesk.store import backup as backup_mod


def _member(target):
    with zipfile.ZipFile(target) as zf:
        return zf.getinfo(backup_mod.DATA_NAME)


def _flip(target, at: int) -> None:
    with open(target, "rb+") as fh:
        fh.seek(at)
        byte = fh.read(1)
        fh.seek(at)
        fh.write(bytes([byte[0] ^ 0xFF]))


def _data_start(target, info) -> int:
    with open(target, "rb") as fh:
        fh.seek(info.header_offset)
        fields = backup_mod._LOCAL_HEADER.unpack(fh.read(backup_mod._LOCAL_HEADER.size))
    return info.header_offset + backup_mod._LOCAL_HEADER.size + fields[10] + fields[11]


def test_a_copy_in_many_blocks_is_the_file_byte_for_byte(world, tmp_path, monkeypatch):
    for i in range(3):
        interactions.log_interaction(world.session, world.draft(narrative=f"Entry {i} before the backup."))
    monkeypatch.setattr(backup_mod, "CHUNK", 4096)  # the file is many blocks long
    seen: list[tuple[int, int]] = []
    target = world.session.store.backup(tmp_path / "blocks.sdbackup", lambda done, total: seen.append((done, total)))
    data = world.session.store.path.read_bytes()
    assert len(data) > 10 * 4096
    with zipfile.ZipFile(target) as zf:
        assert zf.testzip() is None  # a well-formed archive: every member reads back against its CRC-32
        assert zf.namelist() == ["manifest.json", backup_mod.DATA_NAME, backup_mod.KEYS_NAME]
        assert zf.read(backup_mod.DATA_NAME) == data
    if shutil.which("unzip"):  # and another program's reader agrees
        assert subprocess.run(["unzip", "-tq", str(target)], capture_output=True).returncode == 0
    assert len(seen) == -(-len(data) // 4096) and seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_memory_stays_at_one_block_whatever_the_file_size(world, tmp_path, monkeypatch):
    for i in range(30):
        interactions.log_interaction(world.session, world.draft(narrative=f"Entry {i} " + "words " * 200))
    size = world.session.store.path.stat().st_size
    monkeypatch.setattr(backup_mod, "CHUNK", 16 * 1024)
    tracemalloc.start()
    try:
        files.backup(world.session, tmp_path / "flat.sdbackup")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 20 * 16 * 1024
    assert peak < size / 4  # a block or two and the bookkeeping, never the file


def test_a_copy_that_reads_back_differently_is_refused_with_a_sentence(world, tmp_path):
    interactions.log_interaction(world.session, world.draft())
    target = files.backup(world.session, tmp_path / "good.sdbackup")
    info = _member(target)
    backup_mod._check_copy(target, info, info.CRC, target)  # as written: it reads back
    start = _data_start(target, info)
    _flip(target, start + info.file_size // 2)
    with pytest.raises(DataFolderError, match=r"does not read back as it was written .*CRC-32 differs"):
        backup_mod._check_copy(target, info, info.CRC, target)
    _flip(target, start + info.file_size // 2)  # back as it was
    with pytest.raises(DataFolderError, match="listing does not match"):
        backup_mod._check_copy(target, info, info.CRC ^ 1, target)
    _flip(target, info.header_offset)  # the member's local header
    with pytest.raises(DataFolderError, match="header is damaged"):
        backup_mod._check_copy(target, info, info.CRC, target)
