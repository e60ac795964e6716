"""The lists paged after the first query-count test (the records lists, a document's periodic reviews, review
intervals, scheduled restructures, the notices page) cost as many SQL statements for many rows as for a few: each
test builds a few rows through the services, counts what reading a page sends, builds several times more, and counts
again, on the API and on the page that shows the list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from support.communes import MERGER, RESOLVED, days_ago, more_records, two_communes
from support.factories import make_effective
from support.pages import login, signed_in
from support.statements import statements_sent
from werkzeug.test import TestResponse

from qms.accounts import organizations, restructure, restructure_schedule
from qms.models import DocumentKind, User
from qms.notices import events, service
from qms.periodic_review import intervals, outcomes

#: What one measurement gives: the statements a request sent, and how many rows it showed.
Measured = dict[str, tuple[int, int]]


def _measure(app: Flask, client: FlaskClient, urls: dict[str, Callable[[TestResponse], int]],
             headers: dict[str, str] | None = None) -> Measured:
    """Each URL read: the statements sent and the rows ``urls[url]`` counts in the response. A page and an API list
    are read once before, unmeasured: the first request after a change catches the search index up, the first of a
    day does the day's scheduled work, and a token's first use records it."""
    for url in {url.startswith("/api/"): url for url in urls}.values():
        client.get(url, headers=headers if url.startswith("/api/") else None)
    found = {}
    for url, shown in urls.items():
        with statements_sent(app.extensions["qms.engine"]) as sent:
            response = client.get(url, headers=headers if url.startswith("/api/") else None)
        assert response.status_code == 200, (url, response.status_code)
        found[url] = (len(sent), shown(response))
    return found


def _api_rows(response: TestResponse) -> int:
    return len(response.get_json())


def _marks(mark: str) -> Callable[[TestResponse], int]:
    """The rows of a page: how often ``mark`` (an attribute each row carries) occurs in it."""
    return lambda response: response.get_data(as_text=True).count(mark)


def _same_statements(few: Measured, many: Measured) -> None:
    """The same lists read with few rows and with many (under the same keys, or in the same order)."""
    for (url, (sent, shown)), (later_url, (later_sent, later_shown)) in zip(few.items(), many.items(), strict=True):
        assert later_shown > shown, f"{later_url} shows {later_shown} rows after more were made, {url} {shown}"
        assert sent == later_sent, (
            f"{url} runs {sent} statements for {shown} rows, {later_url} {later_sent} for {later_shown}")


def test_the_records_lists_cost_the_same_for_many_records_now_and_as_of_a_day(
        app, client, bearer, session, files, secretary, reviewer, approver, admin, inspector, today):
    """The five lists of the API, now and as of a day, and the records page that shows all of them with each audit's
    findings and actions (to an inspector, and to a secretary, who also gets each one's forms): first Lộc Bình's few
    records, then, once it has made more and merged with Đồng Đăng, the merged commune's: its predecessors' records
    carried (each with where it belonged) and its own."""
    two_communes(session, files, (secretary, reviewer, approver), today)
    b_people = [session.scalar(select(User).where(User.username == name)) for name in ("bsecretary", "bapprover")]
    more_records(session, files, secretary, approver, "XA-LOCBINH", 1, days=20)
    more_records(session, files, *b_people, "XA-DONGDANG", 1, days=20)
    days = ("", f"as_of={today - timedelta(days=1)}")

    def lists(code: str) -> dict[str, Callable[[TestResponse], int]]:
        return {f"/api/v1/organizations/{code}/{kind}?{day}": _api_rows
                for kind in ("publications", "internal-audits", "management-reviews", "objectives",
                             "effectiveness-confirmations") for day in days}

    def pages(code: str) -> dict[str, Callable[[TestResponse], int]]:
        return {f"/organizations/{code}/records?{day}": _marks('id="audit-') for day in days}

    login(client, inspector)
    headers = bearer(inspector)
    writer = signed_in(app, secretary)
    few = _measure(app, client, lists("XA-LOCBINH") | pages("XA-LOCBINH"), headers)
    few_written = _measure(app, writer, pages("XA-LOCBINH"))
    more_records(session, files, secretary, approver, "XA-LOCBINH", 2, days=20, first=1)
    restructure.carry_out(session, admin, **MERGER, effective_on=today - timedelta(days=10), today=today,
                          resolutions=RESOLVED)
    more_records(session, files, secretary, approver, "XA-LOCBINH-MOI", 1, days=5, first=3)
    many = _measure(app, client, lists("XA-LOCBINH-MOI") | pages("XA-LOCBINH-MOI"), headers)
    many_written = _measure(app, writer, pages("XA-LOCBINH-MOI"))

    _same_statements(few, many)
    _same_statements(few_written, many_written)


def test_a_documents_periodic_reviews_cost_the_same_for_many_reviews(
        app, client, bearer, session, files, secretary, reviewer, approver, staff, document):
    """The API's page of them, and the document's page that lists every one under its periodic review."""
    with days_ago(400) as then:
        make_effective(session, files, document, secretary, reviewer, approver, then)

    def review(count: int, first: int) -> None:
        for n in range(first, first + count):
            with days_ago(300 - 20 * n) as day:
                outcomes.record(session, approver, document.id, outcome="no_change",
                                reason=f"Vẫn phù hợp, lần {n}.", today=day)

    review(2, 0)
    urls = {f"/api/v1/documents/{document.id}/periodic-reviews": _api_rows,
            f"/documents/{document.id}": _marks("Vẫn phù hợp, lần ")}
    login(client, staff)
    headers = bearer(staff)

    few = _measure(app, client, urls, headers)
    review(8, 2)
    many = _measure(app, client, urls, headers)

    _same_statements(few, many)


def test_review_intervals_cost_the_same_for_every_kind_of_the_organisations_own(
        app, client, bearer, session, secretary, staff):
    """Every kind has a row: what grows is how many of them are the organisation's own and, in the API, how many a
    page shows; the page of them shows every kind whichever."""
    kinds = list(DocumentKind)
    intervals.set_interval(session, secretary, "XA-LOCBINH", kinds[0], 6)
    login(client, staff)
    headers = bearer(staff)
    api = "/api/v1/organizations/XA-LOCBINH/review-intervals"
    page = {"/review-intervals": _marks('id="interval-')}

    few = _measure(app, client, {**page, f"{api}?page_size=1": _api_rows}, headers)
    for kind in kinds[1:]:
        intervals.set_interval(session, secretary, "XA-LOCBINH", kind, 7)
    many = _measure(app, client, {**page, f"{api}?page_size={len(kinds)}": _api_rows}, headers)

    assert few[f"{api}?page_size=1"][0] == many[f"{api}?page_size={len(kinds)}"][0]
    assert many[f"{api}?page_size={len(kinds)}"][1] == len(kinds)
    assert few["/review-intervals"][0] == many["/review-intervals"][0]


def test_scheduled_restructures_cost_the_same_for_many_schedules(app, client, bearer, session, admin, today):
    """The API's list and the administrator's restructure page, which lists every one kept (some cancelled)."""

    def schedule(count: int, first: int) -> None:
        for n in range(first, first + count):
            organizations.create(session, None, f"XA-HEN-{n}", f"UBND xã Hẹn {n}", "TINH-LS")
            kept = restructure_schedule.submit(
                session, admin, kind="move", sources=[f"XA-HEN-{n}"],
                targets=[{"code": f"XA-HEN-{n}", "parent": "SO-KHCN"}], effective_on=today + timedelta(days=n + 1),
                today=today)
            assert kept.scheduled is not None
            if n % 2:
                restructure_schedule.cancel(session, admin, kept.scheduled.id)

    schedule(2, 0)
    urls = {"/api/v1/organizations/restructure/scheduled": _api_rows,
            "/admin/organizations/restructure": _marks('id="scheduled-')}
    login(client, admin)
    headers = bearer(admin)

    few = _measure(app, client, urls, headers)
    schedule(8, 2)
    many = _measure(app, client, urls, headers)

    _same_statements(few, many)


def test_the_notices_page_costs_the_same_for_a_full_page(app, client, session, staff: User):
    """The page of the signed-in person's notices (the API's list is another's work)."""

    def notify(count: int, first: int) -> None:
        for n in range(first, first + count):
            service.notify(session, recipients=[staff], event=events.REVISION_APPROVED, link=f"/documents/{n + 1}",
                           params={"code": f"QT-{n:02}", "title": f"Quy trình {n}", "issue_number": 1,
                                   "effective_from": "2026-01-01"})
        session.commit()

    notify(2, 0)
    urls = {"/notices": _marks('<li id="notice-')}
    login(client, staff)

    few = _measure(app, client, urls)
    notify(service.PAGE_SIZE, 2)
    many = _measure(app, client, urls)

    assert many["/notices"][1] == service.PAGE_SIZE
    _same_statements(few, many)
