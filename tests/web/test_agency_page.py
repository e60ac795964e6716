"""An inspector's page of one agency: its documents, registers, history and findings one click away; no 0/0."""

from __future__ import annotations

import re

from support.factories import make_docx, make_effective
from support.pages import signed_in, text_of


def test_the_agency_page_links_to_documents_registers_history_and_findings(
        app, session, files, inspector, secretary, reviewer, approver, document, agency, today):
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx("Cấp bản sao trích lục hộ tịch", "1. Mục đích", "Quy định trình tự cấp bản sao."),
                   "Ban hành")
    client = signed_in(app, inspector)
    page = client.get("/dashboard?organization=XA-LOCBINH").get_data(as_text=True)
    links = set(re.findall(r'<a href="([^"#]+)"', page.split('class="agency-links')[1].split("</nav>")[0]))
    assert f"/?organization={agency['commune'].id}" in links
    assert "/organizations/XA-LOCBINH/registers" in links
    assert "/organizations/XA-LOCBINH/registers/amendments.xlsx" in links
    assert "/organizations/XA-LOCBINH/legal-reviews" in links
    for link in links:
        assert client.get(link).status_code == 200, link
    findings = page.split('id="findings-title"')[1].split("</section>")[0]
    revision = document.current_revision
    assert f'href="/revisions/{revision.id}/findings"' in findings and "QT-HT-04" in findings
    documents = text_of(client.get(f"/?organization={agency['commune'].id}"))
    assert "QT-HT-04" in documents


def test_an_agency_without_a_catalogue_says_so_instead_of_zero_out_of_zero(app, inspector, agency):
    client = signed_in(app, inspector)
    board = text_of(client.get("/dashboard?organization=XA-DONGDANG"))
    assert "Chưa có danh mục thủ tục hành chính" in board and "0/0" not in board
    overview = client.get("/inspect").get_data(as_text=True)
    row = overview.split('id="org-XA-DONGDANG"')[1].split("</tr>")[0]
    assert "chưa có danh mục" in text_of(row) and "0/0" not in text_of(row)
    assert "0/0" not in text_of(overview)
