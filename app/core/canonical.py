"""Canonical text: the one form every stored offset points into.

Import turns text into canonical form exactly once (ARCHITECTURE, "Text and offsets"):
``\\r\\n`` and ``\\r`` become ``\\n``, NUL and the other C0 controls except tab and newline
are dropped, and the result is NFC-normalised. The function is idempotent, so a document
can say it was applied (``CANONICAL_FORM``) and applying it again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata

CANONICAL_FORM = "nfc-lf-v1"

_NEWLINES = re.compile(r"\r\n?")
# C0 controls except tab (0x09) and newline (0x0A); \r is already gone when this runs.
_C0_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")


def canonicalize(text: str) -> str:
    """Return ``text`` in canonical form (newlines, controls, NFC), idempotently."""
    text = _NEWLINES.sub("\n", text)
    text = _C0_CONTROLS.sub("", text)
    # NFC last: dropping a control can bring a base letter next to a combining mark.
    return unicodedata.normalize("NFC", text)


def is_canonical(text: str) -> bool:
    """True when ``text`` is already in canonical form."""
    return canonicalize(text) == text
