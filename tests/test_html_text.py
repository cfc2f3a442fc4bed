"""HTML to raw text: whole-page visible text, one block per line, no network, no crash."""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.canonical import is_canonical
from app.core.decoding import decode_bytes
from app.core.html_text import HtmlPage, html_to_text


def text_of(html: str) -> str:
    return html_to_text(html).raw_text


# --- Lines and whitespace --------------------------------------------------------------


def test_each_block_element_is_its_own_line() -> None:
    html = (
        "<h1>제목</h1><p>첫 문단</p><div>상자<div>안쪽</div>뒤</div>"
        "<ul><li>하나</li><li>둘</li></ul><blockquote>인용</blockquote>"
        "<section>섹션</section><article>기사</article><header>머리</header>"
        "<footer>꼬리</footer><nav>메뉴</nav><aside>곁</aside><dl><dt>용어</dt><dd>뜻</dd></dl>"
        "<figure><figcaption>설명</figcaption></figure><address>주소</address>"
    )
    assert text_of(html).split("\n") == [
        "제목", "첫 문단", "상자", "안쪽", "뒤", "하나", "둘", "인용", "섹션", "기사",
        "머리", "꼬리", "메뉴", "곁", "용어", "뜻", "설명", "주소",
    ]  # fmt: skip


def test_inline_elements_flow_within_their_line() -> None:
    html = (
        '<p>서울 <a href="/x">시청</a>에서 <b>굵게</b>, <em>강조</em><span>붙여</span> '
        '<img src="a.png">끝</p>'
    )
    assert text_of(html) == "서울 시청에서 굵게, 강조붙여 끝"


def test_br_and_hr_break_lines() -> None:
    assert text_of("<p>one<br>two<br/>three</p>x<hr>y") == "one\ntwo\nthree\nx\ny"


def test_whitespace_runs_collapse_and_lines_are_stripped() -> None:
    html = "<p>  a \n\t b&nbsp;&nbsp;c\u3000d  </p>\n\n   <p>\n e </p>"
    assert text_of(html) == "a b c d\ne"


def test_empty_blocks_leave_no_blank_lines() -> None:
    html = "<div></div><p> </p><p>&nbsp;</p><p>x</p><div>\n\n</div><br><br><p>y</p>"
    assert text_of(html) == "x\ny"


def test_table_rows_are_lines_and_cells_are_separated() -> None:
    html = "<table><tr><th>이름</th><th>값</th></tr><tr><td>a</td><td>1</td></tr></table>"
    assert text_of(html) == "이름 값\na 1"


def test_pre_keeps_its_line_breaks_and_indentation() -> None:
    html = "<p>before</p><pre>\ndef f():\n    return  1\n</pre><p>after</p>"
    assert text_of(html) == "before\ndef f():\n    return  1\nafter"


def test_the_whole_page_is_kept_including_menus_and_footers() -> None:
    html = (
        "<nav><a>홈</a> | <a>정치</a></nav><article><p>본문입니다.</p></article>"
        "<div class=ad>광고</div><footer>Copyright 2026</footer>"
    )
    assert text_of(html) == "홈 | 정치\n본문입니다.\n광고\nCopyright 2026"


def test_character_references_are_resolved() -> None:
    assert text_of("<p>&lt;tag&gt; &amp; &#54620;&#xAE00; &quot;q&quot;</p>") == '<tag> & 한글 "q"'


# --- What is left out -----------------------------------------------------------------


def test_script_style_template_noscript_and_comments_are_left_out() -> None:
    html = (
        "<html><head><style>p { color: red }</style><script>var a = 1;</script></head><body>"
        "<p>보임<script>document.write('x')</script> 계속</p><!-- 주석 -->"
        "<template><p>템플릿</p></template><noscript>자바스크립트</noscript>"
        "<?php echo 1 ?><p>끝</p></body></html>"
    )
    assert text_of(html) == "보임 계속\n끝"


def test_head_content_other_than_title_is_left_out() -> None:
    html = (
        "<head><title>T</title><meta name=x content=y><link rel=stylesheet href=s.css></head>본문"
    )
    assert html_to_text(html) == HtmlPage("본문", "T")


# --- Title ----------------------------------------------------------------------------


def test_title_is_returned_separately_and_collapsed() -> None:
    page = html_to_text("<title>\n  오늘의   뉴스 \n - 신문 </title><p>본문</p>")
    assert page == HtmlPage("본문", "오늘의 뉴스 - 신문")


