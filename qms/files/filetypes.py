"""What an uploaded file really is, judged by its content as well as its name."""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from qms.errors import Invalid
from qms.messages import Message
from qms.text.extract import Extracted

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "tif": "image/tiff",
}
#: Other names people give the same types.
_EXTENSION_ALIASES = {"jpeg": "jpg", "tiff": "tif"}
#: Word processor files that LibreOffice converts into a .docx rendition.
CONVERTED = frozenset({"doc", "odt", "rtf"})
#: Pictures of pages, recognised (OCR) into a searchable PDF rendition.
IMAGES = frozenset({"jpg", "png", "tif"})
ACCEPTED_MESSAGE = Message(
    "Chỉ nhận tệp Word (.docx, .doc), OpenDocument (.odt), RTF, PDF hoặc ảnh chụp trang (.jpg, .png, .tif)."
)

_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Word 97-2003: the FIB's flags word at offset 10; fEncrypted is bit 8 (MS-DOC 2.5.2).
_FIB_FLAGS_OFFSET, _FIB_ENCRYPTED = 10, 0x0100
# An OpenDocument or Word 97-2003 package holding these carries macros; they are never run, and refused.
_ODT_MACRO_PREFIXES = ("Basic/", "Scripts/")
_OLE_MACRO_STORAGES = ("macros", "_vba_project_cur")
_MAX_PACKAGE_BYTES = 200 * 1024 * 1024
_MAX_PACKAGE_RATIO = 200


@dataclass(frozen=True)
class UploadLimits:
    """What an upload may demand of the converters, checked at upload where the file says it."""

    max_pages: int = 500
    max_image_pixels: int = 60_000_000

# Bidi controls and zero-width characters let a name show something other than what it is.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')

# An OLE compound file: a legacy .doc, or an Office file encrypted with a password (its package is
# then the "EncryptedPackage" stream, described by "EncryptionInfo").
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")

#: Why a .docx that is a zip holding word/document.xml is still refused (codes from text.extract).
_UNSAFE_DOCX = {
    "zip_bomb": Message("Tệp .docx giải nén ra dung lượng bất thường (nghi là «bom nén»), không được nhận."),
    "too_many_parts": Message("Tệp .docx có số phần bất thường, không được nhận."),
    "xml_entities": Message("Tệp .docx chứa khai báo DOCTYPE/ENTITY trong XML, không được nhận."),
    "corrupt": Message("Tệp .docx bị hỏng hoặc không đầy đủ (có thể tải lên bị ngắt giữa chừng). Hãy mở lại bằng Word, "
                       "lưu rồi tải lên lại."),
    "not_word": Message("Tệp không phải là văn bản Word (.docx)."),
}

_log = logging.getLogger(__name__)


def sniff(stream: BinaryIO) -> str | None:
    """The type from the bytes themselves (docx, pdf, doc, odt, rtf, jpg, png, tif), else None; leaves the stream at 0.

    OLE2 is 'doc' only with a WordDocument stream; a zip is 'odt' when its first member is the
    OpenDocument text mimetype, 'docx' when it holds word/document.xml.
    """
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tif"
    if head == _COMPOUND_FILE:
        return "doc" if _ole_streams(stream) & {"worddocument"} else None
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = archive.namelist()
                if names and names[0] == "mimetype" and archive.read("mimetype").strip() == _ODT_MIMETYPE:
                    return "odt"
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
            return None
        finally:
            stream.seek(0)
        return "docx" if "word/document.xml" in names else None
    return None


def extension_of(filename: str) -> str:
    """The type a file name claims (jpeg is jpg, tiff is tif), lower case; '' without one."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return _EXTENSION_ALIASES.get(extension, extension)


def _ole_streams(stream: BinaryIO) -> set[str]:
    """Lower-case names of every stream and storage of an OLE compound file; empty when it cannot be read."""
    import olefile  # deferred: only legacy Office files need it

    stream.seek(0)
    try:
        with olefile.OleFileIO(stream) as ole:
            return {part.lower() for entry in ole.listdir(streams=True, storages=True) for part in entry}
    except Exception:  # noqa: BLE001 - any parser failure means "not a readable compound file"
        return set()
    finally:
        stream.seek(0)


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


_ENCRYPTED_MESSAGE = Message(
    "Tệp được đặt mật khẩu (mã hoá), hệ thống không đọc và kiểm tra được. Hãy gỡ mật khẩu rồi tải lên lại."
)


def check_upload(stream: BinaryIO, filename: str, limits: UploadLimits | None = None) -> str:
    """The file's type if it is a non-empty accepted type whose content matches its name and that is safe to convert."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise _refused("empty_file", Message("Tệp tải lên rỗng."), filename)
    extension = extension_of(filename)
    if extension not in CONTENT_TYPES:
        raise _refused("unsupported_type", ACCEPTED_MESSAGE, filename)
    actual = sniff(stream)
    if actual != extension:
        if extension in ("docx", "doc") and stream.read(len(_COMPOUND_FILE)) == _COMPOUND_FILE:
            encrypted = _ENCRYPTED_PACKAGE in stream.read()
            stream.seek(0)
            if encrypted:
                raise _refused("encrypted", _ENCRYPTED_MESSAGE, filename)
            stream.seek(0)
            if extension == "doc":
                raise _refused("corrupt", _CORRUPT_DOC, filename)
            if actual == "doc" or _WORD_STREAM in stream.read():
                raise _refused(
                    "legacy_doc",
                    Message("Tệp là định dạng Word 97-2003 (.doc) nhưng mang tên .docx; hãy đổi tên thành .doc rồi"
                            " tải lên."),
                    filename,
                )
        stream.seek(0)
        raise _refused(
            "content_mismatch",
            Message("Nội dung tệp không phải là tệp .%(extension)s hợp lệ (tệp hỏng hoặc sai định dạng).",
                    extension=extension),
            filename,
        )
    limits = limits or UploadLimits()
    if actual == "doc":
        _check_doc(stream, filename, limits)
    elif actual == "odt":
        _check_odt(stream, filename, limits)
    elif actual in IMAGES:
        _check_image(stream, filename, limits)
    stream.seek(0)
    return actual


