"""Users, their roles in their organisation, and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, enum_column, utcnow
from qms.models.organizations import Organization


class Role(enum.StrEnum):
    SECRETARY = "secretary"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    STAFF = "staff"
    INSPECTOR = "inspector"
    ADMIN = "admin"
    #: Keeps the installation-wide legal register (usually at the provincial Department of Justice).
    REGISTRAR = "registrar"


class NoticePreference(enum.StrEnum):
    """How a person wants to be told by e-mail: a mail per event, one digest a day, or no mail (in-app only)."""

    EACH = "each"
    DAILY = "daily"
    OFF = "off"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    #: The job title (chức vụ) printed under a signature; copied into each approval.
    title: Mapped[str] = mapped_column(String(200), default="")
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Every signed-in session carries the generation it began in; bumping it ends them all (sign-out,
    #: password change, deactivation, reactivation).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Set when an administrator sets the password: the user chooses their own at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Where notices are mailed; unique whatever its case (index ``uq_users_email_lower``).
    email: Mapped[str | None] = mapped_column(String(254))
    notice_preference: Mapped[NoticePreference] = mapped_column(
        enum_column(NoticePreference), default=NoticePreference.EACH, server_default=NoticePreference.EACH.value
    )
    #: The language last chosen with the switch ("vi", "en"); None is Vietnamese. Notices are written in it.
    language: Mapped[str | None] = mapped_column(String(8))

    organization: Mapped[Organization] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    # Flask-Login's user protocol, kept here so the model needs no mixin from the web layer.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


Index("uq_users_email_lower", func.lower(User.email), unique=True)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(
        enum_column(Role)
    )

    user: Mapped[User] = relationship(back_populates="role_rows")


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Written at most once a minute per token, so a busy client costs no write per request.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set at issue (QMS_TOKEN_DAYS or `--days`); the migration dated the tokens issued before it.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
