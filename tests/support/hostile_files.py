"""Hostile and broken files, made in code from a real .docx: zip bomb, XML entity bomb, truncated,
broken part, password-encrypted Office file (an OLE compound file), empty, and lying about its type."""

from __future__ import annotations

import io
import struct
import zipfile

from support.factories import make_docx

#: Inflates from a few kilobytes to 16 MB: far beyond the ratio a Word part ever has.
BOMB_BYTES = 16 * 1024 * 1024

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
)


def repacked(docx: bytes, members: dict[str, bytes]) -> bytes:
    """The same package with some members replaced or added, deflated as Word does."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in members:
                target.writestr(item, source.read(item.filename))
        for name, content in members.items():
            target.writestr(name, content, compresslevel=9)
    return out.getvalue()


def zip_bomb() -> bytes:
    return repacked(make_docx("Quy trình bình thường"), {"word/media/image1.png": b"\0" * BOMB_BYTES})


def zip_bomb_with_false_sizes() -> bytes:
    """A zip bomb whose directory claims its parts are small: readers must trust the sizes no further
    than they read (zipfile stops at the claimed size and then fails the CRC)."""
    package = bytearray(repacked(make_docx("Quy trình"), {
        "word/media/image1.png": b"\0" * BOMB_BYTES, "word/settings.xml": b"<a/>" + b" " * BOMB_BYTES,
    }))
    entry = package.find(b"PK\x01\x02")
    while entry != -1:
        struct.pack_into("<I", package, entry + 24, min(struct.unpack_from("<I", package, entry + 24)[0], 4096))
        entry = package.find(b"PK\x01\x02", entry + 4)
    return bytes(package)


def entity_bomb() -> bytes:
    docx = make_docx("Quy trình &lol9;")
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = package.read("word/document.xml").split(b"?>", 1)[1]
    return repacked(docx, {"word/document.xml": BILLION_LAUGHS + body.replace(b"&amp;lol9;", b"&lol9;")})


def truncated() -> bytes:
    docx = make_docx("Quy trình bị cắt ngang khi tải lên")
    return docx[: len(docx) * 2 // 3]


def broken_part() -> bytes:
    """A sound zip whose main part is cut off in the middle of the XML."""
    docx = make_docx("Quy trình có phần hỏng")
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        xml = package.read("word/document.xml")
    return repacked(docx, {"word/document.xml": xml[: len(xml) // 2]})


def encrypted_office_file() -> bytes:
    """What Word writes for a .docx with a password: an OLE compound file holding EncryptionInfo and
    EncryptedPackage streams (contents are placeholders; the structure is a valid CFB version 3)."""
    sector = 512
    info, package = b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\0" * 4088, bytes(range(256)) * 32  # 4096 and 8192 bytes
    info_start, package_start = 2, 2 + len(info) // sector
    used = package_start + len(package) // sector
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end]  # the FAT sector itself, the directory
    for start, length in ((info_start, len(info)), (package_start, len(package))):
        count = length // sector
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (sector // 4 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name.encode("utf-16-le") + b"\0\0") if name else b""
        return (
            encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", left, right, child) + b"\0" * 36 + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, free, free, 1, end, 0)
        + entry("EncryptionInfo", 2, free, 2, free, info_start, len(info))
        + entry("EncryptedPackage", 2, free, free, free, package_start, len(package))
        + entry("", 0, free, free, free, 0, 0)
    )
    data = header + struct.pack(f"<{sector // 4}I", *fat) + directory + info + package
    assert len(data) == sector * (used + 1)
    return data


#: (name, content, file name, API error code) of every upload that must be refused without a trace.
REFUSED_UPLOADS = [
    ("zip bomb", zip_bomb, "quy-trinh.docx", "zip_bomb"),
    ("zip bomb with false sizes", zip_bomb_with_false_sizes, "quy-trinh.docx", "corrupt"),
    ("XML entity bomb", entity_bomb, "quy-trinh.docx", "xml_entities"),
    ("truncated .docx", truncated, "quy-trinh.docx", "content_mismatch"),
    ("broken part", broken_part, "quy-trinh.docx", "corrupt"),
    ("encrypted .docx", encrypted_office_file, "quy-trinh.docx", "encrypted"),
    ("empty file", lambda: b"", "quy-trinh.docx", "empty_file"),
    ("PDF named .docx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n", "quy-trinh.docx",
     "content_mismatch"),
    (".docx named .pdf", lambda: make_docx("Quy trình"), "quy-trinh.pdf", "content_mismatch"),
    ("program named .docx", lambda: b"MZ\x90\x00" + b"\0" * 200, "quy-trinh.docx", "content_mismatch"),
]
