"""Cleaners a maintained library does the work of: resiliparse, readability-lxml, jusText.

Each is an optional extra (``pip install 'thresher[resiliparse]'`` ...): the library is
imported when the cleaner first runs, and ``missing_package`` says, before anything runs,
which package a name needs when it is not installed, so ``evaluate --cleaners`` can skip
it with a message and the default install keeps working. A page without HTML (a
plain-text source) is wrapped in minimal HTML, one ``<p>`` per line, as trafilatura's is.

Settings, and why:

- resiliparse ``extract_plain_text(main_content=True)``: its main-content heuristic, no
  alt texts, no link targets, lists without bullets (their text only).
- readability-lxml ``Document.summary()``: the article subtree it picks, turned into text
  by the same HTML reader the importer uses, so paragraphs become lines.
- jusText with the Korean stoplist and the `lines` cleaner's lengths (30 and 80
  characters): its English defaults (70, 200) call nearly every Korean paragraph short
  (Hangul says more per character), and it kept nothing of our pages. Only ``good``
  paragraphs are kept.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from lxml import etree

from app.core.canonical import canonicalize
from app.core.cleaners.base import Cleaner, CleanInput, ImportContext
from app.core.cleaners.line_rules import LENGTH_HIGH, LENGTH_LOW
from app.core.cleaners.trafilatura_cleaner import text_to_html
from app.core.html_text import html_to_text

# cleaner name -> (module to import, distribution to install, extra of thresher)
PACKAGES = {
    "resiliparse": ("resiliparse", "resiliparse", "resiliparse"),
    "readability": ("readability", "readability-lxml", "readability"),
    "justext": ("justext", "jusText", "justext"),
}


def missing_package(name: str) -> str | None:
    """Why cleaner ``name`` cannot run here (its package is missing), or None."""
    module, distribution, extra = PACKAGES[name]
    if importlib.util.find_spec(module) is None:
        return (
            f"cleaner {name!r} needs the optional package {distribution}"
            f" (pip install 'thresher[{extra}]')"
        )
    return None


def _version(name: str, settings: int) -> str:
    distribution = PACKAGES[name][1]
    try:
        found = package_version(distribution)
    except PackageNotFoundError:
        found = "missing"
    return f"{name}-{found}+{settings}"


def _html(page: CleanInput) -> str:
    return page.raw_html if page.raw_html is not None else text_to_html(page.raw_text)


class ResiliparseCleaner:
    """resiliparse's main-content extraction: fast, rule based."""

    name: str = "resiliparse"

    def __init__(self) -> None:
        self.version = _version(self.name, 1)

    def clean(self, page: CleanInput, context: ImportContext) -> str:
        """The main content resiliparse finds, canonical."""
        from resiliparse.extract.html2text import extract_plain_text  # noqa: PLC0415

        text = extract_plain_text(
            _html(page), main_content=True, alt_texts=False, links=False, list_bullets=False
        )
        return canonicalize(str(text)).strip()


class ReadabilityCleaner:
    """readability-lxml: the article subtree Mozilla's Readability heuristics choose."""

    name: str = "readability"

    def __init__(self) -> None:
        self.version = _version(self.name, 1)

    def clean(self, page: CleanInput, context: ImportContext) -> str:
        """The text of the subtree readability picks, canonical; ``""`` when none."""
        from readability import Document  # noqa: PLC0415

        try:
            summary = Document(_html(page)).summary(html_partial=True)
        except (ValueError, etree.LxmlError):  # Unparseable is a ValueError
            return ""
        return canonicalize(html_to_text(str(summary)).raw_text).strip()


class JustextCleaner:
    """jusText: paragraphs classified by length, link density and stopword density."""

    name: str = "justext"

    def __init__(self) -> None:
        self.version = _version(self.name, 1)

    def clean(self, page: CleanInput, context: ImportContext) -> str:
        """The ``good`` paragraphs, one per line, canonical."""
        import justext  # noqa: PLC0415

        paragraphs = justext.justext(
            _html(page),
            justext.get_stoplist("Korean"),
            length_low=LENGTH_LOW,
            length_high=LENGTH_HIGH,
        )
        kept = [p.text for p in paragraphs if not p.is_boilerplate]
        return canonicalize("\n".join(kept)).strip()


LIBRARY_CLEANERS: dict[str, Callable[[], Cleaner]] = {
    "resiliparse": ResiliparseCleaner,
    "readability": ReadabilityCleaner,
    "justext": JustextCleaner,
}
