"""Following an RSS/Atom feed URL: each poll ingests the entries that are new or changed.

A poll is a conditional GET (the ETag / Last-Modified of the last successful poll): a 304 costs
nothing more. Otherwise the feed is parsed (`ingest.loaders.feeds.feed_items`) and each entry is
compared, by its key, with the entries the watch state remembers: an entry seen before and
unchanged is skipped before anything else happens, so an entry that reappears — in the next
poll, after dropping out of the feed for a while, or after a restart — never becomes a second
article. A known entry keeps the article id it got first, even if its link changes.

An entry with no full content and a short summary (`watch_summary_chars`) gets its linked page
fetched (size and time limits; at most `watch_pages_per_poll` a poll, `PAGE_WORKERS` at once)
and read by the HTML loader; the page's text is used when it is longer, the entry's own
metadata wins. When the page cannot be had, the summary is ingested and the page is tried again
on the next polls (`MAX_PAGE_TRIES` in all): until then the poll keeps the old validators, so
the next poll reads the whole feed again; so it does when entries were left for the next poll.

The new articles go through the ingest pipeline; only then are the entries and validators
committed to the watch state (see `ingest.watch.state` for why that order is crash-safe).
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from assistant.errors import NewsdeskError, UnreadableInputError
from assistant.models import Article, LoadError, sha1_hex
from ingest.loaders.common import decode_text
from ingest.loaders.feeds import FeedItem, feed_items, looks_like_feed
from ingest.loaders.html import article_from_html, declared_charset
from ingest.pipeline import Ingestor
from ingest.watch.fetch import FEED_ACCEPT, PAGE_ACCEPT, Fetcher
from ingest.watch.report import Kind, PollReport
from ingest.watch.state import ItemState, WatchState

PAGE_WORKERS = 4
MAX_PAGE_TRIES = 3
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class FeedLimits:
    max_feed_bytes: int
    max_page_bytes: int
    summary_chars: int
    pages_per_poll: int


def fingerprint(item: FeedItem) -> str:
    """What an entry looks like in the feed: a changed one is read again."""
    meta = json.dumps(dict(item.meta), default=str, sort_keys=True)
    return sha1_hex(f"{item.text}\x1f{meta}\x1f{item.has_content}")[:16]


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header."""
    if not content_type:
        return "", None
    kind, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return kind.strip().lower(), charset


