"""Crash trials of the watcher: `newsdesk watch` killed with SIGKILL in the middle of polls,
several times, while its feed (served on loopback by this test) and its folder keep growing.

Each trial publishes a new version of the feed (more entries, one entry changed; every entry
summary-only, so its linked page is fetched, slowly) and drops a new file into the folder, starts
the watcher, and kills it: in the first and last trial a random 0-2.5 s after it asked for the
first new page (while it fetches pages or embeds), in the middle one the moment its first new
chunks show in the store's lexical index (mid-write, before the watch state records them). A
last `watch --once` then brings everything in. Afterwards every entry and every file record is
in the store exactly once, the chunks are exactly those of a clean run of the same sources into
an empty store, the store is consistent, and polling again changes nothing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.models import article_id_for
from tests.support import (
    assert_consistent,
    cli_command,
    indexed_chunks,
    make_settings,
    open_runtime,
    stored_chunk_ids,
)
from tests.support.feeds import FeedSite, Item, page, rss, wire_stories
from tests.support.reliability import figure, tally

pytestmark = pytest.mark.slow

TRIALS = 3
PER_TRIAL = 10
STORIES = wire_stories(TRIALS * PER_TRIAL + 2 * TRIALS, offset=160)
PAGE_DELAY_S = 0.4


def _items(base: str, version: int) -> list[Item]:
    """Version k of the feed: the first 10(k+1) stories, newest first; from version 1 on, story
    3's entry has a corrected summary (same guid, so the same article, updated)."""
    out = []
    for n in range(PER_TRIAL * (version + 1)):
        s = STORIES[n]
        summary = s.text[:160]
        if n == 3 and version >= 1:
            summary = "Corrected: " + summary
        out.append(Item(f"crash-{n}", s.title, f"{base}/page/{n}", summary, None, s.published))
    return out[::-1]


def _publish(s: FeedSite, base: str, inbox: Path, version: int) -> None:
    for n in range(PER_TRIAL * (version + 1)):
        story = STORIES[n]
        text = story.text + ("\n\nCorrection appended." if n == 3 and version >= 1 else "")
        s.put(f"/page/{n}", page(story.title, text), content_type="text/html",
              delay_s=PAGE_DELAY_S)  # fmt: skip
    s.put("/wire.rss", rss(_items(base, version)))
    records = [
        {"url": f"https://files.example.org/{version}/{j}", "title": st.title, "text": st.text}
        for j, st in enumerate(STORIES[TRIALS * PER_TRIAL + 2 * version :][:2])
    ]
    path = inbox / f"drop-{version}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    os.utime(path, (time.time() - 60, time.time() - 60))


def _page_hits(s: FeedSite, version: int) -> int:
    return sum(
        len(s.hits(f"/page/{n}")) for n in range(PER_TRIAL * version, PER_TRIAL * (version + 1))
    )


def _recorded(data: Path) -> set[str]:
    """The article ids the watch state has recorded (feed entries and files), read-only."""
    path = data / "watch.sqlite3"
    if not path.exists():
        return set()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        rows = conn.execute(
            "SELECT article_id FROM items UNION SELECT article_id FROM file_articles"
        ).fetchall()
    return {r[0] for r in rows if r[0]}


def _once(data: Path, *sources: str) -> list[dict[str, object]]:
    done = subprocess.run(
        cli_command("watch", "--once", "--json", "--data-dir", str(data), *sources),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_kill_9_mid_poll_loses_and_duplicates_nothing(
    site, tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    s, base = site
    url = base + "/wire.rss"
    data, inbox = tmp_path / "data", tmp_path / "inbox"
    inbox.mkdir()
    rng = random.Random(17)
    kills: list[float] = []
    between: list[int] = []  # articles in the store the watch state had not recorded at the kill
    mid_poll = 0
    for version in range(TRIALS):
        _publish(s, base, inbox, version)
        before = _page_hits(s, version)
        log = (tmp_path / f"watch-{version}.log").open("wb")
        proc = subprocess.Popen(
            cli_command("watch", "--interval", "0.5", "--data-dir", str(data), url, str(inbox)),
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            started = time.monotonic()
            chunks = indexed_chunks(data)
            while _page_hits(s, version) == before or (
                version == 1 and indexed_chunks(data) <= chunks
            ):
                assert proc.poll() is None, (tmp_path / f"watch-{version}.log").read_text()
                assert time.monotonic() - started < 180, "the watcher never got that far"
                time.sleep(0.01)
            delay = 0.0 if version == 1 else rng.uniform(0.0, 2.5)
            time.sleep(delay)
            assert proc.poll() is None, "the watcher exited by itself"
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills.append(round(time.monotonic() - started, 2))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
        rt = open_runtime(make_settings(data), embedder)
        stored = {a.id for a in rt.store.list_articles(limit=1000)}
        rt.close()
        between.append(len(stored - _recorded(data)))
        log_text = (tmp_path / f"watch-{version}.log").read_text()
        mid_poll += " fetched" not in log_text  # the poll that fetched pages never finished

    final = _once(data, url, str(inbox))
    assert all(r["outcome"] == "ok" for r in final), final

    expected_feed = {article_id_for(it.link, "") for it in _items(base, TRIALS - 1)}
    rt = open_runtime(make_settings(data), embedder)
    present = [a.id for a in rt.store.list_articles(limit=1000)]
    assert len(present) == len(set(present)) == len(expected_feed) + 2 * TRIALS
    assert expected_feed <= set(present)
    chunks = stored_chunk_ids(rt.store)
    assert_consistent(rt.store, chunks)
    corrected = rt.store.article(article_id_for(f"{base}/page/3", ""))
    assert corrected is not None and corrected.text.endswith("Correction appended.")
    rt.close()

    # the same sources into an empty store, with no crash: the same chunks
    clean = tmp_path / "clean"
    _once(clean, url, str(inbox))
    rt_clean = open_runtime(make_settings(clean), embedder)
    assert stored_chunk_ids(rt_clean.store) == chunks
    rt_clean.close()

    # and nothing more to do
    again = {r["kind"]: r for r in _once(data, url, str(inbox))}
    assert again["feed"]["outcome"] == "not modified"
    assert (again["folder"]["entries"], again["folder"]["added"]) == (0, 0)

    assert mid_poll >= 1, "no kill landed inside a poll: the trials tested nothing"
    figure("watch crash trials (kill -9 at s after the watcher started)", kills)
    figure("watch crash trials: kills inside the poll fetching new pages", mid_poll)
    figure(
        "watch crash trials: articles stored but not yet in the watch state at the kill", between
    )
    tally("crash trials run (here, watcher kill -9 mid-poll)", len(kills))
    tally("articles lost", len(expected_feed - set(present)))
