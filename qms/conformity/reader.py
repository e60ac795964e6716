"""Reading a process document into its structure: by content (.docx or a PDF's text layer) or from extracted text.

Never raises: an unreadable file, or a bug in the reader, gives a structure that says why it was not read.
"""

from __future__ import annotations

import logging

from qms.conformity.blocks import Block
from qms.conformity.docx_reader import docx_blocks
from qms.conformity.parts import read_parts
from qms.conformity.structure import Structure
from qms.conformity.text_reader import pdf_blocks, text_blocks
from qms.text.extract import extract_text

_log = logging.getLogger(__name__)


def read_structure(data: bytes, filename: str) -> Structure:
    """The structure of a .docx or .pdf (by content); never raises, an unreadable file says why."""
    try:
        extracted = extract_text(data, filename)  # refuses hostile files and says why a file has no text
    except Exception as exc:  # noqa: BLE001 - e.g. zlib.error from a damaged deflate stream
        _log.info("text of %s not extracted: %s", filename, exc)
        return Structure(source="unknown", readable=False, problem=f"corrupt file ({type(exc).__name__})")
    if not extracted.has_text:
        return Structure(source=extracted.kind, readable=False, problem=extracted.error or "no text")
    try:
        blocks = _blocks(data, extracted.kind)
    except Exception as exc:  # noqa: BLE001 - a file the text reader took but the structure reader cannot
        _log.info("structure of %s not read from the file, falling back to its text: %s", filename, exc)
        return read_text_structure(extracted.text, source="text")
    try:
        return structure_of(blocks, extracted.kind)
    except Exception as exc:  # noqa: BLE001 - never fail an upload on a reading bug
        _log.exception("structure of %s not read", filename)
        return Structure(source=extracted.kind, readable=False, problem=f"reading failed: {type(exc).__name__}")


def read_text_structure(text: str, *, source: str = "text") -> Structure:
    """The structure of text extracted earlier (cells joined by " | "), when the file itself is not at hand."""
    if not (text or "").strip():
        return Structure(source=source, readable=False, problem="no text")
    try:
        return structure_of(text_blocks(text), source)
    except Exception as exc:  # noqa: BLE001 - never fail an upload on a reading bug
        _log.exception("structure not read from text")
        return Structure(source=source, readable=False, problem=f"reading failed: {type(exc).__name__}")


def _blocks(data: bytes, kind: str) -> list[Block]:
    return docx_blocks(data) if kind == "docx" else pdf_blocks(data)


def structure_of(blocks: list[Block], source: str) -> Structure:
    """Every part read from the blocks; a bug in one part loses that part only."""
    structure = Structure(source=source)
    read_parts(structure, blocks)
    return structure
