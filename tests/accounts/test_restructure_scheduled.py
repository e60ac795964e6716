"""Restructures for a later day: kept and shown as scheduled, carried out by the daily job on the day, or cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support.communes import MERGER, RESOLVED, RESOLVED_BODY, two_communes
from support.factories import make_user
from support.pages import signed_in, text_of

from qms.accounts import restructure_schedule
from qms.documents import lifecycle
from qms.errors import Conflict
from qms.models import (
    AuditEntry,
    Document,
    Organization,
    OrganizationStatus,
    ScheduledRestructure,
    ScheduleState,
)


@pytest.fixture
def communes(session, files, secretary, reviewer, approver, today):
    return two_communes(session, files, (secretary, reviewer, approver), today)


def _organization(session, code):
    session.expire_all()
    return session.scalar(select(Organization).where(Organization.code == code))


def test_a_later_day_is_kept_and_changes_nothing_until_then(client, session, bearer, admin, communes, today):
    headers = bearer(admin)
    day = (today + timedelta(days=3)).isoformat()
    kept = client.post("/api/v1/organizations/restructure", headers=headers,
                       json={**MERGER, "effective_on": day, "resolutions": RESOLVED_BODY})
    assert kept.status_code == 200, kept.json
    assert (kept.json["done"], kept.json["scheduled"]["effective_on"], kept.json["scheduled"]["state"]) == (
        False, day, "scheduled")
    assert _organization(session, "XA-LOCBINH-MOI") is None
    assert _organization(session, "XA-DONGDANG").status is OrganizationStatus.ACTIVE
    assert session.get(Document, communes["XA-DONGDANG:QT-01"]).code == "QT-01"
    listed = client.get("/api/v1/organizations/restructure/scheduled", headers=headers).json
    assert [(row["sources"], row["state"]) for row in listed] == [(["XA-LOCBINH", "XA-DONGDANG"], "scheduled")]
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "organization_restructure_scheduled"))
    # The same communes cannot be promised twice; clashes are settled before it is kept.
    again = client.post("/api/v1/organizations/restructure", headers=headers,
                        json={**MERGER, "effective_on": day, "resolutions": RESOLVED_BODY})
    assert again.status_code == 409 and again.json["error"]["code"] == "already_scheduled"
    open_clashes = client.post("/api/v1/organizations/restructure", headers=headers,
                               json={**MERGER, "effective_on": day})
    assert open_clashes.status_code == 409 and open_clashes.json["error"]["code"] == "unresolved_clashes"


def test_the_daily_job_carries_it_out_on_its_day(app, runner, session, admin, inspector, communes, today):
    # Kept three days ago for today.
    submitted = restructure_schedule.submit(session, admin, **MERGER, effective_on=today,
                                            today=today - timedelta(days=3), resolutions=RESOLVED)
    assert submitted.scheduled is not None and submitted.event is None
    assert restructure_schedule.carry_out_due(session, today - timedelta(days=1)) == []
    # The first request of the day runs the job.
    assert signed_in(app, inspector).get("/inspect").status_code == 200
    session.expire_all()
    row = session.get(ScheduledRestructure, submitted.scheduled.id)
    assert row.state is ScheduleState.DONE and row.event_id is not None
    former = _organization(session, "XA-DONGDANG")
    assert (former.status, former.ended_on, former.merged_into.code) == (OrganizationStatus.MERGED, today,
                                                                        "XA-LOCBINH-MOI")
    assert session.get(Document, communes["XA-DONGDANG:QT-01"]).code == "QT-01-DD"
    verified = runner.invoke(args=["qms", "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_clash_that_appeared_since_leaves_it_failed_with_the_reason(app, session, admin, communes, today):
    submitted = restructure_schedule.submit(session, admin, **MERGER, effective_on=today,
                                            today=today - timedelta(days=3), resolutions=RESOLVED)
    other = make_user(session, "bsecretary2", "XA-DONGDANG", "secretary")
    lifecycle.create_document(session, other, organization_code="XA-DONGDANG", code="QT-02", title="Tiếp công dân",
                              kind="internal_process")
    assert restructure_schedule.carry_out_due(session, today) == []
    session.expire_all()
    row = session.get(ScheduledRestructure, submitted.scheduled.id)
    assert row.state is ScheduleState.FAILED and "QT-02" in row.failure
    assert _organization(session, "XA-LOCBINH-MOI") is None
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "organization_restructure_failed"))

    # The reason reads in the administrator's language; one stored before reasons kept their values, as written.
    client = signed_in(app, admin)
    client.post("/language", data={"language": "en", "next": "/"})
    html = client.get("/admin/organizations/restructure").get_data(as_text=True)
    assert "Could not be carried out: Clashes still unresolved: document code QT-02 used twice at" in html
    assert "Còn xung đột" not in html
    row.failure, row.failure_data = "Lý do cũ", None
    session.commit()
    html = client.get("/admin/organizations/restructure").get_data(as_text=True)
    assert '<span lang="vi">Lý do cũ</span>' in html


def test_the_page_schedules_shows_and_cancels(app, session, admin, communes, today):
    client = signed_in(app, admin)
    day = today + timedelta(days=5)
    done = client.post("/admin/organizations/restructure", data={
        "kind": "merge", "sources": "XA-LOCBINH, XA-DONGDANG",
        "targets": "XA-LOCBINH-MOI | UBND xã Lộc Bình (mới) | TINH-LS", "effective_on": day.strftime("%d/%m/%Y"),
        "codes": "XA-DONGDANG:QT-01 = QT-01-DD", "procedures": "1.001193 = XA-LOCBINH:QT-01", "confirm": "1"})
    assert done.status_code == 302
    page = text_of(client.get("/admin/organizations/restructure"))
    assert f"Đã hẹn sắp xếp đơn vị vào ngày {day:%d/%m/%Y}" in page
    assert f"{day:%d/%m/%Y} Sáp nhập XA-LOCBINH, XA-DONGDANG → XA-LOCBINH-MOI Chờ đến ngày Huỷ" in page
    row = session.scalar(select(ScheduledRestructure))
    cancelled = client.post(f"/admin/organizations/restructure/scheduled/{row.id}/cancel")
    assert cancelled.status_code == 302
    page = text_of(client.get("/admin/organizations/restructure"))
    assert f"Đã huỷ sắp xếp hẹn ngày {day:%d/%m/%Y}" in page and "Đã huỷ" in page
    assert restructure_schedule.carry_out_due(session, day) == []
    assert _organization(session, "XA-LOCBINH-MOI") is None
    assert client.post(f"/admin/organizations/restructure/scheduled/{row.id}/cancel").status_code == 409
    with pytest.raises(Conflict):
        restructure_schedule.cancel(session, admin, row.id)
