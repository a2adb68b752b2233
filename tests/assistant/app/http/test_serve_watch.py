"""`newsdesk serve --watch`: the real server process with its watcher beside it, following a
feed served on loopback by this test and a folder; the server answers from what arrives, a
killed watcher is restarted, and stopping the server stops the watcher."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from assistant.models import article_id_for
from tests.support.feeds import Item, rss, wire_stories
from tests.support.serve import start_serve

STORIES = wire_stories(4, offset=150)


def _item(n: int) -> Item:
    s = STORIES[n]
    return Item(f"serve-{n}", s.title, f"https://wire.example.org/serve/{n}", content=s.text)


def _until(what: str, check: Callable[[], bool], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) is not alive either
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def _watcher_pids(log: str) -> list[int]:
    return [int(p) for p in re.findall(r"watcher started \(pid (\d+)\)", log)]


def test_serve_answers_from_what_the_watcher_brings(site, tmp_path: Path) -> None:
    s, base = site
    s.put("/wire.rss", rss([_item(0)]))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filed = inbox / "filed.jsonl"
    record = {
        "url": "https://wire.example.org/serve/file",
        "title": "Filed",
        "text": STORIES[2].text,
    }
    filed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    os.utime(filed, (time.time() - 60, time.time() - 60))
    env = {"NEWSDESK_WATCH_INTERVAL_S": "0.5", "NEWSDESK_RATE_LIMIT_PER_MINUTE": "0"}
    extra = ["--watch", base + "/wire.rss", "--watch", str(inbox)]
    with start_serve(tmp_path / "data", tmp_path, env=env, extra=extra, log_level="info") as srv:

        def articles() -> int:
            return int(httpx.get(srv.url + "/readyz", timeout=10).json()["articles"])

        _until("the feed entry and the file are in", lambda: articles() == 2)
        s.put("/wire.rss", rss([_item(1), _item(0)]))
        _until("the new entry is in", lambda: articles() == 3)
        new_id = article_id_for(_item(1).link, "")
        got = httpx.get(f"{srv.url}/v1/articles/{new_id}", timeout=10)
        assert got.status_code == 200 and got.json()["title"] == STORIES[1].title
        found = httpx.post(
            srv.url + "/v1/search", json={"question": STORIES[1].title, "k": 3}, timeout=60
        )
        assert found.status_code == 200, found.text
        assert new_id in {p["article_id"] for p in found.json()["passages"]}

        # a watcher that dies is restarted, and goes on where it was
        [first] = _watcher_pids(srv.log_tail(100_000))
        os.kill(first, signal.SIGKILL)
        _until("a new watcher runs", lambda: len(_watcher_pids(srv.log_tail(100_000))) == 2)
        assert "restarting it in" in srv.log_tail(100_000)
        second = _watcher_pids(srv.log_tail(100_000))[1]
        s.put("/wire.rss", rss([_item(3), _item(1), _item(0)]))
        _until("the entry after the restart is in", lambda: articles() == 4)
        time.sleep(2)  # more polls of the same feed and folder: still nothing twice
        assert articles() == 4 and _alive(second)
    _until("the watcher stopped with the server", lambda: not _alive(second), timeout_s=60)
    log = (tmp_path / f"serve-{srv.url.rsplit(':', 1)[1]}.log").read_text()
    assert "SIGTERM: stopping after the current poll" in log
    assert log.count("1 added") >= 2  # one line per poll that brought something


def test_serve_refuses_a_bad_watch_source(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="no such folder or file"):
        start_serve(tmp_path / "d", tmp_path, extra=["--watch", str(tmp_path / "nowhere")])
