"""The legal register is kept by registrars; everyone else proposes changes that a registrar accepts or declines."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from sqlalchemy import select
from support.factories import make_user
from support.pages import signed_in, text_of

from qms.errors import Conflict, Forbidden, Invalid, NotFound
from qms.legal import proposals
from qms.legal import register as legal
from qms.models import AuditEntry, ProposalState


@pytest.fixture
def keeper(session, agency):
    """A registrar of the provincial Department of Justice, who holds no other role."""
    return make_user(session, "sotuphap", "TINH-LS", "registrar", title="Chuyên viên Sở Tư pháp")


@pytest.fixture
def decree(session, keeper, today):
    return legal.create_legal_document(
        session, keeper, number="61/2018/NĐ-CP", doc_type="Nghị định", title="Về cơ chế một cửa", today=today
    )


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_only_registrars_and_administrators_edit_the_register(session, secretary, approver, outsider, admin, today):
    for person in (secretary, approver, outsider):
        with pytest.raises(Forbidden):
            legal.create_legal_document(session, person, number="1/2025/NĐ-CP", title="Một", today=today)
    assert legal.create_legal_document(session, admin, number="1/2025/NĐ-CP", title="Một", today=today).id


def test_a_proposal_accepted_is_applied_as_the_registrars_own_edit(session, outsider, keeper, decree, today):
    proposal = proposals.propose(
        session, outsider, kind="update", number="61/2018/ND-CP",
        changes={"title": "Về thực hiện cơ chế một cửa", "doc_type": "Nghị định", "replaces": []},
        note="Trích yếu chưa đủ",
    )
    # Only what differs from the register is kept.
    assert proposal.number == "61/2018/NĐ-CP" and proposal.changes == {"title": "Về thực hiện cơ chế một cửa"}
    assert legal.find_document(session, "61/2018/NĐ-CP").title == "Về cơ chế một cửa"
    assert [p.id for p in proposals.proposals_page(session, keeper, state="pending").rows] == [proposal.id]

    accepted = proposals.accept(session, keeper, proposal.id, today=today)
    assert accepted.state is ProposalState.ACCEPTED and accepted.decided_by_id == keeper.id
    assert legal.find_document(session, "61/2018/NĐ-CP").title == "Về thực hiện cơ chế một cửa"
    assert _actions(session)[-3:] == ["legal_propose", "legal_update", "legal_proposal_accept"]
    with pytest.raises(Conflict) as twice:
        proposals.accept(session, keeper, proposal.id, today=today)
    assert twice.value.code == "proposal_decided"


def test_a_new_document_with_a_relation_is_proposed_and_declined_with_a_reason(session, staff, keeper, decree, today):
    proposal = proposals.propose(
        session, staff, kind="create", number="118/2025/NĐ-CP",
        changes={"title": "Về một cửa, một cửa liên thông", "replaces": ["61/2018/NĐ-CP"]},
    )
    with pytest.raises(Forbidden):
        proposals.accept(session, staff, proposal.id, today=today)
    with pytest.raises(Invalid) as no_reason:
        proposals.decline(session, keeper, proposal.id, "  ")
    assert no_reason.value.code == "reason_required"
    declined = proposals.decline(session, keeper, proposal.id, "Đã có trong đợt nhập tháng sau")
    assert declined.state is ProposalState.DECLINED and declined.decision_reason == "Đã có trong đợt nhập tháng sau"
    with pytest.raises(NotFound):
        legal.find_document(session, "118/2025/NĐ-CP")
    with pytest.raises(Conflict):
        proposals.accept(session, keeper, proposal.id, today=today)

    again = proposals.propose(
        session, staff, kind="create", number="118/2025/NĐ-CP",
        changes={"title": "Về một cửa, một cửa liên thông", "replaces": ["61/2018/NĐ-CP"]},
    )
    proposals.accept(session, keeper, again.id, today=today)
    assert legal.get_legal_document(session, "61/2018/NĐ-CP").replaced_by == ["118/2025/NĐ-CP"]


def test_bad_proposals_are_refused_before_anything_is_stored(session, staff, keeper, decree):
    with pytest.raises(Conflict):
        proposals.propose(session, staff, kind="create", number="61/2018/NĐ-CP", changes={"title": "Trùng"})
    with pytest.raises(Invalid):
        proposals.propose(session, staff, kind="create", number="không phải số hiệu", changes={"title": "X"})
    with pytest.raises(Invalid) as unchanged:
        proposals.propose(session, staff, kind="update", number="61/2018/NĐ-CP", changes={"title": "Về cơ chế một cửa"})
    assert unchanged.value.code == "empty_proposal"
    with pytest.raises(Invalid):
        proposals.propose(
            session, staff, kind="update", number="61/2018/NĐ-CP", changes={"amends": ["61/2018/NĐ-CP"]}
        )
    assert proposals.proposals_page(session, keeper).rows == []


def test_proposers_see_their_own_proposals_only(session, staff, outsider, keeper, decree):
    mine = proposals.propose(session, staff, kind="update", number="61/2018/NĐ-CP", changes={"issuer": "Chính phủ"})
    assert proposals.proposals_page(session, outsider).rows == []
    with pytest.raises(NotFound):
        proposals.get_proposal(session, outsider, mine.id)
    assert [p.id for p in proposals.proposals_page(session, staff).rows] == [mine.id]


def test_the_api_proposes_lists_accepts_and_declines(client, bearer, staff, keeper, decree):
    body = {"kind": "update", "number": "61/2018/ND-CP", "issuer": "Chính phủ", "amends": [], "note": "Thiếu"}
    created = client.post("/api/v1/legal-proposals", json=body, headers=bearer(staff))
    assert created.status_code == 201, created.get_json()
    proposal = created.get_json()
    assert proposal["state"] == "pending" and proposal["changes"] == {"issuer": "Chính phủ"}
    assert proposal["proposed_by"]["username"] == "canbo"

    refused = client.post(f"/api/v1/legal-proposals/{proposal['id']}/accept", headers=bearer(staff))
    assert refused.status_code == 403
    listed = client.get("/api/v1/legal-proposals?state=pending", headers=bearer(keeper)).get_json()
    assert [p["id"] for p in listed] == [proposal["id"]]
    accepted = client.post(f"/api/v1/legal-proposals/{proposal['id']}/accept", headers=bearer(keeper))
    assert accepted.status_code == 200 and accepted.get_json()["state"] == "accepted"
    one = client.get("/api/v1/legal-documents/" + quote("61/2018/NĐ-CP", safe=""), headers=bearer(staff))
    assert one.get_json()["issuer"] == "Chính phủ"

    second = client.post(
        "/api/v1/legal-proposals", json={"kind": "create", "number": "2/2025/NĐ-CP", "title": "Hai"},
        headers=bearer(staff),
    ).get_json()
    no_reason = client.post(f"/api/v1/legal-proposals/{second['id']}/decline", json={}, headers=bearer(keeper))
    assert no_reason.status_code == 422
    declined = client.post(
        f"/api/v1/legal-proposals/{second['id']}/decline", json={"reason": "Không phải căn cứ"}, headers=bearer(keeper)
    )
    assert declined.status_code == 200 and declined.get_json()["decision_reason"] == "Không phải căn cứ"
    edit = client.post(
        "/api/v1/legal-documents", json={"number": "3/2025/NĐ-CP", "title": "Ba"}, headers=bearer(staff)
    )
    assert edit.status_code == 403


def test_the_pages_let_a_secretary_propose_and_a_registrar_decide(app, session, secretary, keeper, decree):
    as_secretary = signed_in(app, secretary)
    page = as_secretary.get("/legal-documents/61/2018/NĐ-CP")
    assert "Đề xuất sửa thông tin văn bản" in text_of(page) and "Lưu thay đổi" not in text_of(page)
    sent = as_secretary.post("/legal-proposals/new", data={
        "kind": "update", "number": "61/2018/NĐ-CP", "doc_type": "Nghị định", "title": "Về cơ chế một cửa",
        "issuer": "Chính phủ", "note": "Bổ sung cơ quan ban hành",
    })
    assert sent.status_code == 302
    new = as_secretary.post("/legal-proposals/new", data={"kind": "create", "number": "9/2025/NĐ-CP", "title": ""})
    assert new.status_code == 422 and "trích yếu" in text_of(new)

    as_keeper = signed_in(app, keeper)
    listing = as_keeper.get("/legal-proposals")
    assert "Bổ sung cơ quan ban hành" in text_of(listing) and "Chấp nhận" in text_of(listing)
    [proposal] = proposals.proposals_page(session, keeper).rows
    assert as_keeper.post(f"/legal-proposals/{proposal.id}/accept").status_code == 302
    session.expire_all()
    assert legal.find_document(session, "61/2018/NĐ-CP").issuer == "Chính phủ"
    assert "Đã chấp nhận" in text_of(as_secretary.get("/legal-proposals"))


def test_proposals_page_sort_and_filter_on_the_page_and_the_api(app, client, bearer, session, staff, keeper, today):
    for number in range(1, 5):
        proposals.propose(session, staff, kind="create", number=f"{number}/2025/NĐ-CP", changes={"title": "Một"},
                          note="Hộ tịch" if number % 2 else "Chứng thực")
    proposals.decline(session, keeper, proposals.proposals_page(session, keeper).rows[0].id, "Trùng")

    headers = bearer(keeper)
    first = client.get("/api/v1/legal-proposals?page_size=2", headers=headers)
    # Pending first, the oldest of them first; the declined one last.
    assert [p["number"] for p in first.get_json()] == ["2/2025/NĐ-CP", "3/2025/NĐ-CP"]
    assert json.loads(first.headers["X-Pagination"])["total"] == 4
    last = client.get("/api/v1/legal-proposals?page_size=2&page=2", headers=headers).get_json()
    assert [p["number"] for p in last] == ["4/2025/NĐ-CP", "1/2025/NĐ-CP"] and last[1]["state"] == "declined"
    newest = client.get("/api/v1/legal-proposals?sort=-number&state=pending", headers=headers).get_json()
    assert [p["number"] for p in newest] == ["4/2025/NĐ-CP", "3/2025/NĐ-CP", "2/2025/NĐ-CP"]
    folded = client.get("/api/v1/legal-proposals?q=ho+tich", headers=headers).get_json()
    assert sorted(p["number"] for p in folded) == ["1/2025/NĐ-CP", "3/2025/NĐ-CP"]
    assert client.get("/api/v1/legal-proposals?kind=update", headers=headers).get_json() == []
    for refused in ("sort=note", "kind=delete", "page_size=201"):
        response = client.get(f"/api/v1/legal-proposals?{refused}", headers=headers)
        assert response.status_code == 422 and "error" in response.get_json(), refused

    as_keeper = signed_in(app, keeper)
    page = as_keeper.get("/legal-proposals?page_size=20&q=chung+thuc&sort=-number")
    text = text_of(page)
    assert text.index("4/2025/NĐ-CP") < text.index("2/2025/NĐ-CP") and "3/2025/NĐ-CP" not in text
    assert 'aria-sort="descending"' in page.get_data(as_text=True)
    declined = as_keeper.get("/legal-proposals?state=declined")
    assert "1/2025/NĐ-CP" in text_of(declined) and "2/2025/NĐ-CP" not in text_of(declined)
    assert as_keeper.get("/legal-proposals?state=lost").status_code == 422
    assert as_keeper.get("/legal-proposals?sort=note").status_code == 422
