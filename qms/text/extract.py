"""Plain text out of uploaded .docx and .pdf files, in reading order, never raising on bad input."""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qms.text.vietnamese import normalize

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_UNCOMPRESSED_TOTAL",
    "MIN_PDF_TEXT_CHARS",
    "Extracted",
    "extract_text",
    "package_refusal",
]

# A .docx whose parts inflate beyond these limits is refused as a likely zip bomb.
MAX_UNCOMPRESSED_TOTAL = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# Members smaller than this cannot do harm whatever their ratio (tiny XML parts compress very well).
_RATIO_FLOOR = 1024 * 1024
_MAX_MEMBERS = 10_000
# A PDF with fewer non-whitespace characters than this is treated as a scan without a text layer.
MIN_PDF_TEXT_CHARS = 20

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
_T, _TAB, _BR, _CR = f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"
_NO_BREAK_HYPHEN, _DEL, _TXBX = f"{_W}noBreakHyphen", f"{_W}del", f"{_W}txbxContent"
_FALLBACK = f"{_MC}Fallback"
# Deleted text, text boxes (read separately), VML fallbacks; paragraph and run properties hold no text.
_SKIPPED = (_DEL, _TXBX, _FALLBACK, f"{_W}pPr", f"{_W}rPr")

# XML markup that declares entities; it has no business in a Word part and enables "billion laughs".
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
# The encodings Word writes XML in; an XML declaration naming another (UTF-7, EBCDIC …) would let the
# parsers read a declaration that the byte markers above do not spell.
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_WORD_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be"}
_CHUNK = 1024 * 1024
_WHITESPACE = re.compile(r"\s+")

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Extracted:
    """The text of a file (normalised), its detected kind, and why there is no text when there is none.

    ``refused`` names why a .docx must not be accepted at all (``zip_bomb``, ``xml_entities``,
    ``corrupt``, ``not_word``, ``too_many_parts``), as opposed to a readable file that has no text.
    """

    text: str
    kind: str  # "docx" | "pdf" | "unknown"
    has_text: bool
    error: str | None = None
    refused: str | None = None


class _Refused(Exception):
    """A file that is refused for a reason worth telling the user (the message), with its code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def extract_text(data: bytes, filename: str) -> Extracted:
    """Text of a .docx or .pdf judged by its content (magic bytes), not its name; errors are returned, not raised."""
    kind = _detect(data, filename)
    if kind == "docx":
        return _extract_docx(data)
    if kind == "pdf":
        return _extract_pdf(data)
    return Extracted("", "unknown", False, _unknown_reason(data, filename))


def _detect(data: bytes, filename: str) -> str:
    """'docx' for a zip holding word/document.xml (or a broken zip named .docx), 'pdf' for %PDF-, else 'unknown'."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.getinfo("word/document.xml")
        except KeyError:
            return "unknown"
        except Exception:  # noqa: BLE001 - a broken zip: trust the name to say what it was meant to be
            return "docx" if filename.lower().endswith(".docx") else "unknown"
        return "docx"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return "unknown"


def _unknown_reason(data: bytes, filename: str) -> str:
    """A short English reason why a file of unknown content cannot be read."""
    if not data:
        return "empty file"
    if data.startswith(b"PK\x03\x04"):
        return "not a Word document (zip archive without word/document.xml, or unreadable)"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "legacy binary Word (.doc) or other OLE file; save it as .docx"
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("docx", "pdf"):
        return f"content is not a valid .{extension} file"
    return "unsupported file type (only .docx and .pdf are read)"


# --- .docx ---------------------------------------------------------------------------------------


def _extract_docx(data: bytes) -> Extracted:
    """Headers, body (paragraphs and tables in order) and footers of a .docx, refused if it looks hostile."""
    try:
        _check_package(data)
    except _Refused as refused:
        return Extracted("", "docx", False, str(refused), refused.code)
    try:
        import docx  # deferred: python-docx is only needed for .docx uploads

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - parts that are not well-formed OOXML: Word cannot open it either
        _log.info("unreadable .docx: %s", exc)
        return Extracted("", "docx", False, "corrupt or unsupported .docx file", "corrupt")
    try:
        text = _document_text(document)
    except Exception as exc:  # noqa: BLE001 - an odd structure loses the text, not the file
        _log.info("unreadable .docx text: %s", exc)
        return Extracted("", "docx", False, "corrupt or unsupported .docx file")
    text = normalize(text)
    if not text.strip():
        return Extracted(text, "docx", False, "document contains no text")
    return Extracted(text, "docx", True, None)


