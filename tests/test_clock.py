"""The time zone given to create_app is the one every reader of days uses."""

from __future__ import annotations

from datetime import UTC, date, datetime

from qms import clock, create_app


def test_the_time_zone_given_to_the_app_decides_the_day(tmp_path):
    # 23:30 UTC on 31 December is already 1 January in Kiritimati (UTC+14) and still 31 December in Honolulu.
    instant = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    days = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Honolulu"):
        app = create_app({"TIMEZONE": zone, "DATABASE_URL": f"sqlite:///{tmp_path / zone.replace('/', '-')}.db",
                          "STORAGE_DIR": str(tmp_path / zone.replace("/", "-")), "TESTING": True})
        with app.app_context():
            days[zone] = clock.local_day(instant)
            assert clock.today() == datetime.now(clock.zone()).date()
    assert days == {"Pacific/Kiritimati": date(2026, 1, 1), "Pacific/Honolulu": date(2025, 12, 31)}
