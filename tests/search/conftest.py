"""Fixtures of the search tests that read a Whoosh index directly."""

from __future__ import annotations

import pytest
from support.search_samples import three_segment_index


@pytest.fixture(scope="session")
def ix(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The fixture processes in three segments with a deletion; tests only read it."""
    return three_segment_index(tmp_path_factory)
