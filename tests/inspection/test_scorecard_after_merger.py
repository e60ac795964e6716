"""The scorecard across a merger: the former commune's as it stood before, the merged one's reading what its
predecessors did where that carries (audits, reviews, open nonconformities) and not where the new agency must act
itself (publication, objectives)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.communes import MERGER, RESOLVED_BODY, records_before_merger, two_communes
from support.pages import signed_in, text_of

from qms.inspection import annual_report


@pytest.fixture
def merged(client, session, files, bearer, secretary, reviewer, approver, admin, today):
    made = two_communes(session, files, (secretary, reviewer, approver), today)
    made |= records_before_merger(session, files, (secretary, reviewer, approver), today)
    merged_on = today - timedelta(days=10)
    done = client.post("/api/v1/organizations/restructure", headers=bearer(admin),
                       json={**MERGER, "effective_on": merged_on.isoformat(), "resolutions": RESOLVED_BODY})
    assert done.status_code == 200, done.json
    assert len(done.json["records"]) == 7
    return made | {"merged_on": merged_on}


def _items(client, headers, code, **query):
    response = client.get(f"/api/v1/organizations/{code}/scorecard", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return {item["code"]: item for item in response.json["items"]}


def test_the_former_communes_scorecard_before_the_merger_shows_what_it_had(client, bearer, inspector, merged):
    day_before = merged["merged_on"] - timedelta(days=1)

    items = _items(client, bearer(inspector), "XA-LOCBINH", as_of=day_before.isoformat())

    assert items["publication_missing"]["ok"] is True and "12/QĐ-UBND" in items["publication_missing"]["detail"]
    assert items["republication_needed"]["ok"] is True
    assert items["internal_audit_missing"]["ok"] is True
    assert items["management_review_missing"]["ok"] is True
    assert items["objectives_missing"]["ok"] is True
    assert items["corrective_action_overdue"]["ok"] is False
    assert "Phiếu hẹn trả không ghi giờ" in items["corrective_action_overdue"]["detail"]


def test_the_merged_communes_scorecard_reads_its_predecessors_records_where_they_carry(client, bearer, inspector,
                                                                                       merged, today):
    items = _items(client, bearer(inspector), "XA-LOCBINH-MOI", as_of=today.isoformat())

    # What the processes went through carries: the audit and the review of Lộc Bình count, its open nonconformity
    # is now the merged commune's to close.
    assert items["internal_audit_missing"]["ok"] is True
    assert items["management_review_missing"]["ok"] is True
    assert items["corrective_action_overdue"]["ok"] is False
    assert "Phiếu hẹn trả không ghi giờ" in items["corrective_action_overdue"]["detail"]
    # What only the agency's own head can do does not: the decisions of the former communes published their
    # scopes, not this one's, and their objectives were theirs.
    assert items["publication_missing"]["ok"] is False
    republication = items["republication_needed"]
    assert republication["ok"] is False
    assert "không bao phủ phạm vi của đơn vị sau sắp xếp: cần công bố lại HTQLCL" in republication["detail"]
    assert "12/QĐ-UBND" in republication["detail"] and "07/QĐ-UBND" in republication["detail"]
    assert items["objectives_missing"]["ok"] is False

    # Before the merger the merged commune did not exist: nothing of its predecessors is read into it.
    before = _items(client, bearer(inspector), "XA-LOCBINH-MOI",
                    as_of=(merged["merged_on"] - timedelta(days=1)).isoformat())
    assert before["internal_audit_missing"]["ok"] is False and before["republication_needed"]["ok"] is True


def test_the_records_pages_as_of_a_day_and_the_history_of_a_carried_record(app, inspector, merged):
    client = signed_in(app, inspector)
    day_before = merged["merged_on"] - timedelta(days=1)

    today_page = client.get("/organizations/XA-LOCBINH/records")
    assert today_page.status_code == 200
    text = text_of(today_page)
    assert "Đơn vị đã sáp nhập vào UBND xã Lộc Bình (mới) từ" in text
    assert f'id="audit-{merged["audit"]}"' not in today_page.get_data(as_text=True)
    assert "Chưa có quyết định công bố" in text

    before = client.get(f"/organizations/XA-LOCBINH/records?as_of={day_before.isoformat()}")
    assert before.status_code == 200
    html = before.get_data(as_text=True)
    assert f'id="audit-{merged["audit"]}"' in html and f'id="publication-{merged["publication_a"]}"' in html
    assert f'id="publication-{merged["publication_b"]}"' not in html

    carried = client.get("/organizations/XA-LOCBINH-MOI/records")
    text = text_of(carried)
    assert f'id="audit-{merged["audit"]}"' in carried.get_data(as_text=True)
    assert (f"Thuộc: UBND xã Lộc Bình đến {day_before:%d/%m/%Y}; UBND xã Lộc Bình (mới) từ "
            f"{merged['merged_on']:%d/%m/%Y}") in text
    assert client.get("/organizations/XA-LOCBINH/records?as_of=2026-02-30").status_code in (400, 422)


def test_the_annual_report_counts_as_the_scorecard_does(session, inspector, merged, today):
    day_before = merged["merged_on"] - timedelta(days=1)
    former = annual_report.figures(session, inspector, "XA-LOCBINH", today=today, as_of_day=day_before)
    assert [p.number for p in former.publications] == ["12/QĐ-UBND"]
    assert [o.id for o in former.objectives] == [merged["objective"]]
    assert former.audits == 1 and former.confirmed_by is not None

    now = annual_report.figures(session, inspector, "XA-LOCBINH-MOI", today=today, as_of_day=today)
    assert now.publications == [] and now.objectives == [] and now.confirmed_by is None
    assert now.audits == 1 and now.actions_overdue == 1


def test_the_overview_row_shows_the_gaps_the_scorecard_finds_after_the_merger(client, bearer, inspector, merged,
                                                                              today):
    row = next(row for row in client.get("/api/v1/overview/rows", headers=bearer(inspector),
                                         query_string={"page_size": 100}).json
               if row["organization"]["code"] == "XA-LOCBINH-MOI")
    items = _items(client, bearer(inspector), "XA-LOCBINH-MOI")

    assert sorted(row["scorecard_gaps"]) == sorted(code for code, item in items.items() if not item["ok"])
    assert "internal_audit_missing" not in row["scorecard_gaps"]  # the predecessor's audit counts
    assert "corrective_action_overdue" in row["scorecard_gaps"]  # and its open nonconformity is the merged one's
