"""Timelines: dated events about a topic, in chronological order, one cited sentence each.

From the retrieved passages of a topic, an event is a sentence that names a day ("on Monday",
"June 13", "last Tuesday"), resolved against its article's publication date with the date
mentions the ingest already extracts (`assistant.dates`): the event is dated by what the text
says happened when, not by when it was published. Left out: a day after the sentence's own
publication (a plan or a forecast), and a day the sentence looks ahead to ("could reopen as
early as Monday", "closed until Wednesday", "… Feb. 26 as the date water would return": a future
cue shortly before or after the mention, since weekdays resolve to the past). A sentence gives
one event, on the first day it names. A relevant article whose sentences name no day gives at
most one event, its best sentence, dated by its publication (`date_source: "published"`).

A sentence belongs to the topic when its passage matched the question (`MIN_DENSE`) and it shares
a topic word, or its article is about the topic (title and passage share half the topic words).
One event per story per day (the best-supported sentence), at most `PER_DAY` events a day;
events of different stories on one day whose sentences say the same (`SAME_EVENT`) are merged,
their outlets listed. Nothing is interpolated: days without a cited sentence are absent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.answer.citations import stems
from assistant.dates import extract_date_mentions
from assistant.models import Answer, Citation, Passage
from assistant.views.statements import Statement, similarity, statements, topic_stems

MIN_DENSE = 0.45
SAME_EVENT = 0.5
PER_DAY = 3
_AHEAD = re.compile(
    r"\b(until|till|through|as (early|soon|late) as|by|next|starting|beginning|will|would|"
    r"could|may|might|expect\w*|scheduled|set to|plans? to|planned|upcoming|forecast)\b"
    r"[^.;]{0,80}$",
    re.I,
)
# "… point to Feb. 26 as the date water would be restored": the day is what a plan names.
_AHEAD_AFTER = re.compile(
    r"^[^.;]{0,40}\b(would|will|could|should|is expected|are expected)\b", re.I
)
_ABOUT_TOPIC = 0.5

NO_EVENTS = "The articles I have do not give dated events for that."


class TimelineEvent(BaseModel):
    """One dated event: what a sentence says happened on a day, cited exactly."""

    date: date
    date_source: Literal["text", "published"] = Field(
        description="text: the sentence names the day; published: the article's date"
    )
    text: str = Field(description="the cited sentence (equals the citation's quote)")
    citation: Citation
    outlets: list[str] = Field(default_factory=list, description="every outlet that reported it")


class Timeline(BaseModel):
    """Events in chronological order (ties: the better-supported first)."""

    question: str
    topic: str
    as_of: date | None = None
    since: date | None = None
    until: date | None = None
    events: list[TimelineEvent] = Field(default_factory=list)
    refused: bool = False
    message: str | None = None
    notes: list[str] = Field(default_factory=list)


class _Candidate:
    __slots__ = ("day", "source", "statement", "score", "outlets")

    def __init__(self, day: date, source: Literal["text", "published"], st: Statement) -> None:
        self.day = day
        self.source: Literal["text", "published"] = source
        self.statement = st
        # A sentence that names its day is better evidence of when than a publication date.
        self.score = st.relevance + (0.2 if source == "text" else 0.0)
        self.outlets = {st.source}


def _about_topic(p: Passage, topic: set[str]) -> bool:
    if not topic:
        return True
    return len(topic & stems(f"{p.title or ''} {p.text}")) / len(topic) >= _ABOUT_TOPIC


def _day(st: Statement) -> date | None:
    """The first day the sentence says something happened on, resolved against its
    publication date: not after it, not looked ahead to."""
    published = st.passage.published_at
    for m in extract_date_mentions(st.text, reference=published):
        if len(m.value) != 10 or m.value.startswith("-"):
            continue  # a month or a year is no day; a year-less date without a reference
        day = date.fromisoformat(m.value)
        ahead = _AHEAD.search(st.text[: m.start]) or _AHEAD_AFTER.search(st.text[m.end :])
        if (published is not None and day > published) or ahead:
            continue
        return day
    return None


def build_timeline(
    question: str,
    passages: Sequence[Passage],
    *,
    since: date | None = None,
    until: date | None = None,
    as_of: date | None = None,
    limit: int = 20,
) -> Timeline:
    """The timeline of the topic the question names, from its retrieved passages."""
    topic = topic_stems(question)
    relevant = [p for p in passages if p.scores.get("dense", 0.0) >= MIN_DENSE]
    about = {p.article_id for p in relevant if _about_topic(p, topic)}
    latest = min(d for d in (until, as_of) if d is not None) if (until or as_of) else None

    def in_range(day: date) -> bool:
        return (since is None or day >= since) and (latest is None or day <= latest)

    best: dict[tuple[str, date], _Candidate] = {}
    undated: dict[str, _Candidate] = {}  # article → its best sentence naming no day
    for st in statements(relevant, topic):
        if st.overlap == 0 and st.passage.article_id not in about:
            continue
        day = _day(st)
        if day is not None:
            if in_range(day):
                _keep(best, (st.story, day), _Candidate(day, "text", st))
        elif st.passage.published_at is not None and st.overlap > 0:
            c = _Candidate(st.passage.published_at, "published", st)
            if in_range(c.day):
                _keep(undated, st.passage.article_id, c)
    dated_articles = {c.statement.passage.article_id for c in best.values()}
    for article_id, c in undated.items():
        if article_id not in dated_articles:  # its own sentences already say when
            _keep(best, (c.statement.story, c.day), c)

    per_day: dict[date, int] = {}
    chosen: list[_Candidate] = []
    for c in sorted(_merge_same_day(list(best.values())), key=lambda c: c.score, reverse=True):
        if per_day.get(c.day, 0) < PER_DAY and len(chosen) < limit:
            chosen.append(c)
            per_day[c.day] = per_day.get(c.day, 0) + 1
    chosen.sort(key=lambda c: (c.day, -c.score))
    events = [
        TimelineEvent(
            date=c.day,
            date_source=c.source,
            text=c.statement.text,
            citation=c.statement.citation(
                n, sorted(c.outlets - {c.statement.source}, key=str.casefold)
            ),
            outlets=sorted(c.outlets, key=str.casefold),
        )
        for n, c in enumerate(chosen, start=1)
    ]
    return Timeline(
        question=question,
        topic=" ".join(sorted(topic)),
        as_of=as_of,
        since=since,
        until=until,
        events=events,
        refused=not events,
        message=None if events else NO_EVENTS,
    )


def _keep(table: dict[Any, _Candidate], key: object, cand: _Candidate) -> None:
    """Keep the better-supported candidate under `key`; the outlets of both."""
    old = table.get(key)
    if old is None or cand.score > old.score:
        if old is not None:
            cand.outlets |= old.outlets
        table[key] = cand
    else:
        old.outlets |= cand.outlets


def _merge_same_day(cands: list[_Candidate]) -> list[_Candidate]:
    """Events of one day that say the same thing become one (the better-supported sentence)."""
    out: list[_Candidate] = []
    for c in sorted(cands, key=lambda c: c.score, reverse=True):
        twin = next(
            (
                o
                for o in out
                if o.day == c.day and similarity(o.statement.text, c.statement.text) >= SAME_EVENT
            ),
            None,
        )
        if twin is None:
            out.append(c)
        else:
            twin.outlets |= c.outlets
    return out


_ASKS = re.compile(
    r"\b(time ?line|chronolog\w*)\b|^\s*what (has )?happened (with|to|in|at|during|since)\b",
    re.I,
)


def asks_for_timeline(question: str) -> bool:
    """Whether a chat question asks for a timeline ("Timeline of the Twitter takeover", "What
    happened with the Yellowstone flooding?") rather than for one answer."""
    return bool(_ASKS.search(question))


def timeline_answer(tl: Timeline) -> Answer:
    """A timeline as a chat answer: one line per event, "date — sentence [n]", its citations."""
    if tl.refused:
        return Answer(question=tl.question, answer=tl.message or NO_EVENTS, refused=True,
                      as_of=tl.as_of, notes=tl.notes)  # fmt: skip
    lines = [f"{e.date.isoformat()} — {e.text} [{e.citation.n}]" for e in tl.events]
    return Answer(
        question=tl.question,
        answer="\n".join(lines),
        citations=[e.citation for e in tl.events],
        as_of=tl.as_of,
        confidence=1.0,
        notes=[*tl.notes, "answered as a timeline"],
    )
