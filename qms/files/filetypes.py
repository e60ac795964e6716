"""What an uploaded file really is, judged by its content as well as its name."""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from typing import BinaryIO

from qms.errors import Invalid
from qms.text.extract import Extracted

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

# Bidi controls and zero-width characters let a name show something other than what it is.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')

# An OLE compound file: a legacy .doc, or an Office file encrypted with a password (its package is
# then the "EncryptedPackage" stream, described by "EncryptionInfo").
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

#: Why a .docx that is a zip holding word/document.xml is still refused (codes from text.extract).
_UNSAFE_DOCX = {
    "zip_bomb": "Tệp .docx giải nén ra dung lượng bất thường (nghi là «bom nén»), không được nhận.",
    "too_many_parts": "Tệp .docx có số phần bất thường, không được nhận.",
    "xml_entities": "Tệp .docx chứa khai báo DOCTYPE/ENTITY trong XML, không được nhận.",
    "corrupt": "Tệp .docx bị hỏng hoặc không đầy đủ (có thể tải lên bị ngắt giữa chừng). Hãy mở lại bằng Word, "
    "lưu rồi tải lên lại.",
    "not_word": "Tệp không phải là văn bản Word (.docx).",
}

_log = logging.getLogger(__name__)


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
        raise _refused("empty_file", "Tệp tải lên rỗng.", filename)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in CONTENT_TYPES:
        raise _refused("unsupported_type", "Chỉ nhận tệp .docx hoặc .pdf.", filename)
    actual = sniff(stream)
    if actual != extension:
        if extension == "docx" and stream.read(len(_COMPOUND_FILE)) == _COMPOUND_FILE:
            encrypted = _ENCRYPTED_PACKAGE in stream.read()
            stream.seek(0)
            if encrypted:
                raise _refused(
                    "encrypted",
                    "Tệp được đặt mật khẩu (mã hoá), hệ thống không đọc và kiểm tra được. "
                    "Hãy gỡ mật khẩu trong Word rồi tải lên lại.",
                    filename,
                )
            raise _refused(
                "legacy_doc", "Tệp là định dạng Word cũ (.doc); hãy lưu lại thành .docx rồi tải lên.", filename
            )
        stream.seek(0)
        raise _refused(
            "content_mismatch",
            f"Nội dung tệp không phải là tệp .{extension} hợp lệ (tệp hỏng hoặc sai định dạng).",
            filename,
        )
    return actual


def check_extracted(extracted: Extracted, filename: str) -> None:
    """Refuse a .docx that reading showed to be hostile or broken (zip bomb, XML entities, corrupt parts)."""
    if extracted.refused:
        raise _refused(extracted.refused, _UNSAFE_DOCX.get(extracted.refused, _UNSAFE_DOCX["corrupt"]), filename)


def _refused(code: str, message: str, filename: str) -> Invalid:
    """The refusal of an upload, with the log line that is its only trace."""
    _log.warning("upload refused (%s): %r", code, filename)
    return Invalid(message, code=code)
