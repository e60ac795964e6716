"""Charts drawn on the server as SVG (no script, no library): horizontal bars, each with its label above it.

A chart carries its own text alternative: a title and a description for the SVG, and the numbers as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qms.catalogue.coverage import FieldCoverage
from qms.inspection.overview import OverviewRow
from qms.legal.reviews import ReviewItem
from qms.web.language import format_number

WIDTH = 600
ROW = 44
BAR = 18
#: Open legal reviews by days since the change: (upper bound in days or None, label).
AGE_BUCKETS = ((30, _l("Đến 30 ngày")), (90, _l("31–90 ngày")), (180, _l("91–180 ngày")), (None, _l("Trên 180 ngày")))


def number(value: float) -> str:
    """A number as the visitor's language writes it (decimal comma in Vietnamese), no decimals when whole."""
    return format_number(value)


@dataclass(frozen=True)
class Bar:
    label: str
    #: The filled part and the whole row, in the chart's unit.
    value: float
    whole: float
    #: What is written at the end of the bar, e.g. "3/5 (60%)".
    text: str
    #: Geometry in the SVG's own units.
    y: int = 0
    filled_width: float = 0
    whole_width: float = 0


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    #: The headings and rows of the table that gives the same numbers.
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    #: When the labels are names the agencies wrote (fields, organisations): the description's own sentence, and
    #: its listing of labels and numbers, which is marked as Vietnamese content on an English page.
    lead: str = ""
    listing: str = ""
    content_labels: bool = False

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW + 8


def _laid_out(bars: Sequence[Bar], scale: float) -> list[Bar]:
    """Each bar's place: one row each, lengths relative to ``scale`` (the value that fills the width)."""
    room = WIDTH - 110  # space at the right for the number
    return [
        Bar(bar.label, bar.value, bar.whole, bar.text, y=index * ROW,
            filled_width=round(room * bar.value / scale, 1) if scale else 0,
            whole_width=round(room * bar.whole / scale, 1) if scale else 0)
        for index, bar in enumerate(bars)
    ]


def _percent(part: float, whole: float) -> str:
    return f"{number(round(100 * part / whole, 1)) if whole else 0}%"


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({_percent(part, whole)})"


def coverage_by_field(fields: list[FieldCoverage]) -> BarChart:
    bars = [Bar(item.field or _("Chưa ghi lĩnh vực"), item.covered, item.total, _share(item.covered, item.total))
            for item in fields]
    listing = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    lead = _("Số thủ tục có quy trình đang hiệu lực trên tổng số thủ tục của từng lĩnh vực.")
    if not listing:
        lead = f"{lead} {_('Chưa có danh mục thủ tục hành chính.')}"
    return BarChart(
        "coverage-by-field",
        _("Bao phủ quy trình theo lĩnh vực"),
        f"{lead} {listing}".strip(),
        _laid_out(bars, max((item.total for item in fields), default=0)),
        (_("Lĩnh vực"), _("Có quy trình"), _("Tổng số thủ tục"), _("Tỷ lệ")),
        [(bar.label, number(bar.value), number(bar.whole), _percent(bar.value, bar.whole)) for bar in bars],
        lead=lead, listing=listing, content_labels=True,
    )


def reviews_by_age(items: list[ReviewItem]) -> BarChart:
    counts = [0] * len(AGE_BUCKETS)
    for item in items:
        counts[next(i for i, (bound, _label) in enumerate(AGE_BUCKETS) if bound is None or item.age_days <= bound)] += 1
    bars = [
        Bar(str(label), count, count, _("%(count)s mục", count=count))
        for (_bound, label), count in zip(AGE_BUCKETS, counts, strict=True)
    ]
    return BarChart(
        "reviews-by-age",
        _("Rà soát căn cứ pháp lý đang mở theo thời gian chờ"),
        _("Số mục rà soát đang mở theo số ngày kể từ khi văn bản được trích dẫn bị thay thế hoặc sửa đổi. ")
        + "; ".join(f"{bar.label}: {bar.text}" for bar in bars),
        _laid_out(bars, max(counts, default=0)),
        (_("Thời gian chờ"), _("Số mục")),
        [(bar.label, str(int(bar.value))) for bar in bars],
    )


def province_coverage(rows: list[OverviewRow]) -> BarChart:
    bars = [Bar(row.organization.name, row.coverage_percent, 100, _coverage(row.covered, row.listed)) for row in rows]
    lead = _("Phần trăm thủ tục hành chính có quy trình ISO đang hiệu lực, từng đơn vị.")
    listing = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    return BarChart(
        "province-coverage",
        _("Tỷ lệ bao phủ quy trình TTHC theo đơn vị"),
        f"{lead} {listing}",
        _laid_out(bars, 100),
        (_("Đơn vị"), _("Có quy trình / tổng số"), _("Rà soát pháp lý mở"), _("Quá hạn xem xét")),
        [(row.organization.name, _coverage(row.covered, row.listed), str(row.open_reviews), str(row.overdue_reviews))
         for row in rows],
        lead=lead, listing=listing, content_labels=True,
    )


def _coverage(covered: int, listed: int) -> str:
    """An agency's coverage; with no catalogue there is nothing to cover, which 0/0 (0 %) would hide."""
    return _share(covered, listed) if listed else _("chưa có danh mục")
