"""Backup and restore as a round trip: the restored installation has the same documents, revisions, audit chain
head and search results; a non-empty target, a damaged archive and a missing pg_dump are refused clearly."""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from support.factories import make_docx, make_effective, upload
from support.servers import flask_cli, multipart, running, server_env

from qms import create_app
from qms.extensions import db
from qms.models import AuditHead, Document, Revision, User
from qms.ops.schema import alembic_config
from qms.search import search_index
from qms.search.query import SearchParams, search


@pytest.fixture
def built(session, files, secretary, reviewer, approver, document, today) -> None:
    """A current revision, a draft of the next one, and one more document."""
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx("Quy trình cấp bản sao trích lục hộ tịch, lưu trữ hồ sơ"))
    upload(session, files, secretary, document, make_docx("Dự thảo: cấp bản sao trích lục bằng bưu chính"), "Sửa đổi")
    from qms.documents import lifecycle

    other = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-05",
                                      title="Đăng ký kết hôn", kind="process")
    make_effective(session, files, other, secretary, reviewer, approver, today, make_docx("Đăng ký kết hôn lưu động"))


@pytest.fixture
def empty_installation(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """A second installation with nothing in it: a new SQLite file, or a new PostgreSQL database named after the
    configured one (``…_restore``), created and dropped here."""
    url = app.config["DATABASE_URL"]
    admin = None
    if url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'restored' / 'qms.sqlite3'}"
    else:
        parsed = make_url(url)
        name = f"{parsed.database}_restore"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        target = parsed.set(database=name).render_as_string(hide_password=False)
    restored = create_app({
        **app.config, "DATABASE_URL": target, "STORAGE_DIR": str(tmp_path / "restored"),
        "FILES_DIR": str(tmp_path / "restored" / "files"), "INDEX_DIR": str(tmp_path / "restored" / "index"),
    })
    yield restored
    restored.extensions["qms.search"].close()
    restored.extensions["qms.engine"].dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def invoke(app: Flask, *args: str):
    """``flask qms ARGS`` on ``app``; its own app context, since the test already has the first app's."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["qms", *args])


def state(app: Flask) -> dict:
    """What a user and an inspector would compare between two installations."""
    with app.app_context():
        session = db.session()
        secretary = session.scalar(select(User).where(User.username == "thuky"))

        def found(words: str) -> list[tuple[int, str]]:
            results = search(session, search_index(app), secretary, SearchParams(q=words, statuses=["all"]))
            return [(hit.revision_id, hit.status) for hit in results.hits]

        head = session.get(AuditHead, 1)
        return {
            "documents": [
                (d.id, d.code, d.title, d.status.value) for d in session.scalars(select(Document).order_by(Document.id))
            ],
            "revisions": [
                (r.id, r.document_id, r.number, r.status.value, r.issue_number, r.file_sha256, r.change_summary)
                for r in session.scalars(select(Revision).order_by(Revision.id))
            ],
            "audit_head": (head.seq, head.hash),
            "search": {words: found(words) for words in ("trich luc", "ket hon", "bưu chính", "QT-HT-05")},
        }


def test_a_restored_installation_is_the_same_as_the_one_backed_up(app, runner, built, empty_installation, tmp_path):
    before = state(app)
    backed_up = runner.invoke(args=["qms", "backup", str(tmp_path)])
    assert backed_up.exit_code == 0, backed_up.output
    [archive] = tmp_path.glob("qms-backup-*.tar")

    restored = invoke(empty_installation, "restore", str(archive))

    assert restored.exit_code == 0, restored.output
    assert "Toàn vẹn: OK" in restored.output
    after = state(empty_installation)
    assert after == before
    assert all(after["search"].values())  # the comparison compared something
    assert len(after["revisions"]) == 3 and after["audit_head"][0] > 10


def test_the_archive_holds_database_files_settings_and_a_manifest_of_them(app, runner, built, files, tmp_path):
    archive_path = tmp_path / "backup.tar"
    assert runner.invoke(args=["qms", "backup", str(archive_path)]).exit_code == 0

    with tarfile.open(archive_path) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
        settings = json.load(archive.extractfile("settings.json"))
    kind = "sqlite" if app.config["DATABASE_URL"].startswith("sqlite") else "postgresql"
    assert manifest["database"]["kind"] == kind and manifest["database"]["member"] in names
    assert manifest["database"]["schema_revision"] == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert manifest["app_version"] == "0.1.0"
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        assert manifest["database"]["audit"] == {"seq": head.seq, "head_hash": head.hash}
    assert sorted(manifest["members"]) == sorted(n for n in names if n != "manifest.json")
    assert {n.rsplit("/", 1)[-1] for n in names if n.startswith("files/")} == set(files.iter_hashes())
    assert settings["TIMEZONE"] == "Asia/Ho_Chi_Minh"
    assert "test" not in json.dumps(settings) and "SECRET_KEY" in manifest["settings"]["excluded"]
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_an_installation_that_is_not_empty(app, runner, built, tmp_path):
    archive_path = tmp_path / "backup.tar"
    runner.invoke(args=["qms", "backup", str(archive_path)])
    before = state(app)

    refused = runner.invoke(args=["qms", "restore", str(archive_path)])

    assert refused.exit_code == 1
    assert "không trống" in refused.output and "flask qms init" in refused.output
    assert state(app) == before


def test_restore_refuses_a_damaged_archive_before_touching_anything(app, runner, built, empty_installation, tmp_path):
    archive_path = tmp_path / "backup.tar"
    runner.invoke(args=["qms", "backup", str(archive_path)])
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive_path) as source, tarfile.open(damaged, "w") as target:
        for info in source:
            content = source.extractfile(info).read()
            if info.name.startswith("files/"):
                content = content[:-1] + bytes([content[-1] ^ 1])
            target.addfile(info, io.BytesIO(content))

    refused = invoke(empty_installation, "restore", str(damaged))

    assert refused.exit_code == 1 and "không khớp mã SHA-256" in refused.output
    database = make_url(empty_installation.config["DATABASE_URL"])
    if database.get_backend_name() == "sqlite":
        assert not Path(database.database).exists()
    else:
        with empty_installation.app_context():
            assert inspect(db.engine).get_table_names() == []
    assert not Path(empty_installation.config["FILES_DIR"]).exists()


def test_backup_without_pg_dump_says_what_to_install(app, runner, built, tmp_path, monkeypatch):
    if app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("pg_dump is for PostgreSQL")
    monkeypatch.setenv("PATH", str(tmp_path))

    failed = runner.invoke(args=["qms", "backup", str(tmp_path / "backup.tar")])

    assert failed.exit_code == 1 and "pg_dump" in failed.output and "postgresql-client" in failed.output
    assert not list(tmp_path.glob("backup.tar*"))


def test_a_backup_taken_while_uploads_go_on_restores_to_a_consistent_installation(
    app, built, bearer, secretary, document, empty_installation, tmp_path
):
    env, headers = server_env(app.config), bearer(secretary)
    statuses: list[int] = []
    stop = threading.Event()

    def keep_uploading(server) -> None:
        while not stop.is_set():
            text = f"Bản sửa đổi số {len(statuses) + 1} trong lúc sao lưu"
            body, content_type = multipart({"change_summary": text}, {"file": ("quy-trinh.docx", make_docx(text))})
            answer = server.request(f"/api/v1/documents/{document.id}/revisions", "POST", body,
                                    {**headers, "Content-Type": content_type})
            statuses.append(answer.status)

    with running(env, tmp_path / "server.log", workers=2) as server:
        uploader = threading.Thread(target=keep_uploading, args=(server,))
        uploader.start()
        while len(statuses) < 2:
            time.sleep(0.05)
        backed_up = flask_cli(env, "backup", str(tmp_path / "live.tar"))
        stop.set()
        uploader.join(timeout=60)

    assert backed_up.returncode == 0, backed_up.stderr
    assert set(statuses) == {201}
    restored = invoke(empty_installation, "restore", str(tmp_path / "live.tar"))
    assert restored.exit_code == 0, restored.output
    assert "Toàn vẹn: OK" in restored.output
    with empty_installation.app_context():
        numbers = list(db.session.scalars(select(Revision.number).where(Revision.document_id == document.id)
                                          .order_by(Revision.number)))  # without it PostgreSQL's order is the heap's
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 2 + 2
