"""Users, roles, passwords, sign-in and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from types import EllipsisType

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from qms import clock, listing
from qms.accounts import organizations, permissions
from qms.audit import trail
from qms.database import unit_of_work
from qms.errors import Conflict, Forbidden, Invalid, NotFound
from qms.messages import Message
from qms.models import ApiToken, NoticePreference, Organization, Role, User, UserRole

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{1,63}$")
#: An address mail servers take: one @, a dotted domain, no spaces or control characters (nothing for a header).
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")
EMAIL_LENGTH = 254
LANGUAGES = ("vi", "en")
MIN_PASSWORD_LENGTH = 10
#: The 30,000 most common passwords of leaked sets, as zxcvbn ships them (lower case).
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
#: zxcvbn's score (0-4) a password must reach: 3 is "safely unguessable" for an online attack.
MIN_PASSWORD_SCORE = 3
#: Words of this site zxcvbn does not know: "mật khẩu" is Vietnamese for "password".
SITE_WORDS = ("matkhau", "mat-khau", "qms", "iso")
TOKEN_PREFIX = "qms_"
#: How long a token lives unless its issuer says otherwise (QMS_TOKEN_DAYS is passed by the callers).
DEFAULT_TOKEN_DAYS = 90
#: ``last_used_at`` is written at most this often per token: a busy client costs no write per request.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)

# Argon2id, the memory-hard scheme argon2-cffi defaults to (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
# Verifying against this keeps a wrong username as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _parse_roles(roles: list[str] | tuple[str, ...]) -> list[Role]:
    try:
        parsed = sorted({Role(r) for r in roles})
    except ValueError:
        raise Invalid("Vai trò không hợp lệ.", code="invalid_role") from None
    if not parsed:
        raise Invalid("Người dùng cần ít nhất một vai trò.", code="role_required")
    return parsed


def check_password(password: str, username: str) -> None:
    """At least 10 characters, not the user name, not one of the common passwords of leaked sets."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            Message("Mật khẩu cần ít nhất %(min_password_length)s ký tự.", min_password_length=MIN_PASSWORD_LENGTH),
            code="weak_password",
        )
    folded = password.casefold()
    name = (username or "").casefold()
    if name and (folded == name or (len(name) >= 4 and name in folded)):
        raise Invalid("Mật khẩu không được chứa tên đăng nhập.", code="weak_password")
    # Scored on the first 64 characters: zxcvbn's time grows quickly with length, and a longer one is strong anyway.
    score = zxcvbn(password[:64], user_inputs=[*SITE_WORDS, name])["score"]
    if folded in COMMON_PASSWORDS or score < MIN_PASSWORD_SCORE:
        raise Invalid("Mật khẩu này quá phổ biến hoặc dễ đoán. Hãy chọn mật khẩu khác.", code="weak_password")


