"""The fixes proposed to the search code owner, applied as monkeypatches so their effect can be measured.

Nothing here is imported by the application. ``bench/search.py --proposed``, ``bench/relevance.py
--proposed`` and ``bench/profiling.py --proposed`` call ``apply()`` (in the rebuild child process too)
and measure the same things with the fixes in place. Each function is written as it would stand in
its module; bench/README.md gives the exact change.

1. ``normalize`` (qms/text/vietnamese.py): re-place tone marks only in the few syllables that can
   need it, found with one regex scan, instead of a Python callback for every syllable of the text.
   Output is identical (``check()`` compares on the corpus). It is most of the cost of
   ``vietnamese.tokens`` now that words are folded through a cache, so it speeds indexing,
   highlighting and ``fold``.
2. ``highlight`` (qms/search/query.py, ``_hits``): highlight a short excerpt around the first
   matches of the query instead of re-analysing the whole text (2,000+ words) of each of the ten
   hits; and highlight a quoted phrase, which matches only shingle terms, from ``body_shingles``
   (today its highlight is empty).
3. ``adjacent`` (qms/search/query.py, ``build_query`` and ``search``): words typed together must
   first stand together (their syllable pairs, the shingle terms, are required), with the title and
   exact-diacritics terms only as boosts; when that does not fill the first page, today's query
   (every word anywhere), then the relaxed one, as now. Syllables of Vietnamese words are so common ("thực",
   "chữ", "ký" are in every process) that today's conjunction matches most documents and Whoosh
   scores them all; the pairs are rare, so the same query looks at a few hundred documents.
4. ``uncompound`` (qms/search/index.py): write segments as separate files (``compound=False``).
   whoosh-reloaded's compound file hands out sub-files as ``BytesIO(memoryview)``, i.e. it copies
   every sub-file it opens into memory, so every new reader of the main segment (each apply_log
   opens one to delete by the unique revision_id, and the process searcher reopens after it)
   copies tens of megabytes.
5. ``parallel`` (qms/search/index.py, ``_build``): the rebuild writes with whoosh's multiprocessing
   writer, ``ix.writer(procs=2, limitmb=128, multisegment=True)``: one segment per process, no
   final merge of the two.
6. ``nomerge`` (qms/search/index.py, ``apply_log``): ``writer.commit(merge=False)``. Every few
   commits whoosh's default MERGE_SMALL policy merges the small segments, in the request that
   happens to commit: about 1 s at 30,000 revisions. The merge belongs in maintenance instead
   (``flask qms reindex --catch-up`` / the scheduler: a plain ``ix.writer().commit()`` merges).
"""

from __future__ import annotations

import re
import unicodedata

# --- 1. qms/text/vietnamese.py ----------------------------------------------------------------------

_SYLLABLE_CHAR = re.compile(r"[^\W\d_]|[\u0300-\u036f]")


def _place_tones(decomposed: str) -> str:
    """``_NFD_SYLLABLE.sub(_place_tone, decomposed)``, calling back only where ``_CANDIDATE`` matches."""
    from qms.text.vietnamese import _CANDIDATE, _NFD_SYLLABLE, _place_tone

    pieces: list[str] = []
    last = 0
    for candidate in _CANDIDATE.finditer(decomposed):
        start = candidate.start()
        if start < last:
            continue
        while start > 0 and _SYLLABLE_CHAR.match(decomposed, start - 1):
            start -= 1
        syllable = _NFD_SYLLABLE.match(decomposed, start)
        assert syllable is not None
        pieces.append(decomposed[last:start])
        pieces.append(_place_tone(syllable))
        last = syllable.end()
    if not pieces:
        return decomposed
    pieces.append(decomposed[last:])
    return "".join(pieces)


