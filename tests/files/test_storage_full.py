"""A full disk: the upload is refused with 507 and a message the secretary understands, nothing is half
stored, the operator finds a log line, and /readyz reports the file store as failing before it happens."""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.factories import make_docx
from support.pages import login

from qms.files.store import LocalFileStore
from qms.models import AuditEntry, IndexOperation, Revision, StoredFile


@pytest.fixture
def full_store(app, tmp_path):
    """The app's file store on a real 1 MB filesystem, filled up to the last few kilobytes."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                              capture_output=True, timeout=30)
    except OSError as error:
        pytest.skip(f"cannot mount a small filesystem here: {error}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.decode(errors='replace').strip()}")
    try:
        store = LocalFileStore(mount / "files")
        store.probe_write()
        filler = mount / "filler"
        with filler.open("wb") as out:
            while shutil.disk_usage(mount).free > 16 * 1024:
                out.write(b"\0" * 4096)
                out.flush()
        saved, app.extensions["qms.files"] = app.extensions["qms.files"], store
        yield store
        app.extensions["qms.files"] = saved
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def traces(session, store: LocalFileStore) -> dict[str, object]:
    counts = {model.__name__: session.scalar(select(func.count()).select_from(model))
              for model in (Revision, AuditEntry, StoredFile, IndexOperation)}
    return {**counts, "files": sorted(str(p) for p in store.root.rglob("*") if p.is_file())}


def a_large_docx() -> bytes:
    """A real .docx that cannot compress below the space left (random text in a paragraph)."""
    return make_docx("Quy trình tải lên khi đĩa đầy", os.urandom(48 * 1024).hex())


def test_an_upload_to_a_full_disk_is_a_json_507_and_leaves_nothing(
    app, client, session, bearer, secretary, document, full_store, caplog
):
    headers = bearer(secretary)
    before = traces(session, full_store)
    caplog.set_level(logging.ERROR, logger="qms.files.store")
    response = client.post(
        f"/api/v1/documents/{document.id}/revisions",
        data={"file": (io.BytesIO(a_large_docx()), "quy-trinh.docx"), "change_summary": "Sửa"},
        headers=headers,
    )
    assert response.status_code == 507, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "storage_full" and "đầy" in error["message"]
    assert traces(session, full_store) == before
    assert list((full_store.root / "tmp").iterdir()) == []
    assert any("file store full (ENOSPC)" in record.getMessage() for record in caplog.records)


def test_an_upload_on_the_page_to_a_full_disk_says_so_in_vietnamese(
    app, client, session, secretary, document, full_store
):
    login(client, secretary)
    before = traces(session, full_store)
    response = client.post(
        f"/documents/{document.id}/upload",
        data={"file": (io.BytesIO(a_large_docx()), "quy-trinh.docx"), "change_summary": "Sửa bước 3"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 507
    page = unescape(response.get_data(as_text=True))
    assert "Ổ đĩa lưu tệp của hệ thống đã đầy" in page and "Sửa bước 3</textarea>" in page
    assert "Lỗi hệ thống" not in page
    assert traces(session, full_store) == before


def test_readiness_fails_the_store_when_the_disk_is_nearly_full(app, client, full_store):
    body = client.get("/readyz").get_json()
    assert body["failed"] == ["storage"]


def test_readiness_fails_the_store_below_the_free_space_threshold(app, client):
    assert client.get("/readyz").status_code == 200
    free = shutil.disk_usage(Path(app.config["FILES_DIR"])).free
    app.config["MIN_FREE_BYTES"] = free + 1024**3
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["storage"] and "QMS_MIN_FREE_BYTES" in body["checks"]["storage"]["detail"]
    app.config["MIN_FREE_BYTES"] = 0
    assert client.get("/readyz").status_code == 200
