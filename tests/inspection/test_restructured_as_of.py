"""The registers, coverage, review items and dossier of merged communes answer for the tree as it was on the day."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from support.communes import MERGER, RESOLVED, two_communes

from qms.accounts import restructure
from qms.inspection import dossier, registers


@pytest.fixture
def merged(session, files, secretary, reviewer, approver, admin, today):
    """Lộc Bình and Đồng Đăng, merged ten days ago into Lộc Bình (mới); the documents are 30 days old."""
    made = two_communes(session, files, (secretary, reviewer, approver), today)
    restructure.carry_out(session, admin, **MERGER, effective_on=today - timedelta(days=10), today=today,
                          resolutions=RESOLVED)
    return made


def _dossier(session, files, viewer, code, day, today):
    out = io.BytesIO()
    dossier.build(session, files, viewer, code, out, as_of=day, today=today)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        return names, json.loads(archive.read("bao-phu-tthc.json"))


def test_the_dossier_of_a_former_commune_before_the_merger_is_what_it_had(session, files, inspector, merged,
                                                                            today):
    day_before = today - timedelta(days=11)
    names, coverage = _dossier(session, files, inspector, "XA-DONGDANG", day_before, today)
    assert sorted(n for n in names if n.startswith("lich-su/") and n.endswith(".json")) == [
        "lich-su/QT-01.json", "lich-su/QT-03.json"]
    assert (coverage["covered"], coverage["total"]) == (2, 2)
    # After the merger the former commune holds nothing; the new one holds what came from both.
    names, coverage = _dossier(session, files, inspector, "XA-DONGDANG", today, today)
    assert not [n for n in names if n.startswith("lich-su/")] and coverage["total"] == 0
    names, coverage = _dossier(session, files, inspector, "XA-LOCBINH-MOI", day_before, today)
    assert not [n for n in names if n.startswith("lich-su/")] and coverage["total"] == 0
    names, coverage = _dossier(session, files, inspector, "XA-LOCBINH-MOI", today, today)
    assert sorted(n for n in names if n.startswith("lich-su/") and n.endswith(".json")) == [
        "lich-su/QT-01-DD.json", "lich-su/QT-01.json", "lich-su/QT-02.json", "lich-su/QT-03.json"]
    assert (coverage["covered"], coverage["total"]) == (2, 2)


def test_the_amendment_register_keeps_the_code_a_document_had_then(session, inspector, merged, today):
    day_before = today - timedelta(days=11)
    then = registers.register(session, inspector, "XA-DONGDANG", "amendments", as_of=day_before)
    assert [row[1] for row in then.rows] == ["QT-01", "QT-03"]
    now = registers.register(session, inspector, "XA-LOCBINH-MOI", "amendments", as_of=today)
    assert [row[1] for row in now.rows] == ["QT-01", "QT-01-DD", "QT-02", "QT-03"]
    # The process withdrawn in the merger reads as withdrawn today, in force before.
    assert now.rows[3][11] != then.rows[1][11]


def test_today_the_former_communes_are_off_the_overview_and_list_nothing(session, inspector, merged, today):
    from qms.catalogue import coverage
    from qms.inspection import overview

    rows = {row.organization.code: row for row in overview.overview(session, inspector, today=today).rows}
    assert "XA-DONGDANG" not in rows and "XA-LOCBINH" not in rows
    assert (rows["XA-LOCBINH-MOI"].covered, rows["XA-LOCBINH-MOI"].listed) == (2, 2)
    assert coverage.coverage(session, inspector, "XA-DONGDANG").total == 0


def test_the_merged_communes_people_read_the_registers_of_the_former_ones(session, secretary, staff, merged, today):
    from qms.errors import NotFound

    session.refresh(secretary)
    assert secretary.organization.code == "XA-LOCBINH-MOI"
    then = registers.register(session, secretary, "XA-DONGDANG", "internal", as_of=today - timedelta(days=11))
    assert [row[1] for row in then.rows] == ["QT-01", "QT-03"]
    with pytest.raises(NotFound):  # staff see current documents only, as before
        registers.register(session, staff, "XA-DONGDANG", "internal", as_of=today - timedelta(days=11))
