"""Builders for tests: users, real .docx and .pdf files, the fixture files, revisions in a given state."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from docx import Document as WordDocument
from sqlalchemy.orm import Session

from qms.accounts import users
from qms.documents import lifecycle
from qms.files.store import FileStore
from qms.models import Document, Revision, User

#: Sample documents, the TTHC catalogue and the legal register, kept with the tests (see fixtures/README.md).
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PASSWORD = "mat-khau-thu-nghiem"


def make_user(session: Session, username: str, org_code: str, *roles: str, title: str = "Công chức") -> User:
    return users.create(
        session, None, username=username, full_name=f"Nguyễn Văn {username.title()}", title=title,
        organization_code=org_code, roles=list(roles), password=PASSWORD,
    )


def make_docx(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    """A real Word file with the given paragraphs and an optional table."""
    word = WordDocument()
    for paragraph in paragraphs or ("Quy trình mẫu",):
        word.add_paragraph(paragraph)
    if table:
        grid = word.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a Helvetica text layer."""
    return pdf_of_content(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))


def pdf_of_content(stream: bytes) -> bytes:
    """A one-page PDF around a content stream (Helvetica as /F1), offsets computed by hand."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def fixture_file(name: str) -> bytes:
    return (FIXTURES / "documents" / name).read_bytes()


def upload(session: Session, files: FileStore, secretary: User, document: Document, content: bytes | None = None,
           summary: str = "Ban hành lần đầu", filename: str = "quy-trinh.docx") -> Revision:
    return lifecycle.add_revision(
        session, files, secretary, document.id, stream=io.BytesIO(make_docx(summary) if content is None else content),
        filename=filename, change_summary=summary,
    )


def make_effective(session: Session, files: FileStore, document: Document, secretary: User, reviewer: User,
                   approver: User, today: date, content: bytes | None = None,
                   summary: str = "Ban hành lần đầu") -> Revision:
    """Upload, submit, pass and approve with today's date: the revision is current."""
    revision = upload(session, files, secretary, document, content, summary)
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
    return lifecycle.act(session, approver, revision.id, "approve", today=today, effective_from=today, comment="Đã xem")


def edit_docx(content: bytes, replacements: dict[str, str]) -> bytes:
    """A copy of a Word file with texts replaced in its body paragraphs and table cells."""
    word = WordDocument(io.BytesIO(content))
    paragraphs = list(word.paragraphs)
    tables = list(word.tables)
    while tables:
        table = tables.pop()
        for cell in {id(cell): cell for row in table.rows for cell in row.cells}.values():
            paragraphs.extend(cell.paragraphs)
            tables.extend(cell.tables)
    for paragraph in paragraphs:
        for old, new in replacements.items():
            if old not in paragraph.text:
                continue
            runs = [run for run in paragraph.runs if old in run.text]
            if runs:  # keep the formatting of the run that holds the text
                runs[0].text = runs[0].text.replace(old, new)
            else:  # the text spans several runs: the first one takes the whole line
                paragraph.runs[0].text = paragraph.text.replace(old, new)
                for run in paragraph.runs[1:]:
                    run.text = ""
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def fixture_index_documents() -> list[dict[str, object]]:
    """The fixture .docx processes as index documents, each twice with another status, as revisions are."""
    from qms.text.extract import extract_text

    documents = []
    for number, path in enumerate(sorted((FIXTURES / "documents").glob("*.docx"))):
        text = extract_text(path.read_bytes(), path.name).text
        title = path.stem.split("_")[1].replace("-", " ")
        for status in ("superseded", "effective"):
            documents.append({
                "revision_id": f"{number}-{status}", "document_id": number, "organization_id": "1",
                "kind": "process", "status": status, "procedure": "", "field": "", "number": 1,
                "effective": 20250101 + number * 100 if status == "effective" else 20200101 + number,
                "code": path.stem.split("_")[0], "title": title, "title_folded": title, "title_shingles": title,
                "meta": path.name, "body": text, "body_folded": text, "body_shingles": text,
            })
    return documents
