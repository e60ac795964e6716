"""Browser tests: the demo agency served over HTTP by a real server in a thread, and Debian's Chromium
(/usr/bin/chromium, installed by .ci/run) driven by Playwright; no browser is ever downloaded."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from qms import PROJECT_DIR, create_app, demo
from qms.extensions import db
from qms.models import Document, Organization, Revision

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking switches Chromium phones home, which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOTS = PROJECT_DIR / "test-output" / "screenshots"
FAILURES = PROJECT_DIR / "test-output" / "failures"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
#: What the tests wait for at most: a page of the demo answers in well under a second.
TIMEOUT_MS = 10_000
#: axe-core impacts that fail a page; "moderate" and "minor" are reported by axe but not enforced here.
BLOCKING_IMPACTS = ("serious", "critical")
CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """Remember whether the test itself failed, so its pages can be pictured before they close."""
    report = yield
    if report.when == "call" and report.failed:
        item.stash[CALL_FAILED] = True
    return report


@dataclass(frozen=True)
class LiveServer:
    """The running application and where to reach it."""

    url: str
    app: Flask

    def document_id(self, code: str, organization: str = "XA-LOCBINH") -> int:
        with self.app.app_context():
            found = db.session.scalar(
                select(Document.id).join(Organization).where(Document.code == code, Organization.code == organization)
            )
        assert found is not None, f"the demo has no document {code} in {organization}"
        return found

    def revision_id(self, code: str, number: int, organization: str = "XA-LOCBINH") -> int:
        document_id = self.document_id(code, organization)
        with self.app.app_context():
            found = db.session.scalar(
                select(Revision.id).where(Revision.document_id == document_id, Revision.number == number)
            )
        assert found is not None, f"{code} has no revision {number}"
        return found


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo (loaded by `flask qms demo`) on SQLite, served as `make run` serves it, on a free port."""
    storage = tmp_path_factory.mktemp("e2e-storage")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{storage / 'qms.sqlite3'}",
            "STORAGE_DIR": str(storage),
            "FILES_DIR": str(storage / "files"),
            "INDEX_DIR": str(storage / "index"),
            "SECRET_KEY": "e2e",
            # As QMS_SECURE_COOKIES=0 does for `make run`: the server speaks plain HTTP.
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            # Every test signs in from 127.0.0.1; the limit stays on, high enough for a test run.
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    loaded = app.test_cli_runner().invoke(args=["qms", "demo"])
    assert loaded.exit_code == 0, loaded.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join()
    app.extensions["qms.search"].close()
    app.extensions["qms.engine"].dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Callable[..., Page]]:
    """open_page(username=None, viewport=DESKTOP): a page in its own browser context, signed in as that demo user.

    When the test fails, each page it opened is saved under test-output/failures/ as it was at the end."""
    contexts = []

    def open_as(username: str | None = None, viewport: dict[str, int] = DESKTOP) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
            accept_downloads=True, bypass_csp=True,  # axe is injected as an inline script
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if username is not None:
            sign_in(page, username)
        return page

    yield open_as
    if request.node.stash.get(CALL_FAILED, False):
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for number, context in enumerate(contexts, start=1):
            for page in context.pages:
                page.screenshot(path=str(FAILURES / f"{name}_{number}.png"), full_page=True)
    for context in contexts:
        context.close()


def sign_in(page: Page, username: str, password: str = demo.PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


@pytest.fixture
def assert_accessible() -> Callable[[Page, str], None]:
    """Fail with a readable list when axe-core finds serious or critical violations on the page as it is now."""

    def check(page: Page, what: str) -> None:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(f"axe-core on {what} ({page.url}):\n{describe_violations(blocking)}", pytrace=False)

    return check


def describe_violations(violations: list[dict]) -> str:
    """One paragraph per rule: what it is, where it failed and what axe says would fix it."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}: {node['html'][:200]}")
            lines.extend(f"        {line}" for line in (node.get("failureSummary") or "").splitlines())
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


@pytest.fixture
def assert_fits_phone_width() -> Callable[[Page, str], None]:
    """At a phone's width (390 px) the page must not scroll sideways; fail naming what sticks out.

    The page stays at that width, so that further checks see the phone layout."""

    def check(page: Page, what: str) -> None:
        page.set_viewport_size(PHONE)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            sticking_out = page.evaluate(
                """limit => [...document.body.querySelectorAll('*')]
                    .filter(e => e.getBoundingClientRect().right > limit && e.getClientRects().length)
                    .slice(0, 5).map(e => e.outerHTML.slice(0, 160))""",
                PHONE["width"],
            )
            pytest.fail(f"{what} is {width} px wide at a phone's {PHONE['width']} px:\n" + "\n".join(sticking_out),
                        pytrace=False)

    return check


@pytest.fixture
def save_screenshots() -> Callable[[Page, str], list[Path]]:
    """save_screenshots(page, name): the whole page at 1366×768 and at a phone's width, for a reviewer to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page: Page, name: str) -> list[Path]:
        saved = []
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            path = SCREENSHOTS / f"{name}_{size['width']}x{size['height']}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        page.set_viewport_size(DESKTOP)
        return saved

    return save
