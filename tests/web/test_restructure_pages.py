"""The administrator's restructure page: preview with the clashes, then the confirm button carries it out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support.communes import MERGER, two_communes
from support.pages import signed_in, text_of

from qms.models import Document, DocumentStatus, Organization, OrganizationStatus


@pytest.fixture
def communes(session, files, secretary, reviewer, approver, today):
    return two_communes(session, files, (secretary, reviewer, approver), today)


def _form(today, **extra):
    return {
        "kind": "merge", "sources": "XA-LOCBINH, XA-DONGDANG",
        "targets": "XA-LOCBINH-MOI | UBND xã Lộc Bình (mới) | TINH-LS",
        "effective_on": (today - timedelta(days=10)).strftime("%d/%m/%Y"), **extra,
    }


def test_preview_shows_the_clashes_and_no_confirm_until_they_are_settled(app, session, admin, communes, today):
    client = signed_in(app, admin)
    page = client.post("/admin/organizations/restructure", data={**_form(today), "preview": "1"})
    assert page.status_code == 200
    text = text_of(page)
    assert "Còn 2 xung đột chưa xử lý" in text
    assert "Trùng mã tài liệu QT-01 (XA-LOCBINH-MOI)" in text and "TTHC có hai quy trình 1.001193" in text
    assert "time_text: XA-LOCBINH «Trong ngày» / XA-DONGDANG «01 ngày làm việc»" in text
    assert 'name="confirm"' not in page.get_data(as_text=True)
    assert session.scalar(select(Organization).where(Organization.code == "XA-LOCBINH-MOI")) is None

    settled = _form(today, codes="XA-DONGDANG:QT-01 = QT-01-DD", procedures="1.001193 = XA-LOCBINH:QT-01")
    page = client.post("/admin/organizations/restructure", data={**settled, "preview": "1"})
    assert "Không còn xung đột" in text_of(page) and 'name="confirm"' in page.get_data(as_text=True)
    assert "XA-DONGDANG:QT-01 → QT-01-DD" in text_of(page)

    done = client.post("/admin/organizations/restructure", data={**settled, "confirm": "1"})
    assert done.status_code == 302
    session.expire_all()
    former = session.scalar(select(Organization).where(Organization.code == "XA-DONGDANG"))
    assert former.status is OrganizationStatus.MERGED
    assert session.get(Document, communes["XA-DONGDANG:QT-03"]).status is DocumentStatus.OBSOLETE
    tree = text_of(client.get("/admin/organizations"))
    merged_on = (today - timedelta(days=10)).strftime("%d/%m/%Y")
    assert f"XA-DONGDANG đã sáp nhập vào XA-LOCBINH-MOI từ {merged_on}" in tree


def test_confirm_with_a_clash_left_is_refused_and_changes_nothing(app, session, admin, communes, today):
    page = signed_in(app, admin).post("/admin/organizations/restructure", data={**_form(today), "confirm": "1"})
    assert page.status_code == 409
    assert "Còn xung đột chưa xử lý" in text_of(page)
    assert session.scalar(select(Organization).where(Organization.code == "XA-LOCBINH-MOI")) is None


def test_only_administrators(app, secretary):
    assert signed_in(app, secretary).get("/admin/organizations/restructure").status_code == 403


def test_a_carried_document_shows_where_it_belonged(app, session, admin, inspector, communes, today):
    from support.communes import MERGER, RESOLVED

    from qms.accounts import restructure

    merged_on = today - timedelta(days=10)
    restructure.carry_out(session, admin, **MERGER, effective_on=merged_on, today=today, resolutions=RESOLVED)
    page = text_of(signed_in(app, inspector).get(f"/documents/{communes['XA-DONGDANG:QT-01']}"))
    assert (f"Thuộc đơn vị: UBND xã Đồng Đăng (QT-01) đến {merged_on - timedelta(days=1):%d/%m/%Y}; "
            f"UBND xã Lộc Bình (mới) (QT-01-DD) từ {merged_on:%d/%m/%Y}") in page


def test_a_refusal_reads_in_english_on_an_english_page_and_in_vietnamese_from_the_api(
    app, client, bearer, session, admin, communes, today
):
    page_client = signed_in(app, admin)
    page_client.post("/language", data={"language": "en", "next": "/"})
    page = page_client.post("/admin/organizations/restructure", data={**_form(today), "confirm": "1"})
    assert page.status_code == 409
    text = text_of(page)
    assert "Clashes still unresolved: document code QT-01 used twice at XA-LOCBINH-MOI" in text
    assert "procedure 1.001193 has two processes at XA-LOCBINH-MOI" in text and "xung đột" not in text
    ended = page_client.post("/admin/organizations/restructure", data={
        **_form(today), "sources": "XA-LOCBINH", "targets": "XA-LOCBINH | Lộc Bình | TINH-LS", "preview": "1"})
    assert "Organisation XA-LOCBINH is both restructured and receiving." in text_of(ended)

    api = client.post("/api/v1/organizations/restructure", headers=bearer(admin),
                      json={**MERGER, "effective_on": (today - timedelta(days=10)).isoformat()})
    error = api.get_json()["error"]
    assert (api.status_code, error["code"]) == (409, "unresolved_clashes")
    assert error["message"].startswith("Còn xung đột chưa xử lý: mã tài liệu QT-01 trùng tại XA-LOCBINH-MOI")
