"""The audit log tells reading a non-current revision from downloading it, each once a person, revision and day."""

from __future__ import annotations

from sqlalchemy import select
from support.factories import make_docx, make_effective
from support.pages import signed_in

from qms.models import AuditEntry


def test_reading_and_downloading_are_told_apart_and_recorded_once_a_day(
    app, session, files, document, secretary, reviewer, approver, inspector, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Sửa")
    client = signed_in(app, inspector)
    for _ in range(2):
        assert client.get(f"/revisions/{first.id}/read").status_code == 200
        assert client.get(f"/revisions/{first.id}/download").status_code == 200
    entries = session.execute(
        select(AuditEntry.action, AuditEntry.actor_id).where(AuditEntry.revision_id == first.id,
                                                             AuditEntry.action.in_(["read", "download"]))
    ).all()
    assert sorted(entries) == [("download", inspector.id), ("read", inspector.id)]
    history = signed_in(app, secretary).get(f"/documents/{document.id}/history").get_data(as_text=True)
    assert "Xem phiên bản 1" in history and "Tải xuống phiên bản 1" in history
