"""Bytes to canonical text: the first step of import (ARCHITECTURE, "Text and offsets").

The encoding is chosen in this order, and each candidate must decode *strictly* (no
replacement characters) and must not look like binary data, or the next one is tried:

1. a byte-order mark (UTF-8, UTF-16 or UTF-32);
2. the charset the caller declares (an HTTP ``Content-Type`` header);
3. for HTML, the ``<meta>`` charset in the first few kilobytes (before a declared
   ``iso-8859-1``/``windows-1252``, a common server default that says little);
4. strict UTF-8;
5. detection with ``charset_normalizer``.

Two refinements keep crawled pages readable. Bytes that are valid UTF-8 *and* contain
non-ASCII bytes are decoded as UTF-8 even when a legacy charset is declared: crawlers often
re-encode a page to UTF-8 but keep its old ``<meta charset="euc-kr">``, and Korean EUC-KR
text is practically never valid UTF-8 by accident. And every EUC-KR label decodes with
``cp949`` (Microsoft's superset): real "EUC-KR" pages contain syllables such as 똠 or 햏
that only cp949 has. The reported encoding is then ``"cp949"``, the codec actually used.
Likewise, as browsers do, ``iso-8859-1``/``ascii`` labels decode with ``cp1252``.

Reported encodings are Python's lower-case codec names: ``"utf-8"``, ``"utf-8-sig"`` (UTF-8
with a BOM), ``"utf-16-le"``/``"utf-16-be"``/``"utf-32-le"``/``"utf-32-be"`` (from a BOM),
``"cp949"``, ``"cp1252"``, ``"shift_jis"`` ...

If nothing fits, :class:`UndecodableError` says why; there is no lossy fallback.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

import charset_normalizer

from app.core.canonical import canonicalize

# How far into a page a <meta> charset may appear (browsers look at the first 1024 bytes;
# real pages put long <script> blocks first, so look further).
META_SCAN_BYTES = 4096
# Decoded text with more than this share of control characters is binary, not text.
BINARY_CONTROL_SHARE = 0.05

# Longest signatures first where one is a prefix of another (UTF-32-LE starts like UTF-16-LE).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# File signatures of formats that are never text; checked first so they get a clear name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x00asm", "WebAssembly"),
)
# Labels Python does not know, or knows as a narrower codec than the web means by them
# (the WHATWG Encoding Standard decodes these labels with the superset, as browsers do).
_ALIASES = {
    "euc_kr": "cp949",  # Python's name for euc-kr, ks_c_5601-1987, korean, ...
    "windows-949": "cp949",
    "x-windows-949": "cp949",
    "x-euc-kr": "cp949",
    "iso8859-1": "cp1252",  # latin-1 pages use cp1252's curly quotes in 0x80-0x9F
    "ascii": "cp1252",
}
# Control characters that do not occur in text: C0 except tab, LF, FF, CR and ESC; DEL; C1.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_META = re.compile(rb"<meta\b", re.IGNORECASE)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:()+-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:()+-]+)""")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we accept; the message says why."""


@dataclass(frozen=True)
class Decoded:
    """Canonical text and the encoding it was decoded from.

    Attributes:
        text: The decoded text, in canonical form.
        encoding: Lower-case Python codec name actually used, e.g. ``"utf-8"``,
            ``"utf-8-sig"`` (UTF-8 with a BOM), ``"utf-16-le"``, ``"cp949"``.
    """

    text: str
    encoding: str


def decode_bytes(data: bytes, *, declared: str | None = None, html: bool = False) -> Decoded:
    """Decode ``data`` to canonical text, choosing the encoding as the module describes.

    Args:
        data: The raw bytes of a page or text file.
        declared: A charset from outside the bytes, such as an HTTP header (``"euc-kr"``
            or a whole ``"text/html; charset=euc-kr"``). Unknown labels are ignored.
        html: Whether to look for a ``<meta>`` charset (or XML declaration) in the bytes.

    Returns:
        The canonical text and the codec that decoded it. Empty bytes give ``""``.

    Raises:
        UndecodableError: The bytes look binary or no candidate decodes them strictly.
    """
    if not data:
        return Decoded("", "utf-8")
    magic = _magic_name(data)
    if magic is not None:
        raise UndecodableError(f"looks like binary data ({magic}), not text")
    tried: list[str] = []
    for codec, payload in _candidates(data, declared, html):
        if codec in tried:
            continue
        tried.append(codec)
        text = _strict_text(payload, codec)
        if text is not None:
            return Decoded(canonicalize(text), codec)
    raise UndecodableError(_failure_reason(data, tried))


def meta_charset(data: bytes) -> str | None:
    """Return the charset a page declares about itself, lower-cased, or None.

    Looks in the first ``META_SCAN_BYTES`` for ``<meta charset=...>``, ``<meta
    http-equiv="Content-Type" content="...; charset=...">`` or an XML declaration's
    ``encoding``. The label is returned as written (``"euc-kr"``, ``"ks_c_5601-1987"``);
    it may name no known codec.
    """
    head = data[:META_SCAN_BYTES]
    xml = _XML_DECL.match(head)
    if xml is not None:
        return xml.group(1).decode("ascii").lower()
    for meta in _META.finditer(head):
        # Look only inside this tag, so a charset in body text is not taken for one.
        end = head.find(b">", meta.end())
        tag = head[meta.end() : end if end != -1 else len(head)]
        found = _CHARSET.search(tag)
        if found is not None:
            return found.group(1).decode("ascii").lower()
    return None


def _candidates(data: bytes, declared: str | None, html: bool) -> Iterator[tuple[str, bytes]]:
    """Yield (codec, bytes to decode) in the order of preference."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            # utf-8-sig strips its own BOM; the fixed-order UTF-16/32 codecs need it cut.
            yield codec, data if codec == "utf-8-sig" else data[len(bom) :]
            break
    if not data.isascii() and _strict_text(data, "utf-8") is not None:
        yield "utf-8", data
    header, meta = _declared_codec(declared, data), _meta_codec(data) if html else None
    # "iso-8859-1" is many web servers' default header, not a statement about the page:
    # a Korean page saying <meta charset="euc-kr"> knows better than such a header.
    claims = (meta, header) if header == "cp1252" else (header, meta)
    for claimed in claims:
        if claimed is not None:
            yield claimed, data
    yield "utf-8", data
    yield from _detected(data)


