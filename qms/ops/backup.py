"""Backup and restore of a whole installation: the database, the file store and the non-secret settings.

A backup is one tar archive, written while the application runs:

- ``database/qms.sqlite3`` (SQLite's online backup API) or ``database/qms.pgdump`` (``pg_dump`` custom format,
  taken inside an exported snapshot, so the audit head in the manifest is the dump's own);
- ``files/ab/cd/<sha256>``, every file of the store;
- ``settings.json``, the settings that shape behaviour; secrets and host paths are left out (``EXCLUDED``);
- ``manifest.json`` last: application version, schema revision, database kind, audit chain head, and the
  SHA-256 of every other member.

The database is copied first and the files after it. Files are content-addressed, never deleted, and on disk
before any row points to them, so every file the copied database references is in the archive (files uploaded
meanwhile may be too; unreferenced files are harmless). The search index is not backed up: it is rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL

from config.settings import PROJECT_DIR
from qms import clock
from qms.errors import DomainError
from qms.files.store import FileStore
from qms.ops import schema
from qms.search import SearchIndex

FORMAT = 1
MANIFEST = "manifest.json"
SETTINGS = "settings.json"
DATABASE_MEMBERS = {"sqlite": "database/qms.sqlite3", "postgresql": "database/qms.pgdump"}

#: Settings kept in the archive: what changes how the application behaves, nothing secret, nothing host-specific.
KEPT_SETTINGS = (
    "TIMEZONE", "MAX_CONTENT_LENGTH", "INDEX_WRITER_TIMEOUT", "LOGIN_RATE_LIMIT", "PERMANENT_SESSION_LIFETIME",
    "SESSION_COOKIE_SECURE", "RATELIMIT_ENABLED", "LOG_LEVEL", "LOGIN_ACCOUNT_RATE_LIMIT", "TOKEN_DAYS",
)
#: Left out on purpose, and said so in the manifest.
EXCLUDED = {
    "SECRET_KEY": "session signing key: set QMS_SECRET_KEY on the new host (sessions end, API tokens stay valid)",
    "DATABASE_URL": "may hold a password; the new host's QMS_DATABASE_URL is used",
    "RATELIMIT_STORAGE_URI": "may hold a password",
    "TRUSTED_PROXIES": "depends on the proxies in front of each host",
    "STORAGE_DIR, FILES_DIR, INDEX_DIR": "host paths; the new host's are used",
    "search index": "rebuilt from the database by restore (flask qms reindex)",
}


class BackupFailed(DomainError):
    status = 500
    code = "backup_failed"


class RestoreRefused(DomainError):
    status = 409
    code = "restore_refused"


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    files: int = 0
    revisions_indexed: int = 0


def app_version() -> str:
    with open(PROJECT_DIR / "pyproject.toml", "rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


# --- backup ------------------------------------------------------------------------------------


def write_backup(engine: Engine, files: FileStore, settings: Mapping[str, Any], dest: Path) -> dict[str, Any]:
    """Write the archive to ``dest`` (a directory gets a dated file name); returns the manifest.

    The archive appears under its name only when complete: it is written as ``….partial`` and renamed.
    """
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / f"qms-backup-{time.strftime('%Y%m%d-%H%M%S')}.tar"
    kind = _kind(engine)
    partial = dest.with_name(dest.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="qms-backup-") as work:
        dump = Path(work) / Path(DATABASE_MEMBERS[kind]).name
        snapshot = _dump_sqlite(engine, dump) if kind == "sqlite" else _dump_postgresql(engine, dump)
        members: dict[str, str] = {}
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                with dump.open("rb") as stream:
                    members[DATABASE_MEMBERS[kind]] = _add(archive, DATABASE_MEMBERS[kind], stream, dump.stat().st_size)
                settings_json = json.dumps({k: settings.get(k) for k in KEPT_SETTINGS}, ensure_ascii=False, indent=2)
                members[SETTINGS] = _add_bytes(archive, SETTINGS, settings_json.encode())
                count = 0
                for sha256 in files.iter_hashes():
                    name = f"files/{sha256[:2]}/{sha256[2:4]}/{sha256}"
                    with files.open(sha256) as stream:
                        members[name] = _add(archive, name, stream, os.fstat(stream.fileno()).st_size)
                    count += 1
                manifest = {
                    "format": FORMAT,
                    "application": "qms",
                    "app_version": app_version(),
                    "created_at": clock.now().isoformat(),
                    "database": {"kind": kind, "member": DATABASE_MEMBERS[kind], **snapshot},
                    "files": count,
                    "settings": {"member": SETTINGS, "excluded": EXCLUDED},
                    "members": members,
                }
                _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
            _fsync(partial)
            os.replace(partial, dest)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    manifest["path"] = str(dest)
    return manifest


def _kind(engine: Engine) -> str:
    kind = engine.dialect.name
    if kind not in DATABASE_MEMBERS:
        raise BackupFailed(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại {kind}.")
    return kind


def _snapshot_facts(connection: Connection | sqlite3.Connection) -> dict[str, Any]:
    """Schema revision, audit chain head and row counts, read inside the snapshot being dumped."""
    def scalar(sql: str) -> Any:
        if isinstance(connection, sqlite3.Connection):
            return connection.execute(sql).fetchone()[0]
        return connection.execute(text(sql)).scalar()

    head = (scalar("SELECT seq FROM audit_head WHERE id = 1"), scalar("SELECT hash FROM audit_head WHERE id = 1"))
    return {
        "schema_revision": scalar("SELECT version_num FROM alembic_version"),
        "audit": {"seq": head[0], "head_hash": head[1]},
        "counts": {table: scalar(f"SELECT count(*) FROM {table}")
                   for table in ("documents", "revisions", "audit_entries", "stored_files", "users")},
    }


def _dump_sqlite(engine: Engine, dump: Path) -> dict[str, Any]:
    source = sqlite3.connect(_sqlite_path(engine.url), timeout=30)
    target = sqlite3.connect(dump)
    try:
        source.backup(target)  # one step: a consistent copy even while others write
    finally:
        source.close()
    try:
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        return _snapshot_facts(target)
    finally:
        target.close()


def _dump_postgresql(engine: Engine, dump: Path) -> dict[str, Any]:
    pg_dump = _tool("pg_dump")
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            # pg_dump reads the very snapshot this transaction sees, so the facts below describe the dump.
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _snapshot_facts(connection)
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
                  f"--file={dump}", f"--dbname={_libpq_uri(engine.url)}"], engine.url)
    return facts


# --- restore -----------------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> dict[str, Any]:
    """The manifest, after checking that every member is there and matches its SHA-256."""
    try:
        with tarfile.open(archive_path, "r:") as archive:
            try:
                manifest = json.load(_member(archive, MANIFEST))
            except KeyError:
                raise RestoreRefused(f"{archive_path} không có {MANIFEST}: không phải bản sao lưu QMS.") from None
            expected: dict[str, str] = manifest.get("members", {})
            seen = set()
            for info in archive:
                if info.name == MANIFEST:
                    continue
                if info.name not in expected:
                    raise RestoreRefused(f"Bản sao lưu có tệp lạ không ghi trong manifest: {info.name}.")
                if _sha256(_member(archive, info.name)) != expected[info.name]:
                    raise RestoreRefused(f"Bản sao lưu bị hỏng: {info.name} không khớp mã SHA-256 trong manifest.")
                seen.add(info.name)
            if missing := sorted(set(expected) - seen):
                raise RestoreRefused(f"Bản sao lưu thiếu {len(missing)} tệp, đầu tiên: {missing[0]}.")
    except (tarfile.TarError, OSError, ValueError) as error:
        raise RestoreRefused(f"Không đọc được bản sao lưu {archive_path}: {error}") from None
    if manifest.get("format") != FORMAT or manifest.get("application") != "qms":
        raise RestoreRefused("Bản sao lưu không phải định dạng QMS mà phiên bản này đọc được.")
    return manifest


def restore(archive_path: Path, engine: Engine, files: FileStore, index: SearchIndex,
            progress: Callable[[str], None] = lambda _step: None) -> RestoreReport:
    """Into an empty installation only: check the archive, load the database and the files, upgrade the schema,
    rebuild the search index. The caller then runs ``verify``."""
    manifest = read_manifest(archive_path)
    kind = _kind(engine)
    if manifest["database"]["kind"] != kind:
        raise RestoreRefused(
            f"Bản sao lưu là cơ sở dữ liệu {manifest['database']['kind']}, cài đặt này dùng {kind}: "
            "chỉ khôi phục được vào cùng loại cơ sở dữ liệu."
        )
    _require_empty(engine, files)
    report = RestoreReport(manifest=manifest)
    with tarfile.open(archive_path, "r:") as archive, tempfile.TemporaryDirectory(prefix="qms-restore-") as work:
        progress("database")
        dump = Path(work) / "database"
        with dump.open("wb") as out:
            shutil.copyfileobj(_member(archive, manifest["database"]["member"]), out)
        engine.dispose()  # no pooled connection may sit on the database being replaced
        if kind == "sqlite":
            _load_sqlite(dump, engine.url)
        else:
            _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                  f"--dbname={_libpq_uri(engine.url)}", str(dump)], engine.url)
        progress("files")
        for info in archive:
            if info.name.startswith("files/"):
                stored = files.put(_member(archive, info.name))
                if stored.sha256 != Path(info.name).name:
                    raise RestoreRefused(f"Tệp {info.name} không khớp tên của nó.")
                report.files += 1
    progress("schema")
    schema.upgrade(engine)  # an archive from an older version is brought up to this one
    progress("index")
    report.revisions_indexed = index.rebuild(engine)
    return report


def _require_empty(engine: Engine, files: FileStore) -> None:
    if engine.dialect.name == "sqlite":
        Path(_sqlite_path(engine.url)).parent.mkdir(parents=True, exist_ok=True)  # a new host has no storage/ yet
    tables = inspect(engine).get_table_names()
    engine.dispose()
    if tables:
        raise RestoreRefused(
            f"Cơ sở dữ liệu đích không trống ({len(tables)} bảng, ví dụ {sorted(tables)[0]}): chỉ khôi phục vào một "
            "cài đặt mới, chưa chạy flask qms init. Tạo cơ sở dữ liệu mới hoặc xoá cơ sở dữ liệu cũ trước."
        )
    if next(files.iter_hashes(), None) is not None:
        raise RestoreRefused("Thư mục tệp đích không trống: chỉ khôi phục vào một thư mục tệp mới (QMS_FILES_DIR).")


def _load_sqlite(dump: Path, url: URL) -> None:
    path = Path(_sqlite_path(url))
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


# --- archive members, paths and tools -------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """Reads through to ``stream`` and hashes what passes, so a member is read once while archived."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def _add(archive: tarfile.TarFile, name: str, stream: IO[bytes], size: int) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o444
    reader = _HashingReader(stream)
    archive.addfile(info, reader)
    return reader.digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> str:
    return _add(archive, name, io.BytesIO(content), len(content))


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    stream = archive.extractfile(name)
    if stream is None:
        raise RestoreRefused(f"{name} trong bản sao lưu không phải một tệp.")
    return stream


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupFailed("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu hay khôi phục được.")
    return url.database


def _libpq_uri(url: URL) -> str:
    """The URL as libpq reads it, without the password (that goes in PGPASSWORD, not on a command line)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(
            f"Không tìm thấy {name} trên PATH: cài gói postgresql-client cùng phiên bản chính với máy chủ PostgreSQL."
        )
    return found


def _run(command: list[str], url: URL) -> None:
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tool = Path(command[0]).name
        raise BackupFailed(f"{tool} thất bại (mã {done.returncode}): {done.stderr.strip()[-1000:]}")
