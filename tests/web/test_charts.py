"""Server-drawn charts: bar lengths in proportion, buckets by age, the numbers repeated as text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from qms.catalogue.coverage import FieldCoverage
from qms.legal.reviews import ReviewItem
from qms.web import charts


def test_coverage_by_field_scales_to_the_largest_field_and_states_the_numbers():
    chart = charts.coverage_by_field([FieldCoverage("Chứng thực", 1, 3), FieldCoverage("Hộ tịch", 2, 6),
                                      FieldCoverage("", 0, 2)])
    widths = [(bar.label, bar.filled_width, bar.whole_width) for bar in chart.bars]
    assert widths == [("Chứng thực", 81.7, 245.0), ("Hộ tịch", 163.3, 490.0), ("Chưa ghi lĩnh vực", 0.0, 163.3)]
    assert chart.rows[1] == ("Hộ tịch", "2", "6", "33,3%")
    assert "Chứng thực: 1/3 (33,3%); Hộ tịch: 2/6 (33,3%); Chưa ghi lĩnh vực: 0/2 (0%)" in chart.description
    assert [bar.y for bar in chart.bars] == [0, 44, 88] and chart.height == 140


def test_an_empty_catalogue_draws_nothing_and_says_so():
    chart = charts.coverage_by_field([])
    assert chart.bars == [] and "Chưa có danh mục" in chart.description


def test_open_reviews_fall_into_age_buckets():
    review = SimpleNamespace(since=date(2026, 1, 1), opened_at=datetime(2026, 1, 1, tzinfo=UTC))
    items = [ReviewItem(review, days) for days in (0, 30, 31, 90, 200, 365)]
    chart = charts.reviews_by_age(items)
    assert chart.rows == [("Đến 30 ngày", "2"), ("31–90 ngày", "2"), ("91–180 ngày", "0"), ("Trên 180 ngày", "2")]
    assert [bar.filled_width for bar in chart.bars] == [490.0, 490.0, 0.0, 490.0]


def test_numbers_are_written_the_vietnamese_way():
    assert (charts.number(14.3), charts.number(100.0), charts.number(0)) == ("14,3", "100", "0")
