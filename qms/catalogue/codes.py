"""TTHC codes: one canonical form, the national part of a provincial variant, and codes written in a document.

A national code is `1.001193` (`[1-9]\\.\\d{6}`); a provincial variant appends dot-separated parts
(`2.000815.000.00.00.H55`, `1.012753.H19`), kept uppercase.
"""

from __future__ import annotations

import functools
import re

from qms.text.vietnamese import normalize

#: A whole code, national or provincial, in canonical (uppercase) form.
CODE = re.compile(r"[1-9]\.\d{6}(?:\.[0-9A-Z]{1,10}){0,6}")
_NATIONAL = re.compile(r"[1-9]\.\d{6}")

# A code inside running text: not glued to other digits, letters or a preceding dot.
_IN_TEXT = re.compile(r"(?<![\w.])([1-9]\.\d{6}(?:\.[0-9A-Za-z]{1,10}){0,6})(?![\w])")
# The labels a process document puts before its TTHC code(s).
_LABEL = re.compile(
    r"m[ãa]\s+(?:s[ốo]\s+)?(?:tthc|th[ủu]\s+t[ụu]c(?:\s+h[àa]nh\s+ch[íi]nh)?)\s*(?:s[ốo])?\s*[:：\-–|]?\s*",
    re.IGNORECASE,
)
# One or more codes right after a label, separated by commas, semicolons or "và".
_CODE_LIST = re.compile(
    r"[1-9]\.\d{6}(?:\.[0-9A-Za-z]{1,10}){0,6}(?:\s*(?:[,;]|\svà\s)\s*[1-9]\.\d{6}(?:\.[0-9A-Za-z]{1,10}){0,6})*(?![\w])",
    re.IGNORECASE,
)
# Where the control block ends: the amendment table or the first numbered section.
_CONTROL_BLOCK_END = re.compile(
    r"s[ửu]a\s+đ[ổo]i\s+t[àa]i\s+li[ệe]u|theo\s+d[õo]i\s+s[ửu]a\s+đ[ổo]i|^\s*1\.\s*m[ụu]c\s+đ[íi]ch",
    re.IGNORECASE | re.MULTILINE,
)
_REST_OF_WORD = re.compile(r"\S*")
CONTROL_BLOCK_LIMIT = 800
MAX_CODES_IN_CONTROL_BLOCK = 3


def normalize_code(raw: object) -> str:
    """Strip, NFC, no inner spaces, suffix uppercase; a code Excel made the number 1.00487 gets its 6 decimals back."""
    if isinstance(raw, float):
        raw = f"{raw:.6f}" if 1 <= raw < 10 else repr(raw)
    text = normalize(str(raw if raw is not None else ""))
    return "".join(text.split()).upper()


def is_valid(code: str) -> bool:
    return len(code) <= 64 and CODE.fullmatch(code) is not None


@functools.lru_cache(maxsize=8192)
def national_part(code: str) -> str:
    """`2.000815` of `2.000815.000.00.00.H55`; a national code is its own national part."""
    match = _NATIONAL.match(code)
    return match.group(0) if match else code


def codes_match(linked: str, listed: str) -> bool:
    """Equal, or one is the national code of the other's provincial variant; two different variants never match."""
    if linked == listed:
        return True
    if _NATIONAL.fullmatch(linked):
        return national_part(listed) == linked
    if _NATIONAL.fullmatch(listed):
        return national_part(linked) == listed
    return False


def codes_in_text(text: str) -> list[str]:
    """TTHC codes a process document states: after a "Mã TTHC"/"Mã thủ tục" label, or anywhere in its control block."""
    text = normalize(text or "")
    found: list[str] = []
    for label in _LABEL.finditer(text):
        listed = _CODE_LIST.match(text, label.end())
        if listed:
            found += [m.group(1) for m in _IN_TEXT.finditer(listed.group(0))]
    in_block = [m.group(1) for line in _control_block(text) for m in _IN_TEXT.finditer(line)]
    if len(set(in_block)) <= MAX_CODES_IN_CONTROL_BLOCK:  # more is a list of procedures, not a heading
        found += in_block
    unique: list[str] = []
    for code in (normalize_code(c) for c in found):
        if is_valid(code) and code not in unique:
            unique.append(code)
    return unique


def _control_block(text: str) -> list[str]:
    """The table rows (cells joined by " | ") at the top of the document, before the amendment table or section 1."""
    end = _CONTROL_BLOCK_END.search(text, 0, CONTROL_BLOCK_LIMIT)
    if end is not None:
        head = text[: end.start()]
    else:  # never cut a code in two
        rest = _REST_OF_WORD.match(text, min(CONTROL_BLOCK_LIMIT, len(text)))
        assert rest is not None  # \S* matches, if only the empty string
        head = text[: rest.end()]
    return [line for line in head.splitlines() if " | " in line]
