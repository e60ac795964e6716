"""Every part of a structure read from a document's blocks; a failure in one part loses that part only."""

from __future__ import annotations

import logging
from collections.abc import Callable

from qms.conformity.blocks import Block
from qms.conformity.components import read_dossier
from qms.conformity.control import has_amendment_table, read_amendments, read_control
from qms.conformity.forms import read_forms
from qms.conformity.headings import LEGAL_BASIS, REFERENCES
from qms.conformity.records import read_records
from qms.conformity.sections import Section, split_sections
from qms.conformity.steps import read_stated_time, read_steps
from qms.conformity.structure import NamedLawCited, SectionInfo, Structure
from qms.text.citations import find_named_laws

_log = logging.getLogger(__name__)


def read_parts(structure: Structure, blocks: list[Block]) -> None:
    """Fill the structure from the blocks, part by part."""
    sections = split_sections(blocks)
    structure.sections = [SectionInfo(s.kind, s.heading) for s in sections if s.heading]
    readers: list[tuple[str, Callable[[], object]]] = [
        ("control", lambda: read_control(blocks, sections)),
        ("amendments", lambda: read_amendments(blocks)),
        ("amendment_table", lambda: has_amendment_table(blocks)),
        ("dossier", lambda: read_dossier(sections)),
        ("stated_time", lambda: read_stated_time(sections)),
        ("steps", lambda: read_steps(sections)),
        ("forms", lambda: read_forms(sections)),
        ("records", lambda: read_records(sections)),
        ("legal_names", lambda: read_legal_names(sections)),
    ]
    for name, reader in readers:
        try:
            setattr(structure, name, reader())
        except Exception:  # noqa: BLE001 - a reading bug in one part must not lose the others
            _log.exception("conformity: part %s not read", name)


def read_legal_names(sections: list[Section]) -> list[NamedLawCited]:
    """Laws the legal basis (or the referenced documents) cite by name and year only."""
    lines: list[str] = []
    for section in sections:
        if section.kind not in (LEGAL_BASIS, REFERENCES):
            continue
        lines.extend(section.lines())
        lines.extend(cell.text for table in section.tables() for row in table.rows for cell in row if not cell.spanned)
    return [NamedLawCited(law.title, law.year, law.raw) for law in find_named_laws("\n".join(lines))]
