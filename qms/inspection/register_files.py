"""A register as a file: a Word administrative document or an Excel workbook, with its name and type."""

from __future__ import annotations

from datetime import date

from qms.errors import NotFound
from qms.exports import administrative_docx, xlsx
from qms.inspection import registers
from qms.inspection.registers import Register

FORMATS = ("docx", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def filename(register: Register, fmt: str) -> str:
    """E.g. danh-muc-tai-lieu-noi-bo_XA-LOCBINH_2026-03-05.docx"""
    return f"{registers.FILE_STEMS[register.kind]}_{register.organization.code}_{register.as_of.isoformat()}.{fmt}"


def render(register: Register, fmt: str, *, made_on: date) -> bytes:
    """The register in ``fmt`` (docx or xlsx), dated ``made_on``."""
    if fmt == "docx":
        return administrative_docx.document_bytes(
            register.organization, register.title, register.subtitle, register.headings, register.rows,
            made_on=made_on, signed=True,
        )
    if fmt == "xlsx":
        return xlsx.workbook_bytes(
            registers.LABELS[register.kind], register.title, register.headings, register.rows,
            subtitle=register.subtitle,
        )
    raise NotFound("Chỉ có tệp .docx hoặc .xlsx.")
