"""Broken and hostile pages: each is imported or refused by name, never crashes or hangs,
and nothing ever connects anywhere (import, cleaning, or the window)."""

from __future__ import annotations

import itertools
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.labelfile import LabelFile, create_label_file
from storage.validate import validate

NAMES = itertools.count()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, LabelFile]]:
    folder = tmp_path_factory.mktemp("hostile")
    with create_label_file(folder / "labels.db", owner="kim", schema=default_schema()) as opened:
        yield folder, opened


def import_bytes(target: tuple[Path, LabelFile], data: bytes, suffix: str) -> tuple[int, list[str]]:
    """Import one page holding ``data``; return (documents added, refusal messages)."""
    folder, label_file = target
    number = next(NAMES)
    page = folder / f"page{number}" / f"p{number}{suffix}"
    page.parent.mkdir()
    page.write_bytes(data)
    report = import_sources(label_file, [page.parent], ImportOptions(annotator="kim"), workers=1)
    assert report.counts.skipped == 0  # every page has its own id
    return report.counts.added, [str(refusal) for refusal in report.refusals]


def assert_imported_or_named(added: int, refusals: list[str]) -> None:
    assert added + len(refusals) == 1
    for message in refusals:  # "FOLDER/p.html: why", the page named and the reason given
        origin, _, reason = message.partition(": ")
        assert Path(origin).name.startswith("p") and reason.strip(), message


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=3000), st.sampled_from([".html", ".txt"]))
def test_random_bytes(target: tuple[Path, LabelFile], data: bytes, suffix: str) -> None:
    assert_imported_or_named(*import_bytes(target, data, suffix))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet="가나다<>/=\"' &;#x0123456789abcdefpdivscript\n", max_size=2000))
def test_truncated_multibyte_and_tag_soup(target: tuple[Path, LabelFile], text: str) -> None:
    data = text.encode("utf-8")
    for cut in (data, data[:-1], text.encode("euc-kr", errors="ignore")[:-1]):
        assert_imported_or_named(*import_bytes(target, cut, ".html"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("nested", b"<div>" * 50_000 + "깊은 글".encode() + b"</div>" * 50_000),
        ("unclosed", b"<html><body>" + b"<p><b><i>" * 20_000 + "본문".encode()),
        ("attribute", b'<p title="' + b"x" * 5_000_000 + '">본문</p>'.encode()),
        ("one-line", "광고 ".encode() * 700_000),
        ("nul", b"\x00\x01\x02 text \xff\xfe" * 1000),
        ("comment", b"<!--" + b"-" * 100_000),
    ],
)
def test_pathological_pages(target: tuple[Path, LabelFile], name: str, data: bytes) -> None:
    suffix = ".txt" if name == "one-line" else ".html"
    assert_imported_or_named(*import_bytes(target, data, suffix))
    assert validate(target[1].connection) == []


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    yield server, server.getsockname()[1]
    server.close()


def remote_page(port: int) -> bytes:
    base = f"http://127.0.0.1:{port}"
    return f"""<!DOCTYPE html SYSTEM "{base}/dtd"><html><head>
<link rel="stylesheet" href="{base}/s.css"><script src="{base}/s.js"></script>
<meta http-equiv="refresh" content="0; url={base}/r"><base href="{base}/">
</head><body><img src="{base}/i.png"><iframe src="{base}/f"></iframe>
<object data="{base}/o"></object><video src="{base}/v"></video>
<p style="background:url({base}/bg)">장관은 GPU 3만개를 확보해야 한다고 말했다.
기사 본문이 이어진다.</p>
<a href="{base}/link">링크</a></body></html>""".encode()


def test_import_never_connects(
    target: tuple[Path, LabelFile], listener: tuple[socket.socket, int]
) -> None:
    server, port = listener
    added, refusals = import_bytes(target, remote_page(port), ".html")
    assert (added, refusals) == (1, [])
    with pytest.raises(BlockingIOError):
        server.accept()  # nobody knocked


def test_the_window_never_connects(
    tmp_path: Path, listener: tuple[socket.socket, int], qtbot: object
) -> None:
    from app.gui.main_window import MainWindow  # noqa: PLC0415 (Qt only for this test)
    from app.gui.opened_file import open_for_review  # noqa: PLC0415
    from tests.gui.conftest import FakeInteraction  # noqa: PLC0415

    server, port = listener
    page = tmp_path / "pages" / "remote.html"
    page.parent.mkdir()
    page.write_bytes(remote_page(port))
    path = tmp_path / "labels.db"
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        import_sources(label_file, [page.parent], ImportOptions(annotator="kim"))
    window = MainWindow(open_for_review(path, "kim"), FakeInteraction())
    window.show()
    window.tabs.setCurrentIndex(1)  # the HTML source tab, shown as plain text
    qtbot.wait(300)  # type: ignore[attr-defined]
    assert "127.0.0.1" in window.html_pane.toPlainText()
    window.close()
    with pytest.raises(BlockingIOError):
        server.accept()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (1,)
