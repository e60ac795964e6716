"""Records of the quality system found by the same search as the documents: by their number or title typed without
diacritics and by a word only in their file, within what the records pages let each person see."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from support.factories import make_docx, make_effective
from support.pages import signed_in

from qms.documents import lifecycle
from qms.extensions import db
from qms.models import IndexOperation
from qms.records import confirmations, corrective_actions, internal_audits, management_reviews, objectives
from qms.records import publications as publishing
from qms.records.evidence import Upload
from qms.search import search_index
from qms.search.query import SearchParams, search


@pytest.fixture
def find(app, session):
    def run(viewer, q="", **params):
        return search(session, search_index(app), viewer, SearchParams(q=q, **params))

    return run


def docx(name: str, *paragraphs: str) -> Upload:
    return Upload(io.BytesIO(make_docx(*paragraphs)), name)


@pytest.fixture
def records(session, files, secretary, approver, document, today):
    """One record of each kind, each with words of its own in its title and in its file.

    Returns (kind, record id, words of its title typed without diacritics, words only in its file).
    """
    first_day = date(today.year, 1, 1)
    publication = publishing.create(
        session, files, secretary, "XA-LOCBINH", number="45/QĐ-UBND", signed_on=first_day, signer="Lý Văn Đức",
        upload=docx("quyet-dinh.docx", "Quyết định công bố; niêm yết tại nhà văn hoá có giàn hoa giấy."), today=today,
    )
    audit = internal_audits.create(
        session, files, secretary, "XA-LOCBINH", starts_on=first_day, ends_on=first_day + timedelta(days=1),
        auditors=["Trần Thị Mận"], processes=["Quy trình cấp phép khai thác cát sỏi"],
        report=docx("bao-cao.docx", "Báo cáo đánh giá: kho lưu trữ có bình cứu hoả đặt cạnh tủ gỗ lim."), today=today,
    )
    finding = internal_audits.add_finding(
        session, secretary, audit.id, kind="nonconformity", description="Sổ theo dõi tiếp nhận ghi thiếu ngày hẹn",
        document_ids=[document.id],
    )
    action = corrective_actions.create(
        session, secretary, finding.id, cause="Thiếu hướng dẫn",
        action="Bổ sung mẫu phiếu hải đăng cho bộ phận một cửa", responsible="Nguyễn Văn Bình", due_on=today,
    )
    corrective_actions.verify(
        session, files, approver, action.id, note="Đã bổ sung",
        evidence_file=docx("bang-chung.docx", "Ảnh chụp phiếu mới, bìa màu xanh ngọc bích."), today=today,
    )
    review = management_reviews.create(
        session, files, secretary, "XA-LOCBINH", held_on=first_day, chair="Hoàng Văn Thụ",
        inputs={"audit_results": "Hai điểm không phù hợp"}, decisions="Giao văn phòng rà soát các quy trình",
        minutes=docx("bien-ban.docx", "Biên bản họp: ý kiến về cây đa giếng nước sân đình."), today=today,
    )
    objective = objectives.create(session, secretary, "XA-LOCBINH", year=today.year,
                                  title="Trả kết quả đúng hẹn cho người dân vùng cao nguyên", target="98 %")
    objectives.record_result(session, secretary, objective.id, measured_on=first_day, value="99 %",
                             note="Bộ phận một cửa báo cáo quý tỳ bà", today=today)
    confirmation = confirmations.confirm(
        session, files, approver, "XA-LOCBINH", year=today.year, statement=None,
        upload=docx("xac-nhan.docx", "Thủ trưởng ký xác nhận bằng bút mực tím."), today=today,
    )
    return [
        ("publication", publication.id, "45/QD-UBND", "gian hoa giay"),
        ("internal_audit", audit.id, "khai thac cat soi", "go lim"),
        ("corrective_action", action.id, "phieu hai dang", "ngoc bich"),
        ("management_review", review.id, "xem xet cua lanh dao", "gieng nuoc san dinh"),
        ("quality_objective", objective.id, "vung cao nguyen", "ty ba"),
        ("effectiveness_confirmation", confirmation.id, "xac nhan hieu luc", "but muc tim"),
    ]


def record_hits(results):
    return [(hit.record_kind, hit.record_id) for hit in results.hits if hit.category == "record"]


def test_each_kind_of_record_is_found_by_its_title_and_by_a_word_only_in_its_file(find, staff, records):
    for kind, record_id, title_words, file_words in records:
        by_title = find(staff, title_words)
        assert (kind, record_id) in record_hits(by_title), (kind, title_words)
        by_file = find(staff, file_words)
        assert record_hits(by_file) == [(kind, record_id)], (kind, file_words)
    hit = find(staff, "45/QD-UBND").hits[0]
    assert hit.code == "45/QĐ-UBND" and hit.organization_code == "XA-LOCBINH" and hit.record_anchor.startswith(
        "publication-")
    assert hit.document_id is None and hit.revision_id is None


def test_a_record_is_searchable_as_soon_as_the_service_committed_it(find, session, staff, records):
    logged = session.scalar(select(func.count()).select_from(IndexOperation).where(IndexOperation.record.is_not(None)))
    assert logged >= len(records)
    assert find(staff, "khai thac cat soi").total == 1


def test_another_commune_does_not_find_them_and_the_inspector_does(find, outsider, inspector, records):
    for kind, record_id, title_words, file_words in records:
        assert record_hits(find(outsider, title_words)) == []
        assert record_hits(find(outsider, file_words)) == []
        assert (kind, record_id) in record_hits(find(inspector, file_words))


def test_the_facets_tell_records_from_documents_and_filter_to_either(
        find, session, files, secretary, reviewer, approver, staff, today, records):
    process = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-VP-09",
                                        title="Quản lý kho lưu trữ", kind="process")
    make_effective(session, files, process, secretary, reviewer, approver, today,
                   make_docx("Tủ hồ sơ bằng gỗ lim đặt nơi khô ráo."), "Ban hành")
    both = find(staff, "go lim")
    assert both.facets["category"] == {"document": 1, "record": 1}
    assert both.facets["kind"] == {"process": 1, "internal_audit": 1}
    assert [hit.category for hit in find(staff, "go lim", category="record").hits] == ["record"]
    only_documents = find(staff, "go lim", category="document")
    assert [hit.code for hit in only_documents.hits] == ["QT-VP-09"] and only_documents.hits[0].record_kind is None
    assert record_hits(find(staff, "go lim", kind="internal_audit")) == [("internal_audit", records[1][1])]
    assert find(staff, "go lim", kind="process").facets["category"] == {"document": 1}


def test_rebuild_indexes_the_records(app, find, staff, records):
    index = search_index(app)
    count = index.rebuild(db.engine)
    assert count >= len(records)
    assert index.compare(db.engine).ok
    for kind, record_id, _title_words, file_words in records:
        assert record_hits(find(staff, file_words)) == [(kind, record_id)]


def test_the_search_page_opens_the_records_page_at_the_record(app, staff, records):
    page = signed_in(app, staff).get("/search?q=gieng+nuoc+san+dinh").get_data(as_text=True)
    review_id = records[3][1]
    title = re.search(r'<a href="([^"]+)" class="hit-title" lang="vi">([^<]+)</a>', page)
    assert title is not None
    assert title.group(1) == f"/organizations/XA-LOCBINH/records#review-{review_id}"
    assert "Hồ sơ xem xét của lãnh đạo" in page
    records_page = signed_in(app, staff).get("/organizations/XA-LOCBINH/records").get_data(as_text=True)
    assert f'id="review-{review_id}"' in records_page
    filtered = signed_in(app, staff).get("/search?q=gieng+nuoc&category=record")
    assert filtered.status_code == 200 and "review-" in filtered.get_data(as_text=True)


def test_the_api_describes_a_record_hit(client, bearer, staff, records):
    asked = {"q": "but muc tim", "category": "record"}
    response = client.get("/api/v1/search", query_string=asked, headers=bearer(staff))
    assert response.status_code == 200, response.get_json()
    facets = client.get("/api/v1/search/facets", query_string=asked, headers=bearer(staff)).get_json()
    assert facets["facets"]["category"] == {"record": 1}
    [hit] = response.get_json()
    assert hit["category"] == "record" and hit["record_kind"] == "effectiveness_confirmation"
    assert hit["record_id"] == records[5][1] and hit["document_id"] is None and hit["revision_id"] is None
    wrong = client.get("/api/v1/search", query_string={"q": "x", "category": "other"}, headers=bearer(staff))
    assert wrong.status_code == 422
