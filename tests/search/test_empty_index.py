"""A fresh installation: the index has no segment yet, and searches answer an empty result."""

from __future__ import annotations

import json

import pytest
from support.pages import login


@pytest.mark.parametrize("query", ["", "quy trinh", "trích lục", "qt*", "NOT abc", "xyzzyq"])
def test_search_on_an_empty_index_answers_no_hits(client, bearer, secretary, query):
    asked = {"q": query, "status": "all"}
    response = client.get("/api/v1/search", query_string=asked, headers=bearer(secretary))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.get_json() == [] and json.loads(response.headers["X-Pagination"])["total"] == 0
    facets = client.get("/api/v1/search/facets", query_string=asked, headers=bearer(secretary))
    assert facets.status_code == 200, facets.get_data(as_text=True)[:500]
    assert facets.get_json()["total"] == 0
    assert facets.get_json()["facets"] == {"kind": {}, "organization": {}, "category": {}}


def test_the_search_page_on_an_empty_index_says_nothing_was_found(client, secretary):
    login(client, secretary)
    for query in ("", "quy trình", "trich luc"):
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
