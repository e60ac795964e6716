"""In the application: the bell's count in the header, the notices page (newest first, paged), marking one or all
read, on the pages and through the API."""

from __future__ import annotations

import re

import pytest
from support.factories import make_docx, make_user, upload
from support.pages import signed_in, text_of

from qms.accounts import users
from qms.documents import lifecycle
from qms.errors import Invalid
from qms.notices import events, notify, service


def bell(page) -> int:
    found = re.search(r'id="notice-bell".*?<span class="bell-count[^"]*">(\d+)</span>', page.get_data(as_text=True),
                      re.S)
    assert found, "the header has a bell"
    return int(found.group(1))


@pytest.fixture
def submitted(session, files, document, secretary, reviewer, today):
    """Three revisions of three documents submitted: the reviewer has three notices, newest last."""
    documents = [document] + [
        lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=f"QT-HT-0{n}",
                                  title=f"Quy trình {n}", kind="process")
        for n in (5, 6)
    ]
    for each in documents:
        revision = upload(session, files, secretary, each, make_docx(each.code))
        lifecycle.act(session, secretary, revision.id, "submit", today=today)
    return documents


def test_the_bell_counts_unread_notices_and_the_page_lists_them_newest_first(app, reviewer, submitted):
    client = signed_in(app, reviewer)
    first = client.get("/documents")
    assert bell(first) == 3
    page = client.get("/notices")
    text = text_of(page)
    assert text.index("QT-HT-06") < text.index("QT-HT-05") < text.index("QT-HT-04")
    assert "3 chưa đọc trong 3 thông báo" in text

    # Opening one marks it read and goes where the action is.
    html = page.get_data(as_text=True)
    notice_id = int(re.search(r'name="id" value="(\d+)"><input type="hidden" name="next" value="/documents/'
                              + str(submitted[0].id), html).group(1))
    opened = client.post("/notices/read", data={"id": notice_id, "next": f"/documents/{submitted[0].id}"})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/documents/{submitted[0].id}")
    assert bell(client.get(opened.headers["Location"])) == 2

    everything = client.post("/notices/read", data={"all": "1"}, follow_redirects=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in text_of(everything) and bell(everything) == 0


def test_the_bell_is_everyones_and_the_waiting_count_stays_the_workspaces(app, reviewer, staff, submitted):
    client = signed_in(app, reviewer)
    page = client.get("/tasks")
    html = page.get_data(as_text=True)
    waiting = re.search(r'Việc chờ tôi xử lý\s*<span class="count[^"]*">(\d+)</span>', html)
    assert waiting and int(waiting.group(1)) == 3 == bell(page)  # three revisions to review, three notices
    client.post("/notices/read", data={"all": "1"})
    page = client.get("/tasks")
    # Reading the notices leaves the work where it is.
    assert bell(page) == 0 and re.search(r'Việc chờ tôi xử lý\s*<span class="count[^"]*">3</span>',
                                         page.get_data(as_text=True))
    assert bell(signed_in(app, staff).get("/documents")) == 0


def test_nobody_marks_or_reads_anothers_notices(app, session, reviewer, approver, submitted):
    (mine, *_) = service.for_user(session, reviewer).notices
    other = signed_in(app, approver)
    assert other.post("/notices/read", data={"id": mine.id}).status_code == 302
    assert service.unread_count(session, reviewer) == 3
    assert "QT-HT-04" not in text_of(other.get("/notices"))


def test_the_notices_page_is_paged(app, session, reviewer, document):
    for n in range(25):
        notify(session, recipients=[reviewer], event=events.REVISION_SUBMITTED,
               params={"code": f"QT-{n:02d}", "title": "Quy trình", "number": 1}, link="/documents/1")
    session.commit()
    client = signed_in(app, reviewer)
    first = text_of(client.get("/notices"))
    assert "QT-24" in first and "QT-05" in first and "QT-04" not in first and "Trang 1/2" in first
    second = text_of(client.get("/notices?page=2"))
    assert "QT-04" in second and "QT-00" in second and "QT-05" not in second
    assert client.get("/notices?page=0").status_code in (200, 422)


def test_the_api_lists_the_callers_notifications_with_the_unread_count_and_marks_them_read(
    app, session, bearer, reviewer, approver, submitted
):
    client = app.test_client()
    headers = bearer(reviewer)
    listing = client.get("/api/v1/notifications", headers=headers).get_json()
    assert listing["unread"] == 3 and listing["total"] == 3
    codes = [n["params"]["code"] for n in listing["notifications"]]
    assert codes == ["QT-HT-06", "QT-HT-05", "QT-HT-04"]
    newest = listing["notifications"][0]
    assert newest["event"] == "revision_submitted" and newest["read_at"] is None
    assert newest["link"] == f"/documents/{submitted[2].id}"
    assert newest["text"] == "QT-HT-06 «Quy trình 6»: phiên bản 1 được trình, chờ bạn kiểm tra."

    marked = client.post("/api/v1/notifications/read", json={"ids": [newest["id"]]}, headers=headers)
    assert marked.status_code == 200 and marked.get_json() == {"marked": 1, "unread": 2}
    # Another's ids mark nothing; neither of the two keys is a 422.
    assert client.post("/api/v1/notifications/read", json={"ids": [newest["id"]]},
                       headers=bearer(approver)).get_json() == {"marked": 0, "unread": 0}
    refused = client.post("/api/v1/notifications/read", json={}, headers=headers)
    assert refused.status_code == 422 and "error" in refused.get_json()
    assert client.post("/api/v1/notifications/read", json={"all": True}, headers=headers).get_json() == {
        "marked": 2, "unread": 0
    }
    paged = client.get("/api/v1/notifications?per_page=2&page=2", headers=headers).get_json()
    assert [n["params"]["code"] for n in paged["notifications"]] == ["QT-HT-04"] and paged["pages"] == 2


def test_the_api_writes_the_text_in_the_language_the_user_chose(app, session, bearer, reviewer, submitted):
    client = signed_in(app, reviewer)
    client.post("/language", data={"language": "en", "next": "/"})
    session.refresh(reviewer)
    assert reviewer.language == "en"
    listing = app.test_client().get("/api/v1/notifications", headers=bearer(reviewer)).get_json()
    assert listing["notifications"][0]["text"].endswith("revision 1 was submitted and awaits your review.")
    assert "revision 1 was submitted" in text_of(client.get("/notices"))


def test_an_inspector_reads_and_marks_their_own(app, session, bearer, inspector):
    notify(session, recipients=[inspector], event=events.REVISION_EFFECTIVE,
           params={"code": "QT-01", "title": "T", "issue_number": 2, "effective_from": "2026-12-06"}, link="/")
    session.commit()
    headers = bearer(inspector)
    listing = app.test_client().get("/api/v1/notifications", headers=headers).get_json()
    assert "có hiệu lực từ ngày 06/12/2026" in listing["notifications"][0]["text"]
    assert app.test_client().post("/api/v1/notifications/read", json={"all": True}, headers=headers).status_code == 200


def test_an_event_outside_the_registry_is_refused(session, reviewer):
    with pytest.raises(Invalid):
        notify(session, recipients=[reviewer], event="no_such_event", params={}, link="/")


def test_a_deactivated_person_is_not_told(session, admin, secretary, files, document, today):
    gone = make_user(session, "kiemtra.cu", "XA-LOCBINH", "reviewer")
    users.update(session, admin, gone.id, full_name=gone.full_name, title="", roles=["reviewer"], is_active=False)
    revision = upload(session, files, secretary, document)
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    assert service.for_user(session, gone).total == 0