class FeedSource:
    kind: Kind = "feed"

    def __init__(
        self,
        url: str,
        ingestor: Ingestor,
        state: WatchState,
        fetcher: Fetcher,
        limits: FeedLimits,
        interval_s: float,
    ) -> None:
        self.url = self.name = url
        self.ingestor = ingestor
        self.state = state
        self.fetcher = fetcher
        self.limits = limits
        self.interval_s = interval_s

    def remembered_failures(self) -> tuple[int, float | None]:
        remembered = self.state.feed(self.url)
        return remembered.failures, remembered.retry_at

    def failed(self, failures: int, retry_at: float, error: str) -> None:
        self.state.feed_failed(self.url, failures, retry_at, error)

    # --- one poll -------------------------------------------------------------------------------
    def poll(self) -> PollReport:
        t0 = time.monotonic()
        report = PollReport(self.url, "feed")
        before = self.state.feed(self.url)
        fetched = self.fetcher.get(
            self.url,
            max_bytes=self.limits.max_feed_bytes,
            accept=FEED_ACCEPT,
            etag=before.etag,
            last_modified=before.last_modified,
        )
        report.status = fetched.status
        if fetched.not_modified:
            report.outcome = "not modified"
            self.state.feed_polled(self.url, [], validators=None)
            report.seconds = time.monotonic() - t0
            return report
        if not looks_like_feed(fetched.body):
            kind = _media_type(fetched.content_type)[0] or "no content type"
            raise UnreadableInputError(f"not an RSS or Atom feed ({kind})")
        try:
            items = feed_items(
                fetched.body, self.url, content_type=fetched.content_type, location=fetched.url
            )
        except ValueError as exc:
            raise UnreadableInputError(str(exc)) from None
        unique: dict[str, FeedItem] = {}
        for item in items:
            unique.setdefault(item.key, item)  # a key twice in one document: the first counts
        report.entries = len(unique)
        known = self.state.items(self.url, list(unique))

        todo: list[tuple[FeedItem, str, ItemState | None]] = []
        for item in unique.values():
            fp = fingerprint(item)
            was = known.get(item.key)
            if (
                was is not None
                and was.fingerprint == fp
                and (was.complete or was.page_failures >= MAX_PAGE_TRIES)
            ):
                report.seen += 1
                continue
            todo.append((item, fp, was))
        wanted = [item for item, _fp, _was in todo if self._wants_page(item)]
        later = {item.key for item in wanted[self.limits.pages_per_poll :]}
        report.deferred = len(later)
        todo = [t for t in todo if t[0].key not in later]
        pages = self._pages(wanted[: self.limits.pages_per_poll])

        articles: list[Article] = []
        records: list[ItemState] = []
        for item, fp, was in todo:
            page = pages.get(item.key)
            page_failed = isinstance(page, str)
            text, fill = None, None
            if isinstance(page, Article):
                report.pages += 1
                if len(page.text) > len(item.text):
                    text = page.text
                    fill = {
                        "title": page.title,
                        "authors": page.authors,
                        "published_at": page.published_at,
                        "source": page.source,
                    }
            elif page_failed:
                report.page_errors.append(f"{item.link}: {page}")
            tries = (was.page_failures if was is not None and was.fingerprint == fp else 0) + int(
                page_failed
            )
            try:
                article = item.article(text, fill)
            except ValueError as exc:
                reason = f"{item.name}: {exc}" + (f"; its page: {page}" if page_failed else "")
                report.failed.append(LoadError(origin=self.url, reason=reason))
                records.append(ItemState(item.key, "", fp, not page_failed, tries))
                continue
            if was is not None and was.article_id:
                article = article.model_copy(update={"id": was.article_id})
            articles.append(article)
            records.append(ItemState(item.key, article.id, fp, not page_failed, tries))

        if articles:
            self.ingestor.store.refresh()
            result = self.ingestor.run(articles)
            report.added, report.updated = result.articles_added, result.articles_updated
            report.unchanged = result.articles_unchanged
        retry_pages = any(not r.complete and r.page_failures < MAX_PAGE_TRIES for r in records)
        keep_old = report.deferred > 0 or retry_pages
        validators = None if keep_old else (fetched.etag, fetched.last_modified)
        self.state.feed_polled(self.url, records, validators)
        report.seconds = time.monotonic() - t0
        return report

    # --- linked pages ---------------------------------------------------------------------------
    def _wants_page(self, item: FeedItem) -> bool:
        link = item.link or ""
        return (
            link.lower().startswith(("http://", "https://"))
            and not item.has_content
            and len(item.text) < self.limits.summary_chars
        )

    def _pages(self, items: list[FeedItem]) -> dict[str, Article | str]:
        """Each item's linked page as an Article, or why it could not be had."""
        if not items:
            return {}
        with ThreadPoolExecutor(PAGE_WORKERS, thread_name_prefix="watch-page") as pool:
            results = pool.map(self._page, [item.link or "" for item in items])
            return {item.key: result for item, result in zip(items, results, strict=True)}

    def _page(self, link: str) -> Article | str:
        try:
            fetched = self.fetcher.get(
                link, max_bytes=self.limits.max_page_bytes, accept=PAGE_ACCEPT
            )
            kind, charset = _media_type(fetched.content_type)
            if kind and kind not in _PAGE_TYPES:
                return f"not an HTML page ({kind})"
            markup = decode_text(fetched.body, declared=charset or declared_charset(fetched.body))
            return article_from_html(markup, link, url=fetched.url)
        except NewsdeskError as exc:
            return str(exc)
        except ValueError as exc:  # the page has no text
            return str(exc)
