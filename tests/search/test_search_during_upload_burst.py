"""Searches during a burst of uploads from several processes: each answers from one whole generation.

The uploads commit a segment each and, past ``MAX_SEGMENTS``, merge the tiny ones away in the
background, deleting their files while the searching processes still read them.
"""

from __future__ import annotations

import json
import threading

from support.concurrent_workers import CONTEXT, keep_searching, run_processes, settings_of, upload_revisions
from support.factories import make_docx, upload

from qms.accounts import users
from qms.extensions import db
from qms.search import search_index


def test_searches_during_a_burst_of_uploads_all_answer(app, session, files, secretary, document):
    uploaders, each, searchers = 3, 8, 2
    upload(session, files, secretary, document, make_docx("Bản đầu kiemthu"), "Ban hành")
    search_index(app).apply_log(db.engine)
    token = users.issue_token(session, None, secretary)
    start, stop = CONTEXT.Barrier(uploaders + searchers), CONTEXT.Event()
    searched: list = []

    def search_meanwhile() -> None:
        jobs = [(keep_searching, (settings_of(app), token, ["kiemthu", "noi dung rieng"], start, stop))] * searchers
        searched.extend(run_processes(jobs, timeout=300))

    thread = threading.Thread(target=search_meanwhile)
    thread.start()
    try:
        jobs = [
            (upload_revisions, (settings_of(app), token, document.id, f"w{w}", each, start)) for w in range(uploaders)
        ]
        uploaded = [answer for worker in run_processes(jobs, timeout=300) for answer in worker]
    finally:
        stop.set()
        thread.join(timeout=300)

    assert [status for status, _number, _id in uploaded] == [201] * uploaders * each
    answers = [answer for worker in searched for answer in worker]
    assert len(answers) >= 10
    failed = [(query, status) for query, status, _total, _ids in answers if status != 200]
    assert failed == [], f"{len(failed)} of {len(answers)} searches failed"
    # Totals never go down within one searching process: no generation is half seen.
    for worker in searched:
        totals = [total for query, _status, total, _ids in worker if query == "kiemthu"]
        assert totals == sorted(totals)
    final = app.test_client().get(
        "/api/v1/search?q=kiemthu&status=all&page_size=100", headers={"Authorization": f"Bearer {token}"}
    )
    assert json.loads(final.headers["X-Pagination"])["total"] == uploaders * each + 1
