"""What kind of thing a question asks for: a person, place, organization, number, amount, date...

Rule-based and cheap: the wh-word and the noun that follows "which"/"what" ("which *country*",
"what NFL *star*", "how *much*") name the expected type. Unknown focus nouns give `THING` (a
name or short noun phrase of any kind). Also read: the asked phrase itself ("which *invasive
species*": lower-case answers are looked for when it names no known kind), whether several
things are asked for ("which two countries"), and whether a count may be stated as an ordinal
("how many times" — "the third time"). Reads only the question; finds no answers.
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
_ASKS = re.compile(r"\b(?:which|what|who|whom|whose|where|when|why|how)\b", re.I)
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
    phrase: str | None = None
    """the words naming what is asked after which/what ("invasive species"; no "type of")"""
    many: bool = False
    """several things asked for ("which two countries", "which states"): "X and Y" answers"""
    ordinal: bool = False
    """a count that news states as an ordinal ("how many times" — "his third indictment")"""

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


# Verb-like words that end the asked phrase ("which product *remains*", "what virus *spread*").
_PHRASE_END = re.compile(r"(?:ed|ing)$|^(?:says?|makes?|remains?|gets?|takes?|sees?|goes|won)$")
_KIND_OF = re.compile(r"^(?:type|types|kind|kinds|sort|group|form|piece|item)\s+of\s+", re.I)
_PHRASE_WORDS = 3
_MANY = re.compile(r"\b(?:two|three|four|both|pair)\b", re.I)


def _asked_phrase(question: str, start: int, head: str | None) -> str | None:
    """The noun phrase after which/what: up to three words ending at the head noun, or before a
    verb, auxiliary, preposition or punctuation ("which US national park was" → "US national
    park"; "which type of products were" → "products")."""
    rest = question[start:]
    lead = _KIND_OF.match(rest.lstrip())
    if lead is not None:
        start += len(rest) - len(rest.lstrip()) + lead.end()
    taken: list[str] = []
    for m in _WORD.finditer(question, start):
        w = m.group(0).rstrip(".")
        lw = w.lower().replace("’", "'")
        if lw in _RUN_END or (taken and _PHRASE_END.search(lw)):
            break
        taken.append(w)
        if lw.removesuffix("'s") == head or question[m.end() : m.end() + 1] in ("?", ",", ";", ":"):
            break
    if not taken or taken[-1].lower() in ("following", "the"):
        return None
    return " ".join(taken[-_PHRASE_WORDS:])


def _plural(head: str, phrase: str | None, question: str) -> bool:
    noun = (phrase or head).split()[-1].lower()
    if bool(_MANY.search(phrase or "")) or re.search(r"\bwhich two\b", question, re.I):
        return True
    return noun.endswith("ies") or (noun.endswith("s") and noun[:-1] in _FOCUS)


def expected(question: str) -> Expected:
    """The expected answer kinds of `question` (see the module docstring).

    Read in the question's last sentence when it ends with "?" ("Police arrested 31 men who ...
    Where was the event?" asks where, not who).
    """
    question = _ASIDE.sub("", question)  # a follow-up's context in parentheses is not the ask
    last = _LAST_SENTENCE.search(question)
    if last is not None and _ASKS.search(last.group(1)):  # "Roe v. Wade?" is not a sentence
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
        if what == "many":  # a count, not a share ("6%")
            ordinal = bool(re.search(r"\bhow many times\b", question, re.I))
            return Expected(("number",), what, ordinal=ordinal)
        return Expected(("number", "money", "percent"), what)
    phrase: str | None = None
    for m in _WH.finditer(question):
        head = _head_noun(question, m.end())
        if head is None:
            phrase = phrase or _asked_phrase(question, m.end(), None)
            continue
        phrase = _asked_phrase(question, m.end(), head)
        if head in ("percent", "percentage"):
            return Expected(("percent",), head, phrase=phrase)
        many = _plural(head, phrase, question)
        kinds = _FOCUS.get(head)
        if kinds is None and head.endswith("s"):
            kinds = _FOCUS.get(head[:-1])
        if kinds is not None:
            if kinds == ("money",) and not _MONEY_VERB.search(question):
                kinds = ("money", "number")
            if kinds == ("org",) or kinds == ("title",):
                kinds = (*kinds, "thing")
            if kinds == ("place",):
                kinds = ("place", "thing") if head in ("area", "destination") else kinds
            return Expected(kinds, head, phrase=phrase, many=many)
    if _WHO.search(question):
        return Expected(("person", "org"), "who")
    if _WHERE.search(question):
        # A venue may be any name ("Ronald Reagan Presidential Library"), but a place fits best.
        return Expected(("place", "thing"), "where")
    if _WHEN.search(question):
        return Expected(("date",), "when")
    if _WHY.search(question) or _CLAUSE.search(question):
        return Expected(_NAMES, None, reason=True)
    return Expected(_NAMES, None, phrase=phrase)
