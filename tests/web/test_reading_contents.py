"""The reading view of a long process: a table of contents from its headings, each a link to an anchor."""

from __future__ import annotations

import re

from support.factories import fixture_file, make_docx, make_effective
from support.pages import signed_in

from qms.files.docx_html import with_contents


def test_headings_get_anchors_once_each_and_give_the_contents_in_order():
    html, contents = with_contents("<h3>5.2. Thành phần <b>hồ sơ</b></h3><p>x</p><h4>Bước</h4><h4>Bước</h4><h3></h3>")
    assert [(h.level, h.anchor, h.text) for h in contents] == [
        (3, "s-5-2-thanh-phan-ho-so", "5.2. Thành phần hồ sơ"), (4, "s-buoc", "Bước"), (4, "s-buoc-2", "Bước"),
    ]
    assert '<h3 id="s-5-2-thanh-phan-ho-so">5.2. Thành phần <b>hồ sơ</b></h3>' in html and "<h3></h3>" in html


def test_a_long_process_has_contents_linking_to_the_dossier_and_the_steps(
        app, session, files, staff, secretary, reviewer, approver, document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today,
                              fixture_file("QT-HT-04_trich-luc_lan-01.docx"), "Ban hành")
    page = signed_in(app, staff).get(f"/revisions/{revision.id}/read").get_data(as_text=True)
    contents = page.split('<nav class="doc-toc"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', contents)
    assert ("s-5-2-thanh-phan-ho-so", "5.2. Thành phần hồ sơ") in links
    assert any("quy-trinh-xu-ly" in anchor for anchor, _text in links)
    for anchor, _text in links:
        assert page.count(f'id="{anchor}"') == 1, anchor


def test_a_short_document_has_no_contents(app, session, files, staff, secretary, reviewer, approver, document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today,
                              make_docx("Cấp bản sao trích lục hộ tịch", "Một đoạn."), "Ban hành")
    page = signed_in(app, staff).get(f"/revisions/{revision.id}/read").get_data(as_text=True)
    assert 'class="doc-toc"' not in page
