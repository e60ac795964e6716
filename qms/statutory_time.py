"""Statutory processing times as agencies write them: "Trong ngày", "03 ngày làm việc", "1/2 ngày", "04 giờ"."""

from __future__ import annotations

import re

from qms.models import TimeUnit
from qms.text.vietnamese import fold

# Matched on folded lowercase text; the longer unit first so "ngay lam viec" is not read as "ngay".
_UNITS = (
    ("ngay lam viec", TimeUnit.WORKING_DAY),
    ("gio lam viec", TimeUnit.WORKING_HOUR),
    ("ngay", TimeUnit.DAY),
    ("gio", TimeUnit.HOUR),
    ("tieng", TimeUnit.HOUR),
    ("thang", TimeUnit.MONTH),
)
_AMOUNT = r"(?P<amount>\d+\s*/\s*\d+|\d+(?:[.,]\d+)?)"
_UNIT = "(?P<unit>" + "|".join(unit.replace(" ", r"\s+") for unit, _ in _UNITS) + ")"
_AMOUNT_AND_UNIT = re.compile(rf"(?<![\d/.,]){_AMOUNT}\s*{_UNIT}(?![a-z])")
_SAME_DAY = re.compile(r"(?<![a-z])trong\s+ngay(?![a-z])")
_BY_UNIT = {unit: value for unit, value in _UNITS}


def parse_time(text: str | None) -> tuple[float | None, TimeUnit | None]:
    """The first amount and unit in the text ("trong ngày" is 1 same day); (None, None) when there is none."""
    folded = " ".join(fold(text or "").lower().split())
    same_day = _SAME_DAY.search(folded)
    amount = _AMOUNT_AND_UNIT.search(folded)
    if same_day is not None and (amount is None or same_day.start() < amount.start()):
        return 1.0, TimeUnit.SAME_DAY
    if amount is None:
        return None, None
    value = _amount(amount.group("amount"))
    if value is None or value <= 0:
        return None, None
    return value, _BY_UNIT[" ".join(amount.group("unit").split())]


def _amount(text: str) -> float | None:
    text = "".join(text.split())
    if "/" in text:
        numerator, denominator = (int(part) for part in text.split("/"))
        return numerator / denominator if denominator else None
    return float(text.replace(",", "."))
