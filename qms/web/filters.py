"""Jinja filters: dates as Vietnamese write them (dd/mm/yyyy, local time) and file sizes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask

from qms import clock
from qms.web.language import format_number


def _local(value: datetime) -> datetime:
    return clock.local(value)


def format_date(value: date | datetime | None) -> str:
    """An instant is shown as the agency's local calendar day; a date as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return _local(value).strftime("%d/%m/%Y %H:%M")


def format_filesize(size: int | None) -> str:
    """Bytes in the largest unit that keeps the number readable, with a decimal comma."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} byte"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{format_number(value, fixed=True)} {unit}"
        value /= 1024
    return f"{format_number(value, fixed=True)} GB"


def with_changes(args: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Query arguments with some replaced, for links such as the next page of the same search."""
    return {**args, **changes}


def init_app(app: Flask) -> None:
    app.add_template_filter(with_changes, "with_changes")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_filesize, "filesize")
