"""Read a process document at upload and find what an inspector would: the structure, the checks, the results kept.

Public surface: ``check_revision`` (called inside ``documents.add_revision``), ``finding_codes`` (recorded with
the approval), ``findings_for``, ``recheck``,
``recheck_outdated`` (after the reader changed), ``summaries``, ``organization_findings`` and
``findings_by_organization`` (the pages, the API, the dashboard and the overview), ``read_structure`` and
``run_checks`` (reading and checking without the database).
"""

from qms.conformity.checks import ERROR, Context, Finding, run_checks
from qms.conformity.reader import read_structure
from qms.conformity.service import (
    ProcessFindings,
    Summary,
    findings_by_organization,
    findings_for,
    organization_findings,
    recheck,
    recheck_outdated,
    summaries,
)
from qms.conformity.store import (
    CHECKER_VERSION,
    CheckResult,
    check_revision,
    current_findings,
    finding_codes,
    stored_check,
)
from qms.conformity.structure import Structure

__all__ = [
    "CHECKER_VERSION",
    "ERROR",
    "CheckResult",
    "Context",
    "Finding",
    "ProcessFindings",
    "Structure",
    "Summary",
    "check_revision",
    "current_findings",
    "finding_codes",
    "findings_by_organization",
    "findings_for",
    "organization_findings",
    "read_structure",
    "recheck",
    "recheck_outdated",
    "run_checks",
    "stored_check",
    "summaries",
]
