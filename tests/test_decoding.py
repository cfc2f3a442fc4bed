"""Decoding page bytes: BOMs, declared and <meta> charsets, Korean legacy encodings, binary."""

from __future__ import annotations

import codecs
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.canonical import canonicalize, is_canonical
from app.core.decoding import Decoded, UndecodableError, decode_bytes, meta_charset
from tests.conftest import SAMPLES

# 똠 and 햏 are not in EUC-KR's two-byte table (KS X 1001) but real "EUC-KR" pages use
# them, in the two-byte form only cp949 has. (Python's euc_kr would write them as 8-byte
# jamo sequences, which web pages do not use.)
CP949_ONLY = "똠방각하 햏 오늘은 날씨가 좋습니다."


def korean_sample(encoding: str = "euc-kr") -> str:
    """Real Korean lines from the bundled samples that ``encoding`` can represent."""
    lines: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                line.encode(encoding)
            except UnicodeEncodeError:
                continue
            if any("가" <= ch <= "힣" for ch in line):
                lines.append(line)
    assert len(lines) > 20, "the samples should hold plenty of Korean"
    return "\n".join(lines)


def euc_kr_page(body: str, meta: str = '<meta charset="euc-kr">') -> bytes:
    html = f"<html><head>{meta}<title>뉴스</title></head><body><p>{body}</p></body></html>"
    return html.encode("cp949")


# --- Unicode ---------------------------------------------------------------------------


def test_empty_bytes_decode_to_empty_text() -> None:
    assert decode_bytes(b"") == Decoded("", "utf-8")


def test_utf8_without_bom() -> None:
    text = korean_sample("utf-8")
    assert decode_bytes(text.encode("utf-8")) == Decoded(canonicalize(text), "utf-8")


def test_utf8_with_bom_drops_the_bom() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + "안녕하세요 world".encode())
    assert decoded == Decoded("안녕하세요 world", "utf-8-sig")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_and_utf32_with_bom(bom: bytes, codec: str) -> None:
    text = "한국어 텍스트 😀 🇰🇷\r\nline two"
    decoded = decode_bytes(bom + text.encode(codec))
    assert decoded == Decoded("한국어 텍스트 😀 🇰🇷\nline two", codec)


def test_the_result_is_canonical() -> None:
    decoded = decode_bytes("first line\r\nsecond\x00 line \u1112\u1161\u11ab\rend".encode())
    assert decoded.text == "first line\nsecond line 한\nend"


def test_bom_beats_a_declared_charset() -> None:
    data = codecs.BOM_UTF8 + "한글".encode()
    assert decode_bytes(data, declared="euc-kr") == Decoded("한글", "utf-8-sig")


# --- Korean legacy encodings -----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["euc-kr", "cp949"])
def test_korean_legacy_text_is_detected_without_any_declaration(encoding: str) -> None:
    text = korean_sample(encoding)
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == canonicalize(text)
    assert decoded.encoding == "cp949"


@pytest.mark.parametrize("label", ["euc-kr", "EUC-KR", "ks_c_5601-1987", "cp949", "x-windows-949"])
def test_declared_euc_kr_decodes_cp949_only_syllables(label: str) -> None:
    with pytest.raises(UnicodeDecodeError):
        CP949_ONLY.encode("cp949").decode("euc-kr")  # the point: strict EUC-KR lacks them
    decoded = decode_bytes(CP949_ONLY.encode("cp949"), declared=label)
    assert decoded == Decoded(CP949_ONLY, "cp949")


def test_declared_charset_may_be_a_whole_content_type_header() -> None:
    data = CP949_ONLY.encode("cp949")
    decoded = decode_bytes(data, declared="text/html; charset=EUC-KR")
    assert decoded == Decoded(CP949_ONLY, "cp949")


def test_meta_charset_euc_kr_page() -> None:
    body = korean_sample()[:2000] + " " + CP949_ONLY
    decoded = decode_bytes(euc_kr_page(body), html=True)
    assert decoded.encoding == "cp949"
    assert canonicalize(body) in decoded.text
    assert "<title>뉴스</title>" in decoded.text


def test_http_equiv_meta_page() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=ks_c_5601-1987">'
    decoded = decode_bytes(euc_kr_page(CP949_ONLY, meta), html=True)
    assert decoded.encoding == "cp949"
    assert CP949_ONLY in decoded.text


def test_utf8_bytes_win_over_a_stale_euc_kr_meta() -> None:
    # Crawlers often save pages as UTF-8 and keep the original <meta charset="euc-kr">.
    html = f'<meta charset="euc-kr"><p>{CP949_ONLY}</p>'
    decoded = decode_bytes(html.encode("utf-8"), html=True)
    assert decoded == Decoded(html, "utf-8")


def test_a_default_latin1_header_yields_to_the_pages_meta() -> None:
    data = euc_kr_page(CP949_ONLY)
    decoded = decode_bytes(data, declared="iso-8859-1", html=True)
    assert decoded.encoding == "cp949"
    assert CP949_ONLY in decoded.text


# --- Wrong or useless declarations -----------------------------------------------------


def test_wrong_declared_charset_falls_through_instead_of_mojibake() -> None:
    data = CP949_ONLY.encode("cp949")  # not valid UTF-8
    assert decode_bytes(data, declared="utf-8") == Decoded(CP949_ONLY, "cp949")


