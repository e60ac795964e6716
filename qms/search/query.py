"""Parse what a person typed, search the index, and answer with permitted, highlighted hits.

Malformed input (unbalanced quotes, bare operators, a lone ``*``) is read as plain
words; nothing a user types becomes an error. Permissions are applied from the
database at query time (which organisations and statuses this user may see),
never stored in the index.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, undefer
from whoosh import query as wq

from qms.accounts import organizations, permissions, tree_as_of
from qms.documents import as_of
from qms.errors import Invalid, NotFound
from qms.models import Document, Organization, Revision, RevisionStatus, User
from qms.search import columns, matches, passages, record_entries, scoring
from qms.search.index import SearchIndex
from qms.text import abbreviations, vietnamese

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 32
MIN_PREFIX = 2
#: What a search may be limited to: revisions of documents, or records of the quality system.
CATEGORY_LABELS = {"document": "Tài liệu", record_entries.CATEGORY: "Hồ sơ HTQLCL"}
CATEGORIES = tuple(CATEGORY_LABELS)
OPERATORS = {"AND", "OR", "NOT"}
_PIECES = re.compile(r'"[^"]*"|\S+')
PER_PAGE = 20
MAX_PER_PAGE = 100
#: The furthest page read: past it a search answers its total and facets but no hits (no one reads 200,000 hits a
#: page at a time, and each page costs the scoring of every hit before it).
MAX_PAGE = 10_000
#: Documents with the words together answer alone when there are at least this many of them; fewer, and those with
#: the words anywhere join them. A number, not the page's size: a search finds the same documents, and the same
#: total, whatever the size of its pages (the search page and the API read 20 at a time).
ENOUGH_TOGETHER = 20


@dataclass
class SearchParams:
    q: str = ""
    organization_id: int | None = None
    #: The API names organisations by code; resolved with the same "not found" as a hidden one.
    organization_code: str | None = None
    kind: str | None = None
    #: ``document`` or ``record``; None: both.
    category: str | None = None
    field: str | None = None
    #: None: current revisions only; ["all"]: every status this user may see; else those statuses.
    statuses: list[str] | None = None
    procedure: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    #: The organisation filter answers for the tree of this day: the documents it (and those under it) owned then.
    as_of: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    #: False: the total, facets and suggestion only, without scoring, reading or highlighting a page of hits.
    hits: bool = True


@dataclass
class Hit:
    """A revision of a document, or (``category == "record"``) a record of the quality system."""

    document_id: int | None
    revision_id: int | None
    code: str
    title: str
    organization: str
    organization_code: str
    kind: str
    status: str
    number: int
    issue_number: int | None
    effective_from: date | None
    score: float
    highlights: Markup
    has_text: bool
    category: str = "document"
    #: A record's kind (``qms.search.record_entries.RecordKind``), its id and the element of its records page.
    record_kind: str | None = None
    record_id: int | None = None
    record_anchor: str | None = None


@dataclass
class SearchResults:
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(
        default_factory=lambda: {"kind": {}, "organization": {}, "category": {}}
    )
    suggestion: str | None = None
    #: True when no document had every word, and documents with some of them are shown.
    relaxed: bool = False


# --- parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clause:
    kind: str  # "words", "phrase", "prefix"
    tokens: tuple[vietnamese.Token, ...]
    negated: bool = False
    joined_by_or: bool = False


def parse(text: str) -> list[_Clause]:
    """Clauses of a query; anything malformed degrades to plain words."""
    text = vietnamese.normalize(text or "")[:MAX_QUERY_CHARS]
    if text.count('"') % 2:
        text = text.replace('"', " ")
    clauses: list[_Clause] = []
    negate, use_or = False, False
    for piece in _PIECES.findall(text):
        if piece in OPERATORS:
            if piece == "NOT":
                negate = True
            elif piece == "OR" and clauses:
                use_or = True
            continue
        if piece.startswith('"'):
            words = tuple(vietnamese.tokens(piece.strip('"')))
            kind = "phrase" if len(words) > 1 else "words"
        elif piece.endswith("*"):
            words = tuple(vietnamese.tokens(piece.rstrip("*")))
            kind = "prefix" if len(words) == 1 and len(words[0].folded) >= MIN_PREFIX else "words"
        else:
            words = tuple(vietnamese.tokens(piece))
            kind = "words"
        if not words:
            continue
        clauses.append(_Clause(kind, words, negated=negate, joined_by_or=use_or))
        negate, use_or = False, False
        if len(clauses) >= MAX_CLAUSES:
            break
    if clauses and all(c.negated for c in clauses):
        # "NOT x" alone asks for everything but x; read it as the words themselves.
        clauses = [_Clause(c.kind, c.tokens) for c in clauses]
    return clauses


def _word(token: vietnamese.Token) -> wq.Query:
    """A word in every field; with diacritics typed, the exact form counts double; an abbreviation, spelt out too."""
    has_marks = token.text != token.folded
    spelt_out = abbreviations.expansion(token)
    parts: list[wq.Query] = [
        wq.Term("code", token.text, boost=2.0),
        wq.Term("title_folded", token.folded),
        wq.Term("body_folded", token.folded),
        wq.Term("meta", token.folded),
    ]
    if has_marks:
        parts += [wq.Term("title", token.text, boost=2.0), wq.Term("body", token.text, boost=2.0)]
    if spelt_out:
        parts.append(_phrase(spelt_out) if len(spelt_out) > 1 else _word(spelt_out[0]))
    return wq.Or(parts)


def _phrase(tokens: tuple[vietnamese.Token, ...]) -> wq.Query:
    """Consecutive syllables as shingle terms: fast, and right for two-syllable words."""
    pairs = vietnamese.bigrams(list(tokens))
    return wq.And([wq.Or([wq.Term("title_shingles", p, boost=2.0), wq.Term("body_shingles", p)]) for p in pairs])


def _prefix(token: vietnamese.Token) -> wq.Query:
    return wq.Or([
        wq.Prefix("code", token.text), wq.Prefix("title_folded", token.folded), wq.Prefix("body_folded", token.folded),
    ])


def _clause_query(clause: _Clause) -> wq.Query:
    if clause.kind == "phrase":
        return _phrase(clause.tokens)
    if clause.kind == "prefix":
        return _prefix(clause.tokens[0])
    queries = [_word(t) for t in clause.tokens]
    return queries[0] if len(queries) == 1 else wq.And(queries)


def build_query(clauses: list[_Clause], *, relaxed: bool = False) -> wq.Query:
    """AND between clauses (OR where typed, or everywhere when relaxed); words typed together rank higher."""
    if not clauses:
        return wq.Every()
    groups: list[list[wq.Query]] = []
    negatives: list[wq.Query] = []
    for clause in clauses:
        query = _clause_query(clause)
        if clause.negated:
            negatives.append(query)
        elif clause.joined_by_or and groups:
            groups[-1].append(query)
        else:
            groups.append([query])
    positives = [g[0] if len(g) == 1 else wq.Or(g) for g in groups]
    if not positives:
        required: wq.Query = wq.Every()
    elif relaxed:
        required = wq.Or(positives)
    else:
        required = positives[0] if len(positives) == 1 else wq.And(positives)
    if negatives:
        required = wq.AndNot(required, wq.Or(negatives))
    # Folding merges different words (đổi/đối/đội → doi): syllables that stand together in
    # the query and in a title or text are the strongest sign of the right document.
    plain = [t for c in clauses if c.kind == "words" and not c.negated for t in c.tokens]
    pairs = vietnamese.bigrams(plain)
    if pairs:
        together: list[wq.Query] = [wq.Term("title_shingles", p, boost=3.0) for p in pairs]
        together += [wq.Term("body_shingles", p) for p in pairs]
        # "qt ht 04" typed with spaces is the code QT-HT-04.
        together.append(wq.Term("code", "-".join(t.text for t in plain), boost=6.0))
        return wq.AndMaybe(required, wq.Or(together))
    return required


def build_adjacent_query(clauses: list[_Clause]) -> wq.Query | None:
    """Plain words typed one after another must stand together (as shingles); None with fewer than two.

    Syllables such as "thực", "chữ", "ký" are in nearly every process while their pairs are rare,
    so this both ranks the right documents first and visits far fewer of them.
    """
    if any(c.joined_by_or for c in clauses):
        return None
    plain = [c for c in clauses if c.kind == "words" and not c.negated]
    tokens = [w for c in plain for t in c.tokens for w in (abbreviations.expansion(t) or (t,))]
    if len(tokens) < 2:
        return None
    pairs = vietnamese.bigrams(tokens)
    required: list[wq.Query] = [
        wq.Or([wq.Term("title_shingles", p, boost=2.0), wq.Term("body_shingles", p)]) for p in pairs
    ]
    negatives: list[wq.Query] = []
    for clause in clauses:
        if clause not in plain:
            (negatives if clause.negated else required).append(_clause_query(clause))
    query: wq.Query = required[0] if len(required) == 1 else wq.And(required)
    if negatives:
        query = wq.AndNot(query, wq.Or(negatives))
    # The other signs of the right document as boosts: the words in the title, the diacritics as
    # typed (bán above bạn), the code typed with spaces (qt ht 04).
    boosts: list[wq.Query] = [wq.Term("title_shingles", p, boost=3.0) for p in pairs]
    boosts += [wq.Term("title_folded", t.folded) for t in tokens]
    for token in tokens:
        if token.text != token.folded:
            boosts += [wq.Term("title", token.text, boost=2.0), wq.Term("body", token.text, boost=2.0)]
    boosts.append(wq.Term("code", "-".join(t.text for t in tokens), boost=6.0))
    return wq.AndMaybe(query, wq.Or(boosts))


# --- searching -------------------------------------------------------------------------------


def _filters(session: Session, viewer: User, params: SearchParams) -> wq.Query | None:
    parts: list[wq.Query] = []
    if params.organization_id is not None and params.as_of is not None:
        # The index holds today's owner; the owners of a past day are read from the ownership intervals.
        permissions.require_read(viewer, params.organization_id)
        parts.append(_owned_on(session, params.organization_id, params.as_of))
        if not permissions.sees_all_organizations(viewer):
            parts.append(wq.Term("organization_id", str(viewer.organization_id)))
    elif params.organization_id is not None:
        permissions.require_read(viewer, params.organization_id)
        allowed = organizations.descendant_ids(session, params.organization_id)
        if not permissions.sees_all_organizations(viewer):
            allowed &= {viewer.organization_id}
        parts.append(wq.Or([wq.Term("organization_id", str(i)) for i in sorted(allowed)]))
    elif not permissions.sees_all_organizations(viewer):
        parts.append(wq.Term("organization_id", str(viewer.organization_id)))
    statuses = allowed_statuses(viewer, params.statuses)
    if statuses is not None:
        # A record has no status: it is evidence, visible as soon as it is kept.
        parts.append(wq.Or([*(wq.Term("status", s) for s in sorted(statuses)),
                            wq.Term("category", record_entries.CATEGORY)]))
    if params.category:
        if params.category not in CATEGORIES:
            raise Invalid("Loại kết quả không hợp lệ.", code="invalid_category")
        parts.append(wq.Term("category", params.category))
    if params.kind:
        parts.append(wq.Term("kind", params.kind))
    if params.field:
        parts.append(wq.Term("field", params.field))
    if params.procedure:
        parts.append(wq.Term("procedure", params.procedure.strip()))
    if params.effective_from or params.effective_to:
        low = int(params.effective_from.strftime("%Y%m%d")) if params.effective_from else 1
        high = int(params.effective_to.strftime("%Y%m%d")) if params.effective_to else 99991231
        parts.append(wq.NumericRange("effective", low, high))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _owned_on(session: Session, organization_id: int, day: date) -> wq.Query:
    """The revisions of the documents the organisation, and those under it that day, owned on ``day``, and the
    records they held that day."""
    below = tree_as_of.organizations_on(session, day).below(organization_id)
    document_ids = sorted(as_of.document_ids_on(session, below, day))
    revision_ids: list[int] = []
    for start in range(0, len(document_ids), 500):
        revision_ids += session.scalars(
            select(Revision.id).where(Revision.document_id.in_(document_ids[start:start + 500]))
        )
    records = record_entries.keys_held_on(session, below, day)
    return wq.Or([*(wq.Term("revision_id", str(i)) for i in sorted(revision_ids)),
                  *(wq.Term("record", key) for key in records)])


def allowed_statuses(viewer: User, requested: list[str] | None) -> set[str] | None:
    """None means no status filter. Staff only ever see current revisions."""
    current = {RevisionStatus.EFFECTIVE.value}
    if not permissions.sees_non_current(viewer) or not requested:
        return current
    if "all" in requested:
        return None
    valid = {s.value for s in RevisionStatus}
    unknown = [s for s in requested if s not in valid]
    if unknown:
        raise Invalid(f"Trạng thái không hợp lệ: {', '.join(unknown)}.", code="invalid_status")
    return set(requested)


def search(session: Session, index: SearchIndex, viewer: User, params: SearchParams) -> SearchResults:
    """One page of results for what the user typed, within what the user may see; past ``MAX_PAGE``, or with
    ``params.hits`` false, the total, facets and suggestion without hits."""
    page = max(1, params.page)
    per_page = min(max(1, params.per_page), MAX_PER_PAGE)
    reading_hits = params.hits and page <= MAX_PAGE
    if params.organization_code:
        organization_id = session.scalar(
            select(Organization.id).where(Organization.code == params.organization_code.strip())
        )
        if organization_id is None:
            raise NotFound("Không tìm thấy đơn vị.")
        params.organization_id = organization_id
    index.apply_log(session.get_bind(), timeout=0.05, max_ops=500)  # a change its own request could not apply
    clauses = parse(params.q)
    filters = _filters(session, viewer, params)
    by_date = params.sort == "date" or not clauses
    results = SearchResults(page=page, per_page=per_page)
    with index.searcher() as searcher:
        allowed = _allowed_documents(searcher, filters)

        def run(query: wq.Query) -> tuple[int, dict[str, Counter[str]], list]:
            # Totals and facets from the set of matches; then scores for those matches only.
            found = matches.matching(searcher, query, within=allowed)
            if not found or not reading_hits:
                return len(found), _facets(searcher, found), []
            limit = page * per_page
            try:
                top = scoring.top_documents(searcher, query, found, limit, by_date=by_date,
                                            filtered=allowed is not None)
            except scoring.Unsupported:  # prefixes; past 20,000 matches unfiltered, Whoosh skips blocks off the page
                top = searcher.search(query, limit=limit, filter=allowed)
            return len(found), _facets(searcher, found), list(top[(page - 1) * per_page:])

        # Words together first; anywhere when that does not fill a page (a word left out, as in
        # "ban sao so goc" for "bản sao từ sổ gốc"); any of them when no document has them all.
        adjacent = build_adjacent_query(clauses)
        found = run(adjacent) if adjacent is not None else None
        if found is None or found[0] < ENOUGH_TOGETHER:
            found = run(build_query(clauses))
        plain_words = sum(len(c.tokens) for c in clauses if c.kind == "words" and not c.negated)
        if found[0] == 0 and plain_words > 1 and not any(c.joined_by_or for c in clauses):
            found = run(build_query(clauses, relaxed=True))
            results.relaxed = found[0] > 0
        results.total, facets, hits = found
        results.facets = {name: dict(counts) for name, counts in facets.items()}
        if reading_hits and not (session.new or session.dirty or session.deleted):
            # Read the hits in a snapshot taken now: one the request took earlier would miss a revision
            # committed (and indexed) since, while the total counts it.
            session.commit()
        results.hits = _hits(session, viewer, hits)
        if (results.total == 0 or results.relaxed) and clauses:
            results.suggestion = _suggest(searcher, clauses, filters)
    codes = {row.id: row.code for row in session.execute(select(Organization.id, Organization.code))}
    results.facets["organization"] = {
        codes.get(int(k), k): v for k, v in results.facets["organization"].items()
    }
    return results


def _allowed_documents(searcher, filters: wq.Query | None) -> set[int] | None:
    return None if filters is None else matches.matching(searcher, filters)


def _facets(searcher, docs: set[int]) -> dict[str, Counter[str]]:
    """How many of the matches per kind, per organisation, and documents against records.

    Read segment by segment: an empty index has no columns at all, and Whoosh's column over several
    segments misplaces the documents of a segment that lacks the column.
    """
    counts: dict[str, Counter[str]] = {"kind": Counter(), "organization": Counter(), "category": Counter()}
    if not docs:
        return counts
    ordered = sorted(docs)
    for leaf, offset in searcher.leaf_searchers():
        size = leaf.reader().doc_count_all()
        first, last = bisect.bisect_left(ordered, offset), bisect.bisect_left(ordered, offset + size)
        local = [d - offset for d in ordered[first:last]]
        if not local:
            continue
        kinds, organizations = columns.values(leaf.reader(), "kind"), columns.values(leaf.reader(), "organization_id")
        counts["kind"].update(map(kinds.__getitem__, local))
        counts["organization"].update(map(organizations.__getitem__, local))
    # A record's kinds are not a document's: the kinds tell the categories apart without reading another column.
    record_kinds = {kind.value for kind in record_entries.RecordKind}
    for kind, count in counts["kind"].items():
        counts["category"][record_entries.CATEGORY if kind in record_kinds else "document"] += count
    return counts


def _hits(session: Session, viewer: User, page: list) -> list[Hit]:
    if not page:
        return []
    ids = [int(hit["revision_id"]) for hit in page if not hit.get("record")]
    revisions = {
        r.id: r
        for r in session.scalars(
            select(Revision)
            .where(Revision.id.in_(ids))
            .options(undefer(Revision.text), joinedload(Revision.document).joinedload(Document.organization))
        ).unique()
    }
    records = record_entries.load(session, [hit["record"] for hit in page if hit.get("record")])
    words, pairs = passages.matched_terms(page[0].results)
    hits = []
    for hit in page:
        if hit.get("record"):
            entry = records.get(hit["record"])
            # The rule of the records pages (qms.records.evidence): whoever reads the organisation's documents.
            if entry is not None and permissions.can_read(viewer, entry.organization.id):
                hits.append(_record_hit(entry, float(hit.score or 0), passages.passage(hit, entry.text, words, pairs)))
            continue
        revision = revisions.get(int(hit["revision_id"]))
        # The database decides: a hit the user may not see (or no longer exists in that state) is dropped.
        if revision is None or not permissions.can_read(viewer, revision.document.organization_id):
            continue
        if not permissions.sees_non_current(viewer) and not revision.is_current:
            continue
        highlights = passages.passage(hit, revision.text or "", words, pairs)
        document = revision.document
        hits.append(Hit(
            document_id=document.id, revision_id=revision.id, code=document.code, title=document.title,
            organization=document.organization.name, organization_code=document.organization.code,
            kind=document.kind.value, status=revision.status.value, number=revision.number,
            issue_number=revision.issue_number, effective_from=revision.effective_from, score=float(hit.score or 0),
            highlights=highlights, has_text=revision.has_text,
        ))
    return hits


def _record_hit(entry: record_entries.RecordEntry, score: float, highlights: Markup) -> Hit:
    organization = entry.organization
    return Hit(
        document_id=None, revision_id=None, code=entry.number, title=entry.title, organization=organization.name,
        organization_code=organization.code, kind=entry.kind.value, status="", number=0, issue_number=None,
        effective_from=entry.day, score=score, highlights=highlights, has_text=True,
        category=record_entries.CATEGORY, record_kind=entry.kind.value, record_id=entry.id,
        record_anchor=entry.anchor,
    )


def _suggest(searcher, clauses: list[_Clause], filters: wq.Query | None) -> str | None:
    """A spelling suggestion for words found nowhere, offered only when it would find something."""
    reader = searcher.reader()
    correctors = [searcher.corrector("title_folded"), searcher.corrector("body_folded")]
    words, changed = [], False
    for clause in clauses:
        for token in clause.tokens:
            known = any(reader.doc_frequency(name, token.folded) for name in ("body_folded", "title_folded"))
            candidates = [] if known else [w for c in correctors for w in c.suggest(token.folded, limit=3, maxdist=2)]
            # Whoosh's MultiCorrector is broken in 2.7.5; the nearest word across both fields wins.
            suggestion = min(candidates, key=lambda w: edit_distance(w, token.folded), default=None)
            words.append(suggestion or token.text)
            changed = changed or suggestion is not None
    if not changed:
        return None
    suggestion = " ".join(words)
    if searcher.search(build_query(parse(suggestion)), limit=1, filter=filters).scored_length() == 0:
        return None
    return suggestion


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: for ranking a handful of spelling candidates (and the OCR benchmark's accuracy)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]
