"""Mail that cannot go: a server that is down or refuses is tried again with back-off, the attempt recorded on the
notice, the request never waits for it and the notice stays in the application. And the daily digest: one mail a
person a day, grouping that day's notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from support.factories import make_docx, make_user, upload
from support.mail_server import free_port, mail_server
from support.notices import BASE_URL, with_address
from support.pages import signed_in, text_of

from qms import clock, tasks
from qms.documents import lifecycle
from qms.models import MailState, Notice
from qms.notices import delivery, mail


def notices(session) -> list[Notice]:
    session.rollback()  # a fresh snapshot: jobs and commands write through sessions of their own
    return list(session.scalars(select(Notice).order_by(Notice.id)))


@pytest.fixture
def draft(session, files, document, secretary, reviewer):
    with_address(session, reviewer, "kiemtra@locbinh.gov.vn")
    return upload(session, files, secretary, document, make_docx("Quy trình"))


def test_a_server_that_is_down_leaves_the_notice_in_the_application_marked_failed_after_its_attempts(
    app, session, secretary, reviewer, draft, today
):
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{free_port()}", MAIL_ATTEMPTS=3, BASE_URL=BASE_URL)
    revision = lifecycle.act(session, secretary, draft.id, "submit", today=today)  # the immediate queue ran the job
    assert revision.status.value == "in_review"
    (notice,) = notices(session)
    assert notice.recipient_id == reviewer.id and notice.read_at is None
    assert (notice.mail_state, notice.mail_attempts) == (MailState.FAILED, 3)
    assert "ConnectionRefusedError" in (notice.mail_error or "")
    # Whoever looks finds it all the same.
    page = text_of(signed_in(app, reviewer).get("/notices"))
    assert "phiên bản 1 được trình, chờ bạn kiểm tra" in page


def test_a_refusing_server_is_recorded_and_a_later_attempt_sends(app, session, secretary, draft, today):
    """A mailbox refused (451) is noted on the notice; when the server takes it later, it goes and the error clears."""
    with mail_server() as server:
        server.refusal = "451 4.3.0 Mailbox temporarily unavailable"
        app.config.update(SMTP_URL=server.url, MAIL_ATTEMPTS=5, BASE_URL=BASE_URL)
        lifecycle.act(session, secretary, draft.id, "submit", today=today)
        (notice,) = notices(session)
        assert (notice.mail_state, notice.mail_attempts) == (MailState.FAILED, 5)
        assert "451" in (notice.mail_error or "") and server.messages == []
        # Given another chance (as an operator would), it goes once the server takes it; the error clears.
        session.execute(update(Notice).values(mail_state=MailState.PENDING))
        session.commit()
        server.refusal = None
        settings = mail.settings_from(app.config)
        assert settings is not None
        outcome = delivery.send_notices(session, settings, [notice.id], max_attempts=10)
        assert outcome.sent == [notice.id] and len(server.messages) == 1
        (notice,) = notices(session)
        assert (notice.mail_state, notice.mail_error, notice.mail_attempts) == (MailState.SENT, None, 6)


def test_the_daily_digest_groups_a_days_notices_into_one_mail_per_person(
    app, session, runner, files, document, secretary, reviewer, today
):
    with_address(session, reviewer, "kiemtra@locbinh.gov.vn", preference="daily", language="en")
    with_address(session, make_user(session, "kiemtra2", "XA-LOCBINH", "reviewer"),
                         "kiemtra2@locbinh.gov.vn", preference="daily")
    first = upload(session, files, secretary, document, make_docx("Một"))
    lifecycle.act(session, secretary, first.id, "submit", today=today)
    second_document = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-HT-05", title="Đăng ký khai sinh", kind="process",
    )
    second = upload(session, files, secretary, second_document, make_docx("Hai"))
    lifecycle.act(session, secretary, second.id, "submit", today=today)
    assert {n.mail_state for n in notices(session)} == {MailState.DIGEST}

    with mail_server() as server:
        app.config.update(SMTP_URL=server.url, BASE_URL=BASE_URL)
        assert server.messages == []  # nothing is mailed before the day's digest
        result = runner.invoke(args=["qms", "send-digests", "--through", today.isoformat()])
        assert result.exit_code == 0, result.output
        assert "Đã gửi 2 thư tổng hợp" in result.output
        assert sorted(m.recipients[0] for m in server.messages) == ["kiemtra2@locbinh.gov.vn", "kiemtra@locbinh.gov.vn"]
        (english,) = server.to("kiemtra@locbinh.gov.vn")
        assert english.subject == f"Notices of {today:%d/%m/%Y} (2)"
        assert "QT-HT-04" in english.text and "QT-HT-05" in english.text
        assert f"{BASE_URL}/documents/{document.id}" in english.text
        assert f"{BASE_URL}/documents/{second_document.id}" in english.html
        (vietnamese,) = server.to("kiemtra2@locbinh.gov.vn")
        assert vietnamese.subject == f"Tổng hợp thông báo ngày {today:%d/%m/%Y} (2)"
        # Sent once: running it again mails nothing.
        again = runner.invoke(args=["qms", "send-digests", "--through", today.isoformat()])
        assert "Đã gửi 0 thư tổng hợp" in again.output and len(server.messages) == 2
    assert {n.mail_state for n in notices(session)} == {MailState.SENT}
    assert all(n.read_at is None for n in notices(session))  # mailed is not read


def test_a_digest_covers_finished_days_only_by_default(app, session, files, document, secretary, reviewer, today):
    with_address(session, reviewer, "kiemtra@locbinh.gov.vn", preference="daily")
    lifecycle.act(session, secretary, upload(session, files, secretary, document).id, "submit", today=today)
    with mail_server() as server:
        app.config.update(SMTP_URL=server.url)
        assert tasks.digests(app, through=None) == 0  # today's notices wait for the day to end
        assert tasks.digests(app, through=today + timedelta(days=1)) == 1
    assert clock.today() == today


def test_a_person_without_an_address_or_with_mail_off_is_told_in_the_application_only(
    app, session, secretary, reviewer, draft, today
):
    with_address(session, reviewer, "kiemtra@locbinh.gov.vn", preference="off")
    with mail_server() as server:
        app.config.update(SMTP_URL=server.url)
        lifecycle.act(session, secretary, draft.id, "submit", today=today)
        assert server.messages == []
    (notice,) = notices(session)
    assert notice.mail_state is MailState.NONE


def test_without_an_smtp_url_mail_is_off(app, session, secretary, draft, today):
    assert not app.config["SMTP_URL"]
    lifecycle.act(session, secretary, draft.id, "submit", today=today)
    (notice,) = notices(session)
    assert notice.mail_state is MailState.PENDING and notice.mail_attempts == 0  # nobody tried; still in the app