@pytest.mark.parametrize("html", ["<p>본문</p>", "<title>  </title><p>본문</p>"])
def test_no_title_or_blank_title_is_none(html: str) -> None:
    assert html_to_text(html).title is None


def test_an_svg_icon_title_is_not_the_page_title() -> None:
    html = "<svg><title>검색 아이콘</title></svg><title>진짜 제목</title><p>본문</p>"
    assert html_to_text(html) == HtmlPage("본문", "진짜 제목")


# --- Korean pages and encodings --------------------------------------------------------


def test_a_decoded_euc_kr_page_keeps_its_korean() -> None:
    html = (
        '<html><head><meta charset="euc-kr"><title>뉴스</title></head>'
        "<body><p>똠방각하 햏</p></body></html>"
    )
    decoded = decode_bytes(html.encode("cp949"), html=True)
    # The page still says euc-kr, but it is text now: the parser must not re-decode it.
    assert html_to_text(decoded.text) == HtmlPage("똠방각하 햏", "뉴스")


def test_an_xml_declaration_with_an_encoding_is_harmless() -> None:
    html = '<?xml version="1.0" encoding="euc-kr"?><html><body><p>한글</p></body></html>'
    assert text_of(html) == "한글"


# --- Robustness -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "html", ["", "   \n ", "<!-- only a comment -->", "<html></html>", "<?pi?>"]
)
def test_empty_documents_give_empty_text(html: str) -> None:
    assert html_to_text(html) == HtmlPage("", None)


def test_malformed_html_still_gives_its_text() -> None:
    html = "<p>unclosed <b>bold <i>both</p> next</div></span><p attr='x>tail<<>>"
    assert text_of(html) == "unclosed bold both\nnext"


def test_ten_thousand_nested_divs_lose_no_text() -> None:
    # libxml2's tree builder stops at 2,048 levels and drops the rest of the page.
    depth = 10_000
    html = "<div>x" * depth + "deepest" + "</div>" * depth + "<p>after</p>"
    lines = text_of(html).split("\n")
    assert len(lines) == depth + 1
    assert lines[-2:] == ["xdeepest", "after"]


def test_a_huge_attribute_does_not_stop_the_page() -> None:
    # 12 MB is beyond the 10 MB per-value limit that libxml2 applies without huge_tree.
    html = '<p>before</p><div data-x="' + "a" * 12_000_000 + '">inside</div><p>after</p>'
    assert text_of(html) == "before\ninside\nafter"


def test_binary_junk_as_text_does_not_crash() -> None:
    junk = random.Random(3).randbytes(20_000).decode("latin-1")
    page = html_to_text(junk)
    assert is_canonical(page.raw_text)
    assert "\x00" not in page.raw_text


def test_control_characters_from_character_references_are_dropped() -> None:
    # &#13; is a carriage return (whitespace); &#0; is U+FFFD by the HTML standard.
    assert text_of("<p>a&#1;b&#13;c&#0;d</p>") == "ab c\ufffdd"


def test_a_lone_surrogate_does_not_crash() -> None:
    assert text_of("<p>a\ud800b</p>") == "a\ufffdb"


def test_a_one_megabyte_page_is_fast() -> None:
    paragraph = "<p>서울시는 <a href='/n'>24일</a> 시청에서 <b>기자회견</b>을 열었다.</p>\n"
    menu = "<ul>" + "<li><a href='#'>메뉴</a></li>" * 20 + "</ul>\n"
    html = "<html><body>" + (paragraph * 20 + menu) * 450 + "</body></html>"
    assert len(html.encode()) > 1_000_000
    start = time.perf_counter()
    text = text_of(html)
    assert time.perf_counter() - start < 1.0
    assert text.count("서울시는 24일 시청에서 기자회견을 열었다.") == 9000


# --- No network -----------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP server that a fetch of http://127.0.0.1:<port>/ would reach."""
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    yield server
    server.close()


