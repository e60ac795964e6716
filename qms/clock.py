"""The time of the agencies: stored instants are UTC, calendar days are local."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    return datetime.now(UTC)


def today(timezone: str) -> date:
    """Today's date where the agency is; an effective date is a local calendar day."""
    return datetime.now(ZoneInfo(timezone)).date()


def local(instant: datetime, timezone: str) -> datetime:
    return instant.astimezone(ZoneInfo(timezone))
