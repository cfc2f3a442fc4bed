"""Learned suggestions: lines tagged on one page of a site come back on its other pages,
never on another site's."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.core.labelschema import default_schema
from app.core.learned_lines import LineMemory, TaggedLine, learned_suggestions, site_of
from app.ingest import ImportOptions, import_sources
from storage.labelfile import create_label_file, open_label_file
from storage.learned_rows import line_memory, whole_line_tags

MENU = "정치 경제 사회"
FOOTER = "Copyright © 데일리. 무단전재 금지"
PAGE_1 = f"{MENU}\n오늘의 기사 하나\n{FOOTER}\n"
PAGE_2 = f"  정치  경제\t사회 \n다른 기사 둘\n\n{FOOTER}\n"


def tagged(doc_id: str, url: str | None, *lines: tuple[str, str]) -> list[TaggedLine]:
    return [TaggedLine(doc_id, url, text, label) for text, label in lines]


def test_a_tagged_line_is_suggested_on_another_page_of_the_site() -> None:
    learned = tagged("a/1", "https://news.example/a/1", (MENU, "nav"), (FOOTER, "copyright_footer"))
    suggestions = learned_suggestions(learned, "a/2", "https://www.news.example/a/2", PAGE_2)
    menu, footer = suggestions
    # Whitespace-normalised match; the range is the line without its outer whitespace.
    assert PAGE_2[menu.start : menu.end] == "정치  경제\t사회"
    assert (menu.label, menu.pages) == ("nav", 1)
    assert menu.learned_from == "nav, tagged on 1 page of this site"
    assert PAGE_2[footer.start : footer.end] == FOOTER
    assert footer.label == "copyright_footer"


def test_never_on_another_site() -> None:
    learned = tagged("a/1", "https://news.example/a/1", (MENU, "nav"))
    assert learned_suggestions(learned, "b/1", "https://other.example/b/1", PAGE_2) == []
    # Without URLs the folder of the id is the site.
    by_folder = tagged("news/1", None, (MENU, "nav"))
    assert learned_suggestions(by_folder, "blog/1", None, PAGE_2) == []
    assert len(learned_suggestions(by_folder, "news/2", None, PAGE_2)) == 1


_LINE = st.text(st.sampled_from(["가", "a", " ", "\t", "메", "뉴"]), min_size=1, max_size=8)


@given(lines=st.lists(_LINE, min_size=1, max_size=6), page=st.lists(_LINE, max_size=8))
def test_learning_never_crosses_sites(lines: list[str], page: list[str]) -> None:
    memory = LineMemory(TaggedLine("x/1", "http://one.example/", line, "nav") for line in lines)
    text = "\n".join(page + lines)
    assert memory.suggest("x/2", "http://two.example/", text) == []
    assert memory.suggest("y/2", None, text) == []  # a folder is never a host


def test_the_page_itself_is_no_evidence_and_counts_are_pages() -> None:
    learned = [
        *tagged("a/1", None, (MENU, "nav")),
        *tagged("a/2", None, (MENU, "nav")),
        *tagged("a/3", None, (MENU, "widget")),
    ]
    (on_new,) = learned_suggestions(learned, "a/9", None, PAGE_1)
    assert (on_new.label, on_new.learned_from) == ("nav", "nav, tagged on 2 pages of this site")
    (on_tagged,) = learned_suggestions(learned, "a/1", None, PAGE_1)  # a/1's own tag left out
    assert on_tagged.pages == 1


def test_consecutive_lines_of_one_label_are_one_suggestion() -> None:
    text = "메뉴 하나\n메뉴 둘\n\n메뉴 셋\n본문\n메뉴 하나\n"
    learned = tagged("a/1", None, ("메뉴 하나", "nav"), ("메뉴 둘", "nav"), ("메뉴 셋", "nav"))
    first, second = learned_suggestions(learned, "a/2", None, text)
    assert text[first.start : first.end] == "메뉴 하나\n메뉴 둘\n\n메뉴 셋"
    assert text[second.start : second.end] == "메뉴 하나"


def test_sites_are_hosts_or_folders() -> None:
    assert site_of("x", "https://WWW.Example.com:8080/a") == "host:example.com"
    assert site_of("news/2024/1", None) == "folder:news/2024"
    assert site_of("loose", "not a url") == "folder:"
    assert site_of("a/1", "http://[bad") == "folder:a"


def import_records(path: Path, records: list[dict[str, object]]) -> Path:
    source = path.with_suffix(".jsonl")
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        report = import_sources(label_file, [source], ImportOptions("kim"))
    assert not report.refusals
    return path


def span(text: str, piece: str, label: str, annotator: str = "kim") -> dict[str, object]:
    start = text.index(piece)
    return {
        "layer": "raw",
        "start": start,
        "end": start + len(piece),
        "label": label,
        "annotator": annotator,
    }


def test_storage_reads_whole_lines_only_of_that_annotator(tmp_path: Path) -> None:
    menu_half = MENU[: len(MENU) // 2]
    records = [
        {
            "id": "a/1",
            "url": "https://news.example/1",
            "raw_text": PAGE_1,
            "spans": [
                # Two touching spans cover the menu line together; a partial one teaches nothing.
                span(PAGE_1, menu_half, "nav"),
                {**span(PAGE_1, MENU[len(menu_half) :], "nav"), "start": len(menu_half)},
                span(PAGE_1, "기사", "ad"),
                span(PAGE_1, FOOTER, "copyright_footer", annotator="lee"),
            ],
        },
        {"id": "b/1", "url": "https://other.example/1", "raw_text": f"{FOOTER}\n", "spans": [
            span(f"{FOOTER}\n", FOOTER, "copyright_footer")]},
        {"id": "a/2", "url": "https://news.example/2", "raw_text": PAGE_2},
    ]  # fmt: skip
    path = import_records(tmp_path / "f.db", records)
    with open_label_file(path, read_only=True) as label_file:
        db = label_file.connection
        assert [(t.doc_id, t.text, t.label) for t in whole_line_tags(db, "kim")] == [
            ("a/1", MENU, "nav"),
            ("b/1", FOOTER, "copyright_footer"),
        ]
        site = site_of("a/2", "https://news.example/2")
        assert [t.doc_id for t in whole_line_tags(db, "kim", site=site)] == ["a/1"]
        assert [t.label for t in whole_line_tags(db, "lee")] == ["copyright_footer"]
        suggestions = line_memory(db, "kim", site=site).suggest(
            "a/2", "https://news.example/2", PAGE_2
        )
    assert [(s.label, PAGE_2[s.start : s.end]) for s in suggestions] == [
        ("nav", "정치  경제\t사회")
    ]  # the footer was tagged on another site only
