"""Form codes as processes write them ("Mẫu 01", "Mẫu số 02a", "BM.HT.01", "BM-01"), and one key to compare them."""

from __future__ import annotations

import re

from qms.text.vietnamese import fold

# "Mẫu 01, 06" names two forms; the numbers after the first need the list separators.
_MAU = re.compile(
    r"(?<!\w)(?:bi[ểe]u\s+)?m[ẫa]u(?:\s+s[ốo])?\s*[:.]?\s*(?P<first>\d{1,3}[a-z]?)(?!\w)"
    r"(?P<more>(?:\s*(?:,|;|v[àa])\s*\d{1,3}[a-z]?(?![\w/]))*)",
    re.IGNORECASE,
)
_BM = re.compile(r"(?<![\w.])BM[\s.\-_]*(?:[A-ZĐ]{1,6}[.\-_]\s*)*\d{1,3}[a-z]?(?![\w])")
_MORE = re.compile(r"\d{1,3}[a-z]?", re.IGNORECASE)
_BARE = re.compile(r"^\d{1,3}[a-z]?$", re.IGNORECASE)


def form_codes(text: str) -> list[str]:
    """The form codes named in a text, as written ("Mẫu 01"), each once, in order."""
    found: list[tuple[int, str]] = []
    for match in _MAU.finditer(text):
        found.append((match.start(), f"Mẫu {match.group('first')}"))
        found.extend((match.start(), f"Mẫu {number}") for number in _MORE.findall(match.group("more") or ""))
    for match in _BM.finditer(text):
        found.append((match.start(), " ".join(match.group(0).split())))
    codes: list[str] = []
    keys: set[str] = set()
    for _, code in sorted(found, key=lambda item: item[0]):
        if form_key(code) not in keys:
            keys.add(form_key(code))
            codes.append(code)
    return codes


def form_key(code: str) -> str:
    """"Mẫu số 01" and "mau 1" -> "MAU1"; "BM.HT-01" -> "BMHT1"; a bare "01" is "Mẫu 01"."""
    text = fold(code).upper()
    if _BARE.match(text.strip()):
        text = "MAU " + text
    text = re.sub(r"^BIEU\s+MAU", "MAU", text.strip())
    text = re.sub(r"^MAU\s+SO\b", "MAU", text)
    text = re.sub(r"[^A-Z0-9]", "", text)
    return re.sub(r"(?<!\d)0+(?=\d)", "", text)
