"""schemathesis against /api/v1/openapi.json, in process (WSGI), as a user who may write and as an
inspector who reads every agency: whatever a client sends, the API answers as its schema says and
never with a server error."""

from __future__ import annotations

import random

import pytest
import schemathesis
from factories import make_docx, make_effective, make_user, upload
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def callers(session, files, bearer, secretary, reviewer, approver, inspector, document, today):
    """Headers of a user with every role of the agency and of an inspector, with a current revision
    (citing a decree) and a draft to act on."""
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx("Căn cứ Nghị định 61/2018/NĐ-CP về cơ chế một cửa"))
    upload(session, files, secretary, document, summary="Bản sửa")
    every_role = make_user(session, "moiquyen", "XA-LOCBINH", "secretary", "reviewer", "approver")
    return [bearer(every_role), bearer(inspector)]


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_documented_and_never_with_a_server_error(case, callers):
    # Hypothesis seeds the global random module alike for every example; Whoosh names its index
    # segments with it, and the same name twice breaks the index. Production processes never share a seed.
    random.seed()
    for headers in callers:
        case.call_and_validate(headers=headers, checks=ALL_CHECKS)
