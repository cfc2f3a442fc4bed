"""The document session learns from its writer's tags, and tags all hits of a find."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.core.suggestions import Suggestion
from app.ingest import import_sources
from app.session import document_session
from app.session.document_session import DocumentSession
from app.session.learned import combined, find_long_page
from app.session.line_suggestions import train_model
from bench.site_corpus import SitePage, site_corpus, write_site_corpus
from storage.annotations import NewSpan
from storage.labelfile import create_label_file


@pytest.fixture
def corpus() -> list[SitePage]:
    return site_corpus(sites=2, pages=3)


@pytest.fixture
def session(tmp_path: Path, corpus: list[SitePage]) -> DocumentSession:
    records = write_site_corpus(tmp_path / "sites.jsonl", corpus)
    label_file = create_label_file(tmp_path / "labels.db", owner="kim", schema=default_schema())
    report = import_sources(label_file, [records], ImportOptions("kim"))
    assert not report.refusals
    return DocumentSession(label_file, "kim")


def footer_lines(page: SitePage) -> list[tuple[int, int, str]]:
    return [
        (s, e, line.text) for s, e, line in page.line_ranges() if line.label == "copyright_footer"
    ]


def learned(session: DocumentSession) -> list[Suggestion]:
    assert session.current is not None
    return [s for s in session.current.suggestions if s.id.startswith("l")]


def test_lines_tagged_on_one_page_are_suggested_on_the_sites_other_pages(
    session: DocumentSession, corpus: list[SitePage]
) -> None:
    first, second, other_site = corpus[0], corpus[1], corpus[3]
    session.open(first.doc_id)
    assert learned(session) == []
    spans = [NewSpan("raw", s, e, "copyright_footer") for s, e, _ in footer_lines(first)]
    session.add_spans(first.doc_id, spans)

    session.open(second.doc_id)
    suggestions = learned(session)
    texts = [second.raw_text[s.start : s.end] for s in suggestions]
    assert texts == ["\n".join(text for *_, text in footer_lines(second))]
    assert suggestions[0].label == "copyright_footer"
    assert suggestions[0].reason == "copyright_footer, tagged on 1 page of this site"
    # The cleaner's suggestions give way: nothing else is offered on those lines.
    start, end = suggestions[0].start, suggestions[0].end
    assert all(
        s.end <= start or s.start >= end
        for s in session.current.suggestions
        if s.id[0] == "s"  # type: ignore[union-attr]
    )

    session.open(other_site.doc_id)
    assert learned(session) == []  # never on another site


def test_a_long_pages_learned_suggestions_come_from_the_helper_and_stale_ones_are_dropped(
    session: DocumentSession, corpus: list[SitePage], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = corpus[0], corpus[1]
    session.add_spans(
        first.doc_id, [NewSpan("raw", s, e, "copyright_footer") for s, e, _ in footer_lines(first)]
    )
    monkeypatch.setattr(document_session, "SUGGEST_NOW_MAX_CHARS", 0)  # every page is long

    def arrive(writer: str | None) -> None:
        stored = session.open(second.doc_id).stored
        assert session.current is not None and session.current.suggestions_pending
        assert learned(session) == []  # nothing learned before the first paint
        page = (stored.id, stored.url, stored.raw_text)
        found = find_long_page(session.label_file.path, writer, page, stored.segments)
        learned_by = (found.writer, found.learned)
        session.set_suggestions(stored.id, found.rules, found.numbers, learned_by)

    arrive(session.learning_writer())
    footer = "\n".join(text for *_, text in footer_lines(second))
    assert [second.raw_text[s.start : s.end] for s in learned(session)] == [footer]
    arrive("gold")  # asked for as another writer, since left: dropped
    assert learned(session) == [] and session.current.suggestions
    session.sources.learning = False
    arrive("kim")  # learning was turned off since
    assert learned(session) == []


def test_with_learning_off_only_the_cleaners_suggestions_are_offered(
    session: DocumentSession, corpus: list[SitePage]
) -> None:
    first, second = corpus[0], corpus[1]
    session.open(first.doc_id)
    spans = [NewSpan("raw", s, e, "copyright_footer") for s, e, _ in footer_lines(first)]
    session.add_spans(first.doc_id, spans)
    session.sources.learning = False
    session.open(second.doc_id)
    assert learned(session) == []


def test_tag_all_updates_the_open_page_and_names_the_others(
    session: DocumentSession, corpus: list[SitePage]
) -> None:
    changes = []
    session.subscribe(changes.append)
    session.open(corpus[0].doc_id)
    result = session.find("무단전재 및 재배포 금지.", regex=False, limit=None)
    hits = [(hit.doc_id, hit.start, hit.end) for hit in result.hits]
    written = session.tag_all(hits, "copyright_footer")

    assert written.documents == 3  # every page of the first site, none of the second
    here = [s for s in session.current.spans if s.label == "copyright_footer"]  # type: ignore[union-attr]
    # The hit is part of its line ("Copyright © ... 금지."): only the hit is tagged.
    assert [corpus[0].raw_text[s.start : s.end] for s in here] == ["무단전재 및 재배포 금지."]
    assert changes[-1].added == tuple(s.id for s in here)
    assert changes[-1].others == (corpus[1].doc_id, corpus[2].doc_id)

    session.set_tag_all_deleted(written, True)
    assert [s for s in session.current.spans if s.label == "copyright_footer"] == []  # type: ignore[union-attr]
    assert changes[-1].removed == tuple(s.id for s in here)


def test_learned_suggestions_cut_the_cleaners_around_them() -> None:
    text = "메뉴 하나\n메뉴 둘\n메뉴 셋"
    rule = Suggestion("s0-16", 0, len(text), "nav", "dropped by the cleaner")
    taught = Suggestion("l6-10", 6, 10, "widget", "widget, tagged on 2 pages of this site")
    pieces = combined([rule], [taught], text)
    assert [(text[s.start : s.end], s.label) for s in pieces] == [
        ("메뉴 하나", "nav"),
        ("메뉴 둘", "widget"),
        ("메뉴 셋", "nav"),
    ]
    assert combined([rule], [], text) == [rule]


def finish_with_gold(session: DocumentSession, page: SitePage) -> None:
    session.open(page.doc_id)
    spans = [NewSpan("raw", s, e, label) for s, e, label in page.gold_spans()]
    session.add_spans(page.doc_id, spans)
    session.set_status(page.doc_id, "done", None)


def test_the_line_model_speaks_after_three_finished_pages_and_stale_models_are_dropped(
    tmp_path: Path,
) -> None:
    corpus = site_corpus(sites=1, pages=5)
    records = write_site_corpus(tmp_path / "one-site.jsonl", corpus)
    label_file = create_label_file(tmp_path / "one.db", owner="kim", schema=default_schema())
    assert not import_sources(label_file, [records], ImportOptions("kim")).refusals
    session = DocumentSession(label_file, "kim")
    for page in corpus[:2]:
        finish_with_gold(session, page)
    assert session.line_model_request() is None  # too few finished pages: rules alone
    finish_with_gold(session, corpus[2])
    first = session.line_model_request()
    assert first is not None and len(first.doc_ids) == 3
    assert session.line_model_request() is None  # nothing new to learn from
    finish_with_gold(session, corpus[3])
    second = session.line_model_request()
    assert second is not None and len(second.doc_ids) == 4

    assert session.set_line_model(train_model(first)) is False  # stale: a newer one is coming
    assert session.sources.model is None
    assert session.set_line_model(train_model(second)) is True
    session.open(corpus[4].doc_id)
    guessed = [s for s in session.current.suggestions if s.id.startswith("m")]  # type: ignore[union-attr]
    assert guessed and all("line model" in s.reason for s in guessed)
    # The cleaner's rule calls the date above the weather widget a widget too; the model,
    # trained on pages where it is tagged byline_dateline, relabels it.
    date_line = next((s, e) for s, e, line in corpus[4].line_ranges() if line.text.endswith(")"))
    assert [(g.start, g.end, g.label) for g in guessed if g.start == date_line[0]] == [
        (*date_line, "byline_dateline")
    ]
    rules = [s for s in session.current.suggestions if s.id.startswith("s")]  # type: ignore[union-attr]
    assert all(s.start >= date_line[1] or s.end <= date_line[0] for s in rules)


def test_a_listed_find_stops_at_its_limit_and_says_so(session: DocumentSession) -> None:
    # Every page of the first site holds the footer: a window search listing 2 hits reads no
    # further, so a word on each of 100,000 pages answers at once; without a limit all count.
    listed = session.find("무단전재 및 재배포 금지.", regex=False, limit=2)
    assert len(listed.hits) == 2 and not listed.complete and listed.truncated
    everything = session.find("무단전재 및 재배포 금지.", regex=False, limit=None)
    assert everything.complete and everything.total_hits == 3
    assert listed.read < everything.read
