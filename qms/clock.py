"""The time of the agencies: stored instants are UTC, calendar days are local.

This module is the only reader of the time-zone setting: the application's ``TIMEZONE`` (as given to
``create_app``) inside an application context, the process's settings outside one (a script, a worker).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from config import settings


def zone() -> ZoneInfo:
    """The agencies' time zone."""
    name = current_app.config["TIMEZONE"] if has_app_context() else settings.TIMEZONE
    return ZoneInfo(name)


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the agencies are; an effective date is a local calendar day."""
    return datetime.now(zone()).date()


def local(instant: datetime) -> datetime:
    return instant.astimezone(zone())


def local_day(instant: datetime | None) -> date | None:
    """The agencies' calendar day of an instant."""
    return None if instant is None else local(instant).date()
