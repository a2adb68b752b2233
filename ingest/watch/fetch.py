"""HTTP GET for the watcher (the only importer of `httpx` in `ingest`): conditional, bounded.

`Fetcher.get` sends `If-None-Match` / `If-Modified-Since` when given validators and returns a
304 as "not modified". Every fetch has a size limit (the decoded body is counted as it arrives,
so a compressed bomb stops at the limit too) and a time limit for the whole fetch — connect,
headers and body together; a server that drips its body slowly is abandoned once the limit has
passed, one that goes silent after at most the limit again. Redirects are followed (at most 5).
Every failure — connection, time limit, size limit, an HTTP status other than 2xx/304 — is a
`FetchError` with a message for the log and the `Retry-After` delay a 429/503 asked for.

Nothing here parses feeds or pages.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from assistant.errors import FetchError

USER_AGENT = "Newsdesk/0.1 (feed watcher)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9,"
    " application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Fetched:
    status: int
    """200-299, or 304 (not modified: `body` is empty)"""
    url: str
    """where the body came from, after redirects"""
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A `Retry-After` header (seconds, or an HTTP date) as seconds from now; None if absent or
    unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Fetcher:
    """One HTTP client (connection pool) shared by a watcher's fetches; thread-safe."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._client = httpx.Client(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(timeout_s),
        )

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        max_bytes: int,
        accept: str,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.timeout_s
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                if r.status_code == 304:
                    return Fetched(304, str(r.url), etag=etag, last_modified=last_modified)
                if not 200 <= r.status_code < 300:
                    wait = None
                    if r.status_code in (429, 503):
                        wait = retry_after_seconds(r.headers.get("retry-after"))
                    message = f"HTTP {r.status_code} {r.reason_phrase}".rstrip()
                    if wait is not None:
                        message += f", asked to retry after {wait:.0f} s"
                    raise FetchError(message, retry_after=wait)
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(_too_large(max_bytes, f"{int(declared):,} bytes declared"))
                body = bytearray()
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchError(_too_large(max_bytes, "more arrived"))
                    if time.monotonic() > deadline:
                        raise FetchError(f"time limit: not complete after {self.timeout_s:g} s")
                return Fetched(
                    r.status_code,
                    str(r.url),
                    bytes(body),
                    content_type=r.headers.get("content-type"),
                    etag=r.headers.get("etag"),
                    last_modified=r.headers.get("last-modified"),
                )
        except httpx.TimeoutException:
            raise FetchError(f"time limit: no answer within {self.timeout_s:g} s") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(f"cannot fetch: {type(exc).__name__}: {exc}") from None


def _too_large(limit: int, detail: str) -> str:
    return f"too large: the limit is {limit:,} bytes ({detail})"
