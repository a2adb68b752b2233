"""Outlets side by side: each outlet's key statements on a topic or story, where outlets agree
and where they differ.

From the retrieved passages (of one story, or of a topic), statements are grouped by outlet. A
story is shown once, by the best-ranked outlet that has it; the outlets that ran copies of it are
listed with it (`also_ran`, and `also_in` on its citations), so a wire story reprinted by forty
outlets is one voice, not forty agreeing ones. Each outlet gets its key sentences (`PER_OUTLET`),
exact cited spans, scored by the topic words they have, their passage's retrieval match, how
closely another outlet says the same (`CROSS_WEIGHT` × the best similarity to another outlet's
sentence, topic words left out: every sentence has those) and whether they carry a checkable
fact (a number, a name: `FACT_BONUS`); sentences under `MIN_CHARS` (captions, links) are not
key statements.

Statements of two outlets that say nearly the same thing (`ALIGNED` word overlap) are compared:
the same count given by both ("37 people") is an agreement, different numbers for the same
counted word a difference; names both mention are agreed; aligned statements naming different
people are a name difference; different people quoted for one statement an attribution
difference; near-identical statements (`SAME_STATEMENT`) an agreement. Nothing is judged true or
false: each side is a citation. Outlets whose passages match the question below `MIN_DENSE`
are not shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from assistant.answer.citations import stems
from assistant.models import Citation, Passage
from assistant.views.statements import (
    Statement,
    names,
    numbers,
    similarity,
    speaker,
    statements,
    topic_stems,
    topic_text,
)

MIN_DENSE = 0.45
PER_OUTLET = 3
CROSS_WEIGHT = 1.0
FACT_BONUS = 0.2
MIN_CHARS = 60
SAME_STATEMENT = 0.6
_POOL = 15
_MAX_FINDINGS = 10
ALIGNED = 0.3
_MAX_OUTLETS = 12

NO_COVERAGE = "The articles I have do not cover that."


class OutletView(BaseModel):
    """One outlet's coverage: its articles and key statements (citations)."""

    source: str
    articles: int = Field(description="distinct articles of this outlet among the passages")
    titles: list[str] = Field(default_factory=list)
    statements: list[Citation] = Field(default_factory=list)
    also_ran: list[str] = Field(
        default_factory=list, description="other outlets that ran copies of these stories"
    )


class Claim(BaseModel):
    """One outlet's side of an agreement or a difference."""

    source: str
    value: str
    citation: int = Field(description="the `n` of the citation that says it")


class Agreement(BaseModel):
    kind: Literal["number", "name", "statement"]
    subject: str = Field(description="what is agreed on: the counted word, the name, the gist")
    claims: list[Claim]


class Difference(BaseModel):
    kind: Literal["number", "name", "attribution"]
    subject: str = Field(description="what differs: the counted word, or the statement's gist")
    claims: list[Claim]


class Comparison(BaseModel):
    question: str
    topic: str
    story_id: str | None = None
    outlets: list[OutletView] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    differences: list[Difference] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = False
    message: str | None = None
    notes: list[str] = Field(default_factory=list)


def _cross(by_outlet: dict[str, list[Statement]], topic: set[str]) -> dict[int, float]:
    """id(statement) → its best similarity to a sentence of another outlet (topic words out)."""
    out: dict[int, float] = {}
    outlets = list(by_outlet)
    rest = {id(s): s.stems - topic for sts in by_outlet.values() for s in sts}
    for i, a in enumerate(outlets):
        for b in outlets[i + 1 :]:
            for sa in by_outlet[a]:
                x = rest[id(sa)]
                for sb in by_outlet[b]:
                    y = rest[id(sb)]
                    sim = len(x & y) / len(x | y) if x and y else 0.0
                    out[id(sa)] = max(out.get(id(sa), 0.0), sim)
                    out[id(sb)] = max(out.get(id(sb), 0.0), sim)
    return out


