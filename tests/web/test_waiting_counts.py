"""The header's count of waiting work is the workspace's count: one function computes both."""

from __future__ import annotations

import re

from support.factories import make_docx, upload
from support.pages import signed_in

from qms.documents import lifecycle


def _counts(client) -> tuple[int, int]:
    html = client.get("/tasks").get_data(as_text=True)
    header = int(re.search(r'<span class="count[^"]*">(\d+)</span>', html).group(1))
    total = int(re.search(r'id="waiting-total">\((\d+)\)', html).group(1))
    return header, total


def test_header_and_workspace_agree(app, session, files, document, secretary, reviewer, today):
    upload(session, files, secretary, document, make_docx("Dự thảo"), "Dự thảo")
    returned = upload(session, files, secretary, document, make_docx("Trả lại"), "Trả lại")
    lifecycle.act(session, secretary, returned.id, "submit", today=today)
    lifecycle.act(session, reviewer, returned.id, "return", today=today, comment="Sửa bước 2")
    header, total = _counts(signed_in(app, secretary))
    # The draft and the returned revision at least; findings of processes in force count as they are shown.
    assert header == total >= 2
    in_review = upload(session, files, secretary, document, make_docx("Chờ kiểm tra"), "Chờ kiểm tra")
    lifecycle.act(session, secretary, in_review.id, "submit", today=today)
    assert _counts(signed_in(app, reviewer)) == (1, 1)


def test_dashboard_header_and_workspace_agree(app, session, files, document, secretary, reviewer, today):
    upload(session, files, secretary, document, make_docx("Dự thảo"), "Dự thảo")
    submitted = upload(session, files, secretary, document, make_docx("Chờ kiểm tra"), "Chờ kiểm tra")
    lifecycle.act(session, secretary, submitted.id, "submit", today=today)
    for person in (secretary, reviewer):
        client = signed_in(app, person)
        header, total = _counts(client)
        html = client.get("/dashboard").get_data(as_text=True)
        on_dashboard = int(re.search(r'id="dashboard-waiting">(\d+)<', html).group(1))
        assert header == total == on_dashboard >= 1
