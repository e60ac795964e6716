"""Reading a TTHC catalogue file (.csv or .xlsx) into rows of cells, as the spreadsheet shows them.

Merged cells are filled: every cell of a merged range holds the value of its top-left cell, so a
field merged over ten rows applies to all ten. Row numbers are the spreadsheet's own (1-based).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

from qms.errors import Invalid

#: Rows and uncompressed bytes beyond which a "catalogue" is refused rather than read; columns beyond are ignored.
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_UNCOMPRESSED = 60 * 1024 * 1024

UNSUPPORTED = "Chỉ nhận danh mục TTHC dạng tệp Excel (.xlsx) hoặc CSV (.csv)."


@dataclass(frozen=True)
class Sheet:
    """One table of a file: ``rows`` are (row number, cell values) with merged ranges filled."""

    name: str
    rows: list[tuple[int, list[object]]]


def read_sheets(filename: str, content: bytes) -> list[Sheet]:
    """The tables of a .csv (one) or .xlsx (one per worksheet) file, judged by name and content."""
    if not content:
        raise Invalid("Tệp tải lên rỗng.", code="empty_file")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("xlsx", "xlsm"):
        return _read_xlsx(content)
    if extension == "csv":
        return [_read_csv(content)]
    if extension == "xls":
        raise Invalid(
            "Tệp Excel 97-2003 (.xls) chưa được hỗ trợ. Hãy mở tệp và lưu lại dạng .xlsx hoặc .csv.",
            code="unsupported_type",
        )
    raise Invalid(UNSUPPORTED, code="unsupported_type")


def _read_xlsx(content: bytes) -> list[Sheet]:
    broken = Invalid(
        "Nội dung tệp không phải là tệp Excel .xlsx hợp lệ (tệp hỏng hoặc sai định dạng).", code="content_mismatch"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise broken from None
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise broken
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
        raise Invalid("Tệp Excel quá lớn để là một danh mục TTHC.", code="too_large")
    try:
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise broken from None
    sheets = []
    for worksheet in workbook.worksheets:
        if worksheet.max_row > MAX_ROWS:
            raise Invalid(f"Trang tính «{worksheet.title}» có quá nhiều dòng (tối đa {MAX_ROWS}).", code="too_large")
        columns = min(worksheet.max_column, MAX_COLUMNS)
        grid: list[list[object]] = [list(row) for row in worksheet.iter_rows(max_col=columns, values_only=True)]
        for merged in worksheet.merged_cells.ranges:
            value = worksheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row, min(merged.max_row, len(grid)) + 1):
                cells = grid[row - 1]
                for column in range(merged.min_col, min(merged.max_col, len(cells)) + 1):
                    cells[column - 1] = value
        sheets.append(Sheet(worksheet.title, [(number, cells) for number, cells in enumerate(grid, start=1)]))
    return sheets


def _read_csv(content: bytes) -> Sheet:
    if _looks_binary(content):
        raise Invalid("Nội dung tệp không phải là văn bản CSV (tệp hỏng hoặc sai định dạng).", code="content_mismatch")
    text = _decode(content)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error:
        raise Invalid("Không đọc được tệp CSV (dấu ngoặc kép không khớp?).", code="content_mismatch") from None
    if len(records) > MAX_ROWS:
        raise Invalid(f"Tệp CSV có quá nhiều dòng (tối đa {MAX_ROWS}).", code="too_large")
    return Sheet("CSV", [(number, list(cells)) for number, cells in enumerate(records, start=1)])


def _looks_binary(content: bytes) -> bool:
    """A zip (xlsx, docx), PDF or old Office file, or NUL bytes outside UTF-16: not a CSV."""
    if content.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        return True
    return b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff"))


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1258 (Vietnamese)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1258", errors="replace")