def check_pages(pages: int, filename: str, limits: UploadLimits | None = None) -> None:
    """Refuse a file with more pages than the converters are allowed to take."""
    limit = (limits or UploadLimits()).max_pages
    if pages > limit:
        raise _refused(
            "too_many_pages",
            Message("Tệp có %(pages)s trang, vượt quá giới hạn %(limit)s trang cho một lần tải lên.", pages=pages,
                    limit=limit),
            filename,
        )


def _check_doc(stream: BinaryIO, filename: str, limits: UploadLimits) -> None:
    """A Word 97-2003 file: readable, not encrypted, without macros, within the page limit."""
    import olefile

    stream.seek(0)
    try:
        with olefile.OleFileIO(stream) as ole:
            names = {part.lower() for entry in ole.listdir(streams=True, storages=True) for part in entry}
            with ole.openstream("WordDocument") as word:
                fib = word.read(12)
            pages = ole.get_metadata().num_pages if ole.exists("\x05SummaryInformation") else None
    except Exception:  # noqa: BLE001 - a compound file olefile cannot walk is broken
        raise _refused("corrupt", _CORRUPT_DOC, filename) from None
    finally:
        stream.seek(0)
    if len(fib) < 12 or fib[:2] not in (b"\xec\xa5", b"\xec\xa4"):
        raise _refused("corrupt", _CORRUPT_DOC, filename)
    if int.from_bytes(fib[_FIB_FLAGS_OFFSET:_FIB_FLAGS_OFFSET + 2], "little") & _FIB_ENCRYPTED:
        raise _refused("encrypted", _ENCRYPTED_MESSAGE, filename)
    if names & set(_OLE_MACRO_STORAGES):
        raise _refused("macros", _MACROS_MESSAGE, filename)
    if isinstance(pages, int):
        check_pages(pages, filename, limits)


_CORRUPT_DOC = Message("Tệp .doc bị hỏng hoặc không đầy đủ, không đọc được.")
_MACROS_MESSAGE = Message(
    "Tệp có chứa macro (mã lệnh tự chạy); hệ thống không nhận tệp có macro. "
    "Hãy lưu lại thành tệp không có macro (.docx hoặc .doc) rồi tải lên."
)


def _check_odt(stream: BinaryIO, filename: str, limits: UploadLimits) -> None:
    """An OpenDocument text: not a zip bomb, not encrypted, without macros, within the page limit."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            bomb = total > _MAX_PACKAGE_BYTES or any(
                member.file_size >= 1024 * 1024
                and (member.compress_size == 0 or member.file_size / member.compress_size > _MAX_PACKAGE_RATIO)
                for member in members
            )
            if bomb:
                raise _refused(
                    "zip_bomb", Message("Tệp .odt giải nén ra dung lượng bất thường, không được nhận."), filename
                )
            names = [member.filename for member in members]
            manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
            meta = archive.read("meta.xml") if "meta.xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        raise _refused("corrupt", Message("Tệp .odt bị hỏng hoặc không đầy đủ, không đọc được."), filename) from None
    finally:
        stream.seek(0)
    if b"encryption-data" in manifest:
        raise _refused("encrypted", _ENCRYPTED_MESSAGE, filename)
    if any(name.startswith(_ODT_MACRO_PREFIXES) for name in names):
        raise _refused("macros", _MACROS_MESSAGE, filename)
    found = re.search(rb'meta:page-count="(\d+)"', meta)
    if found:
        check_pages(int(found.group(1)), filename, limits)


def _check_image(stream: BinaryIO, filename: str, limits: UploadLimits) -> None:
    """A picture of pages: decodable header, within the pixel limit (Pillow's bomb guard) and the page limit."""
    import warnings

    from PIL import Image

    stream.seek(0)
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                frames = getattr(image, "n_frames", 1)
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused("image_too_large", _image_too_large(limits), filename) from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of error on a broken image
        raise _refused("corrupt", Message("Tệp ảnh bị hỏng hoặc không đọc được."), filename) from None
    finally:
        stream.seek(0)
    if width * height > limits.max_image_pixels:
        raise _refused("image_too_large", _image_too_large(limits), filename)
    check_pages(frames, filename, limits)


def _image_too_large(limits: UploadLimits) -> str:
    return Message("Ảnh quá lớn (vượt %(millions)s triệu điểm ảnh một trang); hãy quét lại ở 300 dpi.",
                   millions=limits.max_image_pixels // 1_000_000)


def check_extracted(extracted: Extracted, filename: str) -> None:
    """Refuse a .docx that reading showed to be hostile or broken (zip bomb, XML entities, corrupt parts)."""
    if extracted.refused:
        raise _refused(extracted.refused, _UNSAFE_DOCX.get(extracted.refused, _UNSAFE_DOCX["corrupt"]), filename)


def _refused(code: str, message: str, filename: str) -> Invalid:
    """The refusal of an upload, with the log line that is its only trace."""
    _log.warning("upload refused (%s): %r", code, filename)
    return Invalid(message, code=code)
