"""Section headings of a process document, whatever the numbering (`5.2.`, `b)`, `II.`) and the usual wordings.

A heading is recognised by its name (on folded text); numbered or styled lines may carry extra words
("5.7. Quy trình xử lý công việc"), an unnumbered line must be the name alone, or the name and a colon
followed by the content ("Hồ sơ gồm: …"). Unknown numbered lines end a section when they are its
next sibling or higher (`6.` after `5.7.`), never when they are items of a list below it (`1.` after `5.2.`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qms.text.vietnamese import fold

# Section kinds, the English names used in the stored structure.
PURPOSE, SCOPE, REFERENCES, DEFINITIONS, CONTENT = "purpose", "scope", "references", "definitions", "content"
LEGAL_BASIS, REQUIREMENTS, DOSSIER, DOSSIER_COUNT = "legal_basis", "requirements", "dossier", "dossier_count"
TIME, PLACE, FEE, STEPS, FORMS, RECORDS = "time", "place", "fee", "steps", "forms", "records"
METHOD, RESULT = "method", "result"
#: Notes ("Lưu ý") and what is appended after the process (annexes, the agency's e-forms): not dossier nor steps.
NOTES, ANNEX, TOC = "notes", "annex", "toc"

LABELS = {
    PURPOSE: "Mục đích",
    SCOPE: "Phạm vi",
    REFERENCES: "Tài liệu viện dẫn",
    DEFINITIONS: "Định nghĩa, viết tắt",
    CONTENT: "Nội dung",
    LEGAL_BASIS: "Cơ sở pháp lý",
    REQUIREMENTS: "Yêu cầu, điều kiện",
    DOSSIER: "Thành phần hồ sơ",
    DOSSIER_COUNT: "Số lượng hồ sơ",
    TIME: "Thời gian xử lý",
    PLACE: "Nơi tiếp nhận và trả kết quả",
    FEE: "Lệ phí",
    METHOD: "Cách thức thực hiện",
    RESULT: "Kết quả",
    STEPS: "Quy trình xử lý",
    FORMS: "Biểu mẫu",
    RECORDS: "Hồ sơ cần lưu",
    NOTES: "Lưu ý",
    ANNEX: "Phụ lục",
    TOC: "Mục lục",
}

# (kind, pattern on the folded, lower-case name with punctuation as spaces); the first match wins.
_NAMES: tuple[tuple[str, str], ...] = (
    (TOC, r"muc luc"),
    (ANNEX, r"phu luc|(?:cac )?(?:bieu mau|mau|to khai|bieu mau to khai) dien tu"),
    (NOTES, r"luu y|chu y"),
    (RECORDS, r"(?:danh muc )?ho so (?:can |phai |duoc )?luu(?: tru| giu)?(?: ho so)?"
              r"|(?:luu tru|luu) ho so|ho so luu tru"),
    (DOSSIER_COUNT, r"so (?:luong|bo) ho so|so luong"),
    (DOSSIER, r"(?:thanh phan|thanh phan va so luong|thanh phan so luong) ho so(?: (?:bao gom|gom|can nop|de nghi))?"
              r"|ho so(?: (?:bao gom|gom|de nghi|can nop|phai nop|nop))?|(?:cac )?giay to (?:can|phai) nop"),
    (TIME, r"thoi (?:gian|han)(?: (?:xu ly|giai quyet|thuc hien))?(?: ho so| thu tuc hanh chinh| tthc)?"),
    (PLACE, r"noi (?:tiep nhan|nop ho so|nop|tra ket qua)(?: (?:va )?tra ket qua)?(?: ho so)?"
            r"|dia diem(?: tiep nhan| thuc hien)?"),
    (FEE, r"(?:phi le phi|le phi|phi|muc thu(?: phi| le phi)?)"),
    (STEPS, r"(?:quy trinh|trinh tu|cac buoc)(?: cac buoc| thuc hien)? (?:xu ly|thuc hien|giai quyet|tiep nhan)"
            r"(?: cong viec| ho so| thu tuc(?: hanh chinh)?)?"
            r"|trinh tu|(?:mo ta )?luu do(?: quy trinh)?|dien giai quy trinh|mo ta quy trinh"),
    (FORMS, r"(?:danh muc )?(?:cac )?(?:bieu mau|mau bieu)(?: su dung| ap dung| kem theo)?"),
    (LEGAL_BASIS, r"(?:co so|can cu) phap ly|can cu|van ban phap ly"),
    (REFERENCES, r"tai lieu (?:vien dan|tham chieu|lien quan)"),
    (PURPOSE, r"muc dich(?: yeu cau)?"),
    (SCOPE, r"pham vi(?: ap dung| dieu chinh)?|doi tuong (?:ap dung|thuc hien)"),
    (DEFINITIONS, r"(?:dinh nghia|viet tat|thuat ngu|giai thich tu ngu)"
                  r"(?: (?:va )?(?:viet tat|thuat ngu|dinh nghia))?"),
    (REQUIREMENTS, r"(?:yeu cau|dieu kien)(?: (?:va )?(?:dieu kien|yeu cau))?(?: thuc hien)?"),
    (METHOD, r"cach thuc (?:thuc hien|nop ho so|nop)"),
    (RESULT, r"ket qua (?:giai quyet|thuc hien|xu ly)(?: thu tuc hanh chinh)?"),
    (CONTENT, r"noi dung(?: quy trinh)?"),
)
_PATTERNS = tuple((kind, re.compile(rf"(?:{pattern})\b")) for kind, pattern in _NAMES)
# What may follow a name on an unnumbered line before the colon or the end.
_FILLER = re.compile(r"^(?:gom|bao gom|nhu sau|cu the)?$")

_NUMBERING = re.compile(
    r"^\s*(?:(?:phần|phan|mục|muc|chương|chuong|điều|dieu)\s+)?"
    r"(?:(?P<arabic>\d{1,2}(?:\.\d{1,2}){0,3})(?:\s*[.):]\s*|\s+)"
    r"|(?P<roman>(?-i:[IVXLC]{1,6}))\s*[.):]\s*"
    r"|(?P<letter>[a-zđ])\s*[.)]\s+"
    r"|\((?P<paren>\d{1,2}|[a-zđ])\)\s*)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*[-–•*+·▪●○◦]")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_MAX_WORDS = 14
# Words a numbered heading may add to its name ("5.7. Quy trình xử lý công việc tại xã"), more is a sentence.
_MAX_EXTRA = 3


@dataclass(frozen=True, slots=True)
class Numbering:
    """A heading number: its style ("arabic", "roman", "letter") and value (5, 2) for "5.2."."""

    style: str
    value: tuple[int, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Heading:
    kind: str | None
    number: Numbering | None
    #: The heading as written, e.g. "5.2. Thành phần hồ sơ".
    text: str
    #: Content written on the heading's line after a colon.
    rest: str = ""


def split_numbering(text: str) -> tuple[Numbering | None, str]:
    """The numbering in front of a line and the words after it."""
    match = _NUMBERING.match(text)
    if match is None:
        return None, text.strip()
    remainder = text[match.end() :].strip()
    if match.group("arabic"):
        value = tuple(int(part) for part in match.group("arabic").split("."))
        return Numbering("arabic", value, match.group("arabic")), remainder
    if match.group("roman"):
        return Numbering("roman", (_roman(match.group("roman")),), match.group("roman")), remainder
    letter = match.group("letter") or match.group("paren")
    if letter.isdigit():
        return Numbering("arabic", (int(letter),), letter), remainder
    return Numbering("letter", (ord(fold(letter).lower()) - ord("a") + 1,), letter), remainder


def name_key(text: str) -> str:
    """Folded lower-case words without punctuation: "Thành phần, số lượng hồ sơ" -> "thanh phan so luong ho so"."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text).lower()).split())