def test_wrong_meta_charset_falls_through() -> None:
    html = '<meta charset="utf-8"><p>' + korean_sample()[:500] + "</p>"
    decoded = decode_bytes(html.encode("cp949"), html=True)
    assert decoded == Decoded(canonicalize(html), "cp949")


def test_unknown_declared_charset_is_ignored() -> None:
    assert decode_bytes("한글".encode(), declared="x-no-such-charset") == Decoded("한글", "utf-8")
    assert decode_bytes(b"plain", declared="base64") == Decoded("plain", "utf-8")


def test_declared_utf16_on_ascii_bytes_is_not_believed() -> None:
    assert decode_bytes(b"<p>hello</p>", declared="utf-16") == Decoded("<p>hello</p>", "utf-8")


def test_declared_utf16_without_bom_is_honoured_when_plausible() -> None:
    data = "한국 news".encode("utf-16-le")
    assert decode_bytes(data, declared="utf-16-le") == Decoded("한국 news", "utf-16-le")


def test_meta_is_honoured_only_for_html() -> None:
    body = korean_sample()[:1000]
    data = b'<meta charset="koi8-r">' + body.encode("cp949")
    # KOI8-R decodes any bytes, so for HTML the (wrong) meta is believed, as a browser would.
    assert decode_bytes(data, html=True).encoding == "koi8-r"
    assert decode_bytes(data, html=False) == Decoded('<meta charset="koi8-r">' + body, "cp949")


# --- meta_charset ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<html><head><meta charset="EUC-KR"></head>', "euc-kr"),
        (b"<META CHARSET=utf-8>", "utf-8"),
        (b"<meta charset='cp949' />", "cp949"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ks_c_5601-1987">',
            "ks_c_5601-1987",
        ),
        (b'<meta content="text/html;charset=euc-kr" http-equiv="content-type">', "euc-kr"),
        (b'<?xml version="1.0" encoding="EUC-KR"?><html>', "euc-kr"),
        (b"<html><head><title>charset=euc-kr</title></head>", None),
        (b'<meta name="author" content="kim">', None),
        (b"", None),
    ],
)
def test_meta_charset(head: bytes, expected: str | None) -> None:
    assert meta_charset(head) == expected


def test_meta_charset_only_looks_at_the_start_of_the_page() -> None:
    late = b"<html>" + b" " * 5000 + b'<meta charset="euc-kr">'
    assert meta_charset(late) is None


# --- Binary data -----------------------------------------------------------------------


def test_png_is_refused_by_name() -> None:
    data = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(4000)
    with pytest.raises(UndecodableError, match="PNG image"):
        decode_bytes(data)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"PK\x03\x04" + b"\x00" * 40, "ZIP"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "JPEG"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\x1f\x8b\x08\x00", "gzip"),
    ],
)
def test_other_binary_formats_are_refused_by_name(data: bytes, name: str) -> None:
    with pytest.raises(UndecodableError, match=name):
        decode_bytes(data, declared="utf-8", html=True)


def test_random_bytes_are_refused_as_binary() -> None:
    data = random.Random(7).randbytes(5000)
    with pytest.raises(UndecodableError, match=r"looks like binary data \(\d+% NUL/control"):
        decode_bytes(data)


def test_bytes_with_many_nuls_are_refused_even_though_valid_utf8() -> None:
    data = b"hello\x00\x00\x00\x00world\x00\x00" * 100
    with pytest.raises(UndecodableError, match=r"looks like binary data \(38% NUL/control"):
        decode_bytes(data)


def test_a_binary_file_is_refused_even_with_a_single_byte_charset_declared() -> None:
    data = bytes(range(256)) * 20  # cp1252/latin-1 "decode" this without error
    with pytest.raises(UndecodableError, match="binary"):
        decode_bytes(data, declared="latin-1")


def test_a_few_stray_nuls_in_real_text_are_dropped_not_refused() -> None:
    text = korean_sample("utf-8")[:3000]
    data = text.encode() + b"\x00\x00"
    assert decode_bytes(data).text == canonicalize(text)


# --- Properties ------------------------------------------------------------------------

# Any text that is not mostly control characters: letters, CJK, emoji, jamo, CR/LF, tabs.
_text_pieces = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=10),
    st.sampled_from(["\r\n", "\r", "\n", "\t", "🇰🇷", "👨\u200d👩\u200d👧", "\u1112\u1161\u11ab"]),
)
texts = st.lists(_text_pieces, max_size=40).map("".join)


@given(texts)
def test_any_text_encoded_as_utf8_decodes_back_to_its_canonical_form(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"))
    assert decoded.text == canonicalize(text)
    assert decoded.encoding in ("utf-8", "utf-8-sig")


@given(texts)
def test_any_text_encoded_as_utf16_with_bom_decodes_back(text: str) -> None:
    decoded = decode_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert decoded == Decoded(canonicalize(text), "utf-16-le")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.booleans())
def test_any_bytes_either_decode_to_canonical_text_or_are_refused(data: bytes, html: bool) -> None:
    try:
        decoded = decode_bytes(data, html=html)
    except UndecodableError as error:
        assert str(error)
    else:
        assert is_canonical(decoded.text)
        assert decoded.encoding == decoded.encoding.lower()
