"""Records of the quality system carried by a merger or split: listed per source in the preview, moved with their
identity and history, read as of a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support.communes import MERGER, RESOLVED, records_before_merger, two_communes
from support.pages import signed_in, text_of

from qms.accounts import restructure
from qms.audit import trail
from qms.errors import Invalid
from qms.models import (
    AuditEntry,
    EffectivenessConfirmation,
    InternalAudit,
    Organization,
    Publication,
    RecordOwnership,
)
from qms.records import confirmations, corrective_actions, internal_audits, publications, summary
from qms.search import search_index
from qms.search.query import SearchParams, search


@pytest.fixture
def communes(session, files, secretary, reviewer, approver, today):
    made = two_communes(session, files, (secretary, reviewer, approver), today)
    return made | records_before_merger(session, files, (secretary, reviewer, approver), today)


def _organization(session, code):
    return session.scalar(select(Organization).where(Organization.code == code))


def test_the_preview_lists_each_sources_records_and_changes_nothing(session, admin, communes, today):
    plan = restructure.preview(session, admin, **MERGER, effective_on=today - timedelta(days=10))

    body = plan.as_dict()
    assert [(r["from"], r["key"], r["to"]) for r in body["records"]] == [
        ("XA-LOCBINH", f"publication:{communes['publication_a']}", "XA-LOCBINH-MOI"),
        ("XA-LOCBINH", f"internal_audit:{communes['audit']}", "XA-LOCBINH-MOI"),
        ("XA-LOCBINH", f"management_review:{communes['review']}", "XA-LOCBINH-MOI"),
        ("XA-LOCBINH", f"quality_objective:{communes['objective']}", "XA-LOCBINH-MOI"),
        ("XA-LOCBINH", f"effectiveness_confirmation:{communes['confirmation_a']}", "XA-LOCBINH-MOI"),
        ("XA-DONGDANG", f"publication:{communes['publication_b']}", "XA-LOCBINH-MOI"),
        ("XA-DONGDANG", f"effectiveness_confirmation:{communes['confirmation_b']}", "XA-LOCBINH-MOI"),
    ]
    assert body["records"][0]["label"].startswith("Quyết định công bố số 12/QĐ-UBND ngày")
    assert body["records"][1]["label"].endswith("(1 phát hiện)")
    assert body["records_rule"] == "Mọi hồ sơ HTQLCL của đơn vị cũ chuyển sang XA-LOCBINH-MOI."
    assert session.scalar(select(func.count()).select_from(RecordOwnership)) == 0
    assert session.get(InternalAudit, communes["audit"]).organization.code == "XA-LOCBINH"


def test_a_merger_carries_the_records_with_their_identity_and_history(session, files, admin, inspector, communes,
                                                                      today):
    merged_on = today - timedelta(days=10)
    entries_before = session.scalar(select(func.count()).select_from(AuditEntry))

    plan, event = restructure.carry_out(session, admin, **MERGER, effective_on=merged_on, today=today,
                                        resolutions=RESOLVED)

    session.expire_all()
    merged, former = _organization(session, "XA-LOCBINH-MOI"), _organization(session, "XA-LOCBINH")
    audit = session.get(InternalAudit, communes["audit"])
    # The same rows, now the merged commune's, with their findings and actions; nothing copied.
    assert audit.organization_id == merged.id and len(audit.findings) == 1
    assert session.scalar(select(func.count()).select_from(InternalAudit)) == 1
    assert session.scalar(select(func.count()).select_from(Publication)) == 2
    history = summary.summary(session, inspector, "XA-LOCBINH-MOI", today).histories[f"internal_audit:{audit.id}"]
    assert [(row.organization.code, row.valid_from, row.valid_until, row.event_id) for row in history] == [
        ("XA-LOCBINH", None, merged_on - timedelta(days=1), event.id), ("XA-LOCBINH-MOI", merged_on, None, event.id)]
    # Audited as one operation, the records named; the audit chain still verifies.
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organization_restructure"))
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries_before + 2  # + the withdrawal
    assert f"internal_audit:{audit.id}" in entry.details and '"record_count":7' in entry.details.replace(" ", "")
    assert trail.verify(session, files).ok

    # As of the day before, the former commune held its records; today the merged one holds them all.
    day_before = merged_on - timedelta(days=1)
    assert [a.id for a in internal_audits.of_organization(session, former.id, day_before)] == [audit.id]
    assert internal_audits.of_organization(session, merged.id, day_before) == []
    assert internal_audits.of_organization(session, former.id, today) == []
    assert [a.id for a in internal_audits.of_organization(session, merged.id, today)] == [audit.id]
    assert [s.action.id for s in corrective_actions.overdue(session, former.id, day_before)] == [communes["action"]]
    assert [s.action.id for s in corrective_actions.overdue(session, merged.id, today)] == [communes["action"]]
    then = summary.summary(session, inspector, "XA-LOCBINH", today, day_before)
    assert [p.number for p in then.publications] == ["12/QĐ-UBND"] and len(then.confirmations) == 1
    now = summary.summary(session, inspector, "XA-LOCBINH", today)
    assert (now.publications, now.audits, now.reviews, now.objectives, now.confirmations) == ([], [], [], [], [])
    assert sorted(p.number for p in summary.summary(session, inspector, "XA-LOCBINH-MOI", today).publications) == [
        "07/QĐ-UBND", "12/QĐ-UBND"]
    # A predecessor's decision is held, not the merged commune's own: nothing it signed to compare a scope with.
    assert publications.signed_by(session, merged.id, today) == []
    assert {p.number for p in publications.of_predecessors(session, merged.id, today)} == {"07/QĐ-UBND",
                                                                                          "12/QĐ-UBND"}


def test_the_merged_commune_confirms_its_own_year_beside_its_predecessors_confirmations(
        session, files, admin, approver, communes, today):
    restructure.carry_out(session, admin, **MERGER, effective_on=today - timedelta(days=10), today=today,
                          resolutions=RESOLVED)
    session.expire_all()
    merged = _organization(session, "XA-LOCBINH-MOI")
    assert approver.organization_id == merged.id
    year = (today - timedelta(days=20)).year
    assert confirmations.of_year(session, merged.id, year) is None

    own = confirmations.confirm(session, files, approver, "XA-LOCBINH-MOI", year=year, statement=None, upload=None,
                                today=today)

    assert confirmations.of_year(session, merged.id, year).id == own.id
    held = session.scalars(select(EffectivenessConfirmation).where(EffectivenessConfirmation.organization_id
                                                                   == merged.id))
    assert len(list(held)) == 3
    assert confirmations.of_year(session, _organization(session, "XA-LOCBINH").id, year,
                                 today - timedelta(days=11)).id == communes["confirmation_a"]


def test_a_split_sends_records_where_the_resolution_says_else_to_the_first_target(session, admin, communes, today):
    split = {"kind": "split", "sources": ["XA-LOCBINH"],
             "targets": [{"code": "XA-LB-1", "name": "Xã Lộc Bình 1", "parent": "TINH-LS"},
                         {"code": "XA-LB-2", "name": "Xã Lộc Bình 2", "parent": "TINH-LS"}]}
    audit_key = f"internal_audit:{communes['audit']}"
    with pytest.raises(Invalid) as unknown:
        restructure.preview(session, admin, **split, effective_on=today - timedelta(days=5),
                            resolutions={"records": {"publication:99999": "XA-LB-2"}})
    assert unknown.value.code == "invalid_resolution" and "publication:99999" in unknown.value.message
    with pytest.raises(Invalid) as elsewhere:
        restructure.preview(session, admin, **split, effective_on=today - timedelta(days=5),
                            resolutions={"records": {audit_key: "XA-DONGDANG"}})
    assert elsewhere.value.code == "invalid_resolution"

    plan = restructure.preview(session, admin, **split, effective_on=today - timedelta(days=5),
                               resolutions={"records": {audit_key: "XA-LB-2"}})
    assert "chuyển sang XA-LB-1, trừ hồ sơ được giao cho đơn vị nhận khác" in plan.as_dict()["records_rule"]
    assert {r["key"]: r["to"] for r in plan.as_dict()["records"]}[audit_key] == "XA-LB-2"
    restructure.carry_out(session, admin, **split, effective_on=today - timedelta(days=5), today=today,
                          resolutions={"records": {audit_key: "XA-LB-2"}, "documents": {}})

    session.expire_all()
    assert session.get(InternalAudit, communes["audit"]).organization.code == "XA-LB-2"
    assert session.get(Publication, communes["publication_a"]).organization.code == "XA-LB-1"
    assert session.get(Publication, communes["publication_b"]).organization.code == "XA-DONGDANG"


def test_a_record_carried_twice_keeps_one_unbroken_history(session, admin, inspector, communes, today):
    first, second = today - timedelta(days=10), today - timedelta(days=3)
    restructure.carry_out(session, admin, **MERGER, effective_on=first, today=today, resolutions=RESOLVED)
    restructure.carry_out(session, admin, kind="merge", sources=["XA-LOCBINH-MOI"],
                          targets=[{"code": "XA-LS", "name": "Xã Lộc Sơn", "parent": "TINH-LS"}],
                          effective_on=second, today=today)
    session.expire_all()
    history = summary.summary(session, inspector, "XA-LS", today).histories[f"internal_audit:{communes['audit']}"]
    assert [(row.organization.code, row.valid_from, row.valid_until) for row in history] == [
        ("XA-LOCBINH", None, first - timedelta(days=1)), ("XA-LOCBINH-MOI", first, second - timedelta(days=1)),
        ("XA-LS", second, None)]
    middle = _organization(session, "XA-LOCBINH-MOI")
    assert [a.id for a in internal_audits.of_organization(session, middle.id, second - timedelta(days=1))] == [
        communes["audit"]]


def test_the_api_previews_the_records_and_a_split_places_them_as_asked(client, session, files, bearer, admin,
                                                                       communes, today):
    split = {"kind": "split", "sources": ["XA-LOCBINH"], "effective_on": (today - timedelta(days=5)).isoformat(),
             "targets": [{"code": "XA-LB-1", "name": "Xã Lộc Bình 1", "parent": "TINH-LS"},
                         {"code": "XA-LB-2", "name": "Xã Lộc Bình 2", "parent": "TINH-LS"}]}
    review_key = f"management_review:{communes['review']}"
    asked = {"records": [{"record": review_key, "organization": "XA-LB-2"}]}

    preview = client.post("/api/v1/organizations/restructure", headers=bearer(admin),
                          json={**split, "resolutions": asked, "dry_run": True})
    assert preview.status_code == 200, preview.json
    assert [(r["from"], r["kind"], r["to"]) for r in preview.json["records"]] == [
        ("XA-LOCBINH", "publication", "XA-LB-1"), ("XA-LOCBINH", "internal_audit", "XA-LB-1"),
        ("XA-LOCBINH", "management_review", "XA-LB-2"), ("XA-LOCBINH", "quality_objective", "XA-LB-1"),
        ("XA-LOCBINH", "effectiveness_confirmation", "XA-LB-1")]
    assert preview.json["records_rule"].startswith("Hồ sơ HTQLCL của cả đơn vị")
    wrong = client.post("/api/v1/organizations/restructure", headers=bearer(admin),
                        json={**split, "resolutions": {"records": [{"record": review_key, "organization": "NOPE"}]}})
    assert wrong.status_code == 422 and wrong.json["error"]["code"] == "invalid_resolution"
    assert session.scalar(select(func.count()).select_from(RecordOwnership)) == 0

    done = client.post("/api/v1/organizations/restructure", headers=bearer(admin), json={**split, "resolutions": asked})
    assert done.status_code == 200, done.json
    session.expire_all()
    assert _organization(session, "XA-LB-2").id == session.scalar(
        select(RecordOwnership.organization_id).where(RecordOwnership.record_kind == "management_review",
                                                      RecordOwnership.valid_until.is_(None)))
    assert trail.verify(session, files).ok


def test_the_preview_page_lists_the_records_by_source(app, session, admin, communes, today):
    client = signed_in(app, admin)
    page = client.post("/admin/organizations/restructure", data={
        "kind": "merge", "sources": "XA-LOCBINH, XA-DONGDANG",
        "targets": "XA-LOCBINH-MOI | UBND xã Lộc Bình (mới) | TINH-LS",
        "effective_on": (today - timedelta(days=10)).strftime("%d/%m/%Y"), "preview": "1"})
    assert page.status_code == 200
    text = text_of(page)
    assert "Hồ sơ HTQLCL được chuyển (7)" in text
    assert "Mọi hồ sơ HTQLCL của đơn vị cũ chuyển sang XA-LOCBINH-MOI." in text
    assert "XA-DONGDANG (2) Quyết định công bố số 07/QĐ-UBND" in text
    assert "XA-LOCBINH (5) Quyết định công bố số 12/QĐ-UBND" in text
    assert f"internal_audit:{communes['audit']}" in text
    assert session.scalar(select(func.count()).select_from(RecordOwnership)) == 0

    done = client.post("/admin/organizations/restructure", follow_redirects=True, data={
        "kind": "merge", "sources": "XA-LOCBINH, XA-DONGDANG",
        "targets": "XA-LOCBINH-MOI | UBND xã Lộc Bình (mới) | TINH-LS",
        "effective_on": (today - timedelta(days=10)).strftime("%d/%m/%Y"), "codes": "XA-DONGDANG:QT-01 = QT-01-DD",
        "procedures": "1.001193 = XA-LOCBINH:QT-01", "confirm": "1"})
    assert "Đã sắp xếp đơn vị: 4 tài liệu và 7 hồ sơ HTQLCL được chuyển." in text_of(done)
    assert session.scalar(select(func.count()).select_from(RecordOwnership)) == 14


def test_search_finds_the_carried_records_under_the_organisation_holding_them(app, session, admin, inspector,
                                                                             communes, today):
    def found(organization: str, as_of=None) -> set[str]:
        result = search(session, search_index(app), inspector,
                        SearchParams(q="Nguyen Van An", organization_code=organization, category="record",
                                     as_of=as_of))
        return {f"{hit.record_kind}:{hit.record_id}" for hit in result.hits}

    audit = f"internal_audit:{communes['audit']}"
    assert audit in found("XA-LOCBINH")

    merged_on = today - timedelta(days=10)
    restructure.carry_out(session, admin, **MERGER, effective_on=merged_on, today=today, resolutions=RESOLVED)

    assert audit in found("XA-LOCBINH-MOI")
    assert audit not in found("XA-LOCBINH")
    # As of a day, a record is where it was that day, as the records pages read it.
    assert audit in found("XA-LOCBINH", as_of=merged_on - timedelta(days=1))
    assert audit not in found("XA-LOCBINH-MOI", as_of=merged_on - timedelta(days=1))
    assert audit in found("XA-LOCBINH-MOI", as_of=merged_on)
    assert audit not in found("XA-LOCBINH", as_of=merged_on)


def test_a_search_as_of_a_day_places_every_kind_of_record_by_its_holder_that_day(app, session, admin, inspector,
                                                                                communes, today):
    def found(organization: str, as_of) -> set[str]:
        result = search(session, search_index(app), inspector,
                        SearchParams(q="", organization_code=organization, category="record", as_of=as_of,
                                     per_page=100))
        return {f"{hit.record_kind}:{hit.record_id}" for hit in result.hits}

    lộc_bình = {f"publication:{communes['publication_a']}", f"internal_audit:{communes['audit']}",
                f"corrective_action:{communes['action']}", f"management_review:{communes['review']}",
                f"quality_objective:{communes['objective']}",
                f"effectiveness_confirmation:{communes['confirmation_a']}"}
    đồng_đăng = {f"publication:{communes['publication_b']}",
                 f"effectiveness_confirmation:{communes['confirmation_b']}"}
    merged_on = today - timedelta(days=10)
    restructure.carry_out(session, admin, **MERGER, effective_on=merged_on, today=today, resolutions=RESOLVED)

    before = merged_on - timedelta(days=1)
    assert found("XA-LOCBINH", before) == lộc_bình
    assert found("XA-DONGDANG", before) == đồng_đăng
    assert found("XA-LOCBINH-MOI", before) == set()
    assert found("XA-LOCBINH-MOI", merged_on) == lộc_bình | đồng_đăng
    assert found("XA-LOCBINH", merged_on) == set()
