"""The SQLAlchemy engine and session of the application, and the unit of work.

Plain SQLAlchemy 2.x: one scoped session per application context, removed on teardown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from flask import Flask, current_app
from flask.ctx import AppContext
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, scoped_session

Row = TypeVar("Row")


def _app_context_id() -> int:
    from flask.globals import app_ctx
    from werkzeug.local import LocalProxy

    return id(cast("LocalProxy[AppContext]", app_ctx)._get_current_object())  # Flask types the proxy as its target


class Database:
    """The session registry; each app bound by ``init_app`` keeps its own engine."""

    def __init__(self) -> None:
        self.registry: scoped_session[Session] = scoped_session(
            self._new_session,  # type: ignore[arg-type]  # any session factory does (SQLAlchemy's docs), not only a sessionmaker
            scopefunc=_app_context_id,
        )
        # The registry proxies every Session method to the current context's session, so services, which take a
        # plain Session, can be handed it as one.
        self.session: Session = cast(Session, self.registry)

    def init_app(self, app: Flask) -> None:
        app.extensions["qms.engine"] = make_engine(app.config["DATABASE_URL"])

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.registry.remove()

    @property
    def engine(self) -> Engine:
        engine: Engine = current_app.extensions["qms.engine"]
        return engine

    def _new_session(self) -> Session:
        return Session(bind=self.engine, expire_on_commit=False)


def make_engine(url: str) -> Engine:
    """An engine with the per-backend settings this application relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot take a write lock
    # up front; we emit BEGIN ourselves so a unit of work can start with BEGIN IMMEDIATE.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("qms_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any error.

    A read transaction still open from earlier in the request is ended first, so
    that on SQLite the write starts with BEGIN IMMEDIATE and never fails to upgrade
    a stale read snapshot; on PostgreSQL row locks taken inside do the serialising.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"qms_write": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def lock_row(session: Session, model: type[Row], row_id: Any) -> Row | None:
    """The row by primary key, locked until commit (FOR UPDATE) and re-read, or None.

    Writers that lock several rows take them in one order, the parent first (a document before its
    revisions), so that two transactions never each hold what the other waits for. On SQLite the
    unit of work's BEGIN IMMEDIATE already serialises writers (SQLite has no FOR UPDATE).
    """
    query = select(model).where(model.id == row_id)  # type: ignore[attr-defined]  # every model has an id column
    row: Row | None = session.scalars(query.with_for_update(of=model).execution_options(populate_existing=True)).first()
    return row
