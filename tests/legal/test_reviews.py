"""Review items: opened when a cited document is replaced or newly amended, closed by a new revision or an approver."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from support.factories import fixture_file, make_effective, make_user, upload

from qms import clock
from qms.database import unit_of_work
from qms.documents import lifecycle
from qms.errors import Conflict, Forbidden, Invalid, NotFound
from qms.legal import register
from qms.legal.basis import extract_basis, set_basis
from qms.legal.reviews import refresh_reviews, resolve, reviews
from qms.models import AuditEntry, LegalReview, RelationKind, ReviewState

HT04_1, HT04_2 = "QT-HT-04_trich-luc_lan-01.docx", "QT-HT-04_trich-luc_lan-02.docx"


def effective_with_basis(session, files, document, secretary, reviewer, approver, today, name):
    """A current revision of a fixture file; add_revision extracted its legal basis."""
    return make_effective(session, files, document, secretary, reviewer, approver, today, fixture_file(name))


def add(session, user, number, effective_from, *, amends=(), replaces=(), title="Văn bản"):
    return register.create_legal_document(
        session, user, number=number, title=title, effective_from=effective_from, amends=amends, replaces=replaces,
        today=clock.today(),
    )


def all_reviews(session) -> list[LegalReview]:
    return list(session.scalars(select(LegalReview).order_by(LegalReview.id)))


def actions(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


@pytest.fixture
def one_stop_chain(session, admin):
    """61/2018 and its amendment 107/2021, before 118/2025 is known."""
    add(session, admin, "61/2018/NĐ-CP", date(2018, 6, 21), title="Một cửa")
    add(session, admin, "107/2021/NĐ-CP", date(2022, 2, 1), amends=["61/2018/NĐ-CP"])


@pytest.fixture
def current(session, files, document, secretary, reviewer, approver, today, one_stop_chain):
    """QT-HT-04 issue 1 in force today, citing 61/2018/NĐ-CP."""
    return effective_with_basis(session, files, document, secretary, reviewer, approver, today, HT04_1)


def test_registering_the_replacement_opens_an_item_for_the_current_revision(session, admin, current, today):
    assert refresh_reviews(session, today) == 0  # the 2022 amendment is older than the revision
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP", "107/2021/NĐ-CP"])
    (item,) = all_reviews(session)
    assert (item.revision_id, item.document_id, item.organization_id) == (
        current.id, current.document_id, current.document.organization_id
    )
    assert (item.cited.number, item.trigger.number) == ("61/2018/NĐ-CP", "118/2025/NĐ-CP")
    assert item.change is RelationKind.REPLACES
    assert (item.since, item.state) == (date(2025, 7, 1), ReviewState.OPEN)
    (opened,) = actions(session, "legal_review_open")
    assert opened.actor_id is None and opened.revision_id == current.id
    assert json.loads(opened.details)["trigger"] == "118/2025/NĐ-CP"
    assert refresh_reviews(session, today) == 0 and len(all_reviews(session)) == 1  # idempotent


def test_a_replacement_not_yet_in_force_waits_for_its_date(session, admin, current, today):
    later = today + timedelta(days=20)
    add(session, admin, "1/2030/NĐ-CP", later, replaces=["61/2018/NĐ-CP"])
    assert all_reviews(session) == []
    assert refresh_reviews(session, later - timedelta(days=1)) == 0
    assert refresh_reviews(session, later) == 1
    assert all_reviews(session)[0].since == later


def test_only_an_amendment_newer_than_the_revision_opens_an_item(session, admin, current, today):
    add(session, admin, "123/2015/NĐ-CP", date(2016, 1, 1))
    add(session, admin, "87/2020/NĐ-CP", date(2020, 9, 15), amends=["123/2015/NĐ-CP"])
    assert refresh_reviews(session, today) == 0
    soon = today + timedelta(days=30)
    add(session, admin, "2/2030/NĐ-CP", soon, amends=["123/2015/NĐ-CP"])
    assert refresh_reviews(session, soon) == 1
    (item,) = all_reviews(session)
    assert (item.cited.number, item.trigger.number) == ("123/2015/NĐ-CP", "2/2030/NĐ-CP")
    assert item.change is RelationKind.AMENDS


def test_a_new_revision_taking_effect_closes_the_item(
    session, files, admin, document, secretary, reviewer, approver, current, today
):
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP"])
    second = effective_with_basis(session, files, document, secretary, reviewer, approver, today, HT04_2)
    (item,) = all_reviews(session)  # closed by the approval itself
    assert (item.state, item.resolution, item.closed_by_name) == (ReviewState.CLOSED, "new_revision", None)
    (closed,) = actions(session, "legal_review_close")
    assert closed.actor_id is None and json.loads(closed.details)["resolution"] == "new_revision"
    assert refresh_reviews(session, today) == 0 and second.is_current


def test_withdrawing_the_document_closes_the_item(session, admin, approver, current, today):
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP"])
    lifecycle.act(session, approver, current.id, "withdraw", today=today, comment="Thủ tục bị bãi bỏ")
    assert all_reviews(session)[0].resolution == "withdrawn"
    assert refresh_reviews(session, today) == 0


def test_correcting_the_basis_opens_and_closes_items(session, admin, secretary, current, today):
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP"])
    set_basis(session, secretary, current.id, ["60/2014/QH13", "118/2025/NĐ-CP"], today=today)
    (item,) = all_reviews(session)
    assert (item.state, item.resolution) == (ReviewState.CLOSED, "not_applicable")
    set_basis(session, secretary, current.id, ["80/2015/QH13"], today=today)
    add(session, admin, "64/2025/QH15", date(2025, 4, 1), replaces=["80/2015/QH13"])
    assert [r.cited.number for r in all_reviews(session) if r.state is ReviewState.OPEN] == ["80/2015/QH13"]


def test_removing_the_relation_closes_the_item(session, admin, current, today):
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP"])
    register.update_legal_document(session, admin, "118/2025/NĐ-CP", {"replaces": []}, today=today)
    assert all_reviews(session)[0].resolution == "not_applicable"


def test_a_draft_or_another_organisations_revision_is_not_reviewed(
    session, files, admin, document, secretary, outsider, today, one_stop_chain
):
    draft = upload(session, files, secretary, document, fixture_file(HT04_1))
    with unit_of_work(session):
        extract_basis(session, draft)
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP"])
    assert all_reviews(session) == []


def test_refresh_inside_a_unit_of_work_commits_nothing_of_its_own(session, admin, current, today):
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP"])
    session.execute(LegalReview.__table__.delete())  # as if the item had never been opened
    session.commit()
    with pytest.raises(RuntimeError), unit_of_work(session):
        assert refresh_reviews(session, today) == 1
        raise RuntimeError("the caller failed")
    assert all_reviews(session) == []
    assert refresh_reviews(session, today) == 1


# --- an approver's decision ----------------------------------------------------------------------


@pytest.fixture
def item(session, admin, current, today) -> LegalReview:
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP"])
    return all_reviews(session)[0]


def test_an_approver_records_reviewed_no_change_needed(session, approver, item, today):
    closed = resolve(session, approver, item.id, "  Quy trình vẫn phù hợp với Nghị định 118/2025/NĐ-CP  ")
    assert (closed.state, closed.resolution, closed.reason) == (
        ReviewState.CLOSED, "no_change", "Quy trình vẫn phù hợp với Nghị định 118/2025/NĐ-CP"
    )
    assert (closed.closed_by_name, closed.closed_by_title) == (approver.full_name, approver.title)
    (entry,) = actions(session, "legal_review_resolve")
    assert entry.actor_username == approver.username and "118/2025" in json.loads(entry.details)["reason"]
    with pytest.raises(Conflict):
        resolve(session, approver, item.id, "Lần nữa")
    assert refresh_reviews(session, today) == 0  # a resolved item is not opened again


def test_resolving_needs_a_reason_and_the_approver_of_the_organisation(
    session, approver, secretary, inspector, outsider, staff, item
):
    with pytest.raises(Invalid):
        resolve(session, approver, item.id, "   ")
    for user in (secretary, inspector):
        with pytest.raises(Forbidden):
            resolve(session, user, item.id, "Không cần sửa")
    for user in (outsider, staff):
        with pytest.raises(NotFound):
            resolve(session, user, item.id, "Không cần sửa")
    with pytest.raises(NotFound):
        resolve(session, approver, 999_999, "Không cần sửa")
    assert session.get(LegalReview, item.id).state is ReviewState.OPEN


# --- reading -----------------------------------------------------------------------------------------


def test_reviews_list_open_first_oldest_first_with_age(
    session, files, admin, approver, secretary, reviewer, inspector, current, today
):
    add(session, admin, "118/2025/NĐ-CP", date(2025, 7, 1), replaces=["61/2018/NĐ-CP"])
    add(session, admin, "123/2015/NĐ-CP", date(2016, 1, 1))
    soon = today + timedelta(days=5)
    add(session, admin, "3/2030/NĐ-CP", soon, amends=["123/2015/NĐ-CP"])
    assert refresh_reviews(session, soon) == 1
    other = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-CT-02", title="Chứng thực chữ ký", kind="process"
    )
    name = "QT-CT-02_chung-thuc-chu-ky_lan-01.docx"
    effective_with_basis(session, files, other, secretary, reviewer, approver, today, name)  # opens its item
    assert refresh_reviews(session, today) == 0
    amendment, replaced_here, replaced_there = sorted(all_reviews(session), key=lambda r: (r.change, r.id))
    assert amendment.change is RelationKind.AMENDS and replaced_there.document_id == other.id
    resolve(session, approver, replaced_here.id, "Không ảnh hưởng")

    listed = reviews(session, secretary, "XA-LOCBINH", today=today)
    assert [i.review.id for i in listed] == [replaced_there.id, amendment.id]  # oldest change first
    assert listed[0].age_days == (today - date(2025, 7, 1)).days and listed[1].age_days == 0
    everything = reviews(session, inspector, "XA-LOCBINH", "all", today=today)
    assert [i.review.id for i in everything] == [replaced_there.id, amendment.id, replaced_here.id]
    assert [i.review.id for i in reviews(session, approver, "XA-LOCBINH", "closed", today=today)] == [replaced_here.id]


def test_reviews_are_for_the_control_roles_of_the_organisation_and_inspectors(session, staff, outsider, item):
    for user in (staff, outsider):
        with pytest.raises(NotFound):
            reviews(session, user, "XA-LOCBINH")
    with pytest.raises(NotFound):
        reviews(session, make_user(session, "thuky2", "XA-LOCBINH", "secretary"), "KHONG-CO")
    with pytest.raises(Invalid):
        reviews(session, make_user(session, "thuky3", "XA-LOCBINH", "secretary"), "XA-LOCBINH", "pending")
    assert session.scalar(select(func.count(LegalReview.id))) == 1
