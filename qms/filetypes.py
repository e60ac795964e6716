"""What an uploaded file really is, judged by its content as well as its name."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from typing import BinaryIO

from qms.errors import Invalid

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

# Bidi controls and zero-width characters let a name show something other than what it is.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def sniff(stream: BinaryIO) -> str | None:
    """'docx' or 'pdf' from the bytes themselves, else None; leaves the stream at 0."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        return "docx" if "word/document.xml" in names else None
    return None


def safe_filename(name: str) -> str:
    """The last path part of a client's file name, without controls, bidi marks or separators."""
    name = unicodedata.normalize("NFC", name or "")
    name = _INVISIBLE.sub("", name)
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "tai-lieu"


def check_upload(stream: BinaryIO, filename: str) -> str:
    """The file's type if it is a non-empty .docx or .pdf whose content matches its name."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise Invalid("Tệp tải lên rỗng.", code="empty_file")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in CONTENT_TYPES:
        raise Invalid("Chỉ nhận tệp .docx hoặc .pdf.", code="unsupported_type")
    actual = sniff(stream)
    if actual != extension:
        raise Invalid(
            f"Nội dung tệp không phải là tệp .{extension} hợp lệ (tệp hỏng hoặc sai định dạng).",
            code="content_mismatch",
        )
    return actual
