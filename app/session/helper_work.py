"""Work done in the window's helper process: plain functions of plain data.

They live here, below the window, so the helper (started with ``spawn``) imports neither
Qt nor the window to run them.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.alignment import Segment
from app.core.korean_numbers import Expression, find_expressions
from app.core.suggestions import Suggestion, suggest_spam_regions

Found = tuple[list[Suggestion], list[Expression]]


def find_suggestions(raw_text: str, segments: Sequence[Segment]) -> Found:
    """A page's spam suggestions and its figures."""
    return suggest_spam_regions(raw_text, segments), find_expressions(raw_text)
