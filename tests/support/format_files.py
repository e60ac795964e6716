"""Hostile and broken files of the new formats, made in code from the committed fixtures: an encrypted .doc, a .doc
with macros, a broken .doc, an .odt claiming thousands of pages or carrying macros, a picture built to exhaust memory,
a scan with more pages than allowed."""

from __future__ import annotations

import io
import re
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

from support.factories import FIXTURES

FORMATS = FIXTURES / "formats"


def fixture(name: str) -> bytes:
    return (FORMATS / name).read_bytes()


def encrypted_doc() -> bytes:
    """The fixture .doc with the FIB's fEncrypted flag set, as Word writes a password-protected 97-2003 file."""
    import olefile

    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(fixture("process.doc"))
        handle.flush()
        with olefile.OleFileIO(handle.name, write_mode=True) as ole:
            word = bytearray(ole.openstream("WordDocument").read())
            word[11] |= 0x01  # fEncrypted is bit 8 of the little-endian flags word at offset 10
            ole.write_stream("WordDocument", bytes(word))
        return Path(handle.name).read_bytes()


def doc_with_macros() -> bytes:
    """The fixture .doc with a stream named Macros (where Word keeps a VBA project) in place of CompObj."""
    data = bytearray(fixture("process.doc"))
    old = "\x01CompObj".encode("utf-16-le") + b"\x00\x00"
    at = data.index(old)
    data[at:at + 64] = "Macros".encode("utf-16-le").ljust(64, b"\x00")
    data[at + 64:at + 66] = struct.pack("<H", len("Macros") * 2 + 2)
    return bytes(data)


def broken_doc() -> bytes:
    """A compound-file header and then nothing a reader can follow."""
    return fixture("process.doc")[:1536]


def _odt_with(replace_meta: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(fixture("process.odt"))) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "meta.xml" and replace_meta is not None:
                data = re.sub(rb'page-count="\d+"', replace_meta, data)
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, data, compress_type=compress)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def odt_of_thousands_of_pages() -> bytes:
    return _odt_with(replace_meta=b'page-count="5000"')


def odt_with_macros() -> bytes:
    return _odt_with(extra={"Basic/Standard/Module1.xml": b"<script:module/>"})


def png_bomb() -> bytes:
    """A tiny PNG whose header claims 100,000 x 100,000 pixels (10 gigapixels once decoded)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def scan_pdf(pages: int) -> bytes:
    """A PDF of page pictures without any text layer, as a scanner writes it."""
    from support.page_image import SCAN_LINES, draw_page

    page = draw_page(SCAN_LINES[:2], width=1240, size=21)
    out = io.BytesIO()
    page.save(out, "PDF", save_all=True, append_images=[page.copy() for _ in range(pages - 1)], resolution=150.0)
    return out.getvalue()
