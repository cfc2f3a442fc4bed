"""``thresher sample``: N pages from a crawl of any size, seeded, by host, by disagreement."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli import main
from app.scale.sampling import Candidate, Reservoir, brute_force
from bench.bench_scale import sample_run, small_records, write_warc

PROSE = [
    "정부는 오늘 새로운 과학기술 정책을 발표했으며 내년부터 적용될 예정이라고 밝혔다.",
    "이번 정책은 연구개발 예산을 크게 늘리고 지역 대학의 연구 역량을 강화하는 내용을 담았다.",
    "전문가들은 장기적인 관점에서 산업 경쟁력을 높이는 데 도움이 될 것이라고 평가했다.",
    "다만 예산 집행의 투명성을 확보하기 위한 후속 조치가 필요하다는 지적도 나왔다.",
    "관계 부처는 다음 달까지 세부 실행 계획을 마련해 국회에 보고할 계획이다.",
]


def article(number: int, *, chrome: bool = False) -> bytes:
    """A news page; with ``chrome``, a long menu and footer trafilatura drops."""
    body = "".join(f"<p>{line} ({number}-{k})</p>" for k, line in enumerate(PROSE))
    menu = foot = ""
    if chrome:
        menu = "<nav><ul>" + "".join(f"<li><a href='/c/{k}'>메뉴 {k}</a></li>" for k in range(60))
        menu += "</ul></nav>"
        foot = "<footer>" + "".join(f"<p>회사소개 | 이용약관 | 광고문의 {k}</p>" for k in range(8))
        foot += "</footer>"
    page = f"<html><head><title>기사 {number}</title></head><body>{menu}<article>{body}"
    return f"{page}</article>{foot}</body></html>".encode()


def sample(tmp_path: Path, crawl: Path | str, name: str, *options: object) -> list[str]:
    into = tmp_path / name
    assert main(["sample", str(crawl), "--into", str(into), *map(str, options)]) == 0
    with sqlite3.connect(into) as db:
        return sorted(row[0] for row in db.execute("SELECT id FROM documents"))


def hosts(ids: list[str]) -> Counter[str]:
    return Counter(doc_id.split("/", 1)[0] for doc_id in ids)


@pytest.fixture(scope="module")
def skewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One big host (400 pages), four with 12, one with 2; spread over two files."""
    folder = tmp_path_factory.mktemp("crawl")
    pages = [(f"https://big.example.kr/a/{n}", article(n)) for n in range(400)]
    for host in range(4):
        pages += [(f"https://small{host}.example.kr/a/{n}", article(n)) for n in range(12)]
    pages += [(f"https://tiny.example.kr/a/{n}", article(n)) for n in range(2)]
    write_warc(folder / "one.warc.gz", pages[::2], compress=True)
    write_warc(folder / "two.warc", pages[1::2], compress=False)
    return folder


def test_by_host_no_host_takes_more_than_its_share(tmp_path: Path, skewed: Path) -> None:
    chosen = hosts(sample(tmp_path, skewed, "h.db", "-n", 32, "--by", "host", "--seed", 1))
    # 6 hosts: tiny gives its 2, the other five share the other 30 equally.
    assert chosen == {"tiny.example.kr": 2, "big.example.kr": 6} | {
        f"small{h}.example.kr": 6 for h in range(4)
    }
    plain = hosts(sample(tmp_path, skewed, "p.db", "-n", 32, "--seed", 1))
    assert plain["big.example.kr"] > 20  # without strata the big host dominates


def test_the_same_seed_picks_the_same_pages(tmp_path: Path, skewed: Path) -> None:
    first = sample(tmp_path, skewed, "a.db", "-n", 20, "--seed", 7)
    again = sample(tmp_path, skewed, "b.db", "-n", 20, "--seed", 7)
    other = sample(tmp_path, skewed, "c.db", "-n", 20, "--seed", 8)
    assert len(first) == 20
    assert first == again
    assert first != other


def test_datatrove_and_the_importers_reading_choose_and_import_the_same(
    tmp_path: Path, skewed: Path
) -> None:
    pytest.importorskip("datatrove")
    options = ("-n", 15, "--by", "host", "--seed", 2)
    direct = sample(tmp_path, skewed, "t.db", *options, "--reader", "thresher")
    through = sample(tmp_path, skewed, "d.db", *options, "--reader", "datatrove")
    assert direct == through and len(direct) == 15
    query = "SELECT id, clean_text, source_path FROM documents ORDER BY id"
    with sqlite3.connect(tmp_path / "t.db") as one, sqlite3.connect(tmp_path / "d.db") as two:
        assert one.execute(query).fetchall() == two.execute(query).fetchall()


