"""The overview's rows, computed for every organisation at once, say what each organisation's own computation says:
coverage, findings, overdue reviews, the states of a past day and the scorecard's gaps, on several days."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support.communes import DAY_BEFORE, MERGED_ON, backdate, days_ago, merged_on_1_july_2025
from support.factories import FIXTURES, make_docx, make_effective, make_user, minimal_pdf, upload

from qms import clock, conformity
from qms.acknowledgements import confirmations
from qms.catalogue import coverage, links
from qms.documents import as_of, lifecycle
from qms.inspection import overview, scorecard
from qms.inspection.dashboard import add_months, overdue_reviews
from qms.models import (
    AcknowledgementRequest,
    Document,
    DocumentKind,
    LegalReview,
    Organization,
    RevisionCheck,
    RevisionStatus,
    User,
)

FIELDS = ("documents_by_kind", "effective_processes", "covered", "listed", "coverage_percent", "open_reviews",
          "processes_with_findings", "awaiting_approval", "overdue_reviews", "last_approval", "scorecard_gaps")


def _by(instant, day) -> bool:
    found = clock.local_day(instant)
    return found is not None and found <= day


def one_by_one(session, viewer, organization: Organization, day, today) -> dict[str, object]:
    """The row as the overview computed it organisation by organisation before it was batched."""
    if day == today:
        covered = coverage.coverage(session, viewer, organization.code)
        return {
            "covered": covered.covered, "listed": covered.total, "coverage_percent": covered.percent,
            "processes_with_findings": len(conformity.organization_findings(session, viewer, organization.code)),
            "overdue_reviews": len(overdue_reviews(session, organization.id, today)),
            "scorecard_gaps": tuple(item.code for item in
                                    scorecard.of_organization(session, organization, today=today).gaps),
        }
    held = [d for d in as_of.documents_on(session, organization.id, day) if not _by(d.withdrawn_at, day)]
    statuses = {r.id: as_of.status_on(r, day) for d in held for r in d.revisions}
    in_force = [r for d in held for r in d.revisions if statuses[r.id] is RevisionStatus.EFFECTIVE]
    processes = [r for r in in_force if r.document.kind is DocumentKind.PROCESS]
    covered, uncovered = coverage.coverage_on(session, organization, day, in_force=[r.document for r in in_force])
    listed = len(covered) + len(uncovered)
    findings = session.scalar(select(func.count(RevisionCheck.id)).where(
        RevisionCheck.revision_id.in_([r.id for r in processes]), RevisionCheck.finding_count > 0))
    approvals = [r.approved_at for d in held for r in d.revisions if r.approved_at and _by(r.approved_at, day)]
    reviews = [r for r in session.scalars(select(LegalReview).where(LegalReview.document_id.in_([d.id for d in held])))
               if _by(r.opened_at, day) and not _by(r.closed_at, day)]
    kinds = Counter(d.kind for d in held)
    return {
        "documents_by_kind": {kind: count for kind in DocumentKind if (count := kinds[kind])},
        "effective_processes": len(processes),
        "covered": len(covered), "listed": listed,
        "coverage_percent": round(100 * len(covered) / listed, 1) if listed else 0.0,
        "open_reviews": len(reviews),
        "processes_with_findings": findings or 0,
        "awaiting_approval": sum(1 for status in statuses.values() if status is RevisionStatus.REVIEWED),
        "overdue_reviews": len([r for r in in_force if r.effective_from is not None
                                and add_months(r.effective_from, r.document.review_interval_months) < day]),
        "last_approval": max(approvals, default=None),
        "scorecard_gaps": tuple(item.code for item in scorecard.of_organization(session, organization, today=day).gaps),
    }


def assert_rows_agree(session, viewer, today, day) -> int:
    """Every row of the overview of ``day`` against the organisation's own computation; how many rows."""
    found = overview.overview(session, viewer, today=today, as_of=day if day != today else None)
    for row in found.rows:
        expected = one_by_one(session, viewer, row.organization, day, today)
        shown = {name: getattr(row, name) for name in FIELDS if name in expected}
        assert shown == expected, (row.organization.code, day)
    return len(found.rows)


