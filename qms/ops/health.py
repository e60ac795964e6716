"""Is this process ready to serve: the database answers and is migrated, the file store takes writes,
the search index opens. Each check says what failed, so an operator (or a load balancer) knows why."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, inspect, text

from qms.files.store import FileStore
from qms.search import IndexUnavailable, SearchIndex


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def check_database(engine: Engine) -> Check:
    try:
        with engine.connect() as connection:
            revision = None
            if inspect(connection).has_table("alembic_version"):
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # any driver error means "not reachable or not migrated"
        return Check("database", False, f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
    if not revision:
        return Check("database", False, "schema not initialised (flask qms init)")
    return Check("database", True, f"schema {revision}")


def check_storage(files: FileStore, min_free_bytes: int = 0) -> Check:
    """The store takes a write and has at least ``min_free_bytes`` free: an upload must not be the one to fill it."""
    try:
        files.probe_write()
        free = files.free_bytes()
    except OSError as error:
        return Check("storage", False, f"{error.filename or 'file store'}: {error.strerror}")
    if free < min_free_bytes:
        return Check("storage", False, f"{free} bytes free, below QMS_MIN_FREE_BYTES ({min_free_bytes})")
    return Check("storage", True, f"{free} bytes free")


def check_index(index: SearchIndex) -> Check:
    try:
        position = index.position()
    except (IndexUnavailable, OSError) as error:
        return Check("index", False, str(error))
    return Check("index", True, f"log position {position}")


def readiness(engine: Engine, files: FileStore, index: SearchIndex, *, min_free_bytes: int = 0) -> list[Check]:
    return [check_database(engine), check_storage(files, min_free_bytes), check_index(index)]