def normalize(text: str) -> str:
    """NFC, Ð->Đ, no zero-width characters, one tone placement (new style: hoà, khoẻ, thuỷ); layout kept."""
    from qms.text.vietnamese import _CHAR_MAP

    decomposed = unicodedata.normalize("NFD", text.translate(_CHAR_MAP))
    return unicodedata.normalize("NFC", _place_tones(decomposed))


# --- 2. qms/search/query.py ---------------------------------------------------------------------------

HIGHLIGHT_WINDOW = 300  # characters read on each side of a match


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            table[code] = base
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    return table


_FOLD_CHARS = _fold_table()


def excerpt(text: str, words: set[str], pairs: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
            window: int = HIGHLIGHT_WINDOW, spots: int = 3) -> str:
    """The parts of ``text`` around the first matches of the query, for the highlighter.

    ``words`` are folded words, ``pairs`` folded consecutive words (a phrase's shingles), looked for
    first. Folding char by char keeps offsets (the text is NFC), so positions found in the folded copy
    are positions in the text. Without any match the beginning of the text is returned.
    """
    if len(text) <= 2 * window * spots or not (words or pairs):
        return text
    folded = text.translate(_FOLD_CHARS).lower()
    if len(folded) != len(text):
        return text

    def spots_of(alternatives: list[str]) -> list[int]:
        if not alternatives:
            return []
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\w)")
        found: list[int] = []
        for match in pattern.finditer(folded):
            if not found or match.start() > found[-1] + window:
                found.append(match.start())
                if len(found) == spots:
                    break
        return found

    # A whole phrase (its shingles chained: thanh_phan, phan_ho, ho_so), then its pairs, then single words.
    following = dict(pairs)
    heads = sorted({a for a, _b in pairs} - {b for _a, b in pairs})
    chains = []
    for head in heads:
        chain = [head]
        while chain[-1] in following and len(chain) < 12:
            chain.append(following[chain[-1]])
        chains.append(chain)
    starts = (
        spots_of([r"\W+".join(map(re.escape, chain)) for chain in chains if len(chain) > 2])
        or spots_of([re.escape(a) + r"\W+" + re.escape(b) for a, b in pairs])
        or spots_of([re.escape(w) for w in words])
    )
    if not starts:
        return text[: 2 * window]
    parts, end = [], 0
    for start in starts:
        low = max(end, start - window)
        parts.append(text[low : start + window])
        end = start + window
    return " … ".join(parts)


