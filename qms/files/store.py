"""A content-addressed file store: each file is kept once under its SHA-256, never changed.

``FileStore`` is the one interface; ``LocalFileStore`` keeps files on a (possibly
shared) directory. Writes are atomic: a temporary file in the same directory is
fsync'd and renamed into place, so a crash leaves no half-written file visible.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from flask import Flask

from qms.errors import StorageFull

CHUNK = 1024 * 1024
#: A temporary upload file this old belongs to a process that was killed mid-upload (a live upload of the
#: largest file allowed takes minutes), so it is removed.
ABANDONED_AFTER_SECONDS = 24 * 3600
#: The errors of a disk (or a quota) that has no room left.
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
STORAGE_FULL = (
    "Ổ đĩa lưu tệp của hệ thống đã đầy nên tệp chưa được lưu (không có gì thay đổi). "
    "Vui lòng báo quản trị hệ thống giải phóng dung lượng, rồi tải lên lại."
)

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PutResult:
    sha256: str
    size: int


class FileStore(Protocol):
    def put(self, stream: IO[bytes]) -> PutResult: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def verify(self, sha256: str) -> bool: ...

    def iter_hashes(self) -> Iterator[str]: ...

    def probe_write(self) -> None: ...

    def free_bytes(self) -> int: ...


class LocalFileStore:
    """Files under ``root/ab/cd/abcd…``; read-only once written."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, stream: IO[bytes]) -> PutResult:
        """Store the stream's bytes under their hash; a full disk raises ``StorageFull`` and leaves nothing."""
        try:
            return self._put(stream)
        except OSError as error:
            if error.errno not in _NO_SPACE:
                raise
            _log.error("file store full (%s) in %s: upload not stored", errno.errorcode[error.errno], self.root)
            raise StorageFull(STORAGE_FULL) from error

    def _put(self, stream: IO[bytes]) -> PutResult:
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._remove_abandoned()
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            target = self._path(sha256)
            if target.exists():
                os.unlink(tmp_name)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp_name, 0o444)
                os.replace(tmp_name, target)
                _fsync_dir(target.parent)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise
        return PutResult(sha256=sha256, size=size)

    def _remove_abandoned(self) -> None:
        """Temporary files that a killed process left behind; cheap, since the directory is nearly always empty."""
        cutoff = time.time() - ABANDONED_AFTER_SECONDS
        for entry in os.scandir(self._tmp):
            try:
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
            except FileNotFoundError:
                pass  # another process removed it first

    def open(self, sha256: str) -> BinaryIO:
        return self._path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def verify(self, sha256: str) -> bool:
        """True when the file is there and its content still hashes to its name."""
        try:
            with self.open(sha256) as handle:
                digest = hashlib.sha256()
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256

    def probe_write(self) -> None:
        """Create, sync and remove a file where uploads are written first; OSError says why that fails."""
        self._tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self._tmp, prefix="ready-")
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(name)

    def free_bytes(self) -> int:
        """Space left for uploads where the files are kept (as an unprivileged process sees it)."""
        self.root.mkdir(parents=True, exist_ok=True)
        stats = os.statvfs(self.root)
        return stats.f_bavail * stats.f_frsize

    def iter_hashes(self) -> Iterator[str]:
        for path in sorted(self.root.glob("??/??/*")):
            if path.is_file():
                yield path.name


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def init_app(app: Flask) -> None:
    root = app.config.get("FILES_DIR") or Path(app.config["STORAGE_DIR"]) / "files"
    app.extensions["qms.files"] = LocalFileStore(Path(root))


def file_store(app: Flask) -> FileStore:
    store: FileStore = app.extensions["qms.files"]
    return store
