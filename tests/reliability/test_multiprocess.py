"""One embedded store, several processes: the deployments people run beside `newsdesk serve`.

- a CLI ingest and a CLI delete on the data dir of a running server;
- `serve --workers 2` with an API write landing on one worker;
- the lexical index file deleted while serving, and corrupted before start;
- an ingest killed (deterministically) between writing its chunks and its commit marker, then
  questions asked before any re-run.

Every request must be a 200 (or a documented 503 while an index is rebuilt) and answers must
reflect the write within 20 s; uncommitted chunks are never retrieved. Real processes, real
Chroma (embedded), real HTTP.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import DEV_CORPUS, ROOT, SAMPLE_ARTICLE, cli_command
from tests.support.reliability import AUTH, FEB26_QUESTION, KEY, figure
from tests.support.serve import start_serve

pytestmark = pytest.mark.slow

WITHIN_S = 20.0
ZOO = {
    "id": "zoo-reopens",
    "url": "https://example.org/springfield-zoo",
    "title": "Springfield zoo to reopen after flood repairs",
    "source": "example.org",
    "published_at": "2025-03-05",
    "text": (
        "The Springfield zoo will reopen on April 12 after repairs to flood damage, the city's"
        " parks director, Maria Okafor, announced on Wednesday.\n\nThe zoo's penguin house and"
        " aquarium were flooded in January. Okafor said the giraffes had been moved to a"
        " sanctuary in Ohio during the works and would return in May."
    ),
}
ZOO_QUESTION = {"question": "When will the Springfield zoo reopen?", "as_of": "2025-03-10"}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(*args), capture_output=True, text=True, cwd=ROOT, check=False)


def _sample_store(data: Path) -> None:
    done = _cli("ingest", "--data-dir", str(data), str(SAMPLE_ARTICLE))
    assert done.returncode == 0, done.stderr


@dataclass
class _Asked:
    statuses: dict[int, int] = field(default_factory=dict)
    bodies: list[str] = field(default_factory=list)  # of the responses that were not a 200


@contextmanager
def _asking(url: str, requests: list[tuple[str, dict[str, Any]]]) -> Iterator[_Asked]:
    """Two threads posting `requests` (path, body) in turn, without pause, until the block
    ends; what they got is counted in the yielded `_Asked`."""
    asked = _Asked()
    stop = threading.Event()

    def ask() -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            while not stop.is_set():
                for path, body in requests:
                    r = c.post(path, json=body)
                    asked.statuses[r.status_code] = asked.statuses.get(r.status_code, 0) + 1
                    if r.status_code != 200:
                        asked.bodies.append(r.text[:300])

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for t in askers:
        t.start()
    try:
        yield asked
    finally:
        stop.set()
        for t in askers:
            t.join()


def _dev_records_shortest_first() -> list[dict[str, Any]]:
    with DEV_CORPUS.open() as f:
        records = [json.loads(line) for line in f]
    return sorted(records, key=lambda r: (len(r["text"]), r["id"]))


def _zoo_file(tmp: Path) -> Path:
    path = tmp / "new" / "zoo.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ZOO) + "\n")
    return path


def _cites(answer: dict[str, Any], article_id: str) -> bool:
    return any(c["article_id"] == article_id for c in answer["citations"])


def _until(
    client: httpx.Client, body: dict[str, Any], ok: Callable[[dict[str, Any]], bool]
) -> tuple[float, int]:
    """Ask until `ok(answer)`; every response must be 200 (or 503 while rebuilding).

    Returns (seconds it took, requests made)."""
    t0 = time.monotonic()
    n = 0
    while True:
        r = client.post("/v1/ask", json=body)
        n += 1
        if r.status_code == 503:
            assert r.headers.get("retry-after"), r.text
        else:
            assert r.status_code == 200, r.text
            if ok(r.json()):
                return time.monotonic() - t0, n
        assert time.monotonic() - t0 < WITHIN_S, f"not reflected after {WITHIN_S} s: {r.text}"
        time.sleep(0.1)


def test_cli_ingest_and_delete_beside_a_running_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _sample_store(data)
    with (
        start_serve(data, tmp_path / "logs") as server,
        httpx.Client(base_url=server.url, timeout=60) as c,
    ):
        first = c.post("/v1/ask", json=FEB26_QUESTION)
        assert first.status_code == 200 and not first.json()["refused"]
        before = c.post("/v1/ask", json=ZOO_QUESTION)
        assert before.status_code == 200 and not _cites(before.json(), ZOO["id"])

        done = _cli("ingest", "--data-dir", str(data), str(_zoo_file(tmp_path)))
        assert done.returncode == 0, done.stderr
        seen_s, asked = _until(c, ZOO_QUESTION, lambda a: _cites(a, ZOO["id"]))
        assert "April 12" in c.post("/v1/ask", json=ZOO_QUESTION).json()["answer"]
        # the rest of the store still answers
        assert not c.post("/v1/ask", json=FEB26_QUESTION).json()["refused"]
        ready = c.get("/readyz").json()
        assert ready["articles"] == 2 and ready["lexical"] == "ready"

        gone = _cli("delete", "--data-dir", str(data), ZOO["id"])
        assert gone.returncode == 0, gone.stderr
        gone_s, _ = _until(c, ZOO_QUESTION, lambda a: not _cites(a, ZOO["id"]))
        search = c.post("/v1/search", json=ZOO_QUESTION)
        assert search.status_code == 200
        assert all(p["article_id"] != ZOO["id"] for p in search.json()["passages"])
        assert c.get(f"/v1/articles/{ZOO['id']}").status_code == 404
    figure("CLI ingest beside serve: seen after s", round(seen_s, 2))
    figure("CLI delete beside serve: gone after s", round(gone_s, 2))
    figure("CLI ingest beside serve: requests until seen", asked)


def test_two_workers_both_see_an_api_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _sample_store(data)
    env = {"NEWSDESK_API_KEYS": KEY, "NEWSDESK_RATE_LIMIT_PER_MINUTE": "0"}
    with (
        start_serve(data, tmp_path / "logs", env=env, workers=2) as server,
        httpx.Client(base_url=server.url, timeout=60) as c,
    ):
        posted = c.post("/v1/articles", json=ZOO, headers=AUTH)
        assert posted.status_code == 200, posted.text
        _until(c, ZOO_QUESTION, lambda a: _cites(a, ZOO["id"]))
        # From here on, whichever worker answers, the write is there (new connections spread
        # over both workers).
        time.sleep(1.5)
        for _ in range(20):
            with httpx.Client(base_url=server.url, timeout=60) as fresh:
                r = fresh.post("/v1/ask", json=ZOO_QUESTION)
                assert r.status_code == 200, r.text
                assert _cites(r.json(), ZOO["id"]), r.json()["answer"]
        deleted = c.delete(f"/v1/articles/{ZOO['id']}", headers=AUTH)
        assert deleted.status_code == 200
        time.sleep(1.5)
        for _ in range(20):
            with httpx.Client(base_url=server.url, timeout=60) as fresh:
                r = fresh.post("/v1/ask", json=ZOO_QUESTION)
                assert r.status_code == 200 and not _cites(r.json(), ZOO["id"]), r.text


def test_lexical_file_deleted_while_serving_is_rebuilt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _sample_store(data)
    with (
        start_serve(data, tmp_path / "logs") as server,
        httpx.Client(base_url=server.url, timeout=60) as c,
    ):
        assert not c.post("/v1/ask", json=FEB26_QUESTION).json()["refused"]
        removed = [p for p in data.glob("lexical-*") if p.is_file()]
        assert removed
        for p in removed:
            p.unlink()
        notes: list[str] = []
        for _ in range(30):
            r = c.post("/v1/ask", json=FEB26_QUESTION)
            assert r.status_code == 200, r.text
            notes.extend(r.json()["notes"])
            if c.get("/readyz").json()["lexical"] == "ready" and not r.json()["notes"]:
                break
            time.sleep(0.2)
        final = c.post("/v1/ask", json=FEB26_QUESTION).json()
        assert not final["refused"] and final["notes"] == []
        assert "lexical" in {p for p in final["passages"][0]["found_by"]}
        assert any(p.is_file() for p in data.glob("lexical-*.sqlite3"))
    figure("lexical file deleted while serving: dense-only answers meanwhile", len(notes))


def test_corrupt_lexical_file_before_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _sample_store(data)
    (path,) = [p for p in data.glob("lexical-*.sqlite3")]
    raw = bytearray(path.read_bytes())
    for off in range(4096, len(raw), 4096 * 2):
        raw[off : off + 1024] = b"\x00\xff" * 512
    path.write_bytes(bytes(raw))
    checked = _cli("check", "--data-dir", str(data))
    assert checked.returncode == 1 and "lexical_errors" in checked.stdout
    repaired = _cli("check", "--repair", "--data-dir", str(data))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert json.loads(repaired.stdout)["ok"] is True
    # corrupt again and start the server on it: it starts, heals and answers
    (path,) = [p for p in data.glob("lexical-*.sqlite3")]
    raw = bytearray(path.read_bytes())
    for off in range(4096, len(raw), 4096 * 2):
        raw[off : off + 1024] = b"\x00\xff" * 512
    path.write_bytes(bytes(raw))
    with (
        start_serve(data, tmp_path / "logs") as server,
        httpx.Client(base_url=server.url, timeout=60) as c,
    ):
        r = c.post("/v1/ask", json=FEB26_QUESTION)
        assert r.status_code == 200 and not r.json()["refused"], r.text


_KILL_BEFORE_COMMIT = """
import os, signal, sys
from pathlib import Path
from assistant.runtime import Runtime
from assistant.settings import Settings
from ingest.loaders import load_paths

