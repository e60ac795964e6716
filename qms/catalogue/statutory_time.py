"""Statutory processing times as agencies write them: "Trong ngày", "03 ngày làm việc", "1/2 ngày", "04 giờ"."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
# Vulgar fractions as agencies type them ("½ ngày").
_FRACTIONS = str.maketrans({"½": " 1/2 ", "¼": " 1/4 ", "¾": " 3/4 "})
# A time of day, not a duration: "sau 15 giờ", "trước 15h00", "lúc 16 giờ 30".
_CLOCK = re.compile(
    r"(?<![a-z])(?:sau|truoc|luc|tu|den|qua|khoang)\s+\d{1,2}\s*(?:gio|h)(?:\s*(?:00|30)(?:\s*phut)?)?(?![a-z\d])"
)


def parse_time(text: str | None) -> tuple[float | None, TimeUnit | None]:
    """The first amount and unit in the text ("trong ngày" is 1 same day); (None, None) when there is none."""
    folded = _folded(text)
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


def _folded(text: str | None) -> str:
    """Folded lower-case text with fractions spelt out and times of day blanked (they are not durations)."""
    folded = " ".join(fold((text or "").translate(_FRACTIONS)).lower().split())
    return _CLOCK.sub(" ", folded)


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


# --- a statutory time of several cases -----------------------------------------------------------

NORMAL, VERIFICATION, AFTER_HOURS, OTHER, PART = "normal", "verification", "after_hours", "other", "part"
#: Working hours of "received after 15:00, returned the next working day": the rest of the day and the next one.
_AFTER_HOURS = 16.0
_CLAUSES = re.compile(
    r";|\n|[()]|(?<=[^\d\s])\.(?:\s|$)|\.\s+(?=[A-ZĐÀ-Ỹ])"
    r"|,\s*(?=(?:[Tt]rường hợp|[Nn]ếu|[Đđ]ối với)\b)"
)
_LABEL = re.compile(r"^\s*[-–•+*]?\s*(?:thoi gian|thoi han)\s+(?P<label>[^:]{2,80}?)\s*:")
_GENERIC_LABEL = re.compile(
    r"^(?:(?:giai quyet|xu ly|thuc hien|tra ket qua)(?: (?:ho so|thu tuc(?: hanh chinh)?|tthc|yeu cau))?)?$"
)
_NO_VERIFICATION = re.compile(r"\bkhong (?:can |phai |co )?(?:xac minh|tham tra)")
_VERIFICATION = re.compile(r"\b(?:xac minh|tham tra xac minh)\b")
_AFTER_15 = re.compile(r"\bsau\s+1[5-7]\s*(?:gio|h)|\bngay lam viec tiep theo\b")
_OTHER_CASE = re.compile(r"\b(?:truong hop|neu|doi voi)\b")
# "trường hợp (cần) xác minh", "nếu phải xác minh", "có xác minh": a case; "xác minh 02 ngày" alone is an activity.
_CONDITIONAL_VERIFICATION = re.compile(
    r"\b(?:truong hop|neu|co|can|phai)\b(?:\s+\w+){0,4}?\s+(?:xac minh|tham tra xac minh)\b"
)


@dataclass
class TimeCase:
    """One case of a processing time: the normal one, with verification, after 15:00, another, or a part of it."""

    kind: str
    #: The condition as written ("trường hợp xác minh"), empty for the normal case.
    condition: str = ""
    text: str = ""
    value: float | None = None
    unit: str | None = None
    hours: float | None = None


def parse_cases(text: str | None) -> list[TimeCase]:
    """Every case a sentence (or several lines) of statutory time states, each with its condition, in order.

    "03 ngày làm việc; trường hợp xác minh không quá 08 ngày" gives a normal and a verification case;
    "Thời gian xác minh: 02 ngày; Thời gian lấy ý kiến: 10 ngày" gives two parts of one time;
    "trong ngày …, nếu tiếp nhận sau 15 giờ thì …" gives the same day and the after-hours case.
    """
    cases: list[TimeCase] = []
    for clause in (part.strip(" -–•+*,") for part in _CLAUSES.split(text or "")):
        if not clause:
            continue
        amount, unit = parse_time(clause)
        folded = " ".join(fold(clause).lower().split())
        if _AFTER_15.search(folded) and any(case.unit == TimeUnit.SAME_DAY.value for case in cases):
            cases.append(TimeCase(AFTER_HOURS, clause, clause, None, None, _AFTER_HOURS))
            continue
        if amount is None or unit is None:
            continue
        same_day_after_hours = unit is TimeUnit.SAME_DAY and _AFTER_15.search(folded)
        kind, condition = (NORMAL, "") if same_day_after_hours else _kind(clause, folded)
        cases.append(TimeCase(kind, condition, clause, amount, unit.value, working_hours(amount, unit)))
        if same_day_after_hours:
            cases.append(TimeCase(AFTER_HOURS, "tiếp nhận sau 15 giờ", clause, None, None, _AFTER_HOURS))
    return _unconditioned_parts(cases)


def _unconditioned_parts(cases: list[TimeCase]) -> list[TimeCase]:
    """Several times with no condition ("xác minh 02 ngày; lấy ý kiến 10 ngày") are parts of one time.

    A first clause that states the total ("Tổng thời gian 10 ngày, trong đó: …") stays the normal case.
    """
    normal = [case for case in cases if case.kind == NORMAL]
    if len(normal) < 2 or len(normal) != len(cases):
        return cases
    first = " ".join(fold(normal[0].text).lower().split())
    rest = normal[1:] if re.search(r"\b(?:tong|trong do|bao gom)\b", first) else normal
    for case in rest:
        case.kind = PART
        case.condition = case.condition or _condition(case.text)
    return cases


def normal_hours(cases: list[TimeCase]) -> tuple[TimeCase | None, float | None]:
    """The normal case and its hours; without one, the parts added up (a time given in parts is their sum)."""
    normal = next((case for case in cases if case.kind == NORMAL), None)
    if normal is not None:
        return normal, normal.hours
    parts = [case.hours for case in cases if case.kind == PART and case.hours is not None]
    return None, (sum(parts) if parts else None)


def case_kind(text: str) -> tuple[str, str]:
    """The case a heading or clause names ("Thời gian có xác minh" -> verification) and its condition."""
    return _kind(text, " ".join(fold(text).lower().split()))


def unit_named(text: str) -> TimeUnit | None:
    """A unit a heading names without an amount ("Thời gian (ngày)", "Số giờ"), for bare numbers below it."""
    folded = _folded(text)
    for word, unit in _UNITS:
        if word in _SCALE:
            continue
        if re.search(r"(?<![a-z])" + word.replace(" ", r"\s+") + r"(?![a-z])", folded):
            return unit
    return None


def _kind(clause: str, folded: str) -> tuple[str, str]:
    label = _LABEL.match(folded)
    if label is not None:
        words = " ".join(label.group("label").split())
        condition = clause[: clause.find(":")].strip(" -–•+*")
        if _NO_VERIFICATION.search(words) or _GENERIC_LABEL.match(words):
            return NORMAL, ""
        if _VERIFICATION.search(words) and re.search(r"\b(?:co|truong hop|neu)\b", words):
            return VERIFICATION, condition
        if _OTHER_CASE.search(words):
            return OTHER, condition
        return PART, condition
    if _NO_VERIFICATION.search(folded):
        return NORMAL, ""
    if _CONDITIONAL_VERIFICATION.search(folded):
        return VERIFICATION, _condition(clause)
    if _OTHER_CASE.search(folded):
        return OTHER, _condition(clause)
    return NORMAL, ""


def _condition(clause: str) -> str:
    """The words of a clause before its first number: "trường hợp xác minh không quá"."""
    match = re.search(r"\d|½", clause)
    return clause[: match.start()].strip(" ,:") if match else clause
