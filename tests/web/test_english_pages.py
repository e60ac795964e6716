"""English mode: no Vietnamese on an English page but the documents' own content and names (marked lang="vi")."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from support.pages import login

from qms import demo
from qms.legal import proposals
from qms.models import Document, Organization, Revision, RevisionStatus, User

#: A letter only Vietnamese writes (a vowel with a Vietnamese mark, or đ); English text never has one.
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: Attributes a reader meets (read aloud, shown on hover, shown in an empty field).
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class _Leaks(HTMLParser):
    """Text and read attributes with Vietnamese letters outside elements marked lang="vi" (and script/style/title)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[str] = []

    def _content(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = values.get("lang") == "vi" or tag in ("script", "style", "title")
        if not (skip or self._content()):
            for name in READ_ATTRIBUTES:
                if VIETNAMESE.search(values.get(name) or ""):
                    self.found.append(f"<{tag} {name}={values[name]!r}>")
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        if not self._content() and VIETNAMESE.search(data):
            where = " > ".join(tag for tag, _skip in self.stack[-3:])
            self.found.append(f"{where}: {' '.join(data.split())[:120]}")


def vietnamese_outside_content(html: str) -> list[str]:
    parser = _Leaks()
    parser.feed(html)
    return parser.found


def test_the_detector_sees_vietnamese_only_outside_content():
    html = ('<p>Documents <span lang="vi">Cấp bản sao <b>hộ tịch</b></span></p><input placeholder="Tìm">'
            '<div lang="vi"><br><img alt="ảnh"></div><p title="ok">Trạng thái</p><title>Tài liệu</title>')
    assert vietnamese_outside_content(html) == ["<input placeholder='Tìm'>", "p: Trạng thái"]


@pytest.fixture
def the_demo(app, runner, session):
    assert runner.invoke(args=["qms", "demo"]).exit_code == 0
    return session


def _ids(session):
    process = session.scalar(select(Document).join(Organization).where(
        Document.code == "QT-HT-04", Organization.code == "XA-LOCBINH"))
    with_findings = session.scalars(select(Revision).where(Revision.conformity_json.is_not(None))).all() \
        if hasattr(Revision, "conformity_json") else []
    return process, with_findings


ROLES = {
    "thuky": ["/", "/tasks", "/dashboard", "/legal-documents", "/procedures", "/procedures/coverage", "/registers"],
    "kiemtra": ["/", "/tasks", "/dashboard"],
    "pheduyet": ["/", "/tasks", "/dashboard"],
    "canbo": ["/", "/procedures", "/legal-proposals"],
    "thanhtra": ["/", "/inspect", "/dashboard?organization=XA-LOCBINH", "/legal-documents", "/legal-reviews",
                 "/organizations/XA-LOCBINH/registers"],
    "quantri": ["/", "/admin/organizations", "/admin/users", "/admin/organizations/restructure"],
}


def test_every_main_page_in_english_as_each_role(app, the_demo):
    session = the_demo
    process = session.scalar(select(Document).join(Organization).where(
        Document.code == "QT-HT-04", Organization.code == "XA-LOCBINH"))
    revisions = list(process.revisions)
    proposer = session.scalar(select(User).where(User.username == "canbo"))
    proposals.propose(session, proposer, kind="create", number="1/2025/NĐ-CP", changes={"title": "Về hộ tịch"},
                      note="Văn bản mới ban hành")
    leaks: dict[str, list[str]] = {}
    for username, pages in ROLES.items():
        client = app.test_client()
        user_login(client, username)
        client.post("/language", data={"language": "en", "next": "/"})
        common = ["/search?q=ho+tich", "/search?q=trich+luc&status=all"]
        if username != "quantri":  # an administrator of the province reads no agency's documents
            common += [f"/documents/{process.id}", f"/documents/{process.id}/read"]
        if username not in ("canbo", "quantri"):
            common += [f"/documents/{process.id}/history"] + [f"/revisions/{r.id}/findings" for r in revisions]
        for page in pages + common:
            response = client.get(page, follow_redirects=True)
            assert response.status_code == 200, (username, page, response.status_code)
            found = vietnamese_outside_content(response.get_data(as_text=True))
            if found:
                leaks[f"{username} {page}"] = found
    secretary = app.test_client()
    user_login(secretary, "thuky")
    secretary.post("/language", data={"language": "en", "next": "/"})
    editable = session.scalar(select(Document).join(Revision).where(Revision.status == RevisionStatus.DRAFT))
    if editable is not None:
        for name, content in (("gia-mao.docx", b"not a word file"), ("rong.pdf", b""), ("x.exe", b"MZ")):
            refused = secretary.post(f"/documents/{editable.id}/upload", content_type="multipart/form-data",
                                     data={"file": (io.BytesIO(content), name), "change_summary": "Fix step 3"})
            assert refused.status_code == 422
            found = vietnamese_outside_content(refused.get_data(as_text=True))
            if found:
                leaks[f"upload {name}"] = found
    assert not leaks, "\n".join(f"{page}:\n    " + "\n    ".join(dict.fromkeys(found)) for page, found in leaks.items())


def user_login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": demo.PASSWORD})
    assert response.status_code == 302


__all__ = ["login"]