@pytest.fixture
def province(client, bearer, session, files, secretary, reviewer, approver, outsider, admin, today):
    """Lộc Bình with a catalogue of 14 TTHC, a policy, a process in force and one awaiting approval, records of a year
    (a publication not yet online, an internal audit, a management review, objectives approved); Đồng Đăng with a
    process in force, another overdue for review; the province and the department with nothing."""
    headers = bearer(secretary)
    catalogue = {"file": (io.BytesIO((FIXTURES / "procedures.xlsx").read_bytes()), "procedures.xlsx"),
                 "organization": "XA-LOCBINH"}
    assert client.post("/api/v1/procedures/import", data=catalogue, headers=headers).status_code == 200
    policy = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="CSCL",
                                       title="Chính sách chất lượng", kind="policy")
    make_effective(session, files, policy, secretary, reviewer, approver, today)
    process = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-01",
                                        title="Đăng ký khai sinh", kind="process", procedure_code="1.001193")
    with days_ago(400) as then:
        make_effective(session, files, process, secretary, reviewer, approver, then)
    waiting = upload(session, files, secretary, process, make_docx("Đăng ký khai sinh, lần 2"))
    lifecycle.act(session, secretary, waiting.id, "submit", today=today)
    lifecycle.act(session, reviewer, waiting.id, "pass", today=today, comment="Đã xem")
    base = "/api/v1/organizations/XA-LOCBINH"
    assert client.post(f"{base}/publications", headers=headers, data={
        "number": "45/QĐ-UBND", "signed_on": (today - timedelta(days=20)).isoformat(), "signer": "Lý Văn Đức",
        "file": (io.BytesIO(minimal_pdf("QD")), "qd.pdf"), "posted_office_on": today.isoformat(),
        "notified_on": today.isoformat()}).status_code < 300
    assert client.post(f"{base}/internal-audits", headers=headers, data={
        "starts_on": (today - timedelta(days=30)).isoformat(), "auditors": "A", "processes": "CSCL"}
    ).status_code < 300
    assert client.post(f"{base}/management-reviews", headers=headers, data={
        "held_on": today.isoformat(), "chair": "B", "risks": "Không", "decisions": "Duy trì"}).status_code < 300
    objective = client.post(f"{base}/objectives", headers=headers,
                            json={"year": today.year, "title": "T", "target": "100%"}).get_json()
    client.post(f"/api/v1/objectives/{objective['id']}/approve", headers=bearer(approver))
    people = [outsider, make_user(session, "bkiemtra", "XA-DONGDANG", "reviewer"),
              make_user(session, "bpheduyet", "XA-DONGDANG", "approver")]
    other = lifecycle.create_document(session, outsider, organization_code="XA-DONGDANG", code="QT-01",
                                      title="Đăng ký kết hôn", kind="process", procedure_code="1.000894")
    with days_ago(800) as then:
        make_effective(session, files, other, *people, then)
    fresh = lifecycle.create_document(session, outsider, organization_code="XA-DONGDANG", code="QT-02",
                                      title="Chứng thực", kind="process")
    make_effective(session, files, fresh, *people, today)
    backdate(session, 900)


def test_the_rows_of_today_and_of_past_days_are_each_organisations_own(session, inspector, province, today):
    assert assert_rows_agree(session, inspector, today, today) == 4
    for days in (1, 25, 31, 399, 401, 900):
        assert assert_rows_agree(session, inspector, today, today - timedelta(days=days)) == 4
    gaps = {row.organization.code: row.scorecard_gaps
            for row in overview.overview(session, inspector, today=today).rows}
    # What the fixture was made to show, so the comparison above compares something.
    assert "policy_missing" not in gaps["XA-LOCBINH"] and "publication_missing" in gaps["XA-LOCBINH"]
    assert "coverage_incomplete" in gaps["XA-LOCBINH"] and "periodic_review_overdue" in gaps["XA-DONGDANG"]
    assert "internal_audit_missing" not in gaps["XA-LOCBINH"] and "internal_audit_missing" in gaps["XA-DONGDANG"]


def test_the_rows_around_a_merger_are_each_organisations_own(session, files, secretary, reviewer, approver, admin,
                                                              inspector, today):
    merged_on_1_july_2025(session, files, (secretary, reviewer, approver), admin, today)
    for day in (DAY_BEFORE, MERGED_ON, MERGED_ON + timedelta(days=1), today):
        assert assert_rows_agree(session, inspector, today, day) == (4 if day == DAY_BEFORE else 3)


def test_the_rows_agree_around_a_withdrawn_process_covering_by_its_links(client, session, files, secretary, reviewer,
                                                                          approver, inspector, province, today):
    """A process with no code of its own, linked to a national code (of the listed provincial variant 1.012753.H19)
    and to a listed code, in force from 30 days ago and withdrawn 10 days ago: counted by its links while in force,
    by no row after."""
    linked = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-DD-01",
                                       title="Đăng ký đất đai", kind="process")
    with days_ago(30) as then:
        revision = make_effective(session, files, linked, secretary, reviewer, approver, then)
        links.set_document_procedures(session, secretary, linked.id, ["1.012753", "2.000815"])
    with days_ago(10) as then:
        lifecycle.act(session, approver, revision.id, "withdraw", today=then, comment="Không còn áp dụng")
    backdate(session, 900)
    for days in (0, 9, 10, 11, 20, 29, 31):
        assert assert_rows_agree(session, inspector, today, today - timedelta(days=days)) == 4

    def covered(day):
        rows = overview.overview(session, inspector, today=today, as_of=day if day != today else None).rows
        return next(row.covered for row in rows if row.organization.code == "XA-LOCBINH")

    # What the process was made to show, so the comparison above compares something.
    assert covered(today - timedelta(days=20)) == covered(today - timedelta(days=31)) + 2 == covered(today) + 2


def test_the_rows_agree_while_readers_confirm(session, inspector, province, today):
    """Everyone asked to read Đồng Đăng's process in force from 800 days ago confirms it 5 days ago; the process
    that took effect today is read by nobody yet: the gap of unread documents is there before, gone between, back
    today, and every row says what the organisation's own scorecard says on each of those days."""
    process = session.scalar(select(Document).join(Document.organization).where(
        Organization.code == "XA-DONGDANG", Document.code == "QT-01"))
    revision = process.current_revision
    asked = session.scalars(select(User).join(AcknowledgementRequest, AcknowledgementRequest.user_id == User.id)
                            .where(AcknowledgementRequest.revision_id == revision.id)).all()
    assert asked
    with days_ago(5):
        for person in asked:
            confirmations.acknowledge(session, person, revision.id)
    for days in (0, 4, 5, 6, 10):
        assert assert_rows_agree(session, inspector, today, today - timedelta(days=days)) == 4

    def unread(days):
        day = today - timedelta(days=days)
        rows = overview.overview(session, inspector, today=today, as_of=day if day != today else None).rows
        gaps = next(row.scorecard_gaps for row in rows if row.organization.code == "XA-DONGDANG")
        return "acknowledgement_incomplete" in gaps

    # What the confirmations were made to show, so the comparison above compares something.
    assert (unread(10), unread(4), unread(0)) == (True, False, True)
