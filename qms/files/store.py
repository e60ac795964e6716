"""A content-addressed file store: each file is kept once under its SHA-256, never changed.

``FileStore`` is the one interface; ``LocalFileStore`` keeps files on a (possibly
shared) directory. Writes are atomic: a temporary file in the same directory is
fsync'd and renamed into place, so a crash leaves no half-written file visible.
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from flask import Flask

from qms.errors import Damaged, StorageFull
from qms.messages import Message

CHUNK = 1024 * 1024
#: A file up to this size is read and checked whole before its first byte is sent; a larger one is
#: checked as it streams, before its last bytes go out.
CHECK_WHOLE_UP_TO = 8 * 1024 * 1024
DAMAGED_MESSAGE = Message(
    "Tệp lưu trữ đã bị hỏng hoặc bị thay đổi nên không được gửi; hãy báo quản trị viên khôi phục từ bản sao lưu."
)

log = logging.getLogger(__name__)
#: A temporary upload file this old belongs to a process that was killed mid-upload (a live upload of the
#: largest file allowed takes minutes), so it is removed.
ABANDONED_AFTER_SECONDS = 24 * 3600
#: The errors of a disk (or a quota) that has no room left.
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
STORAGE_FULL = Message(
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

    def open_checked(self, sha256: str) -> BinaryIO: ...

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

    def open_checked(self, sha256: str) -> BinaryIO:
        """The file to be served: never bytes that do not hash to ``sha256`` under an ETag that claims so.

        A small file is checked whole first (``Damaged`` before any byte is sent); a large one is hashed as it is
        read, and ``Damaged`` is raised instead of returning its last bytes, so no client receives a complete body.
        """
        handle = self.open(sha256)
        size = os.fstat(handle.fileno()).st_size
        if size > CHECK_WHOLE_UP_TO:
            return HashCheckedStream(handle, sha256, size)  # type: ignore[return-value]
        with handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != sha256:
            _damaged(sha256)
        return io.BytesIO(data)

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


class HashCheckedStream:
    """A stored file read for serving, hashed on the way; the read that would complete it checks the hash first.

    No ``fileno`` and no ``seek`` on purpose: the server must not send the file by itself (sendfile) or
    skip part of it, or the hash would not cover what goes out.
    """

    def __init__(self, handle: BinaryIO, sha256: str, size: int) -> None:
        self._handle, self._sha256, self._size = handle, sha256, size
        self._digest = hashlib.sha256()
        self._read = 0
        self._checked = False

    def read(self, size: int = -1) -> bytes:
        if self._checked:
            return b""
        data = self._handle.read(size)
        self._digest.update(data)
        self._read += len(data)
        if not data or self._read >= self._size or (size is None or size < 0):
            tail = self._handle.read()  # whatever is left (a file that grew since it was opened)
            self._digest.update(tail)
            self._checked = True
            if self._digest.hexdigest() != self._sha256:
                _damaged(self._sha256)
            data += tail
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._handle.close()

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def __enter__(self) -> HashCheckedStream:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _damaged(sha256: str) -> None:
    log.error("stored file does not match its hash; not served", extra={"sha256": sha256})
    raise Damaged(DAMAGED_MESSAGE, code="file_damaged")


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
