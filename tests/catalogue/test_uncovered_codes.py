"""Counting coverage without the rows (``coverage.uncovered_codes``) leaves uncovered exactly what ``coverage.match``
leaves uncovered: the same code, a national code and its provincial variants either way, never two variants."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from qms.catalogue.coverage import match, uncovered_codes

LISTED = ["1.001193", "2.000815.000.00.00.H55", "1.012753.H19", "1.012753.H55", "2.000635", "1.000894",
          "1.004873.H19", "X-KHAC", "1.0011", "3.000001"]
LINKS = [
    [],
    ["1.001193"],
    ["2.000815"],
    ["1.012753"],
    ["1.012753.H19", "2.000635.H19"],
    ["1.004873", "1.000894.000.00.00.H55", "X-KHAC"],
    ["1.0011", "1.001193.H19", "2.000815.000.00.00.H55", "3.000001.H01"],
    ["1.012753.H20", "9.999999"],
]


def by_match(listed: list[str], links: list[str]) -> list[str]:
    procedures: list[Any] = [SimpleNamespace(code=code) for code in listed]
    document: Any = SimpleNamespace(id=1)
    _covered, uncovered = match(procedures, [document], {1: links})
    return [procedure.code for procedure in uncovered]


def test_the_codes_left_uncovered_are_those_the_rule_of_match_leaves():
    for links in LINKS:
        assert uncovered_codes(LISTED, links) == by_match(LISTED, links), links
    # What the links were chosen to show, so the comparison compares something.
    assert uncovered_codes(LISTED, ["1.012753"]) == [code for code in LISTED if not code.startswith("1.012753")]
    assert "1.012753.H55" in uncovered_codes(LISTED, ["1.012753.H19"])
    assert "1.000894" not in uncovered_codes(LISTED, ["1.000894.000.00.00.H55"])
