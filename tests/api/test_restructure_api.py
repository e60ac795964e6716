"""POST /api/v1/organizations/restructure (preview, 409, the change) and GET …/lineage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.communes import MERGER, RESOLVED_BODY, two_communes

from qms.audit import trail


@pytest.fixture
def communes(session, files, secretary, reviewer, approver, today):
    return two_communes(session, files, (secretary, reviewer, approver), today)


def test_preview_then_409_then_the_change_then_the_lineage(client, session, files, bearer, admin, communes, today):
    merged_on = (today - timedelta(days=10)).isoformat()
    headers = bearer(admin)

    preview = client.post("/api/v1/organizations/restructure", headers=headers,
                          json={**MERGER, "effective_on": merged_on, "dry_run": True})
    assert preview.status_code == 200, preview.json
    body = preview.json
    assert body["done"] is False and len(body["moves"]) == 4
    assert [(c["kind"], c["resolved"]) for c in body["clashes"]] == [("code", False), ("procedure", False)]
    assert body["coverage_after"][0]["total"] == 2

    refused = client.post("/api/v1/organizations/restructure", headers=headers,
                          json={**MERGER, "effective_on": merged_on})
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "unresolved_clashes"
    assert "QT-01" in refused.json["error"]["message"] and "1.001193" in refused.json["error"]["message"]

    done = client.post("/api/v1/organizations/restructure", headers=headers,
                       json={**MERGER, "effective_on": merged_on, "resolutions": RESOLVED_BODY})
    assert done.status_code == 200, done.json
    assert done.json["done"] is True and done.json["code_changes"] == {"XA-DONGDANG:QT-01": "QT-01-DD"}
    assert done.json["withdrawals"] == ["XA-DONGDANG:QT-03"]
    assert trail.verify(session, files).ok

    lineage = client.get("/api/v1/organizations/XA-DONGDANG/lineage", headers=headers)
    assert lineage.status_code == 200
    assert (lineage.json["status"], lineage.json["merged_into"], lineage.json["ended_on"]) == (
        "merged", "XA-LOCBINH-MOI", merged_on)
    formed = client.get("/api/v1/organizations/XA-LOCBINH-MOI/lineage", headers=headers).json
    assert formed["formed_from"][0]["sources"] == ["XA-LOCBINH", "XA-DONGDANG"]
    assert client.get("/api/v1/organizations/NOPE/lineage", headers=headers).status_code == 404


def test_only_administrators_and_bad_bodies(client, bearer, secretary, admin, communes, today):
    refused = client.post("/api/v1/organizations/restructure", headers=bearer(secretary),
                          json={**MERGER, "effective_on": today.isoformat(), "dry_run": True})
    assert refused.status_code == 403
    bad = client.post("/api/v1/organizations/restructure", headers=bearer(admin),
                      json={**MERGER, "kind": "explode", "effective_on": today.isoformat()})
    assert bad.status_code == 422
    future = client.post("/api/v1/organizations/restructure", headers=bearer(admin),
                         json={**MERGER, "effective_on": (today + timedelta(days=3)).isoformat(),
                               "resolutions": RESOLVED_BODY})
    # A later day is kept for that day (tests/accounts/test_restructure_scheduled.py), nothing changes now.
    assert future.status_code == 200 and future.json["done"] is False and future.json["event_id"] is None
    assert future.json["scheduled"]["state"] == "scheduled"
