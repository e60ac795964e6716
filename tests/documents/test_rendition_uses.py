"""Where a rendition counts besides search: the reading view, the diff, the dossier, `verify`, `backup`, the history,
and `flask qms renditions --rebuild`."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from support.factories import make_docx, upload
from support.pages import login, text_of

from qms.audit import trail
from qms.documents import diff, lifecycle
from qms.inspection import dossier
from qms.inspection.dossier_check import verify_dossier
from qms.models import AuditEntry, Rendition
from qms.ops import backup

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

pytestmark = pytest.mark.slow


@pytest.fixture
def converted(session, files, document, secretary):
    """Revision 1 of the process as a Word 97-2003 file, converted."""
    data = (FORMATS / "process.doc").read_bytes()
    return upload(session, files, secretary, document, data, "Ban hành lần đầu", filename="quy-trinh.doc")


def test_a_converted_file_is_read_as_html_and_compared_through_its_rendition(
    app, session, files, document, secretary, converted
):
    client = app.test_client()
    login(client, secretary)
    page = text_of(client.get(f"/revisions/{converted.id}/read"))
    assert "QUY TRÌNH CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH" in page and "Nghị định số 123/2015/NĐ-CP" in page
    edited = make_docx(*[line.replace("trong ngày làm việc", "02 ngày làm việc") for line in _lines()])
    newer = upload(session, files, secretary, document, edited, "Sửa thời hạn")
    compared = diff.compare(session, secretary, document.id, converted.id, newer.id)
    assert compared.has_text and compared.changes == 1
    assert "Xử lý xong tệp của phiên bản 1" in text_of(client.get(f"/documents/{document.id}/history"))


def _lines() -> list[str]:
    import sys

    sys.path.insert(0, str(FORMATS))
    from regenerate import PROCESS_LINES

    return PROCESS_LINES


def test_the_dossier_verify_and_backup_carry_the_rendition_beside_the_original(
    app, session, files, document, secretary, reviewer, approver, inspector, today, converted, tmp_path
):
    lifecycle.act(session, secretary, converted.id, "submit", today=today)
    lifecycle.act(session, reviewer, converted.id, "pass", today=today)
    lifecycle.act(session, approver, converted.id, "approve", today=today, effective_from=today)
    rendition = converted.rendition
    out = io.BytesIO()
    dossier.build(session, files, inspector, "XA-LOCBINH", out, as_of=today, today=today)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        entry = next(item for item in manifest["documents"] if item["code"] == "QT-HT-04")
        assert entry["recorded_sha256"] == converted.file_sha256
        assert entry["rendition"]["recorded_sha256"] == rendition.sha256
        assert archive.read(entry["path"]) == (FORMATS / "process.doc").read_bytes()
        assert archive.read(entry["rendition"]["path"])[:2] == b"PK"
    assert verify_dossier(io.BytesIO(out.getvalue())).ok

    report = trail.verify(session, files)
    assert report.ok and report.files == 2  # the original and its rendition, each checked against its hash
    written = backup.write_backup(app.extensions["qms.engine"], files, app.config, tmp_path / "sao-luu.tar")
    with tarfile.open(written["path"]) as archive:
        names = archive.getnames()
    assert f"files/{rendition.sha256[:2]}/{rendition.sha256[2:4]}/{rendition.sha256}" in names


def test_renditions_rebuild_converts_again_with_progress_and_keeps_one_rendition(
    app, runner, session, converted
):
    result = runner.invoke(args=["qms", "renditions", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert "[1/1] QT-HT-04 phiên bản 1: done" in result.output and "Xong: 1 đã chuyển đổi lại" in result.output
    session.expire_all()
    renditions = session.scalars(select(Rendition).where(Rendition.revision_id == converted.id)).all()
    assert len(renditions) == 1 and renditions[0].producer == "LibreOffice"
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.revision_id == converted.id)).all()
    assert actions == ["upload", "processed", "processed"]
