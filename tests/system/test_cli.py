"""`flask qms …` commands, through the CLI runner."""

from __future__ import annotations

import os

from sqlalchemy import select, text
from support.factories import make_effective
from support.tampering import bypass_append_only

from qms.models import Organization, User


def test_create_org_user_and_token(runner, session):
    assert runner.invoke(args=["qms", "create-org", "TINH", "UBND tỉnh"]).exit_code == 0
    result = runner.invoke(args=["qms", "create-org", "XA-A", "UBND xã A", "--parent", "TINH"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["qms", "create-user", "lan", "--org", "XA-A", "--role", "secretary", "--role", "reviewer",
              "--name", "Nguyễn Thị Lan", "--title", "Công chức", "--password-stdin"],
        input="mat-khau-thu-nghiem\n",  # "mat-khau-dai" is now refused as too easy to guess
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "lan"))
    assert {r.value for r in user.roles} == {"secretary", "reviewer"}
    assert session.scalar(select(Organization).where(Organization.code == "XA-A")).parent.code == "TINH"
    token = runner.invoke(args=["qms", "token", "lan"]).output.strip()
    assert token.startswith("qms_") and len(token) > 30


def test_bad_input_is_a_clear_error(runner, agency):
    result = runner.invoke(args=["qms", "create-org", "XA-LOCBINH", "Trùng"])
    assert result.exit_code == 1 and "đã tồn tại" in result.output
    result = runner.invoke(
        args=["qms", "create-user", "x1", "--org", "XA-LOCBINH", "--role", "boss", "--password-stdin"],
        input="mat-khau-dai\n",
    )
    assert result.exit_code == 1 and "Vai trò không hợp lệ" in result.output


def test_verify_passes_then_names_the_altered_file(
    runner, session, files, secretary, reviewer, approver, document, today
):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    result = runner.invoke(args=["qms", "verify"])
    assert result.exit_code == 0 and "OK" in result.output
    path = files.root / revision.file_sha256[:2] / revision.file_sha256[2:4] / revision.file_sha256
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes() + b"\0")
    result = runner.invoke(args=["qms", "verify"])
    assert result.exit_code == 1
    assert revision.file_sha256 in result.output


def test_verify_names_the_altered_audit_entry(runner, session, files, secretary, reviewer, approver, document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    bypass_append_only(session)
    session.execute(text("UPDATE audit_entries SET actor_name = 'Người khác' WHERE action = 'approve'"))
    session.commit()
    result = runner.invoke(args=["qms", "verify"])
    assert result.exit_code == 1
    assert "(approve) was altered" in result.output


def test_demo_loads_every_state_once_and_verifies(runner, session):
    result = runner.invoke(args=["qms", "demo"])
    assert result.exit_code == 0, result.output
    statuses = set(session.scalars(text("SELECT DISTINCT status FROM revisions")))
    assert statuses == {"draft", "in_review", "reviewed", "approved", "effective", "superseded", "returned", "obsolete"}
    assert "đã có sẵn" in runner.invoke(args=["qms", "demo"]).output
    assert runner.invoke(args=["qms", "verify"]).exit_code == 0


def test_init_is_idempotent(runner):
    assert runner.invoke(args=["qms", "init"]).exit_code == 0
    assert runner.invoke(args=["qms", "init"]).exit_code == 0
