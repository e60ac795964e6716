"""The list pages as people use them: a text box that ignores diacritics, facets, sortable headings, a pager that
says where one is, and the whole state in the URL, so a list can be bookmarked and shared."""

from __future__ import annotations

import re

from support.factories import make_docx, make_effective, make_user, upload
from support.pages import signed_in, text_of

from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.legal import register


def _documents(session, secretary, count: int, title: str = "Quy trình chứng thực số {n}") -> None:
    for n in range(count):
        lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=f"QT-CT-{n:02d}",
                                  title=title.format(n=n), kind="process")


def test_the_document_list_pages_sorts_and_filters_with_its_state_in_the_url(app, session, secretary, document):
    _documents(session, secretary, 6)
    client = signed_in(app, secretary)

    first = client.get("/?page_size=3")
    html = first.get_data(as_text=True)
    assert "1–3 trên 7 tài liệu" in text_of(first)
    assert re.search(r'<nav class="pager list-pager" aria-label="Trang của danh sách tài liệu">', html)
    assert 'aria-current="page"' in html and 'aria-label="Trang 1, trang hiện tại"' in html
    assert 'href="/?page_size=3&amp;page=2"' in html or 'href="/?page=2&amp;page_size=3"' in html

    second = text_of(client.get("/?page_size=3&page=2"))
    assert "4–6 trên 7 tài liệu" in second
    assert "QT-CT-03" in second and "QT-CT-02" not in second

    newest_code_first = client.get("/?sort=-code&page_size=3")
    assert text_of(newest_code_first).index("QT-HT-04") < text_of(newest_code_first).index("QT-CT-05")
    assert 'aria-sort="descending"' in newest_code_first.get_data(as_text=True)

    found = text_of(client.get("/?q=ho+tich"))  # typed without diacritics
    assert "1–1 trên 1 tài liệu" in found and "Cấp bản sao trích lục hộ tịch" in found
    assert "1–6 trên 6" in text_of(client.get("/?q=QT-CT"))
    assert "Không có tài liệu nào phù hợp." in text_of(client.get("/?q=khong+co+gi"))

    refused = client.get("/?page=abc")
    assert refused.status_code == 422 and "Tham số page phải là số nguyên" in text_of(refused)
    unknown = client.get("/?sort=password")
    assert unknown.status_code == 422 and "Cách sắp xếp phải là một trong" in text_of(unknown)


def test_an_organisation_includes_those_under_it(app, session, secretary, inspector, document, agency):
    province = str(agency["province"].id)
    client = signed_in(app, inspector)
    under = text_of(client.get(f"/?organization={province}"))
    assert "QT-HT-04" in under and "UBND xã Lộc Bình" in under
    other = text_of(client.get(f"/?organization={agency['other'].id}"))
    assert "QT-HT-04" not in other


def test_the_catalogue_shows_the_covering_process_and_offers_to_create_the_missing_one(
    app, session, files, secretary, reviewer, approver, document, staff, today
):
    csv = ("code,name,field,level,time_value,time_unit,fee\n"
           "2.000635,Cấp bản sao trích lục hộ tịch,Hộ tịch,xã,1,trong ngày,8.000 đồng\n"
           "1.001193,Đăng ký khai sinh,Hộ tịch,xã,1,trong ngày,Miễn\n"
           "2.000815,Chứng thực bản sao,Chứng thực,xã,1,trong ngày,2.000 đồng\n").encode()
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "tthc.csv", csv)
    make_effective(session, files, document, secretary, reviewer, approver, today)
    client = signed_in(app, secretary)

    page = client.get("/procedures")
    html = page.get_data(as_text=True)
    shown = text_of(page)
    assert "2.000635 Cấp bản sao trích lục hộ tịch Hộ tịch xã Trong ngày 8.000 đồng QT-HT-04" in shown
    assert f'href="/documents/{document.id}"' in html
    create = re.search(r'<a class="create-process" href="([^"]+)"', html)
    assert create and "procedure_code=1.001193" in create.group(1)
    form = client.get(create.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="1.001193"' in form and 'value="Đăng ký khai sinh"' in form

    assert "Tạo quy trình" not in text_of(signed_in(app, staff).get("/procedures"))  # staff create nothing
    only = text_of(client.get("/procedures?field=Chứng+thực"))
    assert "2.000815" in only and "1.001193" not in only
    assert "1–1 trên 1 thủ tục" in text_of(client.get("/procedures?q=khai+sinh"))
    last_code = text_of(client.get("/procedures?sort=-code&page_size=1"))
    assert "2.000815" in last_code and "2.000635" not in last_code


def test_the_legal_register_names_the_processes_citing_each_document(
    app, session, files, secretary, reviewer, approver, registrar, document, today
):
    register.create_legal_document(session, registrar, number="61/2018/NĐ-CP", doc_type="Nghị định",
                                   title="Về thực hiện cơ chế một cửa", issuer="Chính phủ", today=today)
    register.create_legal_document(session, registrar, number="15/2014/QH13", doc_type="Luật",
                                   title="Luật Căn cước", issuer="Quốc hội", today=today)
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx("Căn cứ Nghị định 61/2018/NĐ-CP về cơ chế một cửa."))
    page = signed_in(app, secretary).get("/legal-documents?q=mot+cua")
    shown = text_of(page)
    assert "61/2018/NĐ-CP" in shown and "15/2014/QH13" not in shown
    assert f'href="/documents/{document.id}"><span class="code">QT-HT-04' in page.get_data(as_text=True)
    by_number = text_of(signed_in(app, secretary).get("/legal-documents?sort=number"))
    assert by_number.index("15/2014/QH13") < by_number.index("61/2018/NĐ-CP")


def test_users_are_filtered_by_role_and_text(app, session, admin, secretary, reviewer):
    make_user(session, "nguoidung", "XA-DONGDANG", "staff")
    client = signed_in(app, admin)
    reviewers = text_of(client.get("/admin/users?role=reviewer"))
    assert "kiemtra" in reviewers and "thuky" not in reviewers
    assert "1–1 trên 1 người dùng" in text_of(client.get("/admin/users?q=nguoi"))
    assert "nguoidung" in text_of(client.get(f"/admin/users?organization={session.merge(admin).organization_id}"))
    assert signed_in(app, secretary).get("/admin/users").status_code == 403


def test_revisions_awaiting_action_history_and_overview_page(
    app, session, files, secretary, reviewer, approver, inspector, document, today
):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    for n in range(3):
        upload(session, files, secretary, document, summary=f"Sửa lần {n}")
    client = signed_in(app, secretary)
    awaiting = text_of(client.get("/tasks/revisions?page_size=2"))
    assert "1–2 trên 3 phiên bản" in awaiting
    assert "Sửa lần 2" in text_of(client.get("/tasks/revisions?q=sua+lan+2"))
    assert client.get("/tasks/revisions?status=bogus").status_code == 422

    inspecting = signed_in(app, inspector)
    history = inspecting.get(f"/documents/{document.id}/history?page_size=3")
    assert "1–3 trên" in text_of(history) and "cũ nhất trước" in text_of(history)
    newest = text_of(inspecting.get(f"/documents/{document.id}/history?page_size=1&sort=-seq"))
    assert "mới nhất trước" in newest and "Sửa lần 2" in newest
    overview = text_of(inspecting.get("/inspect?q=loc+binh"))
    assert "UBND xã Lộc Bình" in overview and "UBND xã Đồng Đăng" not in overview
