"""What kind of thing a question asks for: a person, place, organization, number, amount, date...

Rule-based and cheap: the wh-word and the noun that follows "which"/"what" ("which *country*",
"what NFL *star*", "how *much*") name the expected type. Unknown focus nouns give `THING` (a
name or short noun phrase of any kind). Reads only the question; finds no answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["person", "place", "org", "number", "money", "percent", "date", "title", "thing"]

# The head noun after which/what → the kinds of span that can answer it.
_FOCUS: dict[str, tuple[Kind, ...]] = {}


def _focus(kinds: tuple[Kind, ...], *nouns: str) -> None:
    for noun in nouns:
        _FOCUS[noun] = kinds


_focus(
    ("place",),
    "country",
    "countries",
    "nation",
    "nations",
    "state",
    "states",
    "city",
    "cities",
    "town",
    "continent",
    "region",
    "island",
    "province",
    "county",
    "capital",
    "area",
    "park",
    "location",
    "place",
    "destination",
    "territory",
    "village",
    "neighborhood",
    "district",
    "border",
)
_focus(
    ("person",),
    "person",
    "people",
    "man",
    "woman",
    "star",
    "player",
    "singer",
    "actor",
    "actress",
    "celebrity",
    "candidate",
    "lawmaker",
    "musician",
    "official",
    "president",
    "leader",
    "senator",
    "politician",
    "athlete",
    "rapper",
    "artist",
    "author",
    "writer",
    "director",
    "quarterback",
    "coach",
    "ceo",
    "billionaire",
    "gymnast",
    "golfer",
    "figure",
    "member",
    "judge",
    "justice",
    "governor",
    "minister",
    "monarch",
    "royal",
    "journalist",
    "comedian",
    "host",
    "pitcher",
    "boxer",
    "swimmer",
    "skier",
    "driver",
    "legend",
    "icon",
    "head",
    "founder",
    "executive",
    "mayor",
    "spokesperson",
    "prosecutor",
    "attorney",
    "chef",
    "pundit",
    "activist",
    "scientist",
    "astronaut",
    "pope",
    "king",
    "queen",
    "prince",
    "princess",
    "daughter",
    "son",
    "wife",
    "husband",
)
_focus(
    ("org",),
    "company",
    "companies",
    "team",
    "teams",
    "chain",
    "airline",
    "carrier",
    "automaker",
    "school",
    "university",
    "college",
    "league",
    "brand",
    "retailer",
    "firm",
    "network",
    "group",
    "union",
    "agency",
    "organization",
    "bank",
    "restaurant",
    "store",
    "party",
    "service",
    "platform",
    "app",
    "maker",
    "manufacturer",
    "institution",
    "club",
    "franchise",
    "department",
    "court",
    "newspaper",
    "outlet",
    "studio",
    "startup",
    "giant",
    "band",
    "pharmacy",
    "automakers",
    "government",
    "body",
    "committee",
    "conference",
    "network",
)
_focus(
    ("title",),
    "show",
    "movie",
    "film",
    "song",
    "album",
    "book",
    "series",
    "game",
    "play",
    "musical",
    "sitcom",
    "role",
    "character",
    "title",
    "novel",
    "video",
    "documentary",
    "episode",
)
_focus(
    ("date",),
    "day",
    "date",
    "year",
    "month",
    "time",
    "season",
    "holiday",
    "week",
)
_focus(
    ("percent",),
    "percent",
    "percentage",
    "share",
    "proportion",
    "rate",
)
_focus(
    ("money",),
    "amount",
    "price",
    "cost",
    "sum",
    "fine",
    "salary",
    "wage",
)
_focus(("person", "money", "number"), "figure")
_focus(
    ("number",),
    "number",
    "magnitude",
    "age",
    "times",
    "months",
    "years",
    "days",
    "hours",
    "minutes",
)

# Words between "which"/"what" and the head noun that are not the head ("which *US* national
# *park*"): the head is the last word of the run before a verb, auxiliary or preposition.
_RUN_END = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "of",
        "in",
        "on",
        "at",
        "for",
        "to",
        "from",
        "by",
        "with",
        "about",
        "as",
        "that",
        "who",
        "which",
        "whose",
        "recently",
        "this",
        "last",
        "soon",
        "now",
        "just",
        "also",
        "still",
        "reportedly",
        "officially",
    ]
)
_MAX_RUN = 6
_ASIDE = re.compile(r"\s*\([^()]*\)")
_WH = re.compile(
    r"\b(?:which|what)\b(?:\s+(?:one\s+)?of\s+(?:the\s+)?following\b)?"
    r"(?:\s+(?:is|was|are|were)\s+(?:the|a|an)\b)?",
    re.I,
)
_LAST_SENTENCE = re.compile(r"(?:^|[.!?][\"'”’)]*\s+)([^.!?]*\?)\s*$")
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")

_HOW = re.compile(
    r"\bhow\s+(?P<what>many|much|old|long|far|big|high|large|often|soon|tall|fast|deep)\b", re.I
)
_WHO = re.compile(r"\b(who|whom|whose)\b", re.I)
_WHERE = re.compile(r"\bwhere\b", re.I)
_WHEN = re.compile(r"\bwhen\b", re.I)
_WHY = re.compile(r"\bwhy\b", re.I)
# "What did Trump say...", "what happened...": the answer is a statement, not a span.
_CLAUSE = re.compile(
    r"^\W*what\s+(?:did|does|do|will|would|has|have|had|is|was|are|were|could|should)\b.*"
    r"\b(?:say|said|tell|told|do|done|doing|announce|claim|mean|happen|happened|want|plan|ask|"
    r"warn|promise|decide|reveal|argue|suggest|propose|agree)\b"
    r"|^\W*what\s+(?:happened|happens)\b",
    re.I,
)
_MONEY_VERB = re.compile(
    r"\b(cost|costs|pay|paid|sold|fined|raise|worth|spend|spent|price|charge|earn)\b", re.I
)


@dataclass(frozen=True)
class Expected:
    """The kinds of span that can answer a question, and its focus noun ("park"), if any."""

    kinds: tuple[Kind, ...]
    focus: str | None = None
    reason: bool = False
    """a why/how-question: the answer is a clause, rarely a short span"""

    def accepts(self, kind: Kind) -> bool:
        return kind in self.kinds


_NAMES: tuple[Kind, ...] = ("person", "place", "org", "title", "thing")


def _head_noun(question: str, start: int) -> str | None:
    """The first known focus noun of the run after a which/what ("which US national park" →
    park, "what NFL star announced" → star); None when the run names no known kind."""
    for i, m in enumerate(_WORD.finditer(question, start)):
        w = m.group(0).lower().rstrip(".").replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if w in _RUN_END or i >= _MAX_RUN:
            return None
        if w in _FOCUS or (w.endswith("s") and w[:-1] in _FOCUS):
            return w
        if question[m.end() : m.end() + 1] in ("?", ",", ";"):
            return None
    return None


def expected(question: str) -> Expected:
    """The expected answer kinds of `question` (see the module docstring).

    Read in the question's last sentence when it ends with "?" ("Police arrested 31 men who ...
    Where was the event?" asks where, not who).
    """
    question = _ASIDE.sub("", question)  # a follow-up's context in parentheses is not the ask
    last = _LAST_SENTENCE.search(question)
    if last is not None:
        question = last.group(1)
    how = _HOW.search(question)
    if how:
        what = how.group("what").lower()
        if what == "much":
            if re.search(r"\b(percent|percentage)\b", question, re.I):
                return Expected(("percent",), "percent")
            return Expected(("money", "number", "percent"), "much")
        if what == "soon" or what == "long" and re.search(r"\bhow long until\b", question, re.I):
            return Expected(("date",), what)
        return Expected(("number", "money", "percent"), what)
    for m in _WH.finditer(question):
        head = _head_noun(question, m.end())
        if head is None:
            continue
        if head in ("percent", "percentage"):
            return Expected(("percent",), head)
        kinds = _FOCUS.get(head)
        if kinds is None and head.endswith("s"):
            kinds = _FOCUS.get(head[:-1])
        if kinds is not None:
            if kinds == ("money",) and not _MONEY_VERB.search(question):
                kinds = ("money", "number")
            if kinds == ("org",) or kinds == ("title",):
                kinds = (*kinds, "thing")
            if kinds == ("place",):
                kinds = ("place", "org") if head in ("area", "destination") else kinds
            return Expected(kinds, head)
    if _WHO.search(question):
        return Expected(("person", "org"), "who")
    if _WHERE.search(question):
        return Expected(("place", "org"), "where")
    if _WHEN.search(question):
        return Expected(("date",), "when")
    if _WHY.search(question) or _CLAUSE.search(question):
        return Expected(_NAMES, None, reason=True)
    return Expected(_NAMES, None)
