"""The items a section lists in its paragraphs: markers stripped, introductions and references told apart.

"Theo quy định hiện hành" lists nothing: it refers to somewhere else, which is what an inspector flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qms.conformity.headings import name_key

_MARKER = re.compile(r"^\s*(?:[-–—•*+·▪●○◦✓]+|\(?\d{1,2}(?:\.\d{1,2})*[.)]|\(?[a-zđ][.)])\s*", re.IGNORECASE)
_REFERENCE = re.compile(
    r"^(?:theo (?:quy dinh|huong dan|thu tuc|mau quy dinh)|quy dinh (?:tai|hien hanh)|nhu quy dinh|duoc quy dinh"
    r"|thuc hien theo|xem |tham khao|can cu theo|ap dung theo|theo danh muc|theo bo thu tuc)"
)
_NONE = re.compile(r"^(?:khong|khong co|khong ap dung|khong quy dinh)$")


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    #: Refers elsewhere instead of listing ("Theo quy định hiện hành").
    reference: bool = False


def items(lines: list[str]) -> list[Item]:
    """One item per line of the paragraphs; introductions ending in ":" and "Không" left out."""
    found: list[Item] = []
    for paragraph in lines:
        for line in paragraph.splitlines():
            text = strip_marker(line)
            key = name_key(text)
            if not key or _NONE.match(key) or (text.endswith(":") and len(key.split()) <= 8):
                continue
            found.append(Item(text.rstrip(" ;.,"), _REFERENCE.match(key) is not None))
    return found


def strip_marker(line: str) -> str:
    """A list line without its bullet or number: "- Tờ khai;" -> "Tờ khai;"."""
    return " ".join(_MARKER.sub("", line, count=1).split())


def is_reference(text: str) -> bool:
    return _REFERENCE.match(name_key(text)) is not None
