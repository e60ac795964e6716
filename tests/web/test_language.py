"""Vietnamese by default, English on request: the switch, translated pages, messages and numbers, the catalogue."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from support.factories import upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.web.language import format_number

PROJECT = Path(__file__).resolve().parents[2]
CATALOGUE = PROJECT / "translations" / "en" / "LC_MESSAGES"


def in_english(client, page="/"):
    return client.post("/language", data={"language": "en", "next": page})


def test_pages_are_vietnamese_by_default_whatever_the_browser_asks(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = page.get_data(as_text=True)
    assert '<html lang="vi">' in html and "Đăng nhập" in text_of(page)
    assert '<label for="language-choice">Ngôn ngữ</label>' in html


def test_the_switch_keeps_the_choice_and_returns_to_the_page(client):
    response = in_english(client, "/login?next=%2Ftasks")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Ftasks"
    page = client.get("/login")
    assert '<html lang="en">' in page.get_data(as_text=True)
    text = text_of(page)
    assert "Sign in" in text and "User name" in text and "Password" in text and "Đăng nhập" not in text
    assert "Please sign in to continue." in text_of(client.get("/tasks", follow_redirects=True))
    back = client.post("/language", data={"language": "vi", "next": "/login"})
    assert back.status_code == 302 and "Đăng nhập" in text_of(client.get("/login"))


def test_the_switch_goes_nowhere_but_this_site_and_ignores_unknown_languages(client):
    for target in ("https://example.org/", "//example.org/x", "javascript:alert(1)", "", "ftp://localhost/x"):
        response = client.post("/language", data={"language": "en", "next": target})
        assert response.headers["Location"] == "/"
    # The page a refused form was posted from comes back as the referrer, an address of this site.
    response = client.post("/language", data={"language": "en", "next": "http://localhost/tasks?x=1"})
    assert response.headers["Location"] == "/tasks?x=1"
    client.post("/language", data={"language": "xx", "next": "/login"})
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_labels_flash_messages_and_service_errors_are_translated(app, session, files, secretary, reviewer, document,
                                                                  today):
    author = signed_in(app, secretary)
    in_english(author)
    data = {"file": (io.BytesIO(b"not a word file"), "gia-mao.docx"), "change_summary": "Sửa bước 3"}
    refused = author.post(f"/documents/{document.id}/upload", data=data, content_type="multipart/form-data")
    text = text_of(refused)
    assert "Document file (Word, OpenDocument, RTF, PDF or page images)" in text
    assert "Please choose the file again before sending." in text
    # A service message built with values (here the file's extension) is translated with its values.
    assert "The content of the file is not a valid .docx file (damaged or of another format)." in text
    revision = upload(session, files, secretary, document)
    text = text_of(author.get(f"/documents/{document.id}"))
    assert "Revision 1 Draft" in text and "Submit for review" in text and "Upload a new revision" in text

    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    checker = signed_in(app, reviewer)
    in_english(checker)
    response = checker.post(f"/tasks/revisions/{revision.id}/actions", data={"action": "return", "comment": ""})
    assert "Could not be done: A comment is required to return a revision." in text_of(response)
    done = checker.post(f"/tasks/revisions/{revision.id}/actions", data={"action": "return", "comment": "Thiếu BM-02"},
                        follow_redirects=True)
    assert "The revision was returned to its author." in text_of(done)
    assert "Not found" in text_of(checker.get("/documents/99999"))


def test_numbers_follow_the_language(app):
    with app.test_request_context("/"):
        assert (format_number(14.3), format_number(10000), format_number(2, fixed=True)) == ("14,3", "10.000", "2,0")
    with app.test_request_context("/") as context:
        context.session["language"] = "en"
        assert (format_number(14.3), format_number(10000), format_number(2, fixed=True)) == ("14.3", "10,000", "2.0")


def test_every_text_of_the_pages_has_an_english_translation():
    method_map = [("qms/**.py", "config.message_extraction:extract"), ("templates/**.html", "jinja2")]
    extracted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PROJECT), method_map, {}, keywords={**DEFAULT_KEYWORDS, "_l": None}
        )
    }
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {message.id: message.string for message in catalogue if message.id and not message.fuzzy}
    missing = sorted(text for text in extracted if not translated.get(text))
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing[:10])
    assert "Không tìm thấy tài liệu." in extracted and "Dự thảo" in extracted  # domain errors and labels


def test_the_compiled_catalogue_is_the_translated_one():
    with (CATALOGUE / "messages.po").open("rb") as handle:
        source = {message.id: message.string for message in read_po(handle) if message.id}
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        compiled = {message.id: message.string for message in read_mo(handle) if message.id}
    assert compiled == source, "run `make translations` to compile the catalogue"


def test_error_pages_speak_the_chosen_language(app, staff):
    client = signed_in(app, staff)
    refused = client.get("/documents/new")
    assert refused.status_code == 403 and "Lỗi 403 Không có quyền" in text_of(refused)
    missing = client.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "Không tìm thấy trang hoặc tài liệu bạn yêu cầu." in text_of(missing)
    in_english(client)
    assert "Error 403 Not allowed" in text_of(client.get("/documents/new"))
    text = text_of(client.get("/khong-co-trang-nay"))
    assert "The page or document you asked for was not found." in text and "Back to the document list" in text
