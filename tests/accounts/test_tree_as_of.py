"""The organisation tree of a day: what existed, under which parent, and what had been merged by then."""

from __future__ import annotations

from datetime import timedelta

from support.communes import backdate
from support.factories import make_user

from qms.accounts import organizations, restructure
from qms.accounts.tree_as_of import organizations_on
from qms.documents import as_of, lifecycle


def _parents(tree) -> dict[str, str | None]:
    return {e.organization.code: e.parent.code if e.parent else None for e in tree.organizations}


def test_moves_and_mergers_are_undone_for_an_earlier_day(session, admin, agency, secretary, today):
    organizations.create(session, None, "THON-NA-PHAI", "Thôn Nà Phái", "XA-DONGDANG")
    clerk = make_user(session, "bsecretary", "XA-DONGDANG", "secretary")
    document = lifecycle.create_document(session, clerk, organization_code="XA-DONGDANG", code="QT-09",
                                         title="Tiếp dân", kind="internal_process")
    backdate(session, 10)
    assert as_of.owner_on(session, document.id, today - timedelta(days=11)) is None  # not there yet
    restructure.carry_out(session, admin, kind="move", sources=["XA-DONGDANG"],
                          targets=[{"code": "XA-DONGDANG", "parent": "SO-KHCN"}],
                          effective_on=today - timedelta(days=5), today=today)
    restructure.carry_out(session, admin, kind="merge", sources=["XA-DONGDANG"], targets=[{"code": "XA-LOCBINH"}],
                          effective_on=today - timedelta(days=2), today=today)

    before_move = organizations_on(session, today - timedelta(days=6))
    assert _parents(before_move)["XA-DONGDANG"] == "TINH-LS"
    assert _parents(before_move)["THON-NA-PHAI"] == "XA-DONGDANG" and not before_move.former
    after_move = organizations_on(session, today - timedelta(days=3))
    assert _parents(after_move)["XA-DONGDANG"] == "SO-KHCN"
    assert after_move.below(agency["department"].id) >= {agency["other"].id}
    now = organizations_on(session, today)
    assert "XA-DONGDANG" not in _parents(now) and _parents(now)["THON-NA-PHAI"] == "XA-LOCBINH"
    assert [(f.organization.code, f.label()) for f in now.former] == [
        ("XA-DONGDANG", f"đã sáp nhập vào UBND xã Lộc Bình từ {today - timedelta(days=2):%d/%m/%Y}")]
    # Whose the document was, day by day.
    assert as_of.owner_on(session, document.id, today - timedelta(days=3)) == agency["other"].id
    assert as_of.owner_on(session, document.id, today) == agency["commune"].id
