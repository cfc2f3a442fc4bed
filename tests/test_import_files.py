"""What ``thresher import`` reads from a folder, and what it refuses by name (issue 15).

File names that are not text, symbolic links out of the folder, NFD names, JSONL files
inside folders, records over the size limit, and the memory a huge page costs.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import ingest
from app.cli import main
from app.core import sources
from app.core.source_files import printable
from app.core.sources import RecordSource, read_lines

REPO = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM documents ORDER BY id")]


def page(path: Path, text: str = "기사 본문 한 줄입니다.\n둘째 줄입니다.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


# --- File names ----------------------------------------------------------------------


def test_a_name_that_is_not_utf8_is_refused_and_the_rest_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "pages"
    for name in ("a", "b", "c"):
        page(folder / f"{name}.txt")
    bad = page(Path(os.fsdecode(bytes(folder) + b"/bad\xff\xfe.txt")))
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", folder, "--into", db)
    assert code == 1
    assert "bad\\xff\\xfe.txt: its name is not valid UTF-8" in err
    assert "3 documents added" in err
    assert ids(db) == ["a", "b", "c"]
    code, _, err = run(capsys, "import", bad, "--into", db)  # named on its own
    assert code == 1 and "not valid UTF-8" in err


@pytest.mark.parametrize("name", ["two\nlines", "colour\x1b[31mred", "bell\x07", "tab\there"])
def test_a_name_with_control_characters_is_refused_and_printed_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "pages"
    page(folder / "fine.txt")
    page(folder / f"{name}.txt")
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", folder, "--into", db)
    assert code == 1
    assert ids(db) == ["fine"]
    refusal = next(line for line in err.splitlines() if line.startswith("refused"))
    assert printable(name) in refusal and "control characters" in refusal
    assert not any(unicodedata.category(char) == "Cc" for char in err.replace("\n", ""))


def test_printable_escapes_what_could_rewrite_a_terminal() -> None:
    assert printable("a\nb\x1b[2Jc\u202ed\udcff") == "a\\nb\\x1b[2Jc\\u202ed\\xff"
    assert printable("뉴스/기사 1 😀") == "뉴스/기사 1 😀"


def test_nfd_file_names_give_nfc_ids(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    typed = "뉴스/한글 기사"
    folder = tmp_path / "pages"
    page(folder / (unicodedata.normalize("NFD", typed) + ".txt"))
    alone = page(tmp_path / (unicodedata.normalize("NFD", "단독 파일") + ".txt"))
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", folder, alone, "--into", db)
    assert code == 0, err
    assert sorted(ids(db)) == sorted(["단독 파일", typed])
    code, out, _ = run(capsys, "show", db, typed)
    assert code == 0 and json.loads(out)["id"] == typed


# --- Symbolic links ------------------------------------------------------------------


def test_links_never_lead_out_of_the_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = page(tmp_path / "outside" / "secret.txt", "root:x:0:0:root:/root:/bin/bash")
    folder = tmp_path / "crawl"
    real = page(folder / "sub" / "real.txt")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "relative.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    (folder / "alias.txt").symlink_to(real)  # inside the folder: read
    (folder / "elsewhere").symlink_to(tmp_path / "outside", target_is_directory=True)
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", folder, "--into", db)
    assert code == 1
    assert ids(db) == ["alias", "sub/real"]
    with sqlite3.connect(db) as connection:
        texts = [row[0] for row in connection.execute("SELECT raw_text FROM documents")]
    assert not any("root:" in text for text in texts)
    refused = [line for line in err.splitlines() if line.startswith("refused")]
    assert len(refused) == 4, err
    assert sum("leading out of the folder" in line for line in refused) == 2
    assert any("dangling.txt" in line for line in refused)
    assert any("elsewhere: a link to a folder, not entered" in line for line in refused)


def test_a_link_named_on_the_command_line_is_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = page(tmp_path / "elsewhere" / "page.txt")
    link = tmp_path / "chosen.txt"
    link.symlink_to(real)
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", link, "--into", db)
    assert code == 0, err
    assert ids(db) == ["chosen"]


# --- JSONL in folders and the record size limit --------------------------------------


def test_a_jsonl_file_inside_a_folder_is_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    page(folder / "page.txt")
    records = folder / "deeper" / "records.jsonl"
    records.parent.mkdir(parents=True)
    lines = [{"id": f"rec/{n}", "raw_text": f"레코드 {n}번 본문입니다."} for n in range(2)]
    records.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", folder, "--into", db)
    assert code == 0, err
    assert ids(db) == ["page", "rec/0", "rec/1"]


def test_a_record_over_the_size_limit_is_refused_by_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_PAGE_BYTES", 4096)
    records = tmp_path / "records.jsonl"
    small = {"id": "small", "raw_text": "작은 레코드입니다."}
    huge = {"id": "huge", "raw_text": "큰 레코드 " * 2000}
    records.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in (small, huge, small)) + "\n", "utf-8"
    )
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", records, "--into", db)
    assert code == 1
    assert f"{records}:2: record too large (the limit is 4096 bytes)" in err
    assert ids(db) == ["small"]


@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=12))
def test_read_lines_skips_long_lines_and_keeps_the_rest(lines: list[bytes]) -> None:
    data = b"".join(line + b"\n" for line in lines)
    limit = 20
    got = list(read_lines(io.BufferedReader(io.BytesIO(data), buffer_size=8), limit))
    assert [number for number, _ in got] == list(range(1, len(lines) + 1))
    for (_, read), line in zip(got, lines, strict=True):
        assert read == (line + b"\n" if len(line) + 1 <= limit + 1 else None)


# --- Huge pages ----------------------------------------------------------------------


def peak_mb(*argv: str) -> float:
    child = subprocess.Popen(
        [sys.executable, "-m", "app.cli", *argv],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0
    return usage.ru_maxrss / 1024


def test_a_huge_page_costs_at_most_ten_times_its_size(tmp_path: Path) -> None:
    paragraph = "<p>대형 페이지의 한 문단입니다. 같은 말이 이어집니다 {n}.</p><div>메뉴 {n}</div>\n"
    html = "<html><body>" + "".join(paragraph.format(n=n) for n in range(60_000)) + "</body></html>"
    huge = tmp_path / "huge.html"
    huge.write_text(html, "utf-8")
    tiny = page(tmp_path / "tiny.html", "<p>작은 페이지</p>")
    size = huge.stat().st_size / 2**20
    baseline = peak_mb("import", str(tiny), "--into", str(tmp_path / "tiny.db"))
    peak = peak_mb("import", str(huge), "--into", str(tmp_path / "huge.db"))
    assert size > 4
    assert peak - baseline <= 10 * size, (peak, baseline, size)
    with sqlite3.connect(tmp_path / "huge.db") as connection:
        (cleaner,) = connection.execute("SELECT cleaner FROM documents").fetchone()
    assert cleaner == "lines"  # trafilatura would need ~50 times the page


def test_a_record_id_is_printed_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    record = {"id": "clear\x1b[2Jscreen", "raw_text": "본문입니다."}
    records.write_text(json.dumps(record) + "\n", "utf-8")
    code, _, err = run(capsys, "import", records, "--into", tmp_path / "s.db")
    assert code == 0, err
    assert "\x1b" not in err and "clear\\x1b[2Jscreen" in err


def test_a_clean_text_link_out_of_the_folder_is_not_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = page(tmp_path / "outside" / "secret.txt", "root:x:0:0:root:/root:/bin/bash")
    folder = tmp_path / "pages"
    page(folder / "a.txt")
    (folder / "a.clean.txt").symlink_to(secret)
    db = tmp_path / "s.db"
    code, _, err = run(capsys, "import", folder, "--into", db, "--cleaner", "external")
    assert code == 1 and "needs clean text" in err
    assert ids(db) == []


@given(st.lists(st.integers(0, 50), max_size=40), st.integers(1, 6), st.integers(1, 80))
def test_batches_are_bounded_by_count_and_by_size(
    lengths: list[int], size: int, weight: int
) -> None:
    """Huge pages never pile up: a batch stops at ``size`` items or once it weighs ``weight``."""
    records = [RecordSource({"id": str(n), "raw_text": "가" * n}, str(n)) for n in lengths]
    batches = list(ingest._batches(records, size, weight))
    assert [item for batch in batches for item in batch] == records
    for batch in batches:
        assert 1 <= len(batch) <= size
        assert sum(len(item.record["raw_text"]) for item in batch[:-1]) < weight