def kind_of(name: str) -> tuple[str, int] | None:
    """The section kind a name starts with, and how many characters of the key the name took."""
    key = name_key(name)
    for kind, pattern in _PATTERNS:
        match = pattern.match(key)
        if match is not None:
            return kind, match.end()
    return None


def heading_of(text: str, *, styled: bool = False, bold: bool = False) -> Heading | None:
    """The heading a paragraph is, if any; unknown headings come back with kind None (numbered or styled only).

    A line of any length may be a heading followed by its content after a colon ("b. Thời hạn giải quyết: …");
    a bold line may add a few words to a known name, as a numbered one may.
    """
    line = " ".join(text.split())
    if not line or _BULLET.match(line):
        return None
    number, remainder = split_numbering(line)
    name, colon, rest = remainder.partition(":")
    name = name.strip()
    words = name.split()
    if not words or len(words) > _MAX_WORDS or name.endswith((";", ",")) or len(name) > 150:
        return None
    found = kind_of(name)
    if found is not None:
        kind, used = found
        extra = name_key(name)[used:].strip()
        if kind in (TOC, NOTES) and (extra or rest.strip()):
            return None  # "Lưu ý: …" on one line is a note among the lines, not a section of its own
        loose = number is not None or bold
        if _FILLER.match(extra) is not None or styled or (loose and len(extra.split()) <= _MAX_EXTRA):
            return Heading(kind, number, _heading_text(line, colon, rest), rest.strip())
        if number is None:
            return None
    if (number is not None and number.style != "letter") or styled or _shouted(name):
        if rest.strip() or name.endswith(".") or len(line) > 200:
            return None
        return Heading(None, number, line)
    return None


def ends_section(heading: Heading, current: Numbering | None) -> bool:
    """Whether a heading closes the current section: a known name, styled or capitals, or a sibling-or-higher number."""
    if heading.kind is not None or heading.number is None:
        return True
    if current is None or current.style != heading.number.style:
        return heading.number.style != "arabic" or len(heading.number.value) > 1
    return heading.number.value > current.value and len(heading.number.value) <= len(current.value)


def _heading_text(line: str, colon: str, rest: str) -> str:
    """The heading without the content written after its colon."""
    return line[: len(line) - len(rest) - len(colon)].strip() if colon else line


def _shouted(name: str) -> bool:
    letters = [char for char in name if char.isalpha()]
    return len(letters) >= 4 and all(char.isupper() for char in letters)


def _roman(numeral: str) -> int:
    values = [_ROMAN[char] for char in numeral.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
