"""Search filtered by organisation: today's tree by default, the owners of a past day with ``as_of``."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support.communes import merged_on_1_july_2025
from support.pages import signed_in, text_of

from qms.models import Organization


@pytest.fixture
def merged(session, files, secretary, reviewer, approver, admin, today):
    return merged_on_1_july_2025(session, files, (secretary, reviewer, approver), admin, today)


def _found(client, headers, **query) -> set[int]:
    response = client.get("/api/v1/search", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return {hit["document_id"] for hit in response.json}


def test_the_merged_commune_finds_what_came_from_both_former_ones(client, bearer, inspector, merged):
    headers = bearer(inspector)
    found = _found(client, headers, organization="XA-LOCBINH-MOI", status="all")
    assert found == set(merged.values())
    # Current revisions only: the process withdrawn in the merger is left out, the other three came from A and B.
    assert _found(client, headers, organization="XA-LOCBINH-MOI") == {
        merged["XA-LOCBINH:QT-01"], merged["XA-LOCBINH:QT-02"], merged["XA-DONGDANG:QT-01"]}
    # Today the former communes hold nothing.
    assert _found(client, headers, organization="XA-LOCBINH") == set()


def test_as_of_the_day_before_a_former_commune_finds_its_own_only(client, bearer, inspector, merged):
    headers = bearer(inspector)
    assert _found(client, headers, organization="XA-LOCBINH", as_of="2025-06-30") == {
        merged["XA-LOCBINH:QT-01"], merged["XA-LOCBINH:QT-02"]}
    assert _found(client, headers, organization="XA-DONGDANG", as_of="2025-06-30", status="all") == {
        merged["XA-DONGDANG:QT-01"], merged["XA-DONGDANG:QT-03"]}
    assert _found(client, headers, organization="XA-LOCBINH-MOI", as_of="2025-06-30") == set()
    assert _found(client, headers, organization="XA-LOCBINH", as_of="2025-07-01") == set()
    assert _found(client, headers, organization="XA-LOCBINH-MOI", as_of="2025-07-01", status="all") == set(
        merged.values())
    # The province, as of the day before, holds both communes under it.
    assert _found(client, headers, organization="TINH-LS", as_of="2025-06-30", status="all") == set(merged.values())
    assert client.get("/api/v1/search?organization=XA-LOCBINH&as_of=2999-01-01", headers=headers).status_code == 422


def test_the_search_page_as_of_a_day(app, session, inspector, merged):
    client = signed_in(app, inspector)
    a = session.scalar(select(Organization.id).where(Organization.code == "XA-LOCBINH"))
    page = client.get("/search", query_string={"q": "", "organization": a, "as_of": "30/06/2025"})
    assert page.status_code == 200
    text = text_of(page)
    assert "2 kết quả" in text and "Đăng ký khai sinh" in text and "Kiểm soát tài liệu" in text
    assert "Đăng ký kết hôn" not in text
    merged_commune = session.scalar(select(Organization.id).where(Organization.code == "XA-LOCBINH-MOI"))
    text = text_of(client.get("/search", query_string={"q": "", "organization": merged_commune}))
    assert "3 kết quả" in text and "Đăng ký kết hôn" in text and "Kiểm soát tài liệu" in text
