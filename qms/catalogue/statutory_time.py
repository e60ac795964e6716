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
    ("phut", TimeUnit.HOUR),
    ("buoi", TimeUnit.WORKING_DAY),
)
# Units read as a fraction of another: minutes are sixtieths of an hour, a "buổi" is half a working day.
_SCALE = {"phut": 1 / 60, "buoi": 0.5}
_HALF = re.compile(r"(?<![a-z])nua\s+(?P<unit>ngay\s+lam\s+viec|ngay)(?![a-z])")
#: Working hours in one unit: a (working) day is 8 working hours, "trong ngày" one working day, a month 22 working days.
HOURS_PER_UNIT = {
    TimeUnit.WORKING_HOUR: 1.0,
    TimeUnit.HOUR: 1.0,
    TimeUnit.WORKING_DAY: 8.0,
    TimeUnit.DAY: 8.0,
    TimeUnit.SAME_DAY: 8.0,
    TimeUnit.MONTH: 22 * 8.0,
}
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
    half = _HALF.search(folded)
    first = [match.start() for match in (amount, same_day) if match is not None]
    if half is not None and half.start() < min(first, default=len(folded)):
        return 0.5, _BY_UNIT[" ".join(half.group("unit").split())]
    if same_day is not None and (amount is None or same_day.start() < amount.start()):
        return 1.0, TimeUnit.SAME_DAY
    if amount is None:
        return None, None
    value = _amount(amount.group("amount"))
    if value is None or value <= 0:
        return None, None
    unit = " ".join(amount.group("unit").split())
    return value * _SCALE.get(unit, 1), _BY_UNIT[unit]


def working_hours(value: float | None, unit: TimeUnit | str | None) -> float | None:
    """A time in working hours, so that hours and days compare; None when either part is unknown."""
    if value is None or unit is None:
        return None
    try:
        return value * HOURS_PER_UNIT[TimeUnit(unit)]
    except ValueError:
        return None


def _amount(text: str) -> float | None:
    text = "".join(text.split())
    if "/" in text:
        numerator, denominator = (int(part) for part in text.split("/"))
        return numerator / denominator if denominator else None
    return float(text.replace(",", "."))
