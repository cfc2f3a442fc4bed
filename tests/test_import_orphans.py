"""A killed import leaves no worker process behind (issue 20).

``thresher import`` cleans pages on worker processes. Killed with SIGKILL (a closed
terminal, the out-of-memory killer, ``kill -9``) it never shuts its pool down; its
workers must notice and end on their own, and the label file must stay valid.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from storage.labelfile import open_label_file
from storage.validate import validate
from tests.processes import Process, alive, committed_documents, descendants, kill_all, wait_for

REPO = Path(__file__).resolve().parents[1]
RECORDS = 3000


def write_records(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for number in range(RECORDS):
            lines = [
                f"{number}번 기사의 {line}번째 문장입니다. 내용이 조금씩 다릅니다."
                for line in range(8)
            ]
            record = {"id": f"doc/{number:05d}", "raw_text": "\n".join(["메뉴 | 정치", *lines])}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def test_a_killed_import_leaves_no_worker_alive(tmp_path: Path) -> None:
    records, into = tmp_path / "records.jsonl", tmp_path / "into.db"
    write_records(records)
    argv = ["import", str(records), "--into", str(into), "--workers", "2"]
    child = subprocess.Popen(
        [sys.executable, "-m", "app.cli", *argv],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: set[Process] = set()
    try:

        def started() -> int | None:
            assert child.poll() is None, "the import ended before it could be killed"
            seen.update(descendants(child.pid))
            done = committed_documents(into)
            return done if done > 0 and len(seen) >= 2 else None

        done = wait_for(started, "the import to commit its first documents")
        seen.update(descendants(child.pid))
        assert done < RECORDS
        child.send_signal(signal.SIGKILL)
        child.wait()
        left = wait_for(
            lambda: True if not alive(seen) else None, "the workers to end", deadline=10
        )
        assert left
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        still = alive(seen)
        kill_all(still)  # never leave a failed run's workers behind
    assert still == set()
    with open_label_file(into, read_only=True) as label_file:
        assert validate(label_file.connection) == []
