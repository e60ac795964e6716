"""The registers as an inspector prints them: each .docx converted to PDF by LibreOffice and read back line by line.

No word of a heading is broken across two lines, no date wraps, every page says "Trang x/y", and the last page
carries the signature block with the place and date line.
"""

from __future__ import annotations

from datetime import date

import pytest
from support.printed import DATE, broken_dates, broken_words, pages_lines, pdf_of

from qms import demo
from qms.accounts import users
from qms.exports import administrative_docx
from qms.inspection import register_files, registers

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_inspector(session, files, today):
    demo.load(session, files, today)
    return users.by_username(session, "thanhtra")


def written_dates(register: registers.Register) -> list[str]:
    """Every date the register's table holds, as it prints (dd/mm/yyyy), and the one in its subtitle."""
    cells = [value.strftime("%d/%m/%Y") for row in register.rows for value in row if isinstance(value, date)]
    return [*cells, *DATE.findall(register.subtitle)]


@pytest.mark.parametrize("kind", registers.KINDS)
def test_a_printed_register_breaks_no_heading_word_and_no_date(session, demo_inspector, today, kind):
    register = registers.register(session, demo_inspector, "XA-LOCBINH", kind, as_of=today)
    assert register.rows
    pages = pages_lines(pdf_of(register_files.render(register, "docx", made_on=date(2026, 3, 5))))
    lines = [line for page in pages for line in page]
    assert broken_words(lines, register.headings) == []
    assert broken_words(lines, [register.title]) == []
    assert broken_dates(lines, written_dates(register)) == []
    # Every page is numbered "Trang x/y"; every page the table runs over repeats the heading row.
    assert [page[-1] for page in pages] == [f"Trang {number}/{len(pages)}" for number in range(1, len(pages) + 1)]
    for page in pages:
        if page[0] != administrative_docx.date_line("Lộc Bình", date(2026, 3, 5)) and page[0] != "NGƯỜI LẬP BIỂU":
            assert broken_words(page, register.headings) == []
    # The signature block closes the last page: the preparer, the place and date line over the head of the agency.
    last = pages[-1]
    assert administrative_docx.PREPARER in last and administrative_docx.HEAD in last
    assert "Lộc Bình, ngày 05 tháng 3 năm 2026" in last
    assert last.index("Lộc Bình, ngày 05 tháng 3 năm 2026") < last.index(administrative_docx.HEAD)


def test_the_amendment_book_of_many_revisions_runs_over_pages_and_stays_whole(session, demo_inspector, today):
    register = registers.register(session, demo_inspector, "XA-LOCBINH", "amendments", as_of=today)
    long = registers.Register(register.kind, register.organization, register.as_of,
                              [[number, *row[1:]] for number, row in enumerate(register.rows * 8, start=1)])
    pages = pages_lines(pdf_of(register_files.render(long, "docx", made_on=today)))
    assert len(pages) > 1
    lines = [line for page in pages for line in page]
    assert broken_dates(lines, written_dates(long)) == []
    for page in pages:
        assert broken_words(page, long.headings) == []


def test_the_check_itself_catches_a_broken_heading_and_a_wrapped_date(session, demo_inspector, today):
    """Columns made too narrow on purpose: the same reading sees the damage, so it can fail."""
    register = registers.register(session, demo_inspector, "XA-LOCBINH", "amendments", as_of=today)
    narrow = [1, 1, 10, 1, 1, 10, 10, 1, 10, 1, 1, 1]
    content = administrative_docx.document_bytes(
        register.organization, register.title, register.subtitle, register.headings, register.rows,
        widths=narrow, made_on=today, signed=True,
    )
    lines = [line for page in pages_lines(pdf_of(content)) for line in page]
    assert "Ngày tải lên" in broken_words(lines, register.headings)
    assert broken_dates(lines, written_dates(register))
