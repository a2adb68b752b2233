"""The watcher's schedule: polls on the interval, backoff on failures (also across a restart),
Retry-After honoured, recovery; and which arguments are feeds or folders."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.errors import BadQueryError
from assistant.runtime import Runtime
from ingest.watch import PollReport, Watcher, backoff_delay, classify
from ingest.watch.fetch import retry_after_seconds
from ingest.watch.state import WatchState
from tests.support import make_settings, open_runtime
from tests.support.feeds import Item, rss, wire_stories

STORY = wire_stories(1, offset=120)[0]
FEED = rss([Item("one", STORY.title, "https://wire.example.org/one", content=STORY.text)])


def test_backoff_doubles_from_the_interval_up_to_the_cap() -> None:
    assert [backoff_delay(n, 300, 3600) for n in range(1, 9)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600,
    ]  # fmt: skip
    assert [backoff_delay(n, 1, 5) for n in range(1, 5)] == [1, 2, 4, 5]
    assert backoff_delay(1, 300, 3600, retry_after_s=120) == 120  # Retry-After: later, honoured
    assert backoff_delay(5, 300, 3600, retry_after_s=10) == 480  # sooner: the backoff wins
    assert backoff_delay(1, 300, 3600, retry_after_s=86_400) == 3600  # capped


def test_retry_after_header() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(format_datetime(now + timedelta(minutes=5), usegmt=True), now) == 300
    assert retry_after_seconds(format_datetime(now - timedelta(minutes=5), usegmt=True), now) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_classify_sources(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    assert classify([str(folder), "https://a.example/rss", "HTTP://b.example/x", str(folder)]) == [
        ("folder", str(folder)),
        ("feed", "https://a.example/rss"),
        ("feed", "HTTP://b.example/x"),
    ]
    with pytest.raises(BadQueryError, match="no such folder"):
        classify([str(tmp_path / "missing")])
    with pytest.raises(BadQueryError, match="only http:// and https://"):
        classify(["ftp://files.example/feed.xml"])
    with pytest.raises(BadQueryError, match="nothing to watch"):
        classify([])


@pytest.fixture()
def rt(tmp_path: Path, embedder: MiniLMEmbedder) -> Iterator[Runtime]:
    runtime = open_runtime(
        make_settings(tmp_path / "data", watch_interval_s=0.5, watch_max_backoff_s=4), embedder
    )
    yield runtime
    runtime.close()


class Running:
    """A watcher's `run` in a thread, its reports collected."""

    def __init__(self, rt: Runtime, sources: list[str]) -> None:
        self.reports: list[PollReport] = []
        self.stop = threading.Event()
        self.watcher: Watcher = rt.watcher(sources, on_poll=self.reports.append)
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def wait_for(self, n: int, timeout_s: float = 60) -> list[PollReport]:
        deadline = time.monotonic() + timeout_s
        while len(self.reports) < n:
            assert self.thread.is_alive(), "the watcher stopped"
            assert time.monotonic() < deadline, f"only {len(self.reports)} polls: {self.reports}"
            time.sleep(0.05)
        return self.reports[:n]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()
        self.watcher.close()


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_failures_back_off_then_recover(site, rt: Runtime) -> None:
    s, base = site
    url = base + "/wire.rss"
    s.put("/wire.rss", "down", status=503, content_type="text/plain")
    run = Running(rt, [url])
    times: list[float] = []
    try:
        while len(times) < 4:
            run.wait_for(len(times) + 1)
            times.append(time.monotonic())
        failed = run.reports[:4]
        assert [r.outcome for r in failed] == ["failed"] * 4
        assert [r.failures for r in failed] == [1, 2, 3, 4]
        assert [r.next_poll_s for r in failed] == [0.5, 1, 2, 4]  # capped at 4
        # the polls really were that far apart (a loaded machine only makes gaps longer)
        for gap, delay in zip(_gaps(times), [0.5, 1, 2], strict=True):
            assert gap >= delay * 0.9
        # it recovers: the next poll succeeds and the interval is back to normal
        s.put("/wire.rss", FEED)
        ok = [r for r in run.wait_for(7, timeout_s=90)[4:] if r.outcome == "ok"]
        assert ok and ok[0].added == 1 and ok[0].next_poll_s == 0.5
        assert run.reports[6].outcome == "not modified"
    finally:
        run.close()


def test_retry_after_is_honoured_and_failures_survive_a_restart(site, rt: Runtime) -> None:
    s, base = site
    url = base + "/busy.rss"
    s.put("/busy.rss", "busy", status=429, content_type="text/plain", headers={"Retry-After": "3"})
    run = Running(rt, [url])
    try:
        [first] = run.wait_for(1)
    finally:
        run.close()
    assert (first.failures, first.next_poll_s) == (1, 3)
    # a restarted watcher waits for the remembered retry time, then counts on
    data_dir = rt.settings.data_dir
    state = WatchState.open(data_dir)
    remembered = state.feed(url)
    state.close()
    assert remembered.failures == 1 and remembered.retry_at is not None
    s.put("/busy.rss", FEED)
    restarted = time.time()
    again = Running(rt, [url])
    try:
        [ok] = again.wait_for(1, timeout_s=30)
        polled = time.time()
    finally:
        again.close()
    assert ok.outcome == "ok" and ok.added == 1
    assert polled >= remembered.retry_at - 0.05 and polled - restarted >= 0.5
    assert len(s.hits("/busy.rss")) == 2
