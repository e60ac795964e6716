"""Who may see and do what, by role and organisation.

Reading: inspectors see every organisation; everyone else sees their own. Staff see
only current revisions. Writing needs the role in the document's organisation;
inspectors never write. Something a user may not see is "not found", so that its
existence does not leak.
"""

from __future__ import annotations

from qms.errors import Forbidden, NotFound
from qms.messages import Message
from qms.models import Role, User

#: Roles that see drafts, superseded and withdrawn revisions, not only current ones.
CONTROL_ROLES = frozenset({Role.SECRETARY, Role.REVIEWER, Role.APPROVER, Role.INSPECTOR})

ROLE_LABELS = {
    Role.SECRETARY: "Thư ký ISO",
    Role.REVIEWER: "Người kiểm tra",
    Role.APPROVER: "Người phê duyệt",
    Role.STAFF: "Cán bộ, công chức",
    Role.INSPECTOR: "Đoàn kiểm tra",
    Role.ADMIN: "Quản trị hệ thống",
    Role.REGISTRAR: "Người quản lý danh mục văn bản",
}


def sees_all_organizations(user: User) -> bool:
    return user.has_role(Role.INSPECTOR)


def can_read(user: User, organization_id: int) -> bool:
    return sees_all_organizations(user) or user.organization_id == organization_id


def sees_non_current(user: User) -> bool:
    return not user.roles.isdisjoint(CONTROL_ROLES)


def require_read(user: User, organization_id: int) -> None:
    if not can_read(user, organization_id):
        raise NotFound("Không tìm thấy.")


def require_role(user: User, roles: tuple[Role, ...], organization_id: int) -> None:
    """The user holds one of ``roles`` in that organisation; reading rights alone are not enough."""
    require_read(user, organization_id)
    if user.organization_id != organization_id or not user.has_role(*roles):
        wanted = Message(ROLE_LABELS[roles[0]])
        for role in roles[1:]:
            wanted = Message("%(first)s hoặc %(second)s", first=wanted, second=Message(ROLE_LABELS[role]))
        raise Forbidden(
            Message("Cần vai trò %(wanted)s của đơn vị để thực hiện thao tác này.", wanted=wanted),
            code="role_required",
        )


def require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise Forbidden("Chỉ quản trị hệ thống được thực hiện thao tác này.", code="role_required")


def require_integrity_checker(user: User) -> None:
    """Only inspectors and administrators check the integrity of the audit log and the stored files."""
    if not user.has_role(Role.INSPECTOR, Role.ADMIN):
        raise Forbidden(
            "Chỉ đoàn kiểm tra hoặc quản trị hệ thống được kiểm tra tính toàn vẹn của nhật ký.", code="role_required"
        )


#: Roles that change something in some organisation.
WRITING_ROLES = (Role.SECRETARY, Role.REVIEWER, Role.APPROVER, Role.ADMIN, Role.REGISTRAR)


def is_read_only(user: User) -> bool:
    """An inspector with no writing role changes nothing anywhere: every write request is refused up front."""
    return user.has_role(Role.INSPECTOR) and not user.has_role(*WRITING_ROLES)
