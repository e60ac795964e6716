"""Who is told what: each workflow event and an opened legal review reach the right people, in the application and
by mail (through a real SMTP server), in their language, with a link to where the action is and nothing of the
document's content."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support.factories import fixture_file, make_docx, make_effective, make_user, upload
from support.notices import BASE_URL, with_address
from support.pages import signed_in

from qms import clock
from qms.documents import lifecycle
from qms.legal import register
from qms.models import LegalReview, MailState, Notice

LOCBINH = "XA-LOCBINH"
#: A sentence of the document itself: it must never travel by mail.
SECRET = "Bước 3: công chức tra cứu sổ hộ tịch và in bản sao"


def notices_of(session, user) -> list[Notice]:
    session.rollback()  # a fresh snapshot: jobs and commands write through sessions of their own
    return list(session.scalars(select(Notice).where(Notice.recipient_id == user.id).order_by(Notice.id)))


@pytest.fixture
def people(session, secretary, reviewer, approver):
    """The commune's people with addresses: the reviewer reads English; a second reviewer; another commune's."""
    second = make_user(session, "kiemtra2", LOCBINH, "reviewer")
    elsewhere = make_user(session, "kiemtra.dd", "XA-DONGDANG", "reviewer", "approver", "secretary")
    return {
        "secretary": with_address(session, secretary, "thuky@locbinh.gov.vn"),
        "reviewer": with_address(session, reviewer, "KiemTra@LocBinh.gov.vn", language="en"),
        "second": with_address(session, second, "kiemtra2@locbinh.gov.vn"),
        "approver": with_address(session, approver, "pheduyet@locbinh.gov.vn"),
        "elsewhere": with_address(session, elsewhere, "kiemtra@dongdang.gov.vn"),
    }


@pytest.fixture
def draft(session, files, document, secretary, people):
    return upload(session, files, secretary, document, make_docx("Quy trình cấp bản sao", SECRET))


def test_a_submission_through_the_page_tells_the_organisations_reviewers_each_in_their_language(
    app, session, smtp, people, draft, document
):
    response = signed_in(app, people["secretary"]).post(f"/revisions/{draft.id}/actions", data={"action": "submit"})
    assert response.status_code == 302
    mails = smtp.wait_for(2)
    assert sorted(address for mail in mails for address in mail.recipients) == [
        "KiemTra@locbinh.gov.vn", "kiemtra2@locbinh.gov.vn"
    ]
    english = smtp.to("KiemTra@locbinh.gov.vn")[0]
    vietnamese = smtp.to("kiemtra2@locbinh.gov.vn")[0]
    assert english.subject == (
        "QT-HT-04 «Cấp bản sao trích lục hộ tịch»: revision 1 was submitted and awaits your review."
    )
    assert vietnamese.subject == (
        "QT-HT-04 «Cấp bản sao trích lục hộ tịch»: phiên bản 1 được trình, chờ bạn kiểm tra."
    )
    link = f"{BASE_URL}/documents/{document.id}"
    for mail in (english, vietnamese):
        assert link in mail.text and f'href="{link}"' in mail.html
        assert SECRET not in mail.text + mail.html  # what and where, never what the document says
        assert mail.message["From"] == "QMS Lạng Sơn <qms@langson.gov.vn>"
    assert "Dear" in english.text and "Kính gửi" in vietnamese.text
    # In the application too, and the sender's own mail is the one they did not get.
    (notice,) = notices_of(session, people["reviewer"])
    assert (notice.event, notice.link, notice.mail_state) == ("revision_submitted", f"/documents/{document.id}",
                                                              MailState.SENT)
    assert notice.read_at is None and notice.mail_attempts == 1
    assert notices_of(session, people["secretary"]) == [] and notices_of(session, people["elsewhere"]) == []
    assert notices_of(session, people["approver"]) == []


def test_a_pass_through_the_api_tells_the_approvers(app, session, smtp, people, draft, bearer, today):
    lifecycle.act(session, people["secretary"], draft.id, "submit", today=today)
    sent_before = len(smtp.messages)
    response = app.test_client().post(
        f"/api/v1/revisions/{draft.id}/actions", json={"action": "pass", "comment": "Đạt"},
        headers=bearer(people["reviewer"]),
    )
    assert response.status_code == 200, response.get_json()
    mails = smtp.wait_for(sent_before + 1)[sent_before:]
    assert [mail.recipients for mail in mails] == [["pheduyet@locbinh.gov.vn"]]
    assert "đã được kiểm tra đạt, chờ bạn phê duyệt" in mails[0].subject
    assert [n.event for n in notices_of(session, people["approver"])] == ["revision_passed"]
    # The other reviewer learns nothing new: a pass is the approvers' business.
    assert [n.event for n in notices_of(session, people["second"])] == ["revision_submitted"]


def test_a_return_tells_its_drafter_with_the_comment(app, session, smtp, people, draft, today):
    lifecycle.act(session, people["secretary"], draft.id, "submit", today=today)
    client = signed_in(app, people["reviewer"])
    response = client.post(f"/revisions/{draft.id}/actions",
                           data={"action": "return", "comment": "Thiếu thành phần hồ sơ ở bước 2"})
    assert response.status_code == 302
    (mail,) = smtp.to("thuky@locbinh.gov.vn")
    assert "Thiếu thành phần hồ sơ ở bước 2" in mail.text and "trả lại" in mail.subject
    assert people["reviewer"].full_name in mail.text
    (notice,) = notices_of(session, people["secretary"])
    assert notice.event == "revision_returned" and notice.params["comment"] == "Thiếu thành phần hồ sơ ở bước 2"


def test_an_approval_for_a_later_date_and_its_taking_effect_tell_the_secretaries(
    session, smtp, people, draft, today
):
    later = today + timedelta(days=10)
    lifecycle.act(session, people["secretary"], draft.id, "submit", today=today)
    lifecycle.act(session, people["reviewer"], draft.id, "pass", today=today, comment="Đạt")
    lifecycle.act(session, people["approver"], draft.id, "approve", today=today, effective_from=later, comment="Ok")
    (approved,) = smtp.to("thuky@locbinh.gov.vn")
    assert f"có hiệu lực từ ngày {later:%d/%m/%Y}" in approved.subject and "đã được phê duyệt" in approved.subject

    assert [r.id for r in lifecycle.take_effect_due(session, later)] == [draft.id]
    effective = [m for m in smtp.wait_for(len(smtp.messages)) if "lần ban hành 1 có hiệu lực từ ngày" in m.subject]
    assert [m.recipients for m in effective] == [["thuky@locbinh.gov.vn"]]
    assert "lần ban hành 1 có hiệu lực từ ngày" in effective[0].subject
    # Besides: like everyone of the agency, the secretary is asked to read the issue in force.
    assert [n.event for n in notices_of(session, people["secretary"])] == [
        "revision_approved", "revision_effective", "acknowledgement_requested"]


def test_an_approval_for_today_tells_of_the_taking_effect_only(session, smtp, people, draft, today):
    lifecycle.act(session, people["secretary"], draft.id, "submit", today=today)
    lifecycle.act(session, people["reviewer"], draft.id, "pass", today=today, comment="Đạt")
    lifecycle.act(session, people["approver"], draft.id, "approve", today=today, effective_from=today, comment="Ok")
    assert [n.event for n in notices_of(session, people["secretary"])] == [
        "revision_effective", "acknowledgement_requested"]


def test_a_legal_review_opened_by_the_register_page_tells_secretaries_and_approvers(
    app, session, smtp, files, document, people, registrar, today
):
    for number, effective_from, amends in (("61/2018/NĐ-CP", date(2018, 6, 21), []),
                                            ("107/2021/NĐ-CP", date(2022, 2, 1), ["61/2018/NĐ-CP"])):
        register.create_legal_document(session, registrar, number=number, title="Một cửa",
                                       effective_from=effective_from, amends=amends, today=clock.today())
    make_effective(session, files, document, people["secretary"], people["reviewer"], people["approver"], today,
                   fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    assert session.scalar(select(LegalReview.id)) is None
    before = len(smtp.messages)
    client = signed_in(app, registrar)
    created = client.post("/legal-documents/new", data={
        "number": "118/2025/NĐ-CP", "doc_type": "Nghị định", "title": "Một cửa, một cửa liên thông",
        "issuer": "Chính phủ", "issued_on": "09/06/2025", "effective_from": "2025-07-01",
        "amends": "", "replaces": "61/2018/NĐ-CP\n107/2021/NĐ-CP\n",
    })
    assert created.status_code == 302
    review = session.scalar(select(LegalReview))
    assert review is not None
    mails = smtp.messages[before:]
    # The registrar here is also the commune's secretary: they acted, yet the review is theirs to do, so they are told.
    assert sorted(r for mail in mails for r in mail.recipients) == ["pheduyet@locbinh.gov.vn", "thuky@locbinh.gov.vn"]
    link = f"{BASE_URL}/organizations/XA-LOCBINH/legal-reviews#review-{review.id}"
    for mail in mails:
        assert link in mail.text and "118/2025/NĐ-CP" in mail.subject and "cần rà soát" in mail.subject
    assert client.get(link.removeprefix(BASE_URL).split("#")[0]).status_code == 200
    assert [n.event for n in notices_of(session, people["approver"])][-1] == "legal_review_opened"
