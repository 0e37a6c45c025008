"""The snapshot read from an open file one inner file at a time (``snapshot.Reader``) reads the
format the current release writes exactly as the whole-bytes reader (``snapshot.unbundle``)
does: the same inner files for a good snapshot, and a refusal for every damaged one."""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from safetydesk.sync import snapshot
from safetydesk.sync.errors import InvalidChangeFile
from support import count, examples

_seen = {"good": 0, "damaged": 0}


def _framed(files: list[bytes], fmt: int = snapshot.FORMAT, declared: int | None = None) -> bytes:
    out = bytearray(snapshot.MAGIC + struct.pack(">HI", fmt, len(files) if declared is None else declared))
    for f in files:
        out += struct.pack(">I", len(f)) + f
    return bytes(out)


def _read(data: bytes, tmp_path) -> list[bytes] | type[Exception]:
    path = tmp_path / "snap.sds"
    path.write_bytes(data)
    with open(path, "rb") as fh:
        try:
            reader = snapshot.Reader(fh)
            return [blob for _at, blob in reader.files()]
        except InvalidChangeFile as exc:
            return type(exc)


def _whole(data: bytes) -> list[bytes] | type[Exception]:
    try:
        return snapshot.unbundle(data)
    except InvalidChangeFile as exc:
        return type(exc)


damage = st.one_of(
    st.none(),
    st.tuples(st.just("cut"), st.integers(min_value=0, max_value=400)),
    st.tuples(st.just("append"), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("count"), st.integers(min_value=0, max_value=12)),
    st.tuples(st.just("flip"), st.integers(min_value=0, max_value=400)),
    st.tuples(st.just("format"), st.integers(min_value=2, max_value=5)),
)


@settings(max_examples=examples(ci=400, dev=60), deadline=None)
@given(files=st.lists(st.binary(max_size=40), max_size=6), hurt=damage)
def test_the_reader_in_runs_reads_exactly_what_the_whole_reader_reads(tmp_path_factory, files, hurt):
    tmp_path = tmp_path_factory.mktemp("snap")
    data = _framed(files)
    if hurt is not None:
        kind, arg = hurt
        if kind == "cut":
            data = data[:arg % (len(data) + 1)]
        elif kind == "append":
            data += arg
        elif kind == "count":
            data = _framed(files, declared=arg)
        elif kind == "flip":
            at = arg % len(data)
            data = data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1:]
        elif kind == "format":
            data = _framed(files, fmt=arg)
    got, want = _read(data, tmp_path), _whole(data)
    assert got == want
    _seen["good" if isinstance(want, list) else "damaged"] += 1
    if hurt is None:
        assert want == files


def test_the_reader_reads_each_inner_file_again_by_its_place(tmp_path):
    files = [b"first", b"", b"third file"]
    path = tmp_path / "snap.sds"
    path.write_bytes(_framed(files))
    with open(path, "rb") as fh:
        reader = snapshot.Reader(fh)
        places = list(reader.files())
        assert [blob for _at, blob in places] == files
        for at, blob in reversed(places):
            packed = snapshot.Packed(None, "", at, len(blob))  # type: ignore[arg-type]
            assert reader.read(packed) == blob
    count("join-bounded-format", good=_seen["good"], damaged=_seen["damaged"], differed=0)
