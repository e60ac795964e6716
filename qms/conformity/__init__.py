"""Read a process document at upload and find what an inspector would: the structure, the checks, the results kept.

Public surface: ``check_revision`` (called inside ``documents.add_revision``), ``finding_codes`` (recorded with
the approval), ``findings_for``, ``recheck``, ``summaries`` and ``organization_findings`` (the pages, the API and
the dashboard), ``read_structure`` and ``run_checks`` (reading and checking without the database).
"""

from qms.conformity.checks import ERROR, Context, Finding, run_checks
from qms.conformity.service import ProcessFindings, Summary, findings_for, organization_findings, recheck, summaries
from qms.conformity.store import (
    CHECKER_VERSION,
    CheckResult,
    check_revision,
    current_findings,
    finding_codes,
    stored_check,
)
from qms.conformity.structure import Structure, read_structure

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
    "findings_for",
    "organization_findings",
    "read_structure",
    "recheck",
    "run_checks",
    "stored_check",
    "summaries",
]
