"""The difference between two revisions of a document, from their extracted text, side by side.

Lines (paragraphs and table rows, as extraction writes them) are matched first; a changed line is paired
with the most similar line of the other side and compared word by word: whole syllables and words, never
characters, which is how Vietnamese is read. Every piece of text is escaped; the only markup is <del> on
the old side and <ins> on the new one. Long runs of unchanged lines are folded to a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from qms.accounts import permissions
from qms.documents import reading
from qms.errors import NotFound
from qms.models import Document, Revision, User

SAME, CHANGED, REMOVED, ADDED, FOLDED = "same", "changed", "removed", "added", "folded"
#: Unchanged lines kept around each change; longer unchanged runs are folded.
CONTEXT = 2
#: How similar two lines must be (0-1) to be shown as one changed line rather than a removal and an addition.
PAIRING_THRESHOLD = 0.4
#: How far ahead a changed line looks for its counterpart.
PAIRING_WINDOW = 30
TABLE_CELL_SEPARATOR = " | "
#: A word (codes such as 61/2018/NĐ-CP and numbers such as 8.000 stay whole) or one punctuation mark,
#: with the space before it.
_WORD = re.compile(r"\s*(?:\w+(?:[./:_\-]\w+)*|[^\w\s])")


@dataclass(frozen=True)
class DiffLine:
    kind: str
    old: Markup | None = None
    new: Markup | None = None
    old_number: int | None = None
    new_number: int | None = None
    #: A table row (cells joined by " | " by the extraction), not a paragraph.
    table_row: bool = False
    #: For a folded run: how many unchanged lines it stands for.
    folded: int = 0


@dataclass(frozen=True)
class RevisionDiff:
    document: Document
    old: Revision
    new: Revision
    lines: list[DiffLine]
    #: The revisions whose change descriptions explain the difference, oldest first.
    described_by: list[Revision]

    @property
    def has_text(self) -> bool:
        return self.old.has_text and self.new.has_text

    @property
    def changes(self) -> int:
        return sum(1 for line in self.lines if line.kind in (CHANGED, REMOVED, ADDED))


def compare(session: Session, viewer: User, document_id: int, old_id: int, new_id: int) -> RevisionDiff:
    """Two revisions of one document compared; staff, who see current revisions only, get "not found"."""
    document = reading.get_document(session, viewer, document_id)
    if not permissions.sees_non_current(viewer):
        raise NotFound("Không tìm thấy tài liệu.")
    by_id = {revision.id: revision for revision in document.revisions}
    if old_id not in by_id or new_id not in by_id:
        raise NotFound("Không tìm thấy phiên bản của tài liệu này.")
    old, new = by_id[old_id], by_id[new_id]
    lines = diff_lines(old.text or "", new.text or "")
    return RevisionDiff(document, old, new, lines, _described_by(document, old, new))


def default_pair(document: Document, viewer: User) -> tuple[Revision, Revision] | None:
    """The newest visible revision and the one before it, the comparison people want first."""
    revisions = reading.visible_revisions(viewer, document)
    if len(revisions) < 2:
        return None
    return revisions[-2], revisions[-1]


def _described_by(document: Document, old: Revision, new: Revision) -> list[Revision]:
    low, high = sorted((old.number, new.number))
    between = [revision for revision in document.revisions if low < revision.number <= high]
    return between or [new]


# --- lines -----------------------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based position among them."""
    kept = [" ".join(line.split()) for line in text.splitlines()]
    return list(enumerate((line for line in kept if line), start=1))


def diff_lines(old_text: str, new_text: str) -> list[DiffLine]:
    """Every line of both texts, matched, with unchanged runs folded."""
    old, new = _lines(old_text), _lines(new_text)
    matcher = SequenceMatcher(None, [text for _, text in old], [text for _, text in new], autojunk=False)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [_same(a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
        else:
            lines += _pair(old[i1:i2], new[j1:j2])
    return _fold(lines)


def _same(old: tuple[int, str], new: tuple[int, str]) -> DiffLine:
    return DiffLine(SAME, escape(old[1]), escape(new[1]), old[0], new[0], _is_table_row(new[1]))


def _pair(old: list[tuple[int, str]], new: list[tuple[int, str]]) -> list[DiffLine]:
    """Old lines matched in order to the most similar new line ahead; the rest are removals and additions."""
    lines: list[DiffLine] = []
    position = 0
    for number, text in old:
        best, best_ratio = None, PAIRING_THRESHOLD
        for index in range(position, min(len(new), position + PAIRING_WINDOW)):
            ratio = _similarity(text, new[index][1])
            if ratio >= best_ratio:
                best, best_ratio = index, ratio
        if best is None:
            lines.append(DiffLine(REMOVED, old=_marked(text, "del"), old_number=number, table_row=_is_table_row(text)))
            continue
        lines += [_added(line) for line in new[position:best]]
        old_html, new_html = words_diff(text, new[best][1])
        lines.append(DiffLine(CHANGED, old_html, new_html, number, new[best][0], _is_table_row(text)))
        position = best + 1
    lines += [_added(line) for line in new[position:]]
    return lines


def _added(line: tuple[int, str]) -> DiffLine:
    return DiffLine(ADDED, new=_marked(line[1], "ins"), new_number=line[0], table_row=_is_table_row(line[1]))


def _similarity(old: str, new: str) -> float:
    matcher = SequenceMatcher(None, old.split(), new.split(), autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= PAIRING_THRESHOLD else 0.0


def _is_table_row(line: str) -> bool:
    return TABLE_CELL_SEPARATOR in line


def _fold(lines: list[DiffLine]) -> list[DiffLine]:
    """Unchanged runs keep CONTEXT lines next to a change; the rest of a run becomes one folded line."""
    folded: list[DiffLine] = []
    index = 0
    while index < len(lines):
        if lines[index].kind != SAME:
            folded.append(lines[index])
            index += 1
            continue
        end = index
        while end < len(lines) and lines[end].kind == SAME:
            end += 1
        keep_head = CONTEXT if index > 0 else 0
        keep_tail = CONTEXT if end < len(lines) else 0
        if end - index <= keep_head + keep_tail + 1:
            folded += lines[index:end]
        else:
            folded += lines[index : index + keep_head]
            folded.append(DiffLine(FOLDED, folded=end - index - keep_head - keep_tail))
            folded += lines[end - keep_tail : end]
        index = end
    return folded


# --- words -----------------------------------------------------------------------------------------


def words_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """Both lines escaped, words only in the old one in <del>, words only in the new one in <ins>."""
    old_words, new_words = _WORD.findall(old), _WORD.findall(new)
    matcher = SequenceMatcher(None, [w.strip() for w in old_words], [w.strip() for w in new_words], autojunk=False)
    old_parts: list[Markup] = []
    new_parts: list[Markup] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_parts.append(escape("".join(old_words[i1:i2])))
            new_parts.append(escape("".join(new_words[j1:j2])))
            continue
        if i2 > i1:
            old_parts.append(_marked("".join(old_words[i1:i2]), "del"))
        if j2 > j1:
            new_parts.append(_marked("".join(new_words[j1:j2]), "ins"))
    return Markup("").join(old_parts), Markup("").join(new_parts)


def _marked(text: str, tag: str) -> Markup:
    """Leading space stays outside the mark, so a marked run starts at its first letter."""
    stripped = text.lstrip()
    space = text[: len(text) - len(stripped)]
    return escape(space) + Markup(f"<{tag}>") + escape(stripped) + Markup(f"</{tag}>")
