"""Search as a civil servant types: without diacritics, codes and numbers, malformed input."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from support.factories import make_docx, make_effective, upload

from qms.documents import lifecycle
from qms.errors import NotFound
from qms.search import search_index
from qms.search.query import SearchParams, parse, search


@pytest.fixture
def find(app, session):
    def run(viewer, q="", **params):
        return search(session, search_index(app), viewer, SearchParams(q=q, **params))

    return run


@pytest.fixture
def library(session, files, secretary, reviewer, approver, today):
    """A few current processes of the commune, with texts that fold alike."""
    def process(code, title, body, procedure=None):
        document = lifecycle.create_document(
            session, secretary, organization_code="XA-LOCBINH", code=code, title=title, kind="process",
            procedure_code=procedure,
        )
        return make_effective(
            session, files, document, secretary, reviewer, approver, today, make_docx(*body), "Ban hành"
        )

    return {
        "extract": process("QT-HT-04", "Cấp bản sao trích lục hộ tịch", [
            "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.",
            "Lệ phí: 8.000 đồng/bản sao."], "2.000635"),
        "birth": process("QT-HT-01", "Đăng ký khai sinh", [
            "Căn cứ Nghị định 118/2025/NĐ-CP; Luật Hộ tịch 60/2014/QH13.", "Y tế xã phối hợp xác minh."], "1.001193"),
        "sale": process("QT-TM-01", "Xác nhận hợp đồng mua bán", ["Bên bán và bên mua ký hợp đồng."]),
        "friend": process("QT-VP-02", "Tiếp công dân", ["Cán bộ tiếp bạn đọc và ban tiếp công dân."]),
        "province": process("QT-XD-01", "Cấp giấy phép xây dựng", ["Mã TTHC 2.000815.000.00.00.H55 của tỉnh."]),
    }


def codes(results):
    return [hit.code for hit in results.hits]


def test_words_without_diacritics_find_the_procedure_with_the_matching_passage(find, staff, library):
    results = find(staff, "cap ban sao trich luc")
    assert codes(results)[0] == "QT-HT-04"
    assert "<mark>bản sao</mark>" in results.hits[0].highlights


def test_decomposed_input_and_look_alike_d_are_the_same_text(find, staff, library):
    typed = unicodedata.normalize("NFD", "Đăng ký khai sinh").replace("Đ", "\u00d0")
    assert codes(find(staff, typed))[0] == "QT-HT-01"
    assert codes(find(staff, "dang ky khai sinh"))[0] == "QT-HT-01"


def test_both_tone_placements_are_one_word(session, files, secretary, reviewer, approver, today, staff, find):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-01",
                                         title="Hòa giải ở cơ sở", kind="process")
    make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("Thuỷ lợi, khỏe mạnh"))
    for typed in ("hoà giải", "hòa giải", "thủy lợi", "khoẻ"):
        assert codes(find(staff, typed)) == ["QT-01"], typed


def test_one_letter_syllables_are_words(find, staff, library):
    assert codes(find(staff, '"Y tế"')) == ["QT-HT-01"]


def test_exact_diacritics_rank_above_folded_matches(find, staff, library):
    assert codes(find(staff, "bán"))[0] == "QT-TM-01"
    assert codes(find(staff, "bạn"))[0] == "QT-VP-02"
    assert set(codes(find(staff, "ban"))) >= {"QT-TM-01", "QT-VP-02", "QT-HT-04"}


@pytest.mark.parametrize("typed, expected", [
    ("QT-HT-04", "QT-HT-04"), ("qt ht 04", "QT-HT-04"), ("qt-ht-04", "QT-HT-04"),
    ("1.001193", "QT-HT-01"), ("2.000815.000.00.00.H55", "QT-XD-01"), ("2.000815", "QT-XD-01"),
    ("61/2018/NĐ-CP", "QT-HT-04"), ("61/2018/ND-CP", "QT-HT-04"), ("61/2018", "QT-HT-04"),
    ("60/2014/QH13", "QT-HT-01"),
])
def test_codes_and_numbers_are_found_as_typed(find, staff, library, typed, expected):
    assert codes(find(staff, typed))[0] == expected


@pytest.mark.parametrize("typed", ['"cap ban sao', 'AND', 'OR OR', 'NOT', '*', '"', 'khai AND', 'x*10000',
                                   '((khai', 'sinh"', '-', '&&', '\x00'])
def test_malformed_queries_are_read_as_plain_words(find, staff, library, typed):
    results = find(staff, "khai sinh " * 1000 if typed == "x*10000" else typed)
    assert results.total >= 0  # an answer, not an exception


def test_unbalanced_quote_still_searches_the_words(find, staff, library):
    assert codes(find(staff, '"cap ban sao'))[0] == "QT-HT-04"


def test_phrase_prefix_and_operators(find, staff, library):
    assert codes(find(staff, '"trich luc ho tich"')) == ["QT-HT-04"]
    assert codes(find(staff, '"ho tich trich luc"')) == []
    assert "QT-HT-04" in codes(find(staff, "trich*"))
    assert set(codes(find(staff, "khai OR trich"))) == {"QT-HT-01", "QT-HT-04"}
    assert "QT-HT-04" not in codes(find(staff, "cap NOT trich"))
    assert codes(find(staff, "khai AND sinh")) == ["QT-HT-01"]


def test_a_suggestion_only_when_it_finds_something(find, staff, library):
    assert find(staff, "khai sinhh").suggestion == "khai sinh"
    assert find(staff, "zzzz qqqq").suggestion is None


def test_parse_drops_bare_operators():
    assert [c.kind for c in parse("AND khai OR")] == ["words"]
    assert parse("*") == []


def test_staff_see_current_revisions_only_whatever_they_ask(
    session, files, secretary, reviewer, approver, staff, find, library, today
):
    draft = upload(
        session, files, secretary, library["extract"].document, make_docx("Cấp bản sao bản nháp mới"), "Dự thảo"
    )
    assert [h.status for h in find(staff, "cap ban sao", statuses=["all"]).hits] == ["effective"]
    assert draft.id in [h.revision_id for h in find(secretary, "cap ban sao", statuses=["all"]).hits]
    assert [h.status for h in find(secretary, "cap ban sao", statuses=["draft"]).hits] == ["draft"]


def test_superseded_revision_leaves_the_default_results(
    session, files, secretary, reviewer, approver, staff, find, library, today
):
    old = library["extract"]
    new = make_effective(
        session, files, old.document, secretary, reviewer, approver, today, make_docx("Trích lục bản mới"), "Sửa"
    )
    assert [h.revision_id for h in find(staff, "QT-HT-04").hits] == [new.id]
    assert {h.revision_id for h in find(secretary, "QT-HT-04", statuses=["all"]).hits} == {old.id, new.id}


def test_other_organisations_are_not_searched(session, files, find, library, outsider, inspector, agency):
    assert find(outsider, "cap ban sao").total == 0
    with pytest.raises(NotFound):
        find(outsider, "cap ban sao", organization_id=agency["commune"].id)
    assert find(inspector, "cap ban sao").total == 1
    assert find(inspector, "cap ban sao", organization_id=agency["province"].id).total == 1  # with its children
    assert find(inspector, "cap ban sao", organization_id=agency["other"].id).total == 0


def test_filters_facets_sort_and_pages(find, secretary, library, today):
    assert find(secretary, "", kind="policy").total == 0
    assert find(secretary, "", kind="process").total == 5
    assert find(secretary, "", procedure="1.001193").total == 1
    everything = find(secretary, "")
    assert everything.facets["kind"] == {"process": 5}
    assert everything.facets["organization"] == {"XA-LOCBINH": 5}
    assert find(secretary, "", effective_from=today + timedelta(days=1)).total == 0
    assert find(secretary, "", effective_from=today, effective_to=today).total == 5
    first, second = find(secretary, "", per_page=3, page=1), find(secretary, "", per_page=3, page=2)
    assert len(first.hits) == 3 and len(second.hits) == 2
    assert not {h.revision_id for h in first.hits} & {h.revision_id for h in second.hits}


def test_title_matches_rank_above_body_matches(session, files, secretary, reviewer, approver, staff, find, today):
    body_only = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-A",
                                          title="Tiếp nhận hồ sơ", kind="process")
    make_effective(session, files, body_only, secretary, reviewer, approver, today,
                   make_docx("Liên thông đăng ký khai tử với các thủ tục khác."))
    in_title = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-B",
                                         title="Đăng ký khai tử", kind="process")
    make_effective(session, files, in_title, secretary, reviewer, approver, today, make_docx("Quy trình."))
    assert codes(find(staff, "dang ky khai tu"))[0] == "QT-B"


def test_html_in_text_is_escaped_in_highlights(session, files, secretary, reviewer, approver, staff, find, today):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-X",
                                         title="Thủ tục", kind="process")
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx("Chứng thực <script>alert(1)</script> bản sao"))
    highlight = str(find(staff, "chung thuc").hits[0].highlights)
    assert "<script>" not in highlight and "&lt;script&gt;" in highlight and "<mark>" in highlight


def test_a_quoted_phrase_is_highlighted_in_a_long_text(
    session, files, secretary, reviewer, approver, staff, find, today
):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-Y",
                                         title="Chứng thực", kind="process")
    filler = ["Cán bộ tiếp nhận kiểm tra tính đầy đủ của giấy tờ theo quy định hiện hành."] * 60
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx(*filler, "Thành phần hồ sơ gồm bản chính giấy khai sinh.", *filler))
    hit = find(staff, '"thanh phan ho so"').hits[0]
    # The passage comes from the middle of a long text, with the phrase marked.
    assert "<mark>Thành phần hồ sơ</mark> gồm bản chính" in hit.highlights


def test_words_typed_together_rank_above_the_same_words_apart(
    session, files, secretary, reviewer, approver, staff, find, today
):
    def process(code, title, text):
        document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=code,
                                             title=title, kind="process")
        make_effective(session, files, document, secretary, reviewer, approver, today, make_docx(text))

    # Folded alike (đổi/đối/đội → doi): only the order of the syllables tells them apart.
    process("QT-1", "Xác nhận đội dân phòng", "Đổi tên đội trưởng; xác nhận thông tin.")
    process("QT-2", "Đổi giấy phép lái xe", "Xác nhận đội ngũ cán bộ đổi giấy.")
    assert codes(find(staff, "doi giay phep"))[0] == "QT-2"
    # Words that never stand together still find the documents that have them all.
    assert set(codes(find(staff, "ten truong"))) == {"QT-1"}


def test_abbreviations_are_spelt_out(find, staff, library):
    assert codes(find(staff, "gpxd"))[0] == "QT-XD-01"
    assert codes(find(staff, "dk khai sinh"))[0] == "QT-HT-01"


def test_a_revision_committed_during_the_request_is_shown_as_it_is_counted(
    app, session, files, secretary, document, find
):
    import threading
    from io import BytesIO

    from sqlalchemy import select
    from support.pages import signed_in

    from qms.models import Revision

    session.execute(select(Revision.id)).all()  # the request has read: on SQLite its snapshot is fixed now
    responses = []

    def another_request() -> None:
        # In a thread of its own, as in a server: its own app context, session and commit.
        client = signed_in(app, secretary)
        responses.append(client.post(f"/documents/{document.id}/upload", content_type="multipart/form-data", data={
            "file": (BytesIO(make_docx("Chứng thực hợp đồng")), "qt.docx"), "change_summary": "Dự thảo"}))

    thread = threading.Thread(target=another_request)
    thread.start()
    thread.join()
    assert responses[0].status_code in (302, 303)
    results = find(secretary, "chung thuc hop dong", statuses=["all"])
    assert results.total == len(results.hits) == 1