def test_no_network_access_for_images_links_frames_or_dtds(
    listener: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []

    def refuse(*args: object) -> None:
        calls.append(args)
        raise AssertionError("html_to_text tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    html = (
        f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "{url}/x.dtd">'
        f'<html><head><link rel="stylesheet" href="{url}/s.css">'
        f'<script src="{url}/a.js"></script></head><body>'
        f'<img src="{url}/a.png"> 그림 <iframe src="{url}/frame"></iframe>'
        f'<object data="{url}/o"></object><p>본문 &ent;</p></body></html>'
    )
    assert text_of(html) == "그림\n본문 &ent;"
    assert calls == []
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody, not even libxml2 in C, connected


# --- Properties -----------------------------------------------------------------------

_FRAGMENTS = [
    "<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<pre>", "</pre>", "<li>",
    "<table><tr><td>", "</td><td>", "<script>", "</script>", "<style>", "<title>",
    "</title>", "<!--", "-->", "<![CDATA[", "]]>", "<?x?>", "<svg>", "</svg>", "&amp;",
    "&nbsp;", "&#0;", "&#13;", "&#xD800;", "&bogus;", "<", ">", "'", '"', "=",
    "\r\n", "\r", "\n", "\t", " ", "\x00", "\x0b", "\u2028", "\xa0", "🇰🇷",
    "👨\u200d👩\u200d👧", "\u1112\u1161\u11ab", "e", "\u0301", "한글",
]  # fmt: skip
html_ish = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=5)), max_size=60).map(
    "".join
)


@settings(max_examples=300)
@given(html_ish)
def test_any_html_ish_text_gives_canonical_lines(html: str) -> None:
    page = html_to_text(html)
    assert is_canonical(page.raw_text)
    lines = page.raw_text.split("\n") if page.raw_text else []
    assert all(line.strip() for line in lines)  # no empty or blank lines
    assert all(line == line.rstrip() for line in lines)
    assert page.title is None or (page.title.strip() == page.title and is_canonical(page.title))


# --- Void and embedded-content elements never hide text (issue 15) --------------------

VOID = (
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "keygen",
)  # fmt: skip
EMBEDDED = ("audio", "video", "object", "canvas", "picture", "svg", "math")


@pytest.mark.parametrize("tag", VOID)
def test_no_line_after_a_void_element_vanishes(tag: str) -> None:
    html = f"<div><p>첫 줄<{tag} src='x.swf'>둘째 줄</p><p>셋째 줄</p><p>넷째 줄</p></div><p>끝</p>"
    text = text_of(html)
    for line in ("첫 줄", "둘째 줄", "셋째 줄", "넷째 줄", "끝"):
        assert line in text, (tag, text)


def test_an_embed_before_the_article_keeps_every_article_line() -> None:
    html = (
        '<body><div class="player"><embed src="/flash/player.swf" type="application/x-'
        'shockwave-flash"><p>기사 첫 문단입니다.</p><p>기사 둘째 문단입니다.</p>'
        "<p>기사 셋째 문단입니다.</p></div></body>"
    )
    assert text_of(html) == "기사 첫 문단입니다.\n기사 둘째 문단입니다.\n기사 셋째 문단입니다."


@pytest.mark.parametrize("tag", EMBEDDED)
def test_an_unclosed_embedded_element_hides_nothing_after_it(tag: str) -> None:
    html = f"<p>앞</p><div><{tag} data='x'>대체 글<p>본문 하나</p><p>본문 둘</p></div><p>뒤</p>"
    assert text_of(html).split("\n") == ["앞", "대체 글", "본문 하나", "본문 둘", "뒤"], tag


@pytest.mark.parametrize("tag", EMBEDDED)
def test_embedded_fallback_text_is_kept_as_a_reader_without_the_media_sees_it(tag: str) -> None:
    html = f"<p>앞</p><{tag} src='x'><source src='y'><p>재생할 수 없습니다</p></{tag}><p>뒤</p>"
    assert text_of(html).split("\n") == ["앞", "재생할 수 없습니다", "뒤"], tag


def test_void_elements_inside_skipped_elements_change_nothing() -> None:
    html = "<p>a</p><noscript><img src=x><br>숨김</noscript><p>b<br>c</p>"
    assert text_of(html) == "a\nb\nc"


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from([f"<{tag}>" for tag in VOID + EMBEDDED]), max_size=6),
    st.lists(st.integers(0, 5), max_size=6),
)
def test_unclosed_void_and_embedded_tags_anywhere_lose_no_paragraph(
    tags: list[str], where: list[int]
) -> None:
    parts = [f"<p>문단{number}</p>" for number in range(6)]
    for tag, position in zip(tags, where, strict=False):
        parts[position] = tag + parts[position]
    text = text_of("<div>" + "".join(parts) + "</div>")
    for number in range(6):
        assert f"문단{number}" in text
