"""A national TTHC code and its provincial variant are one procedure: two communes' processes for it clash."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support.factories import make_user
from support.pages import signed_in, text_of

from qms.accounts import restructure
from qms.documents import lifecycle
from qms.models import Document, DocumentStatus

MERGER = {"kind": "merge", "sources": ["XA-LOCBINH", "XA-DONGDANG"],
          "targets": [{"code": "XA-LOCBINH-MOI", "name": "UBND xã Lộc Bình (mới)", "parent": "TINH-LS"}]}
VARIANT = "2.000635.000.00.00.H55"


@pytest.fixture
def processes(session, secretary):
    """Lộc Bình links the national code 2.000635; Đồng Đăng its provincial variant, and another variant of 1.000894
    that Lộc Bình's own variant does not match."""
    other = make_user(session, "bsecretary", "XA-DONGDANG", "secretary")
    made = {}
    for user, org, code, title, tthc in (
        (secretary, "XA-LOCBINH", "QT-HT-04", "Cấp bản sao trích lục hộ tịch", "2.000635"),
        (other, "XA-DONGDANG", "QT-TL-01", "Trích lục hộ tịch", VARIANT),
        (secretary, "XA-LOCBINH", "QT-HT-02", "Đăng ký kết hôn", "1.000894.000.00.00.H55"),
        (other, "XA-DONGDANG", "QT-HT-02B", "Đăng ký kết hôn", "1.000894.H19"),
    ):
        document = lifecycle.create_document(session, user, organization_code=org, code=code, title=title,
                                             kind="process", procedure_code=tthc)
        made[f"{org}:{code}"] = document.id
    return made


def test_the_preview_lists_a_national_code_and_its_variant_as_covered_twice(session, admin, processes, today):
    plan = restructure.preview(session, admin, **MERGER, effective_on=today)
    clashes = [c for c in plan.as_dict()["clashes"] if c["kind"] == "procedure"]
    # Two different provincial variants of 1.000894 are two procedures: no clash for them.
    assert [(c["subject"], sorted(c["documents"]), c["codes"], c["resolved"]) for c in clashes] == [
        (f"2.000635 / {VARIANT}", ["XA-DONGDANG:QT-TL-01", "XA-LOCBINH:QT-HT-04"],
         {"XA-LOCBINH:QT-HT-04": "2.000635", "XA-DONGDANG:QT-TL-01": VARIANT}, False)]
    assert f"TTHC 2.000635 / {VARIANT} có hai quy trình" in clashes[0]["message"]


def test_either_code_settles_it_and_the_other_process_is_withdrawn(runner, session, admin, processes, today):
    plan, _ = restructure.carry_out(session, admin, **MERGER, effective_on=today, today=today,
                                    resolutions={"procedures": {VARIANT: "XA-DONGDANG:QT-TL-01"}})
    assert plan.withdrawals == ["XA-LOCBINH:QT-HT-04"]
    withdrawn = session.get(Document, processes["XA-LOCBINH:QT-HT-04"])
    assert (withdrawn.status, withdrawn.withdraw_reason) == (DocumentStatus.OBSOLETE, "sáp nhập")
    assert session.get(Document, processes["XA-DONGDANG:QT-TL-01"]).status is DocumentStatus.ACTIVE
    verified = runner.invoke(args=["qms", "verify"])
    assert verified.exit_code == 0, verified.output


def test_the_api_and_the_page_show_both_codes(app, client, session, bearer, admin, processes, today):
    preview = client.post("/api/v1/organizations/restructure", headers=bearer(admin),
                          json={**MERGER, "effective_on": today.isoformat(), "dry_run": True})
    assert preview.status_code == 200, preview.json
    assert [(c["kind"], c["subject"], c["codes"]["XA-DONGDANG:QT-TL-01"]) for c in preview.json["clashes"]] == [
        ("procedure", f"2.000635 / {VARIANT}", VARIANT)]
    page = signed_in(app, admin).post("/admin/organizations/restructure", data={
        "kind": "merge", "sources": "XA-LOCBINH, XA-DONGDANG",
        "targets": "XA-LOCBINH-MOI | UBND xã Lộc Bình (mới) | TINH-LS",
        "effective_on": (today - timedelta(days=1)).strftime("%d/%m/%Y"), "preview": "1"})
    text = text_of(page)
    assert f"TTHC có hai quy trình 2.000635 / {VARIANT} (XA-LOCBINH-MOI)" in text
    assert f"XA-LOCBINH:QT-HT-04 (2.000635), XA-DONGDANG:QT-TL-01 ({VARIANT})" in text
    assert session.scalar(select(Document.id).where(Document.code == "QT-HT-04")) is not None
