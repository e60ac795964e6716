"""In the application: the bell's count in the header, the notices page (newest first, paged), marking one or all
read, on the pages and through the API."""

from __future__ import annotations

import json
import re

import pytest
from support.factories import make_docx, make_user, upload
from support.pages import signed_in, text_of
from support.statements import statements_sent

from qms.accounts import users
from qms.documents import lifecycle
from qms.errors import Invalid
from qms.listing import ListRequest
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
    (mine, *_) = service.notices_page(session, reviewer).rows
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


def pages(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return json.loads(response.headers["X-Pagination"])


def test_the_api_lists_the_callers_notifications_with_the_unread_count_and_marks_them_read(
    app, session, bearer, reviewer, approver, submitted
):
    client = app.test_client()
    headers = bearer(reviewer)
    response = client.get("/api/v1/notifications", headers=headers)
    listing = response.get_json()
    assert pages(response)["total"] == 3
    assert client.get("/api/v1/notifications/unread", headers=headers).get_json() == {"unread": 3}
    codes = [n["params"]["code"] for n in listing]
    assert codes == ["QT-HT-06", "QT-HT-05", "QT-HT-04"]
    newest = listing[0]
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
    paged = client.get("/api/v1/notifications?page_size=2&page=2", headers=headers)
    assert [n["params"]["code"] for n in paged.get_json()] == ["QT-HT-04"] and pages(paged)["total_pages"] == 2
    assert client.get("/api/v1/notifications/unread", headers=headers).get_json() == {"unread": 0}


def test_the_api_writes_the_text_in_the_language_the_user_chose(app, session, bearer, reviewer, submitted):
    client = signed_in(app, reviewer)
    client.post("/language", data={"language": "en", "next": "/"})
    session.refresh(reviewer)
    assert reviewer.language == "en"
    listing = app.test_client().get("/api/v1/notifications", headers=bearer(reviewer)).get_json()
    assert listing[0]["text"].endswith("revision 1 was submitted and awaits your review.")
    assert "revision 1 was submitted" in text_of(client.get("/notices"))


def test_an_inspector_reads_and_marks_their_own(app, session, bearer, inspector):
    notify(session, recipients=[inspector], event=events.REVISION_EFFECTIVE,
           params={"code": "QT-01", "title": "T", "issue_number": 2, "effective_from": "2026-12-06"}, link="/")
    session.commit()
    headers = bearer(inspector)
    listing = app.test_client().get("/api/v1/notifications", headers=headers).get_json()
    assert "có hiệu lực từ ngày 06/12/2026" in listing[0]["text"]
    assert app.test_client().get("/api/v1/notifications/unread", headers=headers).get_json() == {"unread": 1}
    assert app.test_client().post("/api/v1/notifications/read", json={"all": True}, headers=headers).status_code == 200
    assert app.test_client().get("/api/v1/notifications/unread", headers=headers).get_json() == {"unread": 0}


def test_the_api_filters_sorts_and_pages_the_callers_notices(app, session, bearer, reviewer, approver, submitted):
    returned = {"code": "QT-HT-07", "title": "Đăng ký khai sinh", "number": 2, "by": "Trần Thị Bình",
                "comment": "Thiếu căn cứ"}
    notify(session, recipients=[reviewer, approver], event=events.REVISION_RETURNED, params=returned,
           link="/documents/1")
    session.commit()
    client = app.test_client()
    headers = bearer(reviewer)

    def codes(query: str) -> list[str]:
        response = client.get(f"/api/v1/notifications?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [n["params"]["code"] for n in response.get_json()]

    assert codes("") == ["QT-HT-07", "QT-HT-06", "QT-HT-05", "QT-HT-04"]
    assert codes("sort=created_at") == ["QT-HT-04", "QT-HT-05", "QT-HT-06", "QT-HT-07"]
    second = client.get("/api/v1/notifications?page_size=3&page=2", headers=headers)
    assert [n["params"]["code"] for n in second.get_json()] == ["QT-HT-04"]
    assert (pages(second)["total"], pages(second)["page"], pages(second)["previous_page"]) == (4, 2, 1)
    # The text typed finds what the notice names, with or without diacritics: a title, a person, a code.
    assert codes("q=khai+sinh") == ["QT-HT-07"]
    assert codes("q=ho+tich") == ["QT-HT-04"]  # «Cấp bản sao trích lục hộ tịch»
    assert codes("q=tran+thi+binh") == ["QT-HT-07"]
    assert codes("q=qt-ht-05") == ["QT-HT-05"]
    assert codes("q=kiem+tra") == []  # words of the sentence, not of what it names
    assert codes("event=revision_returned") == ["QT-HT-07"]
    assert codes("event=revision_submitted&sort=created_at") == ["QT-HT-04", "QT-HT-05", "QT-HT-06"]

    (returned_notice,) = client.get("/api/v1/notifications?event=revision_returned", headers=headers).get_json()
    client.post("/api/v1/notifications/read", json={"ids": [returned_notice["id"]]}, headers=headers)
    assert codes("unread=true") == ["QT-HT-06", "QT-HT-05", "QT-HT-04"]
    assert codes("unread=false") == ["QT-HT-07"]
    assert codes("unread=false&q=khai+sinh") == ["QT-HT-07"] and codes("unread=true&q=khai+sinh") == []
    assert client.get("/api/v1/notifications/unread", headers=headers).get_json() == {"unread": 3}

    # Another's notices are never listed, whatever the filter: the approver was told of the return only.
    others = client.get("/api/v1/notifications", headers=bearer(approver))
    assert [n["params"]["code"] for n in others.get_json()] == ["QT-HT-07"] and pages(others)["total"] == 1
    assert client.get("/api/v1/notifications/unread", headers=bearer(approver)).get_json() == {"unread": 1}
    assert client.get("/api/v1/notifications?q=qt-ht-05", headers=bearer(approver)).get_json() == []

    for refused in ("event=no_such_event", "sort=event", "unread=maybe", "page_size=201", "page=0"):
        response = client.get(f"/api/v1/notifications?{refused}", headers=headers)
        assert response.status_code == 422 and "error" in response.get_json(), refused


def test_a_page_of_notices_is_read_in_sql_whatever_its_size(session, reviewer):
    for n in range(30):
        notify(session, recipients=[reviewer], event=events.PERIODIC_REVIEW_DUE,
               params={"code": f"QT-{n:02d}", "title": "Chứng thực" if n % 3 else "Hộ tịch", "due_on": "2026-12-06"},
               link="/documents/1")
    session.commit()

    def read(request: ListRequest, **facets) -> tuple[list[str], list[str], int]:
        with statements_sent(session.get_bind()) as sent:
            page = service.notices_page(session, reviewer, request, **facets)
        notices = [statement for statement in sent if "notices.params" in statement]
        return notices, [notice.params["code"] for notice in page.rows], page.total

    read(ListRequest(1, 1))  # the session's first statement begins its transaction
    small, large = read(ListRequest(2, 5)), read(ListRequest(1, 50))
    assert small[1:] == (["QT-24", "QT-23", "QT-22", "QT-21", "QT-20"], 30) and len(large[1]) == 30
    # One COUNT and one page, whatever its size.
    assert len(small[0]) == len(large[0]) == 2 and "count(*)" in small[0][0] and "LIMIT" in small[0][1]
    found = read(ListRequest(1, 5, "created_at", "ho tich"), unread=True, event=events.PERIODIC_REVIEW_DUE)
    assert found[1:] == (["QT-00", "QT-03", "QT-06", "QT-09", "QT-12"], 10)
    assert len(found[0]) == 1  # filtered: one query pages and counts


def test_an_event_outside_the_registry_is_refused(session, reviewer):
    with pytest.raises(Invalid):
        notify(session, recipients=[reviewer], event="no_such_event", params={}, link="/")


def test_a_deactivated_person_is_not_told(session, admin, secretary, files, document, today):
    gone = make_user(session, "kiemtra.cu", "XA-LOCBINH", "reviewer")
    users.update(session, admin, gone.id, full_name=gone.full_name, title="", roles=["reviewer"], is_active=False)
    revision = upload(session, files, secretary, document)
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    assert service.notices_page(session, gone).total == 0