def matched(results) -> tuple[set[str], set[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """The folded words and shingle pairs the query matched in the body, once per result page."""
    cached = getattr(results, "_qms_matched", None)
    if cached is None:
        def text(term: bytes | str) -> str:
            return term.decode("utf-8") if isinstance(term, bytes) else term

        terms = results.matched_terms() if results.has_matched_terms() else set()
        words = {text(term) for field, term in terms if field == "body_folded"}
        pairs = {tuple(text(term).split("_", 1)) for field, term in terms if field == "body_shingles"}
        cached = results._qms_matched = (words, pairs)
    return cached  # type: ignore[no-any-return]


def highlight_excerpt(hit, text: str, top: int = 2) -> str:  # type: ignore[no-untyped-def]
    """What ``_hits`` would call instead of ``hit.highlights("body_folded", text=text, top=2)``."""
    words, pairs = matched(hit.results)
    passage = excerpt(text, words, pairs)  # type: ignore[arg-type]
    return (hit.highlights("body_folded", text=passage, top=top)
            or hit.highlights("body_shingles", text=passage, top=top))


# --- 3. qms/search/query.py: words typed together, together first ----------------------------------


def build_query_adjacent(clauses):  # type: ignore[no-untyped-def]
    """Like ``build_query``, but consecutive plain words must appear consecutively (shingles required).

    None when there are fewer than two plain words (nothing to pair): the caller goes on as today.
    """
    from whoosh import query as wq

    from qms.search.query import _clause_query
    from qms.text import vietnamese

    plain = [c for c in clauses if c.kind == "words" and not c.negated and not c.joined_by_or]
    if len(plain) < 2 or any(c.joined_by_or for c in clauses):
        return None
    tokens = [t for c in plain for t in c.tokens]
    pairs = vietnamese.bigrams(tokens)
    required: list[wq.Query] = [
        wq.Or([wq.Term("title_shingles", p, boost=2.0), wq.Term("body_shingles", p)]) for p in pairs
    ]
    negatives = []
    for clause in clauses:
        if clause in plain:
            continue
        (negatives if clause.negated else required).append(_clause_query(clause))
    query: wq.Query = required[0] if len(required) == 1 else wq.And(required)
    if negatives:
        query = wq.AndNot(query, wq.Or(negatives))
    # The same signs of the right document as today, as boosts only: a title with the words and the
    # pairs, the exact diacritics typed (bán above bạn), the code typed with spaces.
    boosts: list[wq.Query] = [wq.Term("title_shingles", p, boost=3.0) for p in pairs]
    boosts += [wq.Term("title_folded", t.folded) for t in tokens]
    for t in tokens:
        if t.text != t.folded:
            boosts += [wq.Term("title", t.text, boost=2.0), wq.Term("body", t.text, boost=2.0)]
    boosts.append(wq.Term("code", "-".join(t.text for t in tokens), boost=6.0))
    return wq.AndMaybe(query, wq.Or(boosts))


def search(session, index, viewer, params):  # type: ignore[no-untyped-def]
    """``qms.search.query.search`` (as of 86a1ab2) with the adjacent-words attempt first (marked)."""
    from sqlalchemy import select
    from whoosh import sorting

    from qms.errors import NotFound
    from qms.models import Organization
    from qms.search.query import SearchResults, _filters, _hits, _suggest, build_query, parse

    page = max(1, params.page)
    per_page = min(max(1, params.per_page), 100)
    if params.organization_code:
        found = session.scalar(select(Organization.id).where(Organization.code == params.organization_code.strip()))
        if found is None:
            raise NotFound("Không tìm thấy đơn vị.")
        params.organization_id = found
    index.apply_log(session.get_bind(), timeout=0.05, max_ops=500)
    clauses = parse(params.q)
    filters = _filters(session, viewer, params)
    facets = {"kind": sorting.FieldFacet("kind"), "organization": sorting.FieldFacet("organization_id")}
    sortedby = sorting.FieldFacet("effective", reverse=True) if params.sort == "date" or not clauses else None
    results = SearchResults(page=page, per_page=per_page)
    with index.searcher() as searcher:
        # --- change: the words together first; anywhere (today's query) when that does not fill a page,
        # as when a word was left out ("ban sao so goc" for "bản sao từ sổ gốc").
        adjacent = build_query_adjacent(clauses)
        attempts = ([adjacent] if adjacent is not None else []) + [build_query(clauses)]
        for query in attempts:
            found = searcher.search_page(
                query, page, pagelen=per_page, filter=filters, groupedby=facets, maptype=sorting.Count,
                sortedby=sortedby, terms=True,
            )
            if found.total >= per_page:
                break
        # --- end of change
        plain_words = sum(len(c.tokens) for c in clauses if c.kind == "words" and not c.negated)
        if found.total == 0 and plain_words > 1 and not any(c.joined_by_or for c in clauses):
            found = searcher.search_page(
                build_query(clauses, relaxed=True), page, pagelen=per_page, filter=filters, groupedby=facets,
                maptype=sorting.Count, sortedby=sortedby, terms=True,
            )
            results.relaxed = found.total > 0
        results.total = found.total
        results.facets = {
            "kind": dict(found.results.groups("kind")),
            "organization": dict(found.results.groups("organization")),
        }
        results.hits = _hits(session, viewer, found)
        if (results.total == 0 or results.relaxed) and clauses:
            results.suggestion = _suggest(searcher, clauses, filters)
    codes = {row.id: row.code for row in session.execute(select(Organization.id, Organization.code))}
    results.facets["organization"] = {codes.get(int(k), k): v for k, v in results.facets["organization"].items()}
    return results


# --- applying and checking ------------------------------------------------------------------------------


def apply(which: str = "all") -> list[str]:
    """Patch the running process; ``which`` is "all" or a comma list of the fixes' names.

    The names: normalize, highlight, adjacent, uncompound, parallel, nomerge.
    """
    from whoosh.searching import Hit

    from qms.text import vietnamese

    known = {"normalize", "highlight", "adjacent", "uncompound", "parallel", "nomerge"}
    chosen = set(known) if which == "all" else set(which.split(","))
    unknown = chosen - known
    if unknown:
        raise SystemExit(f"unknown fixes: {', '.join(sorted(unknown))}")
    applied = []
    if "normalize" in chosen and hasattr(vietnamese, "_place_tones"):
        applied.append("normalize (already in qms/text/vietnamese.py)")
    elif "normalize" in chosen:
        vietnamese.normalize = normalize
        if hasattr(vietnamese, "_fold_word"):
            vietnamese._fold_word.cache_clear()
        applied.append("normalize")
    if "highlight" in chosen:
        original = Hit.highlights

        def highlights(self, fieldname, text=None, top=3, minscore=1, strict_phrase=False):  # type: ignore[no-untyped-def]
            # _hits calls hit.highlights("body_folded", text=<whole text>, top=2): route it through the excerpt.
            if fieldname == "body_folded" and text and not getattr(self, "_qms_inner", False):
                self._qms_inner = True
                try:
                    return highlight_excerpt(self, text, top)
                finally:
                    self._qms_inner = False
            return original(self, fieldname, text=text, top=top, minscore=minscore, strict_phrase=strict_phrase)

        Hit.highlights = highlights  # type: ignore[method-assign]
        applied.append("highlight")
    if "adjacent" in chosen:
        from qms.search import query

        query.search = search
        applied.append("adjacent")
    if chosen & {"uncompound", "parallel"}:
        from whoosh.index import FileIndex

        writer = FileIndex.writer
        uncompound, parallel = "uncompound" in chosen, "parallel" in chosen

        def patched(self, procs=1, **kwargs):  # type: ignore[no-untyped-def]
            if uncompound:
                kwargs.setdefault("compound", False)
            if parallel and "limitmb" in kwargs:  # only _build passes limitmb
                procs = 2
                kwargs.setdefault("multisegment", True)
            return writer(self, procs, **kwargs)

        FileIndex.writer = patched  # type: ignore[method-assign]
        applied += [name for name in ("uncompound", "parallel") if name in chosen]
    if "nomerge" in chosen:
        import threading

        from whoosh.writing import SegmentWriter

        from qms.search.index import SearchIndex

        inside = threading.local()
        apply_log, commit = SearchIndex.apply_log, SegmentWriter.commit

        def apply_log_without_merging(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            inside.active = True
            try:
                return apply_log(self, *args, **kwargs)
            finally:
                inside.active = False

        def commit_maybe_without_merging(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if getattr(inside, "active", False):
                kwargs["merge"] = False
            return commit(self, *args, **kwargs)

        SearchIndex.apply_log = apply_log_without_merging  # type: ignore[method-assign]
        SegmentWriter.commit = commit_maybe_without_merging  # type: ignore[method-assign]
        applied.append("nomerge")
    return applied


def check(texts: list[str]) -> None:
    """The proposed ``normalize`` gives exactly what the current one gives."""
    from qms.text import vietnamese

    samples = texts + ["Hòa bình, hoà, Thủy lợi, khỏe, QUÝ, quả, thuyết, huỳnh, của, Ủa, 1hòa, hòa2, Ðông, a\u200bb"]
    samples += [unicodedata.normalize("NFD", t) for t in samples[:3]]
    for text in samples:
        assert normalize(text) == vietnamese.normalize(text), text[:80]
