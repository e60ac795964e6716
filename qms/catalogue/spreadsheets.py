"""Reading a TTHC catalogue file (.csv or .xlsx) into rows of cells, as the spreadsheet shows them.

Merged cells are filled: every cell of a merged range holds the value of its top-left cell, so a
field merged over ten rows applies to all ten. Row numbers are the spreadsheet's own (1-based).
"""

from __future__ import annotations

import csv
import io
import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from openpyxl import load_workbook

from qms.errors import Invalid
from qms.messages import Message

#: Rows and uncompressed bytes beyond which a "catalogue" is refused rather than read; columns beyond are ignored.
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_UNCOMPRESSED = 60 * 1024 * 1024

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW = f"{_MAIN}row"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

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
    _refuse_long_sheets(content, broken)
    try:
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise broken from None
    sheets = []
    for worksheet in workbook.worksheets:
        if worksheet.max_row > MAX_ROWS:
            raise _too_many_rows(Message("Trang tính «%(sheet)s»", sheet=worksheet.title))
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


def _refuse_long_sheets(content: bytes, broken: Invalid) -> None:
    """Count each worksheet's rows as its XML streams by and stop at the first past ``MAX_ROWS``.

    Loading a whole workbook costs seconds and hundreds of MB for a million rows, and openpyxl's read-only
    mode reads a whole sheet that lacks a dimension tag before the first row: the rows are counted here,
    never more than one too many. A row's own number counts, so empty rows skipped in the file count too.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for part in _worksheet_parts(archive):
                with archive.open(part) as stream:
                    last = 0
                    for _event, element in ElementTree.iterparse(stream, events=("end",)):
                        if element.tag == _ROW:
                            number = element.get("r")
                            last = int(number) if number and number.isdigit() else last + 1
                            if last > MAX_ROWS:
                                sheet = _sheet_title(archive, part)
                                raise _too_many_rows(Message("Trang tính «%(sheet)s»", sheet=sheet))
                            element.clear()
    except Invalid:
        raise
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
        raise broken from None


def _worksheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """The worksheet parts the workbook's relationships point at, whatever their names."""
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    parts = []
    for relationship in rels.iter(f"{_RELS}Relationship"):
        if relationship.get("Type", "").endswith("/worksheet") and relationship.get("TargetMode") != "External":
            target = relationship.get("Target", "")
            parts.append(posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    return parts


def _sheet_title(archive: zipfile.ZipFile, part: str) -> str:
    """The sheet's name as the workbook lists it, for the message; the part's name if it cannot be found."""
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    ids = {
        r.get("Id"): r.get("Target", "")
        for r in rels.iter(f"{_RELS}Relationship")
    }
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = ids.get(sheet.get(f"{_DOC_RELS}id"), "")
        if posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"xl/{target}") == part:
            return sheet.get("name", part)
    return part


def _too_many_rows(what: str) -> Invalid:
    return Invalid(
        Message("%(what)s có quá nhiều dòng (tối đa %(max_rows)s).", what=what, max_rows=MAX_ROWS),
        code="too_large",
    )


def _read_csv(content: bytes) -> Sheet:
    if _looks_binary(content):
        raise Invalid("Nội dung tệp không phải là văn bản CSV (tệp hỏng hoặc sai định dạng).", code="content_mismatch")
    encoding = _encoding(content)
    try:
        records = _csv_records(content, encoding)
    except UnicodeDecodeError:
        records = _csv_records(content, "cp1258")
    return Sheet("CSV", [(number, list(cells)) for number, cells in enumerate(records, start=1)])


def _csv_records(content: bytes, encoding: str) -> list[list[str]]:
    """The records, decoded and counted while read: a million-row file is refused after MAX_ROWS + 1 rows,
    never decoded or held whole."""
    errors = "replace" if encoding == "cp1258" else "strict"
    head = content[:32768].decode(encoding, errors="ignore")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(head[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, errors=errors, newline="")
    records: list[list[str]] = []
    try:
        for record in csv.reader(text, dialect):
            if len(records) == MAX_ROWS:
                raise _too_many_rows(Message("Tệp CSV"))
            records.append(record)
    except csv.Error:
        raise Invalid("Không đọc được tệp CSV (dấu ngoặc kép không khớp?).", code="content_mismatch") from None
    return records


def _looks_binary(content: bytes) -> bool:
    """A zip (xlsx, docx), PDF or old Office file, or NUL bytes outside UTF-16: not a CSV."""
    if content.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        return True
    return b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff"))


def _encoding(content: bytes) -> str:
    """UTF-16 with a BOM, UTF-8 (with or without BOM); a file that is not UTF-8 is read as Windows-1258 (Vietnamese)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8-sig"
