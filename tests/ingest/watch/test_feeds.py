"""Following feed URLs: a real loopback HTTP server whose feed changes between polls, the real
embedder and a real embedded store; each test polls with `Watcher.poll_once` (the schedule and
backoff are in test_watcher.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.errors import IngestError
from assistant.runtime import Runtime
from ingest.loaders.html import article_from_html
from ingest.watch import PollReport, Watcher
from ingest.watch.feeds import MAX_PAGE_TRIES
from tests.support import assert_consistent, make_settings, open_runtime
from tests.support.feeds import Item, http_date, page, rss, wire_stories

STORIES = wire_stories(8)


@pytest.fixture()
def rt(tmp_path: Path, embedder: MiniLMEmbedder) -> Iterator[Runtime]:
    settings = make_settings(
        tmp_path / "data", watch_timeout_s=1.5, watch_max_page_bytes=64_000, watch_interval_s=1
    )
    runtime = open_runtime(settings, embedder)
    yield runtime
    runtime.close()


@pytest.fixture()
def watch(rt: Runtime) -> Iterator[list[Watcher]]:
    opened: list[Watcher] = []
    yield opened
    for w in opened:
        w.close()


def _watcher(rt: Runtime, opened: list[Watcher], *sources: str) -> Watcher:
    w = rt.watcher(list(sources))
    opened.append(w)
    return w


def _poll(w: Watcher) -> PollReport:
    [report] = w.poll_once()
    return report


def _full(n: int) -> Item:
    s = STORIES[n]
    link = f"https://wire.example.org/story/{n}"
    return Item(f"story-{n}", s.title, link, s.text[:200], content=s.text, published=s.published)


def _page_text(title: str, text: str) -> str:
    return article_from_html(page(title, text), None).text


def _texts(rt: Runtime) -> dict[str | None, str]:
    articles = rt.store.articles([a.id for a in rt.store.list_articles(limit=100)])
    return {a.title: a.text for a in articles.values()}


def _stored(rt: Runtime) -> list[tuple[str, str | None]]:
    return sorted((a.id, a.title) for a in rt.store.list_articles(limit=100))


def test_feed_that_changes_between_polls(site, rt: Runtime, watch) -> None:
    s, base = site
    url = base + "/wire.rss"
    s.put("/wire.rss", rss([_full(0), _full(1)]))
    w = _watcher(rt, watch, url)

    first = _poll(w)
    assert (first.outcome, first.status, first.entries, first.added) == ("ok", 200, 2, 2)
    assert first.pages == 0  # full content: no page fetched
    assert s.hits("/story/0") == []

    # unchanged: a conditional GET answered 304, nothing read or written
    second = _poll(w)
    assert (second.outcome, second.status, second.added) == ("not modified", 304, 0)
    hits = s.hits("/wire.rss")
    assert "if-none-match" not in hits[0] and hits[1]["if-none-match"] == s.etag("/wire.rss")

    # a new story on top, story 1 dropped out
    s.put("/wire.rss", rss([_full(2), _full(0)]))
    third = _poll(w)
    assert (third.status, third.entries, third.seen, third.added) == (200, 2, 1, 1)

    # story 1 reappears, and story 0 twice in one document: nothing new
    s.put("/wire.rss", rss([_full(1), _full(2), _full(0), _full(0)]))
    fourth = _poll(w)
    assert (fourth.entries, fourth.seen, fourth.added, fourth.updated) == (3, 3, 0, 0)

    stored = _stored(rt)
    assert sorted(t or "" for _i, t in stored) == sorted(STORIES[n].title for n in range(3))
    assert len({i for i, _t in stored}) == 3
    assert_consistent(rt.store)


def test_last_modified_is_sent_back(site, rt: Runtime, watch) -> None:
    s, base = site
    stamp = http_date(date(2022, 6, 1))
    s.put("/lm.rss", rss([_full(0)]), etag=False, last_modified=stamp)
    w = _watcher(rt, watch, base + "/lm.rss")
    assert _poll(w).added == 1
    again = _poll(w)
    assert again.outcome == "not modified"
    assert s.hits("/lm.rss")[-1]["if-modified-since"] == stamp
    assert "if-none-match" not in s.hits("/lm.rss")[-1]


def test_summary_only_entries_get_their_linked_page(site, rt: Runtime, watch) -> None:
    s, base = site
    story, other = STORIES[3], STORIES[4]
    s.put("/story/3", page(story.title, story.text), content_type="text/html; charset=utf-8")
    s.put("/story/4", page(other.title, other.text), content_type="text/html; charset=utf-8")
    items = [
        Item("s3", "Feed headline three", base + "/story/3", summary=story.text[:150]),
        Item("s4", other.title, base + "/story/4", summary=None),  # a title and a link only
        _full(5),
    ]
    s.put("/summaries.rss", rss(items, title="Summary Wire"))
    w = _watcher(rt, watch, base + "/summaries.rss")
    report = _poll(w)
    assert (report.added, report.pages, report.page_errors, report.failed) == (3, 2, [], [])
    assert len(s.hits("/story/3")) == len(s.hits("/story/4")) == 1
    assert s.hits("/story/3")[0]["accept"].startswith("text/html")
    by_title = {a.title: a for a in rt.store.list_articles(limit=10)}
    # the page's text as the HTML loader reads it, the entry's own metadata
    paged = rt.store.article(by_title["Feed headline three"].id)
    assert paged is not None
    assert paged.text == _page_text(story.title, story.text)
    assert story.text.split("\n\n")[-1].strip() in paged.text
    assert (paged.source, paged.url) == ("Summary Wire", base + "/story/3")
    titled = rt.store.article(by_title[other.title].id)
    assert titled is not None and titled.text == _page_text(other.title, other.text)
    # polled again (the feed unchanged): no page fetched twice
    _poll(w)
    assert len(s.hits("/story/3")) == 1


def test_pages_that_fail_keep_the_summary_and_are_tried_again(site, rt: Runtime, watch) -> None:
    s, base = site
    big = STORIES[6]
    s.put("/big", page("Big", "word " * 20_000), content_type="text/html")  # > 64 kB
    s.put("/slow", page("Slow", big.text), content_type="text/html", drip_s=0.5)  # > 1.5 s
    s.put("/pdf", b"%PDF-1.4 not a page", content_type="application/pdf")
    # /gone answers 404 for now
    summaries = {
        "big": "The big page's summary.",
        "slow": "The slow page's summary.",
        "pdf": "The PDF's summary.",
        "gone": "The missing page's summary.",
    }
    items = [Item(k, f"Story {k}", base + f"/{k}", summary=v) for k, v in summaries.items()]
    s.put("/flaky.rss", rss(items))
    w = _watcher(rt, watch, base + "/flaky.rss")
    t0 = time.monotonic()
    first = _poll(w)
    took = time.monotonic() - t0
    assert (first.outcome, first.added, first.pages) == ("ok", 4, 0)
    reasons = " | ".join(sorted(first.page_errors))
    assert "too large" in reasons and "time limit" in reasons
    assert "HTTP 404" in reasons and "not an HTML page (application/pdf)" in reasons
    assert took < 20, "the slow page was not abandoned at its time limit"
    assert _texts(rt) == {f"Story {k}": v for k, v in summaries.items()}

    # the missing page appears: the next poll reads the whole feed again and gets it
    gone = STORIES[7]
    s.put("/gone", page(gone.title, gone.text), content_type="text/html")
    second = _poll(w)
    assert "if-none-match" not in s.hits("/flaky.rss")[-1]
    assert (second.status, second.updated, second.pages) == (200, 1, 1)
    assert _texts(rt)["Story gone"] == _page_text(gone.title, gone.text)

    # the others are tried MAX_PAGE_TRIES times in all, then left as summaries
    for _ in range(MAX_PAGE_TRIES - 2):
        _poll(w)
    settled = _poll(w)
    assert settled.outcome == "not modified" or (settled.seen == 4 and not settled.page_errors)
    assert len(s.hits("/pdf")) == MAX_PAGE_TRIES
    assert len(_stored(rt)) == 4
    assert_consistent(rt.store)


def test_feed_failures(site, rt: Runtime, watch) -> None:
    s, base = site
    s.put("/500.rss", "oops", status=500, content_type="text/plain")
    s.put("/429.rss", "slow down", status=429, content_type="text/plain",
          headers={"Retry-After": "120"})  # fmt: skip
    s.put("/html.rss", page("Home", "Not a feed at all."), content_type="text/html")
    s.put("/huge.rss", "<rss>" + "x" * 20_000_000 + "</rss>")
    s.put("/silent.rss", rss([_full(0)]), delay_s=30)
    s.put("/drip.rss", rss([_full(0)]), drip_s=0.3)
    s.put("/moved.rss", "", status=301, headers={"Location": "/500.rss"})
    w = _watcher(rt, watch, *(base + p for p in (
        "/500.rss", "/429.rss", "/html.rss", "/huge.rss", "/silent.rss", "/drip.rss",
        "/moved.rss", "/nothing-here.rss",
    )))  # fmt: skip
    t0 = time.monotonic()
    reports = {r.source.removeprefix(base): r for r in w.poll_once()}
    took = time.monotonic() - t0
    assert all(r.outcome == "failed" for r in reports.values())
    assert reports["/500.rss"].error == "HTTP 500 Internal Server Error"
    assert reports["/429.rss"].error == "HTTP 429 Too Many Requests, asked to retry after 120 s"
    assert reports["/html.rss"].error == "not an RSS or Atom feed (text/html)"
    assert (reports["/huge.rss"].error or "").startswith("too large")
    assert (reports["/silent.rss"].error or "").startswith("time limit")
    assert (reports["/drip.rss"].error or "").startswith("time limit")
    assert reports["/moved.rss"].error == "HTTP 500 Internal Server Error"  # redirect followed
    assert reports["/nothing-here.rss"].error == "HTTP 404 Not Found"
    assert took < 30, "a silent or dripping feed was not abandoned at its time limit"
    assert rt.store.stats().articles == 0
    # failures are remembered: the next poll counts on
    again = {r.source.removeprefix(base): r for r in w.poll_once()}
    assert {r.failures for r in again.values()} == {2}


def test_state_survives_a_restart(site, rt: Runtime, watch) -> None:
    s, base = site
    s.put("/wire.rss", rss([_full(0)]))
    w = _watcher(rt, watch, base + "/wire.rss")
    assert _poll(w).added == 1
    with pytest.raises(IngestError, match="another watcher"):
        rt.watcher([base + "/wire.rss"])
    w.close()
    watch.remove(w)
    again = _watcher(rt, watch, base + "/wire.rss")
    assert _poll(again).outcome == "not modified"
    s.put("/wire.rss", rss([_full(0), _full(1)]))
    report = _poll(again)
    assert (report.seen, report.added) == (1, 1)


def test_a_known_entry_keeps_its_article_when_its_link_and_text_change(
    site, rt: Runtime, watch
) -> None:
    s, base = site
    first = _full(0)
    s.put("/wire.rss", rss([first]))
    w = _watcher(rt, watch, base + "/wire.rss")
    assert _poll(w).added == 1
    [(article_id, _title)] = _stored(rt)
    assert first.link is not None and first.content is not None
    changed = Item(
        first.guid,
        first.title + " (updated)",
        first.link + "?utm_source=rss",
        first.summary,
        content=first.content + "\n\nThis story was updated.",
    )
    s.put("/wire.rss", rss([changed]))
    report = _poll(w)
    assert (report.updated, report.added) == (1, 0)
    assert _stored(rt) == [(article_id, first.title + " (updated)")]
    stored = rt.store.article(article_id)
    assert stored is not None and stored.text.endswith("This story was updated.")


class Killed(BaseException):
    """Stands for the process dying (not an error the watcher would catch)."""


def test_dying_after_the_store_write_before_the_state_commit(
    site, rt: Runtime, watch, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The one window a kill -9 rarely hits by chance: the articles are committed in the store,
    # the watch state does not know them yet (and keeps the old validators).
    s, base = site
    s.put("/wire.rss", rss([_full(0), _full(1)]))
    w = _watcher(rt, watch, base + "/wire.rss")

    def die(*args: object, **kwargs: object) -> None:
        raise Killed

    monkeypatch.setattr(w.state, "feed_polled", die)
    with pytest.raises(Killed):
        w.poll_once()
    assert rt.store.stats().articles == 2
    w.close()
    watch.remove(w)
    again = _poll(_watcher(rt, watch, base + "/wire.rss"))
    assert (again.status, again.added, again.unchanged) == (200, 0, 2)  # no If-None-Match sent
    assert "if-none-match" not in s.hits("/wire.rss")[-1]
    assert len(_stored(rt)) == 2
    assert _poll(watch[-1]).outcome == "not modified"