def test_through_datatrove_a_crawl_is_read_wherever_fsspec_reaches(
    tmp_path: Path, skewed: Path
) -> None:
    pytest.importorskip("datatrove")
    fsspec = pytest.importorskip("fsspec")  # datatrove's own dependency
    memory = fsspec.filesystem("memory")
    memory.pipe("/remote-crawl/one.warc.gz", (skewed / "one.warc.gz").read_bytes())
    try:
        chosen = sample(tmp_path, "memory://remote-crawl", "r.db", "-n", 5, "--seed", 2)
    finally:
        memory.rm("/remote-crawl", recursive=True)
    assert len(chosen) == 5
    with sqlite3.connect(tmp_path / "r.db") as db:
        paths = {row[0] for row in db.execute("SELECT source_path FROM documents")}
    assert len(paths) == 1  # named by its URL, not by the local copy read
    assert paths.pop().replace(":///", "://") == "memory://remote-crawl/one.warc.gz"


def test_the_sample_is_recorded_in_meta(tmp_path: Path, skewed: Path) -> None:
    sample(tmp_path, skewed, "m.db", "-n", 10, "--by", "host", "--seed", 3)
    sample(tmp_path, skewed, "m.db", "-n", 5, "--seed", 4)
    with sqlite3.connect(tmp_path / "m.db") as db:
        (value,) = db.execute("SELECT value FROM meta WHERE key = 'samples'").fetchone()
    first, second = json.loads(value)
    assert (first["n"], first["seed"], first["by"], first["chosen"]) == (10, 3, "host", 10)
    assert first["records"] == 450 and first["files"] == 2
    assert sum(first["hosts"].values()) == 10 and first["candidates_hosts"] == 6
    assert (second["n"], second["seed"], second["by"]) == (5, 4, None)


def test_prefer_disagreement_picks_the_planted_pages(tmp_path: Path) -> None:
    planted = {f"news.example.kr/a/{n}" for n in (13, 57, 88)}
    pages = [
        (f"https://news.example.kr/a/{n}", article(n, chrome=f"news.example.kr/a/{n}" in planted))
        for n in range(100)
    ]
    crawl = tmp_path / "crawl.warc.gz"
    write_warc(crawl, pages, compress=True)
    options = ("--prefer", "disagreement", "--compare", "trafilatura,none", "--seed", 5)
    assert set(sample(tmp_path, crawl, "d.db", "-n", 3, *options)) == planted
    assert set(sample(tmp_path, crawl, "r.db", "-n", 3, "--seed", 5)) != planted


def test_inputs_that_are_not_crawls_are_refused_by_name(
    tmp_path: Path, skewed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>hi</p>")
    args = ["sample", str(skewed), str(page), str(tmp_path / "gone.warc"), "--into"]
    assert main([*args, str(tmp_path / "x.db"), "-n", "3"]) == 1
    err = capsys.readouterr().err
    assert f"refused {page}: not a .warc or .warc.gz file" in err
    assert f"refused {tmp_path / 'gone.warc'}: no such file or folder" in err
    assert main(["sample", str(page), "--into", str(tmp_path / "y.db"), "-n", "3"]) == 2
    assert main(["sample", str(skewed), "--into", str(tmp_path / "z.db"), "-n", "0"]) == 2
    assert "-n must be at least 1" in capsys.readouterr().err


@pytest.mark.slow
def test_memory_stays_flat_from_ten_thousand_to_a_hundred_thousand_records(
    tmp_path: Path,
) -> None:
    peaks = {}
    for records in (10_000, 100_000):
        crawl = tmp_path / f"c{records}.warc"
        write_warc(crawl, small_records(records), compress=False)
        _, peaks[records] = sample_run(
            crawl, tmp_path / f"{records}.db", "-n", "500", "--by", "host"
        )
        crawl.unlink()
    # Ten times the records, the same memory (a few MiB of slack for allocator noise).
    assert peaks[100_000] < peaks[10_000] * 1.1 + 4096


candidates = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 50), st.floats(0, 1)), max_size=80
).map(
    lambda rows: [
        Candidate(f"h{h}/{i}", f"h{h}", 0, i, key, round(f1, 2))
        for i, (h, key, f1) in enumerate(rows)
    ]
)


@given(candidates, st.integers(0, 30), st.booleans())
def test_the_reservoir_chooses_what_sorting_everything_would(
    pages: list[Candidate], size: int, by_host: bool
) -> None:
    reservoir = Reservoir(size, by_host=by_host)
    for page in pages:
        reservoir.add(page)
    assert reservoir.chosen() == brute_force(pages, size, by_host=by_host)
