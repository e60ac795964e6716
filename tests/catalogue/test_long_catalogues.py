"""A catalogue of a million rows is refused after reading a little more than the 20,000 allowed, not after all.

Memory is measured with tracemalloc (Python's own allocations): reading every row first costs hundreds
of MB, counting while reading a few MB.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from qms.catalogue import spreadsheets
from qms.catalogue.spreadsheets import MAX_ROWS, read_sheets
from qms.errors import Invalid

MILLION = 1_000_000
#: Far below what a million rows cost read whole (hundreds of MB), far above 20,000 rows.
PEAK_LIMIT = 48 * 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="DanhMuc" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def million_row_xlsx() -> bytes:
    """A workbook of one sheet with a million numbered rows and no dimension tag (written by hand: fast)."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, MILLION + 1))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            package.writestr(name, text)
    return out.getvalue()


def million_row_csv() -> bytes:
    return ("Mã TTHC,Tên thủ tục\n" + "".join(f"1.{n:06d},Thủ tục {n}\n" for n in range(MILLION))).encode()


@pytest.mark.parametrize(("filename", "make"), [("ds.csv", million_row_csv), ("ds.xlsx", million_row_xlsx)])
def test_a_million_row_catalogue_is_refused_early(filename, make):
    content = make()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(Invalid) as refused:
            read_sheets(filename, content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert refused.value.code == "too_large" and f"tối đa {MAX_ROWS}" in refused.value.message
    assert peak < PEAK_LIMIT, f"{peak / 2**20:.0f} MB to refuse {filename}"
    assert elapsed < 30


@pytest.mark.parametrize("extra", [0, 1])
def test_the_limit_is_exact_for_csv(extra, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 50)
    content = "".join(f"1.{n:06d},Thủ tục {n}\n" for n in range(50 + extra)).encode()
    if extra:
        with pytest.raises(Invalid):
            read_sheets("ds.csv", content)
    else:
        assert len(read_sheets("ds.csv", content)[0].rows) == 50