def _declared_codec(declared: str | None, data: bytes) -> str | None:
    """The codec for a declared charset, unless it is unknown or plainly wrong."""
    codec = _codec_for(_header_charset(declared)) if declared is not None else None
    # UTF-16/32 text without a BOM has NUL bytes (spaces, digits, newlines); without any,
    # the header is wrong and decoding would turn ASCII into CJK-looking garbage.
    if codec is not None and codec.startswith(("utf-16", "utf-32")) and b"\x00" not in data:
        return None
    return codec


def _meta_codec(data: bytes) -> str | None:
    """The codec for the page's own <meta> charset, if it names a usable one."""
    codec = _codec_for(meta_charset(data))
    # A page that can state its charset in ASCII is not UTF-16/32 (the HTML standard
    # treats such a <meta> as UTF-8), so only ASCII-compatible codecs count here.
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        return None
    return codec


def _detected(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Yield the encodings charset_normalizer proposes, most likely first."""
    for match in charset_normalizer.from_bytes(data):
        codec = _codec_for(str(match.encoding))
        if codec is not None:
            yield codec, data


def _header_charset(declared: str) -> str:
    """Take the charset out of a whole Content-Type value, or return the label as is."""
    found = _CHARSET.search(declared.encode("ascii", "ignore"))
    return found.group(1).decode("ascii") if found is not None else declared


def _codec_for(label: str | None) -> str | None:
    """Map a charset label to the Python codec we decode it with, or None if unknown."""
    if label is None:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    # bytes.decode refuses bytes-to-bytes codecs such as base64 by this same flag.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return _ALIASES.get(info.name, info.name)


def _strict_text(data: bytes, codec: str) -> str | None:
    """Decode strictly; None if the codec fails or the result looks like binary data."""
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    # Single-byte codecs decode any bytes at all, so a clean decode alone proves nothing.
    if _control_share(len(_CONTROLS.findall(text)), len(text)) > BINARY_CONTROL_SHARE:
        return None
    return text


def _control_share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _magic_name(data: bytes) -> str | None:
    """Name the binary format ``data`` starts with, if it has a known signature."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def _failure_reason(data: bytes, tried: list[str]) -> str:
    """Explain why no candidate encoding was accepted."""
    share = _control_share(len(_CONTROL_BYTES.findall(data)), len(data))
    if share > BINARY_CONTROL_SHARE:
        return f"looks like binary data ({share:.0%} NUL/control bytes)"
    return (
        "no text encoding fits: not valid UTF-8 and no detected charset decodes it "
        f"cleanly (tried {', '.join(tried)})"
    )