def clean_email(email: str | None) -> str | None:
    """An e-mail address as kept (trimmed, domain in lower case), None for none; a malformed one is refused."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > EMAIL_LENGTH or not EMAIL.match(email) or ".." in email:
        raise Invalid("Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@langson.gov.vn).", code="invalid_email")
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _refuse_taken_email(session: Session, email: str | None, user_id: int | None) -> None:
    """One address, one account, whatever its case."""
    if email is None:
        return
    taken = select(User.id).where(func.lower(User.email) == email.lower())
    if user_id is not None:
        taken = taken.where(User.id != user_id)
    if session.scalar(taken.limit(1)) is not None:
        raise Conflict("Địa chỉ thư điện tử này đã được dùng cho tài khoản khác.", code="duplicate_email")


def _preference(value: str | None) -> NoticePreference:
    try:
        return NoticePreference(value or NoticePreference.EACH.value)
    except ValueError:
        raise Invalid(
            "Cách nhận thông báo không hợp lệ (each, daily, off).", code="invalid_notice_preference"
        ) from None


def by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        raise NotFound(Message("Không tìm thấy người dùng %(username)s.", username=username))
    return user


def create(
    session: Session,
    actor: User | None,
    *,
    username: str,
    full_name: str,
    title: str,
    organization_code: str,
    roles: list[str],
    password: str,
    email: str | None = None,
) -> User:
    """``actor`` None is the operator at the command line."""
    if actor is not None:
        permissions.require_admin(actor)
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise Invalid(
            "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (2-64 ký tự).", code="invalid_username"
        )
    full_name = " ".join((full_name or "").split()) or username
    parsed = _parse_roles(roles)
    email = clean_email(email)
    check_password(password, username)
    organization = organizations.by_code(session, organization_code)
    with unit_of_work(session):
        if session.scalar(select(User.id).where(User.username == username)):
            raise Conflict(Message("Tên đăng nhập %(username)s đã có.", username=username), code="duplicate_username")
        _refuse_taken_email(session, email, None)
        user = User(
            username=username,
            full_name=full_name,
            title=" ".join((title or "").split()),
            organization_id=organization.id,
            email=email,
            password_hash=hash_password(password),
            # A password an administrator chose is theirs to know: the person chooses their own at first sign-in.
            must_change_password=actor is not None,
            role_rows=[UserRole(role=role) for role in parsed],
        )
        session.add(user)
        session.flush()
        trail.record(
            session,
            "user_create",
            actor=actor,
            organization_id=organization.id,
            subject=f"user:{user.id}",
            details={
                "username": username, "full_name": full_name, "title": user.title, "roles": [r.value for r in parsed],
                "email_set": email is not None,  # the address itself stays out of the permanent record
            },
        )
    return user


def update(
    session: Session,
    actor: User | None,
    user_id: int,
    *,
    full_name: str,
    title: str,
    roles: list[str],
    is_active: bool,
    password: str | None = None,
    email: str | None | EllipsisType = ...,
) -> User:
    """Change a person's name, title, roles, access or e-mail address (``...``: as it is); past approvals keep what
    they were."""
    if actor is not None:
        permissions.require_admin(actor)
    parsed = _parse_roles(roles)
    address = None if email is ... else clean_email(email)
    with unit_of_work(session):
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("Không tìm thấy người dùng.")
        if password:
            check_password(password, user.username)
        _keep_an_administrator(session, actor, user, parsed, is_active)
        if email is ...:
            address = user.email
        _refuse_taken_email(session, address, user.id)
        email_changed = address != user.email
        user.email = address
        before = {
            "full_name": user.full_name,
            "title": user.title,
            "roles": sorted(r.value for r in user.roles),
            "is_active": user.is_active,
        }
        user.full_name = " ".join((full_name or "").split()) or user.username
        user.title = " ".join((title or "").split())
        if password or is_active != user.is_active:
            # Sessions begun before a password change, a deactivation or a reactivation end at their next request.
            _end_sessions(session, user)
        if user.is_active and not is_active:
            # A reactivated account starts with no token: what was issued before stays dead.
            _revoke_all_tokens(session, user)
        user.is_active = is_active
        current = {row.role: row for row in user.role_rows}
        for role in set(current) - set(parsed):
            user.role_rows.remove(current[role])
        for role in set(parsed) - set(current):
            user.role_rows.append(UserRole(role=role))
        if password:
            user.password_hash = hash_password(password)
            user.must_change_password = actor is not None
        after = {
            "full_name": user.full_name, "title": user.title, "roles": [r.value for r in parsed], "is_active": is_active
        }
        subject = f"user:{user.id}"
        if before["roles"] != after["roles"]:
            trail.record(
                session, "role_change", actor=actor, organization_id=user.organization_id, subject=subject,
                details={"username": user.username, "before": before["roles"], "after": after["roles"]},
            )
        if (
            {k: v for k, v in before.items() if k != "roles"} != {k: v for k, v in after.items() if k != "roles"}
            or password
            or email_changed
        ):
            trail.record(
                session, "user_update", actor=actor, organization_id=user.organization_id, subject=subject,
                details={
                    "username": user.username, "before": before, "after": after, "password_changed": bool(password),
                    "email_changed": email_changed,
                },
            )
    return user


def _keep_an_administrator(
    session: Session, actor: User | None, user: User, roles: list[Role], is_active: bool
) -> None:
    """An administrator cannot remove their own admin role, and the last active administrator stays one."""
    was_admin = user.is_active and user.has_role(Role.ADMIN)
    stays_admin = is_active and Role.ADMIN in roles
    if not was_admin or stays_admin:
        return
    if actor is not None and actor.id == user.id and Role.ADMIN not in roles:
        raise Forbidden("Quản trị viên không thể tự bỏ vai trò quản trị của mình.", code="own_admin_role")
    others = session.scalar(
        select(func.count(User.id.distinct()))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id)
    )
    if not others:
        raise Conflict(
            "Đây là quản trị viên đang hoạt động cuối cùng: không thể bỏ vai trò quản trị hay khóa tài khoản này.",
            code="last_admin",
        )


def change_own_password(session: Session, user: User, *, current_password: str, new_password: str) -> User:
    """Everyone, inspectors included, changes their own password by giving the current one."""
    try:
        _hasher.verify(user.password_hash, current_password or "")
    except (VerificationError, InvalidHashError):
        raise Invalid("Mật khẩu hiện tại không đúng.", code="wrong_password") from None
    check_password(new_password, user.username)
    if new_password == current_password:
        raise Invalid("Mật khẩu mới phải khác mật khẩu hiện tại.", code="weak_password")
    with unit_of_work(session):
        changed = session.get(User, user.id)
        if changed is None:
            raise NotFound("Không tìm thấy người dùng.")
        changed.password_hash = hash_password(new_password)
        changed.must_change_password = False
        # Every other session ends; the caller's own goes on with the new generation.
        _end_sessions(session, changed)
        trail.record(
            session, "password_change", actor=changed, organization_id=changed.organization_id,
            subject=f"user:{changed.id}", details={"username": changed.username},
        )
    return changed


def change_own_notices(session: Session, user: User, *, email: str | None, preference: str | None) -> User:
    """Everyone sets their own e-mail address and how they are told: each event, a daily digest, or no mail."""
    email = clean_email(email)
    chosen = _preference(preference)
    with unit_of_work(session):
        changed = session.get(User, user.id)
        if changed is None:
            raise NotFound("Không tìm thấy người dùng.")
        _refuse_taken_email(session, email, changed.id)
        email_changed = email != changed.email
        before = changed.notice_preference
        changed.email = email
        changed.notice_preference = chosen
        if email_changed or before is not chosen:
            trail.record(
                session, "notice_settings", actor=changed, organization_id=changed.organization_id,
                subject=f"user:{changed.id}",
                details={"username": changed.username, "email_changed": email_changed, "preference": chosen.value},
            )
    return changed


def set_language(session: Session, user: User, language: str) -> None:
    """Keep the language a person chose with the switch: their notices are written in it."""
    if language not in LANGUAGES or language == user.language:
        return
    with unit_of_work(session):
        changed = session.get(User, user.id)
        if changed is not None:
            changed.language = language
    user.language = language


def authenticate(session: Session, username: str, password: str, *, remote_addr: str | None) -> User | None:
    """The user if the password is right; every failure is audited with the name tried."""
    username = (username or "").strip().lower()[:64]
    user = session.scalar(select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
        valid = user is not None and user.is_active
    except (VerificationError, InvalidHashError):
        valid = False
    with unit_of_work(session):
        if not valid:
            trail.record(
                session, "login_failed", actor=None,
                organization_id=user.organization_id if user else None,
                subject=f"user:{user.id}" if user else None,
                details={"username": username, "remote_addr": remote_addr},
            )
            return None
        assert user is not None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        trail.record(
            session, "login", actor=user, organization_id=user.organization_id, details={"remote_addr": remote_addr}
        )
    return user


def record_sign_in_flood(session: Session, username: str, *, remote_addr: str | None) -> None:
    """Sign-ins refused by the rate limit: audited once per window and address, so a flood cannot fill the log."""
    username = (username or "").strip().lower()[:64]
    with unit_of_work(session):
        trail.record(
            session, "login_rate_limited", actor=None, details={"username": username, "remote_addr": remote_addr}
        )


def sign_out(session: Session, user: User) -> None:
    """End every session of the user, this one and any copy of its cookie, audited."""
    with unit_of_work(session):
        _end_sessions(session, user)
        trail.record(session, "logout", actor=user, organization_id=user.organization_id)


def _end_sessions(session: Session, user: User) -> None:
    # An increment in SQL, so that two sign-outs at once both count.
    session.execute(
        sql_update(User).where(User.id == user.id).values(session_generation=User.session_generation + 1)
    )
    session.refresh(user, ["session_generation"])


def issue_token(session: Session, actor: User | None, user: User, *, days: int = DEFAULT_TOKEN_DAYS) -> str:
    """A new bearer token for ``user`` that expires after ``days``; only its hash is kept, so it is shown once."""
    if days < 1:
        raise Invalid("Thời hạn của mã truy cập cần ít nhất 1 ngày.", code="invalid_days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    expires_at = now + timedelta(days=days)
    with unit_of_work(session):
        row = ApiToken(user_id=user.id, token_sha256=_token_hash(token), created_at=now, expires_at=expires_at)
        session.add(row)
        session.flush()
        trail.record(
            session, "token_issue", actor=actor, organization_id=user.organization_id, subject=f"user:{user.id}",
            details={"username": user.username, "token_id": row.id, "expires_at": expires_at.isoformat()},
        )
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a live token (not revoked, not expired) belongs to; its use is noted once a minute."""
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_sha256 == _token_hash(token), ApiToken.revoked_at.is_(None))
    )
    now = clock.now()
    if row is None or not row.user.is_active or (row.expires_at is not None and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        with unit_of_work(session):
            session.execute(sql_update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        row.last_used_at = now
    return row.user


def list_tokens(session: Session, actor: User) -> list[ApiToken]:
    """The actor's own tokens, newest first, revoked and expired ones included (with when)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())))


def token_is_live(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)


def revoke_token(session: Session, actor: User | None, token_id: int) -> ApiToken:
    """Revoke a token: its owner may, an administrator may, ``actor`` None (the command line) may; audited once."""
    with unit_of_work(session):
        token = session.get(ApiToken, token_id)
        if token is None or (
            actor is not None and token.user_id != actor.id and not actor.has_role(Role.ADMIN)
        ):
            raise NotFound("Không tìm thấy mã truy cập.")
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            trail.record(
                session, "token_revoke", actor=actor, organization_id=token.user.organization_id,
                subject=f"user:{token.user_id}", details={"username": token.user.username, "token_id": token.id},
            )
    return token


def _revoke_all_tokens(session: Session, user: User) -> None:
    now = clock.now()
    session.execute(
        sql_update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def list_users(session: Session, actor: User) -> list[User]:
    permissions.require_admin(actor)
    return list(session.scalars(select(User).order_by(User.username)))


#: How the user list sorts: by user name (the default), full name, organisation or creation.
USER_SORTING = listing.Sorting(
    columns={
        "username": (User.username,),
        "full_name": (User.full_name,),
        "organization": (Organization.name, Organization.code),
        "created_at": (User.created_at,),
    },
    default="username",
    tiebreak=(User.id,),
    descending_first=frozenset({"created_at"}),
)


def users_page(
    session: Session,
    actor: User,
    request: listing.ListRequest | None = None,
    *,
    organization_id: int | None = None,
    organization_code: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
) -> listing.ListPage[User]:
    """A page of the users, for administrators; an organisation includes those under it; the text matches user
    name, full name and title with or without diacritics."""
    permissions.require_admin(actor)
    if organization_code is not None:
        organization_id = organizations.by_code(session, organization_code).id
    query = select(User).join(User.organization)
    if organization_id is not None:
        query = query.where(User.organization_id.in_(organizations.descendant_ids(session, organization_id)))
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role))
    if active is not None:
        query = query.where(User.is_active.is_(active))
    text = (User.username, User.full_name, User.title)
    return listing.page_of(session, query, request or listing.ListRequest(), USER_SORTING, text=text)


def operator() -> User:
    """The operator at the command line reads as an inspector does: a stand-in, never added to a session."""
    return User(username="(operator)", full_name="Người vận hành", title="", role_rows=[UserRole(role=Role.INSPECTOR)])
