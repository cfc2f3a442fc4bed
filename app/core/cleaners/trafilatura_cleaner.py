"""The `trafilatura` cleaner: main-text extraction from the page's HTML.

Settings, and why:

- ``include_comments=False``: reader comments are spam regions here, never article text.
- ``include_tables=True``: tables in news (budgets, results) are article content.
- ``include_images=False``, ``include_links=False``, ``include_formatting=False``,
  ``output_format="txt"``: plain text only; markup in the clean text could not align.
- ``deduplicate=False``: trafilatura's deduplication keeps a cache across calls, so a
  page's clean text would depend on which pages the same process cleaned before it.
  Repeats inside the page are dropped here instead (``_drop_repeats``), deterministically.
- ``with_metadata=False`` and no ``url``: nothing is fetched, ever; ``extract`` only
  parses the string it is given.
- ``favor_precision``/``favor_recall`` off: the balanced default measured best on our
  real pages (FIELD-NOTES, "Cleaning": shingle-F1 0.93).

trafilatura is imported on first use, so choosing another cleaner never pays its import.
"""

from __future__ import annotations

import html
from importlib.metadata import version as _package_version

from app.core.canonical import canonicalize
from app.core.cleaners.base import CleanInput, ImportContext

# Bump the suffix when the settings change; the library version is part of the key.
VERSION = f"trafilatura-{_package_version('trafilatura')}+1"

# A line is dropped as a repeat only when it is this long: short lines ("0", "-") in
# tables legitimately recur.
_REPEAT_MIN_CHARS = 20


class TrafilaturaCleaner:
    """Main-text extraction with trafilatura (the default for HTML sources)."""

    name: str = "trafilatura"
    version: str = VERSION

    def clean(self, page: CleanInput, context: ImportContext) -> str:
        """Return the article text trafilatura finds, canonical; ``""`` when it finds none.

        A page without HTML (a plain-text source) is wrapped in minimal HTML, one ``<p>``
        per non-blank line, escaped so that tag residue in the text stays text.
        """
        import trafilatura  # noqa: PLC0415 - heavy import, only when this cleaner runs

        source = page.raw_html if page.raw_html is not None else text_to_html(page.raw_text)
        extracted = trafilatura.extract(
            source,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
            with_metadata=False,
        )
        if not extracted:
            return ""
        return _drop_repeats(canonicalize(extracted))


def text_to_html(text: str) -> str:
    """Minimal HTML for plain text: one escaped ``<p>`` per non-blank line."""
    paragraphs = "".join(
        f"<p>{html.escape(line.strip())}</p>\n" for line in text.split("\n") if line.strip()
    )
    return f'<html><head><meta charset="utf-8"></head><body>\n{paragraphs}</body></html>'


def _drop_repeats(text: str) -> str:
    """Keep the first occurrence of each long line (pages often print a paragraph twice)."""
    seen: set[str] = set()
    kept: list[str] = []
    for line in text.split("\n"):
        key = line.strip()
        if len(key) >= _REPEAT_MIN_CHARS:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return "\n".join(kept)
