"""The scorecard's two items about people: periodic reviews done on time, documents made known to everyone who
applies them (read and acknowledged)."""

from __future__ import annotations

from datetime import timedelta

from support.factories import make_effective

from qms.acknowledgements import confirmations
from qms.documents import lifecycle
from qms.inspection import scorecard


def _items(session, organization, today):
    return {item.code: item for item in scorecard.of_organization(session, organization, today=today).items}


def test_a_policy_past_its_review_day_and_unread_by_staff_are_gaps_until_done(
        session, files, secretary, reviewer, approver, staff, today):
    policy = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="CSCL",
                                       title="Chính sách chất lượng", kind="policy")
    revision = make_effective(session, files, policy, secretary, reviewer, approver, today - timedelta(days=800))
    items = _items(session, secretary.organization, today)

    late = items["periodic_review_overdue"]
    assert late.ok is False and "1 tài liệu quá hạn xem xét định kỳ: CSCL" in late.detail
    unread = items["acknowledgement_incomplete"]
    assert unread.ok is False and unread.detail.startswith("Chưa phổ biến đầy đủ tài liệu cho cán bộ, công chức")
    assert [link.endpoint for link in unread.links] == ["acknowledgements.document_list"]

    for person in (secretary, reviewer, approver, staff):
        confirmations.acknowledge(session, person, revision.id)
    assert _items(session, secretary.organization, today)["acknowledgement_incomplete"].ok is True
