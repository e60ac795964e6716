"""schemathesis against /api/v1/openapi.json, in process (WSGI), as a user who may write and as an
inspector who reads every agency: whatever a client sends, the API answers as its schema says, with every
check schemathesis has (status codes, content types, response schemas and headers, schema-valid requests
accepted, schema-violating requests refused, …) and never with a server error."""

from __future__ import annotations

import os
import random

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.transport.serialization import Binary
from support.factories import make_docx, make_effective, make_user, upload

from qms.api import rules

load_all_checks()
#: 422s for rules no schema can state (stored data, a dictionary, one field deciding another), each listed by its code
#: in the document's 422 response: positive data may meet them, and nothing else may refuse it.
UNSTATED = frozenset(rules.UNSTATED)


def positive_data_acceptance_but_unstated_rules(ctx, response, case):
    """schemathesis's positive data acceptance, except for a 422 whose code the document lists as unstated."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        body = response.json() if response.status_code == 422 else None
        if isinstance(body, dict) and body.get("error", {}).get("code") in UNSTATED:
            return None
        raise


#: Every check schemathesis has (QMS_FUZZ_ONLY=<check name> runs one, when looking into a failure).
ALL_CHECKS = [
    positive_data_acceptance_but_unstated_rules if check is positive_data_acceptance else check
    for check in CHECKS.get_all()
    if os.environ.get("QMS_FUZZ_ONLY", check.__name__) == check.__name__
]
#: Examples per operation and mode; a few dozen operations keep the run to about a minute in CI.
REAL_FILE = make_docx("Quy trình cấp bản sao trích lục hộ tịch")
EXAMPLES = int(os.environ.get("QMS_FUZZ_EXAMPLES", "10"))


@pytest.fixture
def api_schema(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The bearer token is sent with every call below; generating (or leaving out) the Authorization header
    # would only test the token check, which tests/api covers.
    schema.config.generation.update(with_security_parameters=False)
    return schema


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


def _with_a_real_file(case) -> None:
    """A schema can say a part is a .docx or .pdf, not build one: the bytes schemathesis generated for the file
    part become a real Word file's. In place, so the case stays what schemathesis made it, valid or not: the
    file's content is never what makes a generated case invalid."""
    part = case.body.get("file") if isinstance(case.body, dict) else None
    if isinstance(part, Binary):
        part.data = REAL_FILE


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_documented_and_never_with_a_server_error(case, callers):
    # Hypothesis seeds the global random module alike for every example; Whoosh names its index
    # segments with it, and the same name twice breaks the index. Production processes never share a seed.
    random.seed()
    _with_a_real_file(case)
    for headers in callers:
        case.call_and_validate(headers=headers, checks=ALL_CHECKS)
