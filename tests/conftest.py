"""Fixtures: an app on each database (SQLite always, PostgreSQL when QMS_TEST_DATABASE_URL is set),
its client and CLI runner, an agency with one user per role, and real .docx files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from support.factories import make_user

from qms import clock, create_app
from qms.accounts import organizations, users
from qms.database import make_engine
from qms.documents import lifecycle
from qms.extensions import db
from qms.files.store import FileStore, file_store
from qms.models import Base, Document, Role, User, UserRole
from qms.ops import schema

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("QMS_TEST_DATABASE_URL") else [])

# Property-based tests: a modest number of examples keeps the suite fast, and no deadline, because a
# machine shared with other jobs makes single examples slow now and then. HYPOTHESIS_PROFILE=thorough
# runs many more locally.
settings.register_profile("qms", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "qms"))


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    # Argon2id as in production, with a small cost so hundreds of test users take no time.
    saved = users._hasher, users._DUMMY_HASH
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    users._DUMMY_HASH = users._hasher.hash("not a password")
    yield
    users._hasher, users._DUMMY_HASH = saved


@pytest.fixture(scope="session", params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Each test run starts from an empty schema built by the migrations."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("schema") / "template.sqlite3"
        engine = make_engine(f"sqlite:///{template}")
        schema.upgrade(engine)
        engine.dispose()
        return f"sqlite-template:{template}"
    url = os.environ["QMS_TEST_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    schema.upgrade(engine)
    engine.dispose()
    return url


def _fresh_database_url(database: str, tmp_path: Path) -> str:
    if database.startswith("sqlite-template:"):
        target = tmp_path / "qms.sqlite3"
        shutil.copyfile(database.removeprefix("sqlite-template:"), target)
        return f"sqlite:///{target}"
    engine = create_engine(database)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # A tampering test may have switched the append-only triggers off.
        connection.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        connection.execute(text("ALTER TABLE stored_files ENABLE TRIGGER USER"))
        connection.execute(
            text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :genesis)"), {"genesis": "0" * 64}
        )
        connection.execute(text("INSERT INTO index_log_head (id, position) VALUES (1, 0)"))
    engine.dispose()
    return database


@pytest.fixture
def app(database: str, tmp_path: Path) -> Iterator[Flask]:
    url = _fresh_database_url(database, tmp_path)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "STORAGE_DIR": str(tmp_path / "storage"),
            "FILES_DIR": str(tmp_path / "storage" / "files"),
            "INDEX_DIR": str(tmp_path / "storage" / "index"),
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    yield app
    app.extensions["qms.search"].close()
    app.extensions["qms.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The application's session inside an app context, as a service call sees it."""
    with app.app_context():
        yield db.session()


@pytest.fixture
def files(app: Flask) -> FileStore:
    return file_store(app)


@pytest.fixture
def bearer(session: Session):
    """Authorization headers for a user, with a fresh token as `flask qms token` prints."""

    def headers(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {users.issue_token(session, None, user)}"}

    return headers


@pytest.fixture
def today(app: Flask) -> date:
    with app.app_context():
        return clock.today()


# --- the agency and its people ---------------------------------------------------------------


@pytest.fixture
def agency(session: Session) -> dict[str, object]:
    """A province with a commune (the agency under test) and a second commune."""
    province = organizations.create(session, None, "TINH-LS", "UBND tỉnh Lạng Sơn")
    commune = organizations.create(session, None, "XA-LOCBINH", "UBND xã Lộc Bình", "TINH-LS")
    other = organizations.create(session, None, "XA-DONGDANG", "UBND xã Đồng Đăng", "TINH-LS")
    department = organizations.create(session, None, "SO-KHCN", "Sở Khoa học và Công nghệ", "TINH-LS")
    return {"province": province, "commune": commune, "other": other, "department": department}


@pytest.fixture
def secretary(session: Session, agency: dict) -> User:
    return make_user(session, "thuky", "XA-LOCBINH", "secretary", title="Công chức Văn phòng - Thống kê")


@pytest.fixture
def reviewer(session: Session, agency: dict) -> User:
    return make_user(session, "kiemtra", "XA-LOCBINH", "reviewer", title="Phó Chủ tịch UBND xã")


@pytest.fixture
def approver(session: Session, agency: dict) -> User:
    return make_user(session, "pheduyet", "XA-LOCBINH", "approver", title="Chủ tịch UBND xã")


@pytest.fixture
def staff(session: Session, agency: dict) -> User:
    return make_user(session, "canbo", "XA-LOCBINH", "staff", title="Công chức Tư pháp - Hộ tịch")


@pytest.fixture
def inspector(session: Session, agency: dict) -> User:
    return make_user(session, "doankiemtra", "SO-KHCN", "inspector", title="Chuyên viên Sở KH&CN")


@pytest.fixture
def admin(session: Session, agency: dict) -> User:
    return make_user(session, "quantri", "TINH-LS", "admin", title="Quản trị hệ thống")


@pytest.fixture
def registrar(session: Session, secretary: User) -> User:
    """The secretary, who also keeps the shared legal register (the registrar role): the register's editor in tests."""
    secretary.role_rows.append(UserRole(role=Role.REGISTRAR))
    session.commit()
    return secretary


@pytest.fixture
def outsider(session: Session, agency: dict) -> User:
    """A secretary and approver of another commune."""
    return make_user(session, "xakhac", "XA-DONGDANG", "secretary", "reviewer", "approver")


# --- documents ---------------------------------------------------------------------------------


@pytest.fixture
def document(session: Session, secretary: User) -> Document:
    return lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-HT-04",
        title="Cấp bản sao trích lục hộ tịch", kind="process", procedure_code="2.000635",
    )