def _key_statements(sts: list[Statement], cross: dict[int, float]) -> list[Statement]:
    def score(s: Statement) -> float:
        fact = FACT_BONUS if numbers(s.text) or names(s.text) else 0.0
        return s.relevance + CROSS_WEIGHT * cross.get(id(s), 0.0) + fact

    ranked = sorted((s for s in sts if len(s.text) >= MIN_CHARS), key=score, reverse=True)
    chosen: list[Statement] = []
    for s in ranked:
        if all(similarity(s, c) < 0.6 for c in chosen):  # no near-repeats
            chosen.append(s)
        if len(chosen) == PER_OUTLET:
            break
    return sorted(chosen, key=lambda s: (s.passage.published_at is None, s.rank, s.start))


class _Citer:
    """Citation numbers in order of first use; each outlet's cited statements."""

    def __init__(self, also_in: dict[str, list[str]]) -> None:
        self.citations: list[Citation] = []
        self.by_outlet: dict[str, list[Citation]] = {}
        self._n: dict[int, int] = {}
        self._also_in = also_in

    def __call__(self, st: Statement) -> int:
        n = self._n.get(id(st))
        if n is None:
            c = st.citation(len(self.citations) + 1, self._also_in.get(st.story, []))
            n = self._n[id(st)] = c.n
            self.citations.append(c)
            self.by_outlet.setdefault(st.source, []).append(c)
        return n


def compare_outlets(
    question: str, passages: Sequence[Passage], story_id: str | None = None
) -> Comparison:
    """Outlets side by side on what the question names (or on one story's passages)."""
    topic = topic_stems(question)
    relevant = [p for p in passages if p.scores.get("dense", 0.0) >= MIN_DENSE or story_id]
    by_outlet: dict[str, list[Statement]] = {}
    for st in statements(relevant, topic):
        if topic and st.overlap == 0 and not story_id:
            continue
        by_outlet.setdefault(st.source, []).append(st)
    order = sorted(by_outlet, key=lambda o: min(s.rank for s in by_outlet[o]))[:_MAX_OUTLETS]
    # A story is shown once, by the first outlet that has it; the others ran a copy of it.
    shown_by: dict[str, str] = {}
    also_in: dict[str, list[str]] = {}
    own: dict[str, list[Statement]] = {}
    for outlet in order:
        for st in by_outlet[outlet]:
            first = shown_by.setdefault(st.story, outlet)
            if first == outlet:
                own.setdefault(outlet, []).append(st)
            elif outlet not in also_in.setdefault(st.story, []):
                also_in[st.story].append(outlet)
    pools = {o: _ranked(own[o])[:_POOL] for o in order if o in own}
    cross = _cross(pools, topic)
    cite = _Citer(also_in)
    for outlet in pools:
        for st in _key_statements(pools[outlet], cross):
            cite(st)
    agreements, differences = _compare(pools, topic, cite)
    views = [
        OutletView(
            source=o,
            articles=len({s.passage.article_id for s in by_outlet[o]}),
            titles=list(dict.fromkeys(s.passage.title for s in by_outlet[o] if s.passage.title))[
                :3
            ],
            statements=sorted(cite.by_outlet.get(o, []), key=lambda c: c.n),
            also_ran=sorted(
                {x for st in own.get(o, []) for x in also_in.get(st.story, [])}, key=str.casefold
            ),
        )
        for o in pools
        if cite.by_outlet.get(o)
    ]
    return Comparison(
        question=question,
        topic=topic_text(question),
        story_id=story_id,
        outlets=views,
        agreements=agreements[:_MAX_FINDINGS],
        differences=differences[:_MAX_FINDINGS],
        citations=cite.citations,
        refused=not views,
        message=None if views else NO_COVERAGE,
    )


def _ranked(sts: list[Statement]) -> list[Statement]:
    def score(s: Statement) -> float:
        return s.relevance + (FACT_BONUS if numbers(s.text) or names(s.text) else 0.0)

    return sorted(sts, key=score, reverse=True)


_Side = tuple[str, str, Statement]  # outlet, value, the statement saying it


