"""HTML to raw text: the visible text of the whole page, one block element per line.

The raw text keeps everything a reader could see (menus, ads, comments, footers): the
annotator marks boilerplate later, so nothing is judged here. Block elements (``p``,
``div``, ``li``, ``tr``, ``br`` ...) end lines; inline elements (``a``, ``span``, ``b``
...) flow within a line; table cells in a row are separated by a space. Inside a line
every run of whitespace, including NBSP, U+3000 and U+2028, becomes one space (so the
text survives a Qt widget unchanged); lines are stripped and empty ones dropped. ``<pre>``
and ``<textarea>`` keep their line breaks and indentation. ``script``, ``style``,
``template``, ``noscript``, ``head`` and ``iframe`` contribute nothing; the first
``<title>`` is returned separately. Void elements (``img``, ``embed`` ...) never hold
text, and the fallback text of embedded content (``video``, ``object``, ``svg`` ...) is
kept, so no unclosed tag of theirs hides the rest of a page.

libxml2 stops building a tree at 2,048 levels of nesting and silently drops the rest of
the page, so the text is collected from the parser's events instead (lxml's *target*
interface): no tree, no depth limit, no recursion. The parser never touches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from app.core.canonical import canonicalize

# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "optgroup",
    "option", "p", "plaintext", "pre", "section", "summary", "table", "tbody", "textarea",
    "tfoot", "thead", "tr", "ul", "xmp",
})
# Elements whose content is not shown as text (``title`` is read separately). A browser
# hides an unclosed one's rest of the page too (script, style, title and iframe hold raw
# text up to their end tag; template content is inert).
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe"})
# Void elements never have content, but libxml2 does not know some of them (embed, source,
# track, wbr, keygen) and reports the rest of their parent as their content: they are
# handled at their start tag and their end events ignored, so they can never hide text.
VOID_TAGS = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr",
    "image", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
})
# fmt: on
# Embedded content (audio, video, object, canvas, picture, svg, math) is NOT skipped: its
# fallback text is what shows when the media cannot play (nothing is ever fetched here),
# SVG and MathML text is visible, and an unclosed one must not swallow the rest of a page.
# Elements whose text keeps its line breaks and spacing.
PREFORMATTED_TAGS = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})
CELL_TAGS = frozenset({"td", "th"})
FEED_CHARS = 1 << 20

_SURROGATES = re.compile("[\ud800-\udfff]")
# The same separators as str.splitlines, so no line break survives inside a line.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


@dataclass(frozen=True)
class HtmlPage:
    """The text of an HTML page.

    Attributes:
        raw_text: Canonical visible text of the whole page, one block element per line,
            no empty lines, no trailing newline.
        title: The first ``<title>`` (outside SVG), whitespace-collapsed, or None if
            there is none or it is blank.
    """

    raw_text: str
    title: str | None


def html_to_text(html: str) -> HtmlPage:
    """Extract the visible text and the title of an HTML page.

    Never raises on malformed input and never fetches anything: links, images, frames,
    DTDs and external entities are not followed.

    Args:
        html: The page as text (normally already canonical, as import makes it).

    Returns:
        The page's raw text and title.
    """
    html = canonicalize(html)
    collector = _TextCollector()
    if not html.strip():
        return collector.close()
    parser = etree.HTMLParser(
        target=collector,
        encoding="utf-8",  # the page was decoded already: ignore its <meta charset>
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,  # older libxml2 caps a text node or attribute at 10 MB without it
        recover=True,
    )
    try:
        # Fed in pieces, so a huge page is never held a second time as one block of bytes.
        for start in range(0, len(html), FEED_CHARS):
            parser.feed(_to_utf8(html[start : start + FEED_CHARS]))
        parser.close()
    except etree.LxmlError:
        # recover=True makes this rare (an empty document); keep what was collected.
        pass
    return collector.close()


def _to_utf8(html: str) -> bytes:
    """Encode for libxml2; a lone surrogate (never in decoded text) becomes U+FFFD."""
    try:
        return html.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", html).encode("utf-8")


class _TextCollector:
    """An lxml parser target that turns start/end/data events into lines of text."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._line: list[str] = []
        self._line_is_pre = False
        self._open: list[str] = []  # tags of the open elements, outermost first
        self._skip_from: int | None = None  # depth of the skipped element we are inside
        self._pre = 0  # open preformatted elements
        self._foreign = 0  # open svg/math elements, whose <title> is not the page's
        self._title: list[str] | None = None
        self._in_title = False
        self._page: HtmlPage | None = None

    def start(self, tag: str | bytes, attrib: object) -> None:
        """Open an element (lxml target interface)."""
        tag = _as_str(tag).lower()
        if tag in VOID_TAGS:
            if self._skip_from is None and tag in BLOCK_TAGS:
                self._break_line()  # br, hr
            return
        self._open.append(tag)
        if tag in ("svg", "math"):
            self._foreign += 1
        elif tag == "title" and self._title is None and not self._foreign:
            self._title, self._in_title = [], True
        if self._skip_from is not None:
            return
        if tag in SKIPPED_TAGS:
            self._skip_from = len(self._open)
        elif tag in BLOCK_TAGS:
            self._break_line()
            self._pre += tag in PREFORMATTED_TAGS
        elif tag in CELL_TAGS:
            self._line.append(" ")

    def end(self, tag: str | bytes) -> None:
        """Close the innermost open element (lxml target interface).

        libxml2 closes elements in nesting order, implied ends included, so the
        innermost open element is the one ending; ``tag`` only tells void elements
        (never opened here) apart.
        """
        if not self._open or _as_str(tag).lower() in VOID_TAGS:
            return
        closed = self._open.pop()
        self._in_title = False
        if closed in ("svg", "math"):
            self._foreign -= 1
        if self._skip_from is not None:
            if len(self._open) < self._skip_from:
                self._skip_from = None
            return
        if closed in BLOCK_TAGS:
            self._pre -= closed in PREFORMATTED_TAGS
            self._break_line()

    def data(self, data: str | bytes) -> None:
        """Add character data (lxml target interface)."""
        text = _as_str(data)
        if self._in_title and self._title is not None:
            self._title.append(text)
        if self._skip_from is not None:
            return
        if not self._pre:
            self._line.append(text)
            return
        first, *rest = _LINE_BREAKS.split(text)
        self._add_pre(first)
        for part in rest:
            self._break_line()
            self._add_pre(part)

    def comment(self, text: str | bytes) -> None:
        """Ignore a comment: it is not visible text (lxml target interface)."""

    def close(self) -> HtmlPage:
        """Finish and return the page (lxml target interface; safe to call twice)."""
        if self._page is None:
            self._break_line()
            title = " ".join(canonicalize("".join(self._title or [])).split())
            self._page = HtmlPage("\n".join(self._lines), title or None)
        return self._page

    def _add_pre(self, text: str) -> None:
        self._line.append(text)
        self._line_is_pre = True

    def _break_line(self) -> None:
        """End the current line: normalise it and keep it if anything is left."""
        # Canonicalise per line: character references can produce controls or \r, and
        # text joined across inline elements may need NFC composition.
        text = canonicalize("".join(self._line))
        text = text.rstrip() if self._line_is_pre else " ".join(text.split())
        if text and not text.isspace():
            self._lines.append(text)
        self._line.clear()
        self._line_is_pre = False


def _as_str(value: str | bytes) -> str:
    """lxml hands targets str; its type stubs also allow bytes."""
    return value if isinstance(value, str) else value.decode("utf-8")