def _check_package(data: bytes) -> None:
    """Refuse a broken zip, a zip without word/document.xml, a zip bomb, or XML parts declaring a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _Refused("corrupt", "corrupt or truncated .docx (not a readable zip archive)") from exc
    with archive:
        members = archive.infolist()
        if "word/document.xml" not in {member.filename for member in members}:
            raise _Refused("not_word", "not a Word document (zip without word/document.xml)")
        if len(members) > _MAX_MEMBERS:
            raise _Refused("too_many_parts", "too many parts in the .docx archive")
        total = 0
        for member in members:
            total += member.file_size
            if total > MAX_UNCOMPRESSED_TOTAL:
                raise _Refused("zip_bomb", "archive expands to more than 200 MB (possible zip bomb)")
            if member.file_size >= _RATIO_FLOOR and (
                member.compress_size == 0 or member.file_size / member.compress_size > MAX_COMPRESSION_RATIO
            ):
                raise _Refused("zip_bomb", "suspicious compression ratio in .docx (possible zip bomb)")
        # Every part whatever its name: the relationships may make word/main.dat the main document
        # or header9.dat a header, and the readers parse what the relationships point at.
        for member in members:
            if _declares_dtd(archive, member):
                raise _Refused("xml_entities", "XML with a DOCTYPE/ENTITY declaration is not accepted")


def package_refusal(data: bytes) -> str | None:
    """Why a .docx package must not be read at all (the codes of ``Extracted.refused``), or None."""
    try:
        _check_package(data)
    except _Refused as refused:
        return refused.code
    return None


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether a part contains a DOCTYPE or ENTITY declaration, or is XML in an encoding Word never uses.

    Scanned in chunks, whatever the part's name or content type.
    """
    overlap = max(len(marker) for marker in _DTD_MARKERS)
    tail = b""
    try:
        with archive.open(member) as stream:
            first = True
            while chunk := stream.read(_CHUNK):
                if first:
                    first = False
                    declared = _XML_ENCODING.match(chunk.removeprefix(b"\xef\xbb\xbf"))
                    if declared and declared.group(1).decode("ascii").lower() not in _WORD_ENCODINGS:
                        return True
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    return True
                tail = window[-overlap:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise _Refused("corrupt", "corrupt or truncated .docx (a part cannot be read)") from exc
    return False


def _document_text(document: Any) -> str:
    """Header lines, then body lines, then footer lines, separated by blank lines."""
    headers, footers = _headers_and_footers(document)
    body = _block_lines(document.element.body, document)
    blocks = [block for block in ("\n".join(headers), "\n".join(body), "\n".join(footers)) if block.strip()]
    return _tidy("\n\n".join(blocks))


def _headers_and_footers(document: Any) -> tuple[list[str], list[str]]:
    """Lines of every section's own first/even/default headers and footers, each distinct part once."""
    headers: list[str] = []
    footers: list[str] = []
    seen: set[str] = set()
    for section in document.sections:
        for target, parts in (
            (headers, (section.first_page_header, section.even_page_header, section.header)),
            (footers, (section.first_page_footer, section.even_page_footer, section.footer)),
        ):
            for part in parts:
                if part.is_linked_to_previous:  # no definition of its own: it shows the previous one
                    continue
                lines = _block_lines(part._element, part)
                block = "\n".join(lines).strip()
                if block and block not in seen:
                    seen.add(block)
                    target.extend(lines)
    return headers, footers


def _block_lines(container: Any, parent: Any) -> list[str]:
    """Lines of the paragraphs and tables directly inside a body, cell, header or text box, in order."""
    lines: list[str] = []
    for element in iter_blocks(container):
        if element.tag == _P:
            lines.append(paragraph_text(element))
            lines.extend(_text_box_lines(element, parent))
        else:
            lines.extend(_table_lines(element, parent))
    return lines


def iter_blocks(container: Any) -> Iterator[Any]:
    """w:p and w:tbl children in document order, looking through content controls and custom XML."""
    for child in container.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from iter_blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from iter_blocks(child)


def paragraph_text(paragraph: Any) -> str:
    """Visible text of a paragraph incl. hyperlinks, fields and insertions; no deletions or text boxes."""
    parts: list[str] = []
    _collect_run_text(paragraph, parts)
    return "".join(parts)


def _collect_run_text(element: Any, parts: list[str]) -> None:
    """Depth-first text of runs below `element`, skipping deleted text, text boxes and VML fallbacks."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag in _SKIPPED:
            continue
        elif isinstance(tag, str):  # comments and processing instructions have a non-str tag
            _collect_run_text(child, parts)


def _text_box_lines(paragraph: Any, parent: Any) -> list[str]:
    """Lines of text boxes anchored in a paragraph (DrawingML, or VML when there is no DrawingML)."""
    lines: list[str] = []
    for box in _iter_text_boxes(paragraph):
        lines.extend(_block_lines(box, parent))
    return lines


def _iter_text_boxes(element: Any) -> Iterator[Any]:
    """Outermost w:txbxContent below `element`, outside mc:Fallback (which repeats the mc:Choice box)."""
    for child in element.iterchildren():
        if child.tag == _TXBX:
            yield child
        elif child.tag != _FALLBACK and isinstance(child.tag, str):
            yield from _iter_text_boxes(child)


def _table_lines(table_element: Any, parent: Any) -> list[str]:
    """One line per row, cells joined by " | "; nested tables' rows follow their row as lines.

    A horizontally merged cell appears once per row; a vertically merged one is repeated on every
    row it spans (as python-docx reports it), so that each line can be read on its own.
    """
    from docx.table import Table

    table = Table(table_element, parent)
    lines: list[str] = []
    for tr in table_element.iterchildren(_TR):
        cells = _row_cells(table, tr)
        texts: list[str] = []
        nested: list[str] = []
        previous = None
        for tc in cells:
            if tc is previous:
                continue
            previous = tc
            texts.append(_cell_text(tc, parent, nested))
        if any(text.strip() for text in texts):
            lines.append(" | ".join(texts))
        lines.extend(nested)
    return lines


def _row_cells(table: Any, tr: Any) -> list[Any]:
    """The w:tc element of each grid cell of a row as python-docx resolves merges; raw cells if it cannot."""
    from docx.table import _Row

    try:
        return [cell._tc for cell in _Row(tr, table).cells]
    except Exception:  # noqa: BLE001 - malformed merges: fall back to the cells actually present
        return list(tr.iterchildren(_TC))


def _cell_text(tc: Any, parent: Any, nested: list[str]) -> str:
    """A cell's paragraphs on one line; lines of tables nested in it are appended to `nested`."""
    paragraphs: list[str] = []
    for element in iter_blocks(tc):
        if element.tag == _P:
            paragraphs.append(paragraph_text(element))
            paragraphs.extend(_text_box_lines(element, parent))
        else:
            nested.extend(_table_lines(element, parent))
    return _WHITESPACE.sub(" ", " ".join(paragraphs)).strip()


def _tidy(text: str) -> str:
    """No trailing spaces on lines and at most one blank line in a row."""
    lines = [line.rstrip() for line in text.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# --- .pdf ----------------------------------------------------------------------------------------


def _extract_pdf(data: bytes) -> Extracted:
    """Text layer of every page joined by form feeds; encrypted files open only with an empty password."""
    try:
        from pypdf import PasswordType, PdfReader  # deferred: pypdf is only needed for .pdf uploads

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - unsupported cipher, missing crypto backend …
                opened = PasswordType.NOT_DECRYPTED
            if not opened:
                return Extracted("", "pdf", False, "encrypted PDF (password required)")
        pages = list(reader.pages)
    except Exception as exc:  # noqa: BLE001 - any parser failure means an unreadable file
        _log.info("unreadable .pdf: %s", exc)
        return Extracted("", "pdf", False, "corrupt or unsupported PDF file")
    texts: list[str] = []
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except Exception as exc:  # noqa: BLE001 - one broken page must not lose the others
            _log.info("unreadable PDF page: %s", exc)
            texts.append("")
    text = normalize("\f".join(texts))
    if len(_WHITESPACE.sub("", text)) < MIN_PDF_TEXT_CHARS:
        return Extracted(text, "pdf", False, "no text layer (scanned PDF?)")
    return Extracted(text, "pdf", True, None)