rt = Runtime.open(Settings(data_dir=Path(sys.argv[1])))

def timer(name, ms):
    # after the chunks and the lexical rows, before the article records (the commit marker)
    if name == "lexical_write":
        os.kill(os.getpid(), signal.SIGKILL)

rt.store.timer = timer
rt.ingestor.run(load_paths([Path(sys.argv[2])]))
print("not killed")
"""


def test_ingest_killed_before_its_commit_is_never_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _sample_store(data)
    killed = subprocess.run(
        [sys.executable, "-c", _KILL_BEFORE_COMMIT, str(data), str(_zoo_file(tmp_path))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert killed.returncode == -9, killed.stdout + killed.stderr
    # before any re-run: the CLI, then a server (whose start-up sync must not index them)
    asked = _cli(
        "ask", "--data-dir", str(data), "--as-of", "2025-03-10", "--json", ZOO_QUESTION["question"]
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert not _cites(answer, ZOO["id"]) and all(
        p["article_id"] != ZOO["id"] for p in answer["passages"]
    )
    with (
        start_serve(data, tmp_path / "logs") as server,
        httpx.Client(base_url=server.url, timeout=60) as c,
    ):
        for body in (ZOO_QUESTION, {"question": "penguin house aquarium flooded giraffes Ohio"}):
            r = c.post("/v1/search", json=body)
            assert r.status_code == 200
            assert all(p["article_id"] != ZOO["id"] for p in r.json()["passages"])
        assert not c.post("/v1/ask", json=FEB26_QUESTION).json()["refused"]
    check = _cli("check", "--data-dir", str(data))
    assert json.loads(check.stdout)["orphan_chunks"]  # reported, not served
    # a re-run commits it
    again = _cli("ingest", "--data-dir", str(data), str(_zoo_file(tmp_path)))
    assert again.returncode == 0, again.stderr
    ok = _cli("check", "--data-dir", str(data))
    assert ok.returncode == 0, ok.stdout


def test_every_request_is_a_200_while_other_processes_write(tmp_path: Path) -> None:
    """Questions asked without pause while CLI ingests and a delete run beside the server."""
    data = tmp_path / "data"
    _sample_store(data)
    records = _dev_records_shortest_first()
    files = []
    for i, r in enumerate(records[200:208]):
        f = tmp_path / "in" / f"a{i}.jsonl"
        f.parent.mkdir(exist_ok=True)
        f.write_text(json.dumps(r) + "\n")
        files.append(f)
    env = {"NEWSDESK_RATE_LIMIT_PER_MINUTE": "0"}
    questions = [("/v1/search", ZOO_QUESTION), ("/v1/ask", FEB26_QUESTION)]
    with (
        start_serve(data, tmp_path / "logs", env=env) as server,
        _asking(server.url, questions) as asked,
    ):
        for f in files:
            assert _cli("ingest", "--data-dir", str(data), str(f)).returncode == 0
        gone = _cli("delete", "--data-dir", str(data), records[200]["id"], records[201]["id"])
        assert gone.returncode == 0, gone.stderr
        time.sleep(2)
        ready = httpx.get(server.url + "/readyz").json()
    statuses = asked.statuses
    assert statuses.get(200, 0) > 0 and set(statuses) == {200}, (statuses, asked.bodies[:3])
    assert ready["articles"] == 1 + len(files) - 2
    figure("requests while other processes wrote (all 200)", statuses[200])


def test_every_request_is_a_200_while_a_watcher_keeps_writing(tmp_path: Path) -> None:
    """`newsdesk watch` is a writer that stays up: its embedded Chroma writes the HNSW files
    now and then, and a server query that opened them meanwhile failed inside Chroma ("Error
    creating hnsw segment reader", ~4% of queries while articles arrived every 0.15 s)."""
    data = tmp_path / "data"  # empty at the start, as a new deployment's (HNSW not yet on disk)
    records = _dev_records_shortest_first()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {"NEWSDESK_RATE_LIMIT_PER_MINUTE": "0"}
    watch_log = tmp_path / "watch.log"  # a file, not a pipe: nothing reads it until the end
    with watch_log.open("w") as log:
        watch = subprocess.Popen(
            cli_command("watch", "--data-dir", str(data), "--scan-interval", "0.1", str(inbox)),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    question = [("/v1/search", {"question": "what did officials say"})]
    try:
        with (
            start_serve(data, tmp_path / "logs", env=env) as server,
            _asking(server.url, question) as asked,
        ):
            for i, r in enumerate(records[300:340]):
                (inbox / f"a{i}.jsonl").write_text(json.dumps(r) + "\n")
                time.sleep(0.15)
            deadline = time.monotonic() + 90
            while httpx.get(server.url + "/readyz").json()["articles"] < 40:
                assert time.monotonic() < deadline, "the watcher did not bring all 40"
                time.sleep(0.2)
    finally:
        watch.terminate()
        watch.wait(timeout=60)
    err = watch_log.read_text()
    statuses = asked.statuses
    assert statuses.get(200, 0) > 100 and set(statuses) == {200}, (statuses, asked.bodies[:3])
    assert "Traceback" not in err, err[-2000:]
    figure("requests while a watcher kept writing (all 200)", statuses[200])
