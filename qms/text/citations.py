"""Numbers of legal documents (`61/2018/NĐ-CP`, `101/QĐ-BKHCN`) found in text, in one canonical form.

A number is `N/YYYY/TYPE-ISSUER` (laws: `N/YYYY/QH13`) or, for administrative decisions,
`N/TYPE-ISSUER` without a year. The canonical form is NFC, with `Đ` (never `D` or the look-alike
`Ð`), no spaces, upper case except the Prime Minister's issuer code `TTg`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "DOCUMENT_TYPES",
    "Citation",
    "canonical_number",
    "find_all",
    "find_citations",
    "find_named_laws",
    "NamedLaw",
]

# Document-type abbreviations accepted right after the year (or the number): Luật (QH + legislature),
# Nghị quyết of the Standing Committee (UBTVQH + legislature), Nghị định, Quyết định, Thông tư,
# Thông tư liên tịch, Nghị quyết, Nghị quyết liên tịch, Chỉ thị, Pháp lệnh, Lệnh (L-CTN), Sắc lệnh.
DOCUMENT_TYPES: tuple[str, ...] = ("QH", "UBTVQH", "NĐ", "QĐ", "TT", "TTLT", "NQ", "NQLT", "CT", "PL", "L", "SL")
# Types carrying the legislature number instead of an issuer: `QH13`, `UBTVQH15`.
_LEGISLATURE_TYPES = ("QH", "UBTVQH")

# Hyphen look-alikes that word processors substitute for "-".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_CHAR_MAP = {ord(dash): "-" for dash in _DASHES} | {0x00D0: "Đ", 0x00F0: "đ"}
# Issuer codes written without Đ, and their canonical spelling.
_ASCII_ISSUERS = {
    "TTG": "TTg",
    "HDND": "HĐND",
    "BGDDT": "BGDĐT",
    "BLDTBXH": "BLĐTBXH",
    "LDTBXH": "LĐTBXH",
}
_ASCII_TYPES = {"ND": "NĐ", "QD": "QĐ"}

_D = "[ĐDÐđdð]"


def _type_pattern(abbreviation: str) -> str:
    """Regex of a type abbreviation that also accepts D and Ð for Đ."""
    return "".join(_D if char == "Đ" else re.escape(char) for char in abbreviation)


_SP = r"[ \t\u00a0]*"
_DASH = f"[-{_DASHES}]"
_ISSUER = r"[A-Za-zĐđÐð][A-Za-z0-9ĐđÐð&]*"
_FREE_TYPES = "|".join(
    _type_pattern(t) for t in sorted(set(DOCUMENT_TYPES) - set(_LEGISLATURE_TYPES), key=len, reverse=True)
)
_LEGISLATURE = "|".join(sorted(_LEGISLATURE_TYPES, key=len, reverse=True))
# TYPE-ISSUER(-ISSUER…): spaces are tolerated around the first dash only ("QĐ - TTg").
_TYPE_ISSUER = rf"(?:{_FREE_TYPES}){_SP}{_DASH}{_SP}{_ISSUER}(?:{_DASH}{_ISSUER})*"
_TYPE_PART = rf"(?:(?:{_LEGISLATURE})\d{{0,2}}|{_TYPE_ISSUER})"
_NUMBER = r"\d{1,5}(?:\.\d{1,3})?"
_YEAR = r"(?:19|20)\d{2}"
_END = r"(?![\w&])"
_START = r"(?<![\w./])"

# A whole number as a person types it into a form or the API, with no spaces, in the regex syntax Python and
# ECMAScript share (the OpenAPI document states it): every string it matches is a number ``parse_number`` takes.
_WHOLE_TYPE_ISSUER = rf"(?:{_FREE_TYPES})-{_ISSUER}(?:-{_ISSUER})*"
NUMBER_PATTERN = (
    rf"^(?:[0-9]{{1,5}}(?:\.[0-9]{{1,3}})?/(?:19|20)[0-9]{{2}}/(?:(?:{_LEGISLATURE})[0-9]{{0,2}}|{_WHOLE_TYPE_ISSUER})"
    rf"|[0-9]{{1,6}}/{_WHOLE_TYPE_ISSUER})$"
)

_FULL = re.compile(
    rf"{_START}(?P<num>{_NUMBER}){_SP}/{_SP}(?P<year>{_YEAR}){_SP}/{_SP}(?P<type>{_TYPE_PART}){_END}",
    re.IGNORECASE,
)
_NO_YEAR = re.compile(rf"{_START}(?P<num>\d{{1,6}}){_SP}/{_SP}(?P<type>{_TYPE_ISSUER}){_END}", re.IGNORECASE)
# Bare `N/YYYY` counts only right after a word naming a document type (or "số").
_TYPE_WORDS = (
    r"nghị\s+định|nghi\s+dinh|thông\s+tư(?:\s+liên\s+tịch)?|thong\s+tu(?:\s+lien\s+tich)?|luật|luat"
    r"|quyết\s+định|quyet\s+dinh|nghị\s+quyết|nghi\s+quyet|pháp\s+lệnh|phap\s+lenh|chỉ\s+thị|chi\s+thi"
    r"|số|so|n[đd]|q[đd]|tt|nq"
)
_PARTIAL = re.compile(
    rf"(?<!\w)(?:{_TYPE_WORDS})\s+(?:(?:số|so)\s*:?\s*)?(?P<num>{_NUMBER})/(?P<year>{_YEAR})(?![\w/]|[.,]\d)",
    re.IGNORECASE,
)
# A year-less number right after "mẫu" (form) is a form code such as "Mẫu 01/TT-…", not a decision.
_FORM_BEFORE = re.compile(r"(?:mẫu|mau)(?:\s+(?:số|so))?\s*:?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Citation:
    """A legal document number found in text; `partial` numbers (`61/2018`) lack type and issuer."""

    number: str
    raw: str
    start: int
    end: int
    partial: bool = False


def canonical_number(raw: str) -> str:
    """NFC, Đ for D/Ð in the type, no spaces, upper case except `TTg`: `19/2014/QD - TTg` -> `19/2014/QĐ-TTg`."""
    text = unicodedata.normalize("NFC", raw).translate(_CHAR_MAP)
    text = re.sub(r"\s+", "", text).strip(".,;:")
    *head, tail = text.split("/")
    head = [part.upper() for part in head]
    if head and any(char.isalpha() for char in tail):
        type_part, *issuers = tail.split("-")
        type_part = type_part.upper()
        type_part = _ASCII_TYPES.get(type_part, type_part)
        issuers = [_ASCII_ISSUERS.get(issuer.upper(), issuer.upper()) for issuer in issuers]
        tail = "-".join([type_part, *issuers])
    else:
        tail = tail.upper()
    return "/".join([*head, tail])


def find_all(text: str) -> list[Citation]:
    """Every citation in `text` in order of position, offsets into `text` as given (pass normalised text)."""
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for match in _FULL.finditer(text):
        found.append(_citation(match))
        taken.append(match.span())
    for match in _NO_YEAR.finditer(text):
        if _FORM_BEFORE.search(text, max(0, match.start() - 20), match.start()):
            continue
        if not _overlaps(match.span(), taken):
            found.append(_citation(match))
            taken.append(match.span())
    for match in _PARTIAL.finditer(text):
        span = match.span("num")[0], match.end()
        if not _overlaps(span, taken):
            found.append(Citation(f"{match['num']}/{match['year']}", text[span[0] : span[1]], *span, partial=True))
    return sorted(found, key=lambda citation: citation.start)


def find_citations(text: str) -> list[Citation]:
    """Distinct citations in order of first appearance; a partial one is dropped when its full number is cited."""
    citations = find_all(text)
    full_numbers = [citation.number for citation in citations if not citation.partial]
    unique: dict[str, Citation] = {}
    for citation in citations:
        if citation.number in unique:
            continue
        if citation.partial and any(number.startswith(citation.number + "/") for number in full_numbers):
            continue
        unique[citation.number] = citation
    return list(unique.values())


def _citation(match: re.Match[str]) -> Citation:
    """A full or year-less citation from its regex match."""
    return Citation(canonical_number(match.group(0)), match.group(0), match.start(), match.end())


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """Whether `span` overlaps any of the spans already taken."""
    return any(span[0] < end and start < span[1] for start, end in taken)


# --- laws cited by name and year ----------------------------------------------------------------

# "Luật Hộ tịch năm 2014", "Bộ luật Dân sự năm 2015", "Luật Đất đai ngày 18 tháng 01 năm 2024": the name runs
# from an upper-case word to "năm YYYY"; a number right after the name ("Luật Hộ tịch số 60/2014/QH13") is
# found by ``find_citations`` instead.
_NAMED = re.compile(
    r"(?<![\w])(?P<kind>[Bb]ộ\s+luật|Luật)\s+(?P<name>[A-ZĐÀ-Ỹ][^.;:()\n\d]{1,100}?)\s*,?\s+"
    r"(?:(?:được\s+)?(?:ban\s+hành\s+)?ngày\s+\d{1,2}\s*(?:tháng\s+\d{1,2}|/\s*\d{1,2})\s*)?"
    r"(?:năm|/)\s*(?P<year>(?:19|20)\d{2})(?!\d)"
)
_AMENDING = re.compile(r"^(?:sửa đổi|bổ sung)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NamedLaw:
    """A law cited by its name and year only ("Luật Hộ tịch năm 2014"): "Luật Hộ tịch", 2014."""

    title: str
    year: int
    raw: str


def find_named_laws(text: str) -> list[NamedLaw]:
    """Laws (and codes, Bộ luật) cited by name and year, distinct, in order; not those cited by number."""
    found: dict[tuple[str, int], NamedLaw] = {}
    for match in _NAMED.finditer(unicodedata.normalize("NFC", text)):
        name = " ".join(match["name"].split()).rstrip(" ,")
        if _AMENDING.match(name):  # "Luật sửa đổi, bổ sung một số điều …": its own title, rarely written by name
            continue
        kind = "Bộ luật" if match["kind"].lower().startswith("bộ") else "Luật"
        title = f"{kind} {name}"
        law = NamedLaw(title, int(match["year"]), " ".join(match.group(0).split()))
        found.setdefault((title.lower(), law.year), law)
    return list(found.values())
