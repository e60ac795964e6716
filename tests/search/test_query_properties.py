"""Whatever is typed into search, through the API and the page: an answer, within what the reader may see."""

from __future__ import annotations

import json
import random
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.factories import make_docx, make_effective, upload
from support.pages import login

from qms.input_rule import CONTROL_IN_TEXT

PIECES = [
    '"', "(", ")", "*", "?", "AND", "OR", "NOT", "and", "-", "+", ":", "~", "^", "\\", "/", "[", "]", "{", "}", " ",
    "  ", "khai", "sinh", "cấp", "bản sao", "QT-HT-04", "61/2018/NĐ-CP", "61/2018/ND-CP", "1.001193", "\x00", "\u202e",
    "<script>", "&", "%", "'", "đ", "hoà", "hòa",
]
queries = st.one_of(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.text(max_size=200))


@pytest.fixture
def indexed(session, files, secretary, reviewer, approver, document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx("Cấp bản sao trích lục khai sinh theo Nghị định 61/2018/NĐ-CP, mã 1.001193"))
    upload(session, files, secretary, document, make_docx("Bản dự thảo khai sinh chưa duyệt"), "Dự thảo")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=queries)
def test_any_query_gets_an_answer_with_current_revisions_only(client, bearer, staff, indexed, typed):
    random.seed()  # hypothesis fixes the global seed; Whoosh names its segments with it
    response = client.get(f"/api/v1/search?q={quote(typed)}", headers=bearer(staff))
    if CONTROL_IN_TEXT.search(typed):  # every request refuses control characters (qms/input_rule.py)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "control_character"
        return
    assert response.status_code == 200, (typed, response.get_data(as_text=True)[:300])
    hits = response.get_json()
    assert len(hits) <= json.loads(response.headers["X-Pagination"])["total"]
    assert {hit["status"] for hit in hits} <= {"effective"}
    assert all("<script>" not in hit["highlights"] for hit in hits)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(typed=queries)
def test_any_query_on_the_page_gets_a_page(client, staff, indexed, typed):
    random.seed()
    login(client, staff)
    response = client.get(f"/search?q={quote(typed)}")
    assert response.status_code == (400 if CONTROL_IN_TEXT.search(typed) else 200)
    assert "<script>" not in response.get_data(as_text=True)
