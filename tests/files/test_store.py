"""The content-addressed store: one file per SHA-256, written atomically, read-only."""

from __future__ import annotations

import hashlib
import io
import os
import stat

import pytest

from qms.files.store import LocalFileStore


class _Exploding(io.BytesIO):
    """A client connection that drops in the middle of the upload."""

    def read(self, size: int = -1) -> bytes:
        if self.tell() > 0:
            raise ConnectionResetError("client went away")
        return super().read(4)


def test_put_returns_the_hash_and_keeps_the_bytes(tmp_path):
    store = LocalFileStore(tmp_path)
    data = b"quy trinh" * 1000
    result = store.put(io.BytesIO(data))
    assert result.sha256 == hashlib.sha256(data).hexdigest() and result.size == len(data)
    with store.open(result.sha256) as handle:
        assert handle.read() == data
    assert store.verify(result.sha256)


def test_stored_files_are_read_only_and_stored_once(tmp_path):
    store = LocalFileStore(tmp_path)
    first = store.put(io.BytesIO(b"abc"))
    second = store.put(io.BytesIO(b"abc"))
    assert first == second
    assert list(store.iter_hashes()) == [first.sha256]
    mode = (tmp_path / first.sha256[:2] / first.sha256[2:4] / first.sha256).stat().st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_interrupted_upload_leaves_nothing_behind(tmp_path):
    store = LocalFileStore(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.put(_Exploding(b"partial content of a docx"))
    assert list(store.iter_hashes()) == []
    assert list((tmp_path / "tmp").iterdir()) == []


def test_verify_fails_for_missing_and_changed_files(tmp_path):
    store = LocalFileStore(tmp_path)
    result = store.put(io.BytesIO(b"original"))
    path = tmp_path / result.sha256[:2] / result.sha256[2:4] / result.sha256
    path.chmod(0o644)
    path.write_bytes(b"tampered")
    assert not store.verify(result.sha256)
    assert not store.verify("0" * 64)


def test_names_that_are_not_hashes_are_refused(tmp_path):
    with pytest.raises(ValueError):
        LocalFileStore(tmp_path).open("../../etc/passwd")


def test_temporary_files_a_killed_upload_left_are_removed_by_a_later_upload(tmp_path):
    store = LocalFileStore(tmp_path)
    store.put(io.BytesIO(b"first"))
    abandoned = tmp_path / "tmp" / "upload-killed"
    abandoned.write_bytes(b"half a file")
    day_old = abandoned.stat().st_mtime - 25 * 3600
    os.utime(abandoned, (day_old, day_old))
    in_progress = tmp_path / "tmp" / "upload-another-process"
    in_progress.write_bytes(b"still arriving")
    store.put(io.BytesIO(b"second"))
    assert not abandoned.exists()
    assert in_progress.exists()  # another worker's upload under way is left alone
