"""The province overview as of a day: the organisations of that day with what they owned then, former ones marked."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from support.communes import DAY_BEFORE, MERGED_ON, merged_on_1_july_2025
from support.pages import signed_in, text_of

from qms.errors import Invalid
from qms.inspection import overview

MARK = "đã sáp nhập vào UBND xã Lộc Bình (mới) từ 01/07/2025"


@pytest.fixture
def merged(session, files, secretary, reviewer, approver, admin, today):
    return merged_on_1_july_2025(session, files, (secretary, reviewer, approver), admin, today)


def _rows(found: overview.Overview) -> dict[str, overview.OverviewRow]:
    return {row.organization.code: row for row in found.rows}


def test_the_day_before_the_merger_the_two_communes_have_their_own_documents(session, inspector, merged, today):
    found = overview.overview(session, inspector, today=today, as_of=DAY_BEFORE)
    rows = _rows(found)
    assert "XA-LOCBINH-MOI" not in rows and not found.former
    a, b = rows["XA-LOCBINH"], rows["XA-DONGDANG"]
    assert (a.documents, a.effective_processes, a.covered, a.listed) == (2, 1, 1, 2)
    assert (b.documents, b.effective_processes, b.covered, b.listed) == (2, 2, 2, 2)
    assert a.parent is not None and a.parent.code == "TINH-LS"


def test_from_the_merger_the_merged_commune_has_both_sets_and_the_former_ones_are_marked(session, inspector, merged,
                                                                                         today):
    found = overview.overview(session, inspector, today=today, as_of=MERGED_ON)
    rows = _rows(found)
    assert "XA-LOCBINH" not in rows and "XA-DONGDANG" not in rows
    merged_row = rows["XA-LOCBINH-MOI"]
    # On 1 July 2025 the process withdrawn in the merger (carried out later) was still in force.
    assert (merged_row.documents, merged_row.effective_processes, merged_row.covered, merged_row.listed) == (4, 3, 2, 2)
    assert [(f.organization.code, f.label()) for f in found.former] == [
        ("XA-DONGDANG", MARK), ("XA-LOCBINH", MARK)]
    now = _rows(overview.overview(session, inspector, today=today))["XA-LOCBINH-MOI"]
    assert (now.documents, now.effective_processes) == (3, 2)
    with pytest.raises(Invalid):
        overview.overview(session, inspector, today=today, as_of=today + timedelta(days=1))


def test_the_page_as_of_a_day(app, runner, inspector, merged):
    client = signed_in(app, inspector)
    before = client.get("/inspect?as_of=2025-06-30")
    assert before.status_code == 200
    html, text = before.get_data(as_text=True), text_of(before)
    assert 'id="org-XA-LOCBINH"' in html and 'id="org-XA-DONGDANG"' in html and "org-XA-LOCBINH-MOI" not in html
    assert "ngày 30/06/2025" in text and MARK not in text
    after = client.get("/inspect?as_of=2025-07-01")
    html, text = after.get_data(as_text=True), text_of(after)
    assert 'id="org-XA-LOCBINH-MOI"' in html and 'id="org-XA-LOCBINH"' not in html
    assert f"UBND xã Đồng Đăng XA-DONGDANG — {MARK}" in text
    # Sorting keeps the day.
    assert "as_of=2025-07-01" in html.split('id="org-')[0]
    assert client.get("/inspect?as_of=30-06-2025").status_code == 422
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/inspect/overview.xlsx?as_of=2025-07-01").data)).active
    cells = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert any("tình hình ngày 01/07/2025" in str(row[0]) for row in cells if row)
    assert ["XA-DONGDANG", f"UBND xã Đồng Đăng ({MARK})"] in cells
    verified = runner.invoke(args=["qms", "verify"])
    assert verified.exit_code == 0, verified.output


def test_the_api_as_of_a_day(client, bearer, inspector, merged):
    headers = bearer(inspector)
    before = client.get("/api/v1/overview?as_of=2025-06-30", headers=headers)
    assert before.status_code == 200, before.json
    rows = {row["organization"]["code"]: row for row in before.json["rows"]}
    assert before.json["as_of"] == "2025-06-30" and before.json["former"] == []
    assert "XA-LOCBINH-MOI" not in rows
    assert (rows["XA-LOCBINH"]["documents"], rows["XA-DONGDANG"]["documents"]) == (2, 2)
    after = client.get("/api/v1/overview?as_of=2025-07-01", headers=headers).json
    rows = {row["organization"]["code"]: row for row in after["rows"]}
    assert rows["XA-LOCBINH-MOI"]["documents"] == 4 and rows["XA-LOCBINH-MOI"]["coverage"]["total"] == 2
    assert rows["XA-LOCBINH-MOI"]["parent"]["code"] == "TINH-LS"
    assert [(f["organization"]["code"], f["status"], f["ended_on"], [s["code"] for s in f["successors"]], f["label"])
            for f in after["former"]] == [
        ("XA-DONGDANG", "merged", "2025-07-01", ["XA-LOCBINH-MOI"], MARK),
        ("XA-LOCBINH", "merged", "2025-07-01", ["XA-LOCBINH-MOI"], MARK)]
    future = client.get("/api/v1/overview?as_of=2999-01-01", headers=headers)
    assert future.status_code == 422
    # The calendar's first day (a program's mistake, or a curious inspector): nothing existed, nothing was due.
    first = client.get("/api/v1/overview?as_of=0001-01-01", headers=headers)
    assert first.status_code == 200, first.json
    assert all(row["documents"] == 0 for row in first.json["rows"])
