"""Merging, splitting and moving organisations: documents carried with their history, clashes settled, as of a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from support.communes import MERGER, RESOLVED, two_communes

from qms.accounts import restructure
from qms.audit import trail
from qms.errors import Conflict, Forbidden, Invalid
from qms.inspection import registers
from qms.models import (
    AuditEntry,
    Document,
    DocumentStatus,
    Organization,
    OrganizationStatus,
    Procedure,
    User,
)


@pytest.fixture
def communes(session, files, secretary, reviewer, approver, today):
    return two_communes(session, files, (secretary, reviewer, approver), today)


def test_preview_lists_moves_clashes_users_catalogue_and_coverage_and_changes_nothing(session, admin, communes,
                                                                                     today):
    before = session.scalar(select(func.count()).select_from(AuditEntry))

    plan = restructure.preview(session, admin, **MERGER, effective_on=today - timedelta(days=10))

    body = plan.as_dict()
    assert sorted((m["from"], m["code"], m["to"]) for m in body["moves"]) == [
        ("XA-DONGDANG", "QT-01", "XA-LOCBINH-MOI"), ("XA-DONGDANG", "QT-03", "XA-LOCBINH-MOI"),
        ("XA-LOCBINH", "QT-01", "XA-LOCBINH-MOI"), ("XA-LOCBINH", "QT-02", "XA-LOCBINH-MOI"),
    ]
    assert [(c["kind"], c["subject"], sorted(c["documents"]), c["resolved"]) for c in body["clashes"]] == [
        ("code", "QT-01", ["XA-DONGDANG:QT-01", "XA-LOCBINH:QT-01"], False),
        ("procedure", "1.001193", ["XA-DONGDANG:QT-03", "XA-LOCBINH:QT-01"], False),
    ]
    assert {u["username"] for u in body["users"]} >= {"thuky", "bsecretary"}
    # Both communes list both TTHC: one row of each is carried, the differences between the two are shown.
    assert [(d["code"], d["differing"], d["kept"]) for d in body["catalogue"]["differences"]] == [
        ("1.000894", [], "XA-LOCBINH"), ("1.001193", ["time_text"], "XA-LOCBINH")]
    assert body["catalogue"]["moved"] == 2
    # Both TTHC are covered after the merger, the one covered twice counted once.
    assert body["coverage_after"] == [{"target": "XA-LOCBINH-MOI", "covered": 2, "total": 2, "percent": 100.0,
                                       "uncovered": []}]
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert session.scalar(select(Organization).where(Organization.code == "XA-LOCBINH-MOI")) is None


def test_carrying_out_with_clashes_left_open_is_refused_naming_them(session, admin, communes, today):
    with pytest.raises(Conflict) as refused:
        restructure.carry_out(session, admin, **MERGER, effective_on=today - timedelta(days=10), today=today,
                              resolutions={"codes": RESOLVED["codes"]})
    assert refused.value.code == "unresolved_clashes"
    assert "TTHC 1.001193" in refused.value.message and "QT-01" not in refused.value.message.split("TTHC")[0]
    assert session.scalar(select(Organization).where(Organization.code == "XA-LOCBINH-MOI")) is None
    assert session.get(Document, communes["XA-DONGDANG:QT-01"]).code == "QT-01"


def test_merge_carries_documents_catalogue_users_and_keeps_the_past(session, files, runner, admin, inspector,
                                                                    communes, today):
    merged_on = today - timedelta(days=10)
    document_id = communes["XA-DONGDANG:QT-01"]
    revisions_before = [r.id for r in session.get(Document, document_id).revisions]

    plan, event = restructure.carry_out(session, admin, **MERGER, effective_on=merged_on, today=today,
                                        resolutions=RESOLVED)

    session.expire_all()
    new = session.scalar(select(Organization).where(Organization.code == "XA-LOCBINH-MOI"))
    assert new.formed_on == merged_on and new.parent.code == "TINH-LS"
    for code in ("XA-LOCBINH", "XA-DONGDANG"):
        former = session.scalar(select(Organization).where(Organization.code == code))
        assert (former.status, former.merged_into_id, former.ended_on) == (OrganizationStatus.MERGED, new.id,
                                                                            merged_on)
    carried = session.get(Document, document_id)
    assert (carried.organization_id, carried.code) == (new.id, "QT-01-DD")
    assert [r.id for r in carried.revisions] == revisions_before
    assert [(o.organization.code, o.code, o.valid_from, o.valid_until)
            for o in restructure.document_history(session, document_id)] == [
        ("XA-DONGDANG", "QT-01", None, merged_on - timedelta(days=1)),
        ("XA-LOCBINH-MOI", "QT-01-DD", merged_on, None),
    ]
    # The TTHC covered twice: the chosen process stays, the other is withdrawn through the lifecycle.
    duplicate = session.get(Document, communes["XA-DONGDANG:QT-03"])
    assert (duplicate.status, duplicate.withdraw_reason) == (DocumentStatus.OBSOLETE, "sáp nhập")
    assert [e.action for e in trail.document_history(session, duplicate.id)][-1] == "withdraw"
    assert session.get(Document, communes["XA-LOCBINH:QT-01"]).status is DocumentStatus.ACTIVE
    # Catalogue rows carried, the duplicate row stays with its former organisation; users follow with their roles.
    assert sorted(session.scalars(select(Procedure.code).where(Procedure.organization_id == new.id))) == [
        "1.000894", "1.001193"]
    moved = session.scalar(select(User).where(User.username == "bapprover"))
    assert moved.organization_id == new.id and {r.value for r in moved.roles} == {"approver"}
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "organization_restructure"))
    assert entry.organization_id == new.id and '"QT-01-DD"' in entry.details
    verified = runner.invoke(args=["qms", "verify"])
    assert verified.exit_code == 0, verified.output

    # As of the day before the merger each former commune had its own; the new one had nothing.
    day_before = merged_on - timedelta(days=1)
    then_b = registers.register(session, inspector, "XA-DONGDANG", "internal", as_of=day_before)
    assert [row[1] for row in then_b.rows] == ["QT-01", "QT-03"]
    assert registers.register(session, inspector, "XA-LOCBINH-MOI", "internal", as_of=day_before).rows == []
    on_the_day = registers.register(session, inspector, "XA-LOCBINH-MOI", "internal", as_of=merged_on)
    assert sorted(row[1] for row in on_the_day.rows) == ["QT-01", "QT-01-DD", "QT-02", "QT-03"]
    assert registers.register(session, inspector, "XA-DONGDANG", "internal", as_of=merged_on).rows == []
    now = registers.register(session, inspector, "XA-LOCBINH-MOI", "internal", as_of=today)
    assert sorted(row[1] for row in now.rows) == ["QT-01", "QT-01-DD", "QT-02"]

    lineage = restructure.lineage(session, "XA-DONGDANG")
    assert (lineage["status"], lineage["merged_into"]) == ("merged", "XA-LOCBINH-MOI")
    assert lineage["became"] == [{"kind": "merge", "effective_on": merged_on.isoformat(),
                                  "sources": ["XA-LOCBINH", "XA-DONGDANG"], "targets": ["XA-LOCBINH-MOI"]}]
    assert restructure.lineage(session, "XA-LOCBINH-MOI")["formed_from"] == lineage["became"]


def test_merge_into_an_existing_organisation_clashes_with_its_codes(session, files, admin, communes, today):
    with pytest.raises(Conflict, match="QT-01"):
        restructure.carry_out(session, admin, kind="merge", sources=["XA-DONGDANG"],
                              targets=[{"code": "XA-LOCBINH"}], effective_on=today, today=today)
    plan, _ = restructure.carry_out(
        session, admin, kind="merge", sources=["XA-DONGDANG"], targets=[{"code": "XA-LOCBINH"}],
        effective_on=today, today=today,
        resolutions={"codes": {"XA-LOCBINH:QT-01": "QT-01-LB"}, "procedures": {"1.001193": "XA-DONGDANG:QT-03"}},
    )
    session.expire_all()
    lb = session.scalar(select(Organization).where(Organization.code == "XA-LOCBINH"))
    assert sorted(session.scalars(select(Document.code).where(Document.organization_id == lb.id))) == [
        "QT-01", "QT-01-LB", "QT-02", "QT-03"]
    assert session.get(Document, communes["XA-LOCBINH:QT-01"]).status is DocumentStatus.OBSOLETE
    assert session.get(Document, communes["XA-LOCBINH:QT-01"]).code == "QT-01-LB"
    assert trail.verify(session, files).ok


def test_split_assigns_documents_and_users_by_the_resolutions(session, files, admin, inspector, communes, today):
    plan, _ = restructure.carry_out(
        session, admin, kind="split", sources=["XA-DONGDANG"],
        targets=[{"code": "XA-DD-1", "name": "UBND xã Đồng Đăng 1"},
                 {"code": "XA-DD-2", "name": "UBND xã Đồng Đăng 2"}],
        effective_on=today, today=today,
        resolutions={"documents": {"XA-DONGDANG:QT-03": "XA-DD-2"}, "users": {"bapprover": "XA-DD-2"}},
    )
    session.expire_all()
    assert session.get(Document, communes["XA-DONGDANG:QT-03"]).organization.code == "XA-DD-2"
    assert session.get(Document, communes["XA-DONGDANG:QT-01"]).organization.code == "XA-DD-1"
    assert session.scalar(select(User).where(User.username == "bapprover")).organization.code == "XA-DD-2"
    assert session.scalar(select(User).where(User.username == "bsecretary")).organization.code == "XA-DD-1"
    # The catalogue row goes with the process serving it.
    dd2 = session.scalar(select(Organization).where(Organization.code == "XA-DD-2"))
    assert list(session.scalars(select(Procedure.code).where(Procedure.organization_id == dd2.id))) == ["1.001193"]
    former = session.scalar(select(Organization).where(Organization.code == "XA-DONGDANG"))
    assert former.status is OrganizationStatus.SPLIT and former.parent.code == "TINH-LS"
    assert registers.register(session, inspector, "XA-DONGDANG", "internal", as_of=today - timedelta(days=1)).rows
    assert registers.register(session, inspector, "XA-DONGDANG", "internal", as_of=today).rows == []
    assert trail.verify(session, files).ok


def test_move_under_another_parent_is_recorded_in_the_lineage(session, admin, agency, today):
    restructure.carry_out(session, admin, kind="move", sources=["XA-DONGDANG"],
                          targets=[{"code": "XA-DONGDANG", "parent": "SO-KHCN"}], effective_on=today, today=today)
    session.expire_all()
    assert session.scalar(select(Organization).where(Organization.code == "XA-DONGDANG")).parent.code == "SO-KHCN"
    assert restructure.lineage(session, "XA-DONGDANG")["moves"][0]["kind"] == "move"
    with pytest.raises(Invalid):
        restructure.carry_out(session, admin, kind="move", sources=["TINH-LS"],
                              targets=[{"code": "TINH-LS", "parent": "XA-DONGDANG"}], effective_on=today, today=today)


def test_who_and_when(session, secretary, admin, communes, today):
    with pytest.raises(Forbidden):
        restructure.preview(session, secretary, **MERGER, effective_on=today)
    with pytest.raises(Invalid) as future:
        restructure.carry_out(session, admin, **MERGER, effective_on=today + timedelta(days=1), today=today,
                              resolutions=RESOLVED)
    assert future.value.code == "effective_on_future"
    restructure.carry_out(session, admin, **MERGER, effective_on=today, today=today, resolutions=RESOLVED)
    with pytest.raises(Conflict) as again:
        restructure.preview(session, admin, **MERGER, effective_on=today)
    assert again.value.code == "organization_ended"
    with pytest.raises(Invalid):
        restructure.preview(session, admin, kind="merge", sources=["TINH-LS"], targets=[{"code": "NEW"}],
                            effective_on=date(2025, 7, 1))


def test_the_demo_merges_two_communes_on_1_july_2025(session, files, runner, today):
    from qms import demo

    demo.load(session, files, today)
    session.expire_all()
    lineage = restructure.lineage(session, "XA-TAMGIA")
    assert (lineage["status"], lineage["merged_into"], lineage["ended_on"]) == ("merged", "XA-DONGQUAN-2025",
                                                                                "2025-07-01")
    merged = session.scalar(select(Organization).where(Organization.code == "XA-DONGQUAN-2025"))
    documents = {d.code: d for d in session.scalars(select(Document).where(Document.organization_id == merged.id))}
    assert sorted(documents) == ["QT-01", "QT-01-TG", "QT-02", "QT-HT-KS"]
    assert documents["QT-02"].withdraw_reason == "sáp nhập"
    assert documents["QT-01"].status is DocumentStatus.ACTIVE
    verified = runner.invoke(args=["qms", "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_former_organisation_takes_no_new_documents(session, admin, communes, today):
    from qms.documents import lifecycle
    from qms.models import Role, UserRole

    restructure.carry_out(session, admin, **MERGER, effective_on=today, today=today, resolutions=RESOLVED)
    # Someone the administrator later puts back into the former commune still cannot add to its document set.
    former = session.scalar(select(Organization).where(Organization.code == "XA-DONGDANG"))
    late = session.scalar(select(User).where(User.username == "bsecretary"))
    late.organization_id = former.id
    session.commit()
    assert Role.SECRETARY in {r.role for r in session.scalars(select(UserRole).where(UserRole.user_id == late.id))}
    with pytest.raises(Conflict) as refused:
        lifecycle.create_document(session, late, organization_code="XA-DONGDANG", code="QT-09", title="Mới",
                                  kind="process")
    assert refused.value.code == "organization_ended"


def test_a_rename_is_part_of_the_lineage(session, admin, agency, today):
    from qms.accounts import organizations

    commune = agency["commune"]
    organizations.update(session, admin, commune.id, code="XA-LOCBINH", name="UBND xã Lộc Bình mới",
                         parent_id=commune.parent_id)
    [rename] = restructure.lineage(session, "XA-LOCBINH")["renames"]
    assert rename["effective_on"] == today.isoformat()
    assert (rename["details"]["before"]["name"], rename["details"]["after"]["name"]) == (
        "UBND xã Lộc Bình", "UBND xã Lộc Bình mới")
    assert restructure.lineage(session, "XA-LOCBINH")["moves"] == []


def test_units_under_a_merged_commune_move_under_the_new_one(session, admin, agency, today):
    from qms.accounts import organizations

    organizations.create(session, None, "THON-NA-PHAI", "Thôn Nà Phái", "XA-DONGDANG")
    plan, _ = restructure.carry_out(session, admin, kind="merge", sources=["XA-DONGDANG"],
                                    targets=[{"code": "XA-LOCBINH"}], effective_on=today, today=today)
    assert plan.as_dict()["children"] == [{"code": "THON-NA-PHAI", "to": "XA-LOCBINH", "from": "XA-DONGDANG"}]
    session.expire_all()
    unit = session.scalar(select(Organization).where(Organization.code == "THON-NA-PHAI"))
    assert unit.parent.code == "XA-LOCBINH"
