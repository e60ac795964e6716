"""The overview's gaps column and minutes button, the scorecard page's annual report: the files the pages give are
the API's."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from support.pages import signed_in, text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_overview_drafts_minutes_for_the_agencies_ticked(app, client, bearer, inspector, secretary, today):
    browser = signed_in(app, inspector)
    overview = browser.get("/inspect")
    page = text_of(overview)
    assert "Tồn tại, hạn chế" in page and "Lập biên bản kiểm tra (.docx) cho các đơn vị đã chọn" in page
    assert 'name="organizations" value="XA-LOCBINH" form="minutes-form"' in overview.get_data(as_text=True)
    minutes = browser.get(f"/inspect/minutes.docx?organizations=XA-LOCBINH&organizations=XA-DONGDANG"
                          f"&date={today:%d/%m/%Y}")
    assert minutes.status_code == 200 and minutes.mimetype == DOCX
    api = client.get(f"/api/v1/inspection-minutes.docx?organizations=XA-LOCBINH,XA-DONGDANG&date={today}",
                     headers=bearer(inspector))
    assert api.data == minutes.data
    text = [p.text for p in WordDocument(io.BytesIO(minutes.data)).paragraphs]
    assert "1. Chưa ban hành chính sách chất lượng." in text
    none_chosen = browser.get("/inspect/minutes.docx")
    assert none_chosen.status_code == 422 and "Cần chọn ít nhất một đơn vị được kiểm tra." in text_of(none_chosen)
    assert signed_in(app, secretary).get("/inspect/minutes.docx?organizations=XA-LOCBINH").status_code == 403


def test_the_annual_report_from_the_scorecard_page(app, client, bearer, secretary, today):
    browser = signed_in(app, secretary)
    page = browser.get(f"/organizations/XA-LOCBINH/scorecard?year={today.year}")
    assert "Báo cáo năm (.docx)" in text_of(page)
    report = browser.get(f"/organizations/XA-LOCBINH/reports/annual.docx?year={today.year}")
    assert report.status_code == 200 and report.mimetype == DOCX
    assert report.headers["Content-Disposition"].endswith(f"bao-cao-htqlcl_XA-LOCBINH_{today.year}.docx")
    api = client.get(f"/api/v1/organizations/XA-LOCBINH/reports/annual.docx?year={today.year}",
                     headers=bearer(secretary))
    assert api.data == report.data
    wrong = browser.get("/organizations/XA-LOCBINH/reports/annual.docx?as_of=31/02/2026")
    assert wrong.status_code == 422
