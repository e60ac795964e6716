"""The sign-in rate limit behind the reverse proxy: each client counted by its own address (ProxyFix for the
configured number of trusted proxies), each account counted whatever the address, and with Redis one count for
all workers."""

from __future__ import annotations

import json
import uuid

import pytest
import redis
from sqlalchemy import select
from support.concurrent_workers import run_processes, settings_of
from support.sign_in_workers import try_sign_ins

from qms import create_app
from qms.models import AuditEntry

REDIS = "redis://127.0.0.1:6379/0"
PROXY = "10.0.0.1"


def _limited(app, **overrides):
    return create_app({
        **{key: app.config[key] for key in ("TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "SECRET_KEY")},
        "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "3 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute", **overrides,
    })


def _sign_in(client, username: str, client_address: str, password: str = "sai-mat-khau") -> int:
    """A sign-in arriving through the proxy, which names the client in X-Forwarded-For."""
    return client.post(
        "/login", data={"username": username, "password": password},
        headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": PROXY},
    ).status_code


def _addresses_audited(session, action: str) -> list[str]:
    details = session.scalars(select(AuditEntry.details).where(AuditEntry.action == action).order_by(AuditEntry.seq))
    return [json.loads(entry)["remote_addr"] for entry in details]


@pytest.fixture
def behind_proxy(app):
    limited = _limited(app, TRUSTED_PROXIES=1)
    yield limited.test_client()
    limited.extensions["qms.engine"].dispose()


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another(behind_proxy, session, secretary, reviewer):
    assert [_sign_in(behind_proxy, "thuky", "203.0.113.5") for _ in range(3)] == [401] * 3
    assert _sign_in(behind_proxy, "thuky", "203.0.113.5") == 429

    assert _sign_in(behind_proxy, "kiemtra", "198.51.100.7") == 401  # another client, same proxy
    assert _sign_in(behind_proxy, "kiemtra", "198.51.100.7", password="mat-khau-thu-nghiem") == 302
    assert _addresses_audited(session, "login_failed") == ["203.0.113.5"] * 3 + ["198.51.100.7"]
    assert _addresses_audited(session, "login") == ["198.51.100.7"]
    assert _addresses_audited(session, "login_rate_limited") == ["203.0.113.5"]


def test_one_account_tried_from_many_addresses_is_limited_too(behind_proxy, secretary, reviewer):
    statuses = [_sign_in(behind_proxy, "thuky", f"203.0.113.{n}") for n in range(1, 7)]

    assert statuses == [401] * 5 + [429]
    assert _sign_in(behind_proxy, " THUKY ", "203.0.113.50") == 429  # the account as authenticate reads the name
    assert _sign_in(behind_proxy, "kiemtra", "203.0.113.51") == 401


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(app, session, secretary):
    direct = _limited(app)  # TRUSTED_PROXIES 0, the default
    try:
        client = direct.test_client()
        statuses = [_sign_in(client, "thuky", f"203.0.113.{n}") for n in range(1, 5)]
    finally:
        direct.extensions["qms.engine"].dispose()

    assert statuses == [401] * 3 + [429]  # a forged X-Forwarded-For does not buy new attempts
    assert _addresses_audited(session, "login_failed") == [PROXY] * 3


def test_with_redis_all_workers_share_one_count_and_with_memory_each_counts_alone(app, secretary):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the limiter's store does not depend on the database; once is enough")
    prefix = f"qms-test-{uuid.uuid4().hex}"
    shared = {**settings_of(app), "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute",
              "RATELIMIT_KEY_PREFIX": prefix}
    wrong = [("thuky", "sai-mat-khau")]
    store = redis.Redis.from_url(REDIS)
    try:
        on_redis = {**shared, "RATELIMIT_STORAGE_URI": REDIS}
        first = run_processes([(try_sign_ins, (on_redis, wrong * 2))])
        second = run_processes([(try_sign_ins, (on_redis, wrong))])
        assert (first, second) == ([[401, 401]], [[429]])  # the second worker knows the first one's attempts
        assert list(store.scan_iter(f"*{prefix}*"))

        in_memory = {**shared, "RATELIMIT_STORAGE_URI": "memory://"}
        first = run_processes([(try_sign_ins, (in_memory, wrong * 2))])
        second = run_processes([(try_sign_ins, (in_memory, wrong))])
        assert (first, second) == ([[401, 401]], [[401]])  # what the README warns of: a worker counts alone
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()


def test_an_office_behind_one_address_signs_in_at_eight_without_locking_itself_out(behind_proxy, secretary, reviewer):
    """Only failures count: twelve good sign-ins a minute from one address (the limit is 3) are all let in."""
    good = [("thuky", "mat-khau-thu-nghiem"), ("kiemtra", "mat-khau-thu-nghiem")] * 6

    assert [_sign_in(behind_proxy, user, "203.0.113.9", password=password) for user, password in good] == [302] * 12
    assert [_sign_in(behind_proxy, "thuky", "203.0.113.9") for _ in range(4)] == [401] * 3 + [429]