def _compare(
    pools: dict[str, list[Statement]], topic: set[str], cite: _Citer
) -> tuple[list[Agreement], list[Difference]]:
    """What aligned statements of different outlets (so of different stories) agree or differ
    on: numbers first (each outlet's value from its best-aligned sentence), then names, who is
    quoted, and whole statements."""
    pairs: list[tuple[float, str, Statement, str, Statement]] = []
    outlets = list(pools)
    for i, a in enumerate(outlets):
        for b in outlets[i + 1 :]:
            for sa in pools[a]:
                for sb in pools[b]:
                    sim = similarity(sa, sb)
                    if sim >= ALIGNED:
                        pairs.append((sim, a, sa, b, sb))
    pairs.sort(key=lambda t: t[0], reverse=True)

    counts: dict[str, dict[str, tuple[str, Statement]]] = {}  # counted → outlet → value
    named: dict[str, dict[str, Statement]] = {}  # name → outlet → statement
    differences: list[Difference] = []
    statements_agreed: list[Agreement] = []
    seen_pairs: set[tuple[str, str, str]] = set()
    for sim, a, sa, b, sb in pairs:
        xa, xb = numbers(sa.text), numbers(sb.text)
        for counted in set(xa) & set(xb):
            values = counts.setdefault(counted, {})
            values.setdefault(a, (xa[counted], sa))
            values.setdefault(b, (xb[counted], sb))
        na, nb = names(sa.text), names(sb.text)
        for name in na & nb:
            if not stems(name) & topic:  # a name of the topic itself says nothing
                named.setdefault(name, {}).setdefault(a, sa)
                named[name].setdefault(b, sb)
        gist = _gist(sa.text)
        only_a, only_b = _unmatched(na, nb), _unmatched(nb, na)
        if only_a and only_b and sim >= SAME_STATEMENT and ("name", a, b) not in seen_pairs:
            seen_pairs.add(("name", a, b))
            named_sides = [(a, ", ".join(sorted(only_a)), sa), (b, ", ".join(sorted(only_b)), sb)]
            differences.append(_difference("name", gist, named_sides, cite))
        wa, wb = speaker(sa.text), speaker(sb.text)
        if wa and wb and not _same_speaker(wa, wb) and ("said", gist, b) not in seen_pairs:
            seen_pairs.add(("said", gist, b))
            differences.append(_difference("attribution", gist, [(a, wa, sa), (b, wb, sb)], cite))
        if sim >= SAME_STATEMENT and ("same", a, b) not in seen_pairs:
            seen_pairs.add(("same", a, b))
            statements_agreed.append(
                Agreement(
                    kind="statement",
                    subject=gist,
                    claims=[
                        Claim(source=a, value=sa.text, citation=cite(sa)),
                        Claim(source=b, value=sb.text, citation=cite(sb)),
                    ],
                )  # fmt: skip
            )

    agreements: list[Agreement] = []
    number_diffs: list[Difference] = []
    for counted, by in sorted(counts.items()):
        sides: list[_Side] = [(o, v, st) for o, (v, st) in by.items()]
        if len({v for _o, v, _s in sides}) == 1:
            agreements.append(
                Agreement(kind="number", subject=counted, claims=_claims(sides, counted, cite))
            )
        else:
            number_diffs.append(_difference("number", counted, sides, cite, counted))
    for name, by_outlet in sorted(named.items()):
        agreements.append(
            Agreement(
                kind="name",
                subject=name,
                claims=[
                    Claim(source=o, value=name, citation=cite(st)) for o, st in by_outlet.items()
                ],
            )  # fmt: skip
        )
    return agreements + statements_agreed, number_diffs + differences


def _claims(sides: list[_Side], unit: str, cite: _Citer) -> list[Claim]:
    suffix = f" {unit}…" if unit else ""
    return [Claim(source=o, value=f"{v}{suffix}", citation=cite(st)) for o, v, st in sides]


def _difference(
    kind: Literal["number", "name", "attribution"],
    subject: str,
    sides: list[_Side],
    cite: _Citer,
    unit: str = "",
) -> Difference:
    return Difference(kind=kind, subject=subject, claims=_claims(sides, unit, cite))


def _gist(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _same_speaker(a: str, b: str) -> bool:
    """ "officials" and "county officials", "Reyes" and "Sheriff Tom Reyes" are one speaker."""
    x, y = a.casefold(), b.casefold()
    return x in y or y in x


def _unmatched(mine: set[str], theirs: set[str]) -> set[str]:
    """Names of mine that no name of theirs contains or is contained in ("Biden" ~ "Joe Biden")."""
    return {n for n in mine if not any(n in t or t in n for t in theirs)}
