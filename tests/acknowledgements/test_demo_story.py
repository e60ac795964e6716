"""The demo shows both parts: a policy every reader confirmed, processes still unread, and a review overdue."""

from __future__ import annotations

from sqlalchemy import select
from support.pages import text_of

from qms import demo
from qms.acknowledgements import status
from qms.models import Document, Organization
from qms.periodic_review import schedule


def test_the_demo_has_read_and_unread_documents_and_a_review_overdue(app, runner, session, today):
    assert runner.invoke(args=["qms", "demo"]).exit_code == 0
    documents = {d.code: d for d in session.scalars(
        select(Document).join(Document.organization).where(Organization.code == "XA-LOCBINH"))}
    read = {code: status.list_of(session, documents[code].current_revision) for code in ("CSCL", "QT-HT-01", "MTCL")}
    assert read["CSCL"].pending == [] and len(read["CSCL"].acknowledged) == 4
    assert [row.user.username for row in read["QT-HT-01"].acknowledged] == ["canbo"]
    assert read["MTCL"].acknowledged == [] and len(read["MTCL"].pending) == 4
    overdue = schedule.reviews_overdue(session, on=today, organization_id=documents["CSCL"].organization_id)
    assert [item.document.code for item in overdue] == ["QT-HT-KS"]
    client = app.test_client()
    assert client.post("/login", data={"username": "pheduyet", "password": demo.PASSWORD}).status_code == 302
    shown = text_of(client.get("/tasks"))
    assert "Xem xét định kỳ đến hạn (1)" in shown and "QT-HT-KS" in shown
