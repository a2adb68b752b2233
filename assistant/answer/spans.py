"""Candidate answer spans in a sentence or title: names, quoted titles, numbers and amounts, dates.

Rule-based, one regex pass per kind over short texts (a few sentences per question):

- names: runs of capitalized words ("Bed Bath & Beyond", "House of the Dragon", "BA.5"), typed
  by the gazetteer (places), name endings ("... Airlines" → organization, "... County" →
  place), acronyms (organization, but "UK"), a place opening a longer name ("New York Jets" →
  organization) and titles before or inside them ("Sen. Liz Cheney", "California Gov. Gavin
  Newsom" → person); a capitalized word opening a sentence counts only if the texts do not use
  it in lower case and, alone, only if they also capitalize it inside a sentence
  (`Vocabulary`);
- quoted titles: “Squid Game”, "Cheer" (one to eight words); a name that is all of one is a
  title too;
- numbers: money ("$19 million", "19 million dollars"), percentages ("60%", "60 percent"),
  counts ("1,000", "2 million", "63");
- dates: the date mentions of `assistant.dates`, weekday names, and "next week/month";
- when asked (`answer_spans` flags): lower-case noun phrases ("mustard", "baby formula") for
  questions after a thing no name states, "X and Y" pairs of names for questions after several,
  and ordinals ("third") for "how many times".

Number words and ordinals are keyed and shown as digits ("six" → "6"), so "six" and "6" are one
answer.

Each span has `key`, its comparable form (lower case, no title words nor what comes before a
title inside the name, no "the", no possessive): "US President Joe Biden" is "joe biden".
Does not score spans (`assistant.answer.short` does).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.answer.expected import Kind
from assistant.answer.gazetteer import ORG_ENDINGS, PERSON_TITLES, PLACE_ENDINGS, PLACES
from assistant.dates import extract_date_mentions
from assistant.dates.vocabulary import MONTH_ABBR, MONTHS, WEEKDAYS
from assistant.text import STOPWORDS


@dataclass(frozen=True)
class AnswerSpan:
    """A candidate answer at text[start:end]."""

    start: int
    end: int
    text: str
    key: str
    kinds: frozenset[Kind]
    shown: str | None = None
    """how to write it as an answer when not as in the text ("6" for "six")"""
    lower: bool = False
    """a lower-case noun phrase, not a name"""


_NAME = re.compile(
    r"(?:(?<=[\s(\"“‘'—–-])|^)"
    r"(?P<name>(?:[A-Z][a-z]{0,3}\.(?=\s+[A-Z])|[A-Z*][\w'’.*-]*[\w*]|[A-Z])"
    r"(?:(?:\s+(?:of(?:\s+the)?|de|la|le|du|da|von|van|der|al|bin|for|&)\s+|\s+|-)"
    r"(?:[A-Z][a-z]{0,3}\.(?=\s+[A-Z])|[A-Z][\w'’.-]*[\w]|[A-Z]|[0-9]+\b(?![,.]?[0-9])))*)"
)
_QUOTED = re.compile(r"[“\"](?P<q>[^“”\"\n]{1,80}?)[”\"]")
_MONEY = re.compile(
    r"(?P<m>(?:US)?\$\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|trillion|thousand|[mbkMBK]n?)\b)?"
    r"|\b\d[\d,]*(?:\.\d+)?(?:\s(?:million|billion|trillion|thousand))?\s(?:dollars|euros|pounds)\b)"
)
_PERCENT = re.compile(r"(?P<p>\b\d+(?:\.\d+)?\s?(?:%|percent\b|per\s?cent\b))")
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|dozen"
)
_COUNT = re.compile(
    rf"(?P<c>(?<![\w$.,-])(?:\d[\d,]*(?:\.\d+)?|(?:{_NUMBER_WORDS}))"
    r"(?:\s(?:million|billion|trillion|thousand|hundred))?)(?![\w%]|[.,]\d)",
    re.I,
)
_SOON = re.compile(
    r"\b(?P<s>(?:next|later this|this|early next|late next)\s(?:week|month|year|fall|spring|"
    r"summer|winter)|(?:in\s)?(?:a|two|three|several|a\sfew)\s(?:days|weeks|months))\b",
    re.I,
)

_NOT_NAME_WORDS = frozenset(
    {
        "A",
        "An",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "You",
        "His",
        "Her",
        "Their",
        "Our",
        "My",
        "But",
        "And",
        "Or",
        "So",
        "If",
        "As",
        "At",
        "In",
        "On",
        "Of",
        "For",
        "To",
        "From",
        "By",
        "With",
        "After",
        "Before",
        "When",
        "While",
        "Where",
        "What",
        "Which",
        "Who",
        "Why",
        "How",
        # contractions as URL-slug titles write them ("Whats in senate gun reform agreement")
        "Whats",
        "Whos",
        "Hows",
        "Heres",
        "Theres",
        "Thats",
        "Lets",
        "There",
        "Here",
        "Now",
        "Then",
        "Still",
        "Also",
        "Yet",
        "According",
        "However",
        "Meanwhile",
        "Some",
        "Many",
        "Most",
        "All",
        "More",
        "Other",
        "Another",
        "No",
        "Not",
        "Mr",
        "Mrs",
        "Ms",
        "Read",
        "Watch",
        "Click",
        "Photo",
        "Image",
        "Video",
        "Getty",
        "Images",
        "AP",
        "Reuters",
        "CNN",
        "Advertisement",
        "Share",
        "Updated",
        "Published",
        "Copyright",
        "Sign",
        "Subscribe",
        "Related",
        "Live",
        "Breaking",
        "Opinion",
        "Analysis",
        "Story",
        "Stories",
        "EDT",
        "EST",
        "GMT",
        "ET",
        "PT",
    }
    | set(MONTHS)
    | set(MONTH_ABBR)
    | set(WEEKDAYS)
)
_OPENING_ONLY = frozenset(
    {"I", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"}
    | {"Dozens", "Hundreds", "Thousands", "Millions"}
)
"""Words no part of a name when they open a capitalized run ("I said", "Eight GOP lawmakers"),
part of it when they end one: numerals ("Artemis I", "Big Ten", "Formula One")."""
_EVENT_ENDINGS = frozenset(
    [
        "Awards",
        "Award",
        "Prize",
        "Games",
        "Cup",
        "Open",
        "Championship",
        "Championships",
        "Festival",
        "Series",
        "Bowl",
        "Show",
        "Olympics",
        "Classic",
        "Tournament",
        "Finals",
        "Summit",
    ]
)
_POSSESSIVE = re.compile(r"['’]s$")


def _titled_person(words: list[str]) -> int:
    """Where the person starts in a name run that gives a title inside it ("California Gov.
    Gavin Newsom", "House Speaker Kevin McCarthy": 2), 0 when it does not: the words after its
    last title word are one to three capitalized words that end in no organization or place
    word ("Biden Justice Department" is a department)."""
    at = max((i for i, w in enumerate(words[1:-1], start=1) if w in PERSON_TITLES), default=0)
    rest = words[at + 1 :]
    if (
        at
        and len(rest) <= 3
        and all(w[:1].isupper() for w in rest)
        and rest[-1] not in ORG_ENDINGS
        and rest[-1] not in PLACE_ENDINGS
    ):
        return at + 1
    return 0


@lru_cache(maxsize=65536)  # names recur across a question's sentences and across questions
def _key(text: str) -> str:
    words = [w for w in re.split(r"\s+", _POSSESSIVE.sub("", text).replace("’", "'")) if w]
    words = words[_titled_person(words) :]  # "US President Joe Biden" is "Joe Biden"
    while words and (words[0] in PERSON_TITLES or words[0].lower() in ("the", "a", "an")):
        words = words[1:]
    return " ".join(w.lower().rstrip(".,") for w in words) or text.lower()


def _starts_with_place(words: list[str]) -> bool:
    """The name's first word or words, not all of it, are a place ("New York Jets")."""
    return any(" ".join(words[:n]) in PLACES for n in range(1, min(len(words), 4)))


def _name_kinds(name: str, before: str) -> frozenset[Kind]:
    words = name.split()
    if _titled_person(words):
        return frozenset({"person", "thing"})
    kinds: set[Kind] = set()
    bare = _POSSESSIVE.sub("", name)
    if bare in PLACES or bare.split(",")[0] in PLACES or words[-1] in PLACE_ENDINGS:
        kinds.add("place")
    if words[-1].rstrip(".") in ORG_ENDINGS or words[-1] in ORG_ENDINGS or "&" in name:
        kinds.add("org")
    if re.fullmatch(r"\*?[A-Z]{2,6}\*?", bare) and bare not in PLACES:  # NFL, UPS, *NSYNC; not UK
        kinds.add("org")
    if len(words) >= 2 and _starts_with_place(words) and not kinds:
        kinds.add("org")  # "Denver Broncos", "New York Jets", "Seattle Storm"
    if words[-1] in _EVENT_ENDINGS:
        return frozenset({"title", "thing"})
    prev = before.rstrip().rsplit(None, 1)[-1] if before.strip() else ""
    if words[0] in PERSON_TITLES or prev.rstrip(".") in PERSON_TITLES:
        kinds.add("person")
    if (
        not kinds
        and 2 <= len(words) <= 4
        and all(w[:1].isupper() and w[1:2].islower() for w in words)
    ):
        kinds.add("person")  # "Joey Chestnut": capitalized words with no place or org sign
    kinds.add("thing")
    return frozenset(kinds)


# A period ends a name run ("... in Paris. Then ...") unless it ends a title ("Gov. Gavin Newsom").
_SPLIT = re.compile(
    r"['’]s\s+|\s+(?=(?:The|A|An)\s)"
    r"|(?<=[a-z]{2})(?<!Gov)(?<!Sen)(?<!Rep)(?<!Gen)(?<!Col)(?<!Sgt)(?<!Capt)(?<!Mrs)(?<!Rev)\.\s+"
)


def _name_runs(text: str) -> list[tuple[int, int]]:
    """Spans of capitalized runs, split at a possessive ("Airport’s Terminal") and at an inner
    "The" ("BUD The UK"): those join two names, not one."""
    runs: list[tuple[int, int]] = []
    for m in _NAME.finditer(text):
        start, end = m.span("name")
        pos = start
        for cut in _SPLIT.finditer(text, start, end):
            if cut.start() > pos:
                runs.append((pos, cut.start()))
            pos = cut.end()
        if pos < end:
            runs.append((pos, end))
    return runs


def _names(text: str, sentence_start: bool, vocab: Vocabulary) -> list[AnswerSpan]:
    out: list[AnswerSpan] = []
    for start, end in _name_runs(text):
        name = text[start:end]
        words = name.split()
        # Drop leading words that are sentence openers, not names ("The", "But", "After").
        while words and (
            words[0] in _NOT_NAME_WORDS
            or words[0] in _OPENING_ONLY
            or (
                sentence_start
                and not text[:start].strip(" \"'“‘(")
                and words[0] not in PLACES
                and words[0].lower() in vocab.lower
            )
        ):
            cut = text.index(words[0], start) + len(words[0])
            rest = text[cut:end].lstrip(" -")
            start = end - len(rest)
            words = rest.split()
            name = rest
            sentence_start = False
        while words and (
            words[-1] in _NOT_NAME_WORDS or words[-1].lower() in ("of", "the", "and", "&")
        ):
            words = words[:-1]
            name = " ".join(words)
        if not words or not name:
            continue
        end = start + len(name)
        if text[start:end] != name:  # inner whitespace differed: re-locate exactly
            found = text.find(words[-1], start)
            end = found + len(words[-1]) if found >= 0 else end
            name = text[start:end]
        if name.replace(".", "").isdigit() or len(name) < 1:
            continue
        if name.endswith(("'s", "’s")):
            name = name[:-2]
            end -= 2
        out.append(AnswerSpan(start, end, name, _key(name), _name_kinds(name, text[:start])))
    return out


def _quoted(text: str) -> list[AnswerSpan]:
    out: list[AnswerSpan] = []
    for m in _QUOTED.finditer(text):
        q = m.group("q").strip(" ,.")
        if not q or not q[0].isupper() or len(q.split()) > 8:
            continue
        start = m.start("q") + m.group("q").find(q)
        out.append(AnswerSpan(start, start + len(q), q, _key(q), frozenset({"title", "thing"})))
    return out


def _titled(names: list[AnswerSpan], quoted: list[AnswerSpan]) -> list[AnswerSpan]:
    """Names that are all of a quoted title (“Squid Game”, "The Legend of Zelda") are titles
    too: the name comes first among a text's spans, so its kinds are the ones a reader that
    keeps one span a key (`assistant.answer.short`) sees."""

    def inside(n: AnswerSpan) -> bool:
        return any(q.start <= n.start and n.end <= q.end and q.key == n.key for q in quoted)

    return [replace(n, kinds=n.kinds | {"title"}) if inside(n) else n for n in names]


def _numbers(text: str) -> list[AnswerSpan]:
    out: list[AnswerSpan] = []
    taken: list[tuple[int, int]] = []
    number_kinds: tuple[tuple[re.Pattern[str], str, frozenset[Kind]], ...] = (
        (_MONEY, "m", frozenset({"money", "number"})),
        (_PERCENT, "p", frozenset({"percent"})),
        (_COUNT, "c", frozenset({"number"})),
    )
    for rx, group, kinds in number_kinds:
        for m in rx.finditer(text):
            s, e = m.span(group)
            if any(a < e and s < b for a, b in taken):
                continue
            value = m.group(group)
            if group == "c" and re.fullmatch(r"(?:1[89]|20)\d\d", value):
                continue  # a year is a date, not a count
            taken.append((s, e))
            key = (
                value.lower().replace(" percent", "%").replace(" per cent", "%").replace(" %", "%")
            )
            digits = _WORD_VALUES.get(key)
            if digits is not None:
                out.append(AnswerSpan(s, e, value, digits, kinds, shown=digits))
            else:
                out.append(AnswerSpan(s, e, value, key, kinds))
    return out


_CARDINALS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty"
)
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
_WORD_VALUES = {w: str(i) for i, w in enumerate(_CARDINALS.split())}
_ORDINAL_VALUES = {w: str(i) for i, w in enumerate(_ORDINALS.split(), start=1)}
_ORDINAL = re.compile(
    r"\b(?P<o>" + "|".join(_ORDINAL_VALUES) + r"|(?P<d>\d{1,2})(?:st|nd|rd|th))\b", re.I
)


def _ordinals(text: str) -> list[AnswerSpan]:
    """ "third", "4th" as counts ("his third indictment" answers "how many times")."""
    out: list[AnswerSpan] = []
    for m in _ORDINAL.finditer(text):
        value = m.group("d") or _ORDINAL_VALUES[m.group("o").lower()]
        out.append(
            AnswerSpan(m.start(), m.end(), m.group(0), value, frozenset({"number"}), shown=value)
        )
    return out


# Words that head no answer phrase: verbs and adverbs news sentences are full of, quantities,
# and time words (an answer of those kinds is found as a number or date); superlatives, rank
# words and comparatives, which restate the question's "biggest" or "top" rather than name the
# thing; irregular past forms (the regular ones end in -ed, `_VERBISH`).
_NOT_PHRASE_WORDS = """
    also would will could like just even still well back much many least last next first
    year years month months day days time times today yesterday tomorrow week weekend people
    percent number part lot way thing things include includes told tells reports report says
    said say make makes made take takes took get gets got come comes came went see seen saw
    know known calls want wants need needs use uses set sets put help helps show shows become
    became give gives gave keep keeps left among around across within without while whether
    however though although already ago ever never always often very almost about mr mrs ms
    dr other others another every several various certain since later earlier soon instead
    rather ahead together far
    top most best worst biggest largest highest lowest greatest latest newest major recent
    more less fewer higher lower bigger smaller larger better worse greater cheaper overall
    expensive
    rose fell grew began begun held sold paid spent brought bought thought sought caught taught
    fought found led met sent built felt heard meant stood chose chosen drew drawn drove driven
    wrote written broke broken spoke spoken struck threw thrown flew flown knew shook hung
"""
_NOT_PHRASE = frozenset(_NOT_PHRASE_WORDS.split())
_LOWER_RUN_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]")
_VERBISH = re.compile(r"(?:ed|ing|ly)$")
_MAX_PHRASE = 3


def _phrases(text: str) -> list[AnswerSpan]:
    """Lower-case noun phrases: runs of lower-case content words, cut at stopwords, verbs in
    -ed/-ing, adverbs in -ly and punctuation; every one to three consecutive words of a run
    ("baby formula shortage" → "baby", "baby formula", ..., "shortage")."""
    out: list[AnswerSpan] = []
    run: list[re.Match[str]] = []

    def flush() -> None:
        for i in range(len(run)):
            for part in (run[i : i + n] for n in range(1, _MAX_PHRASE + 1) if i + n <= len(run)):
                s, e = part[0].start(), part[-1].end()
                key = " ".join(_singular(w.group(0)) for w in part)
                out.append(AnswerSpan(s, e, text[s:e], key, frozenset({"thing"}), lower=True))
        run.clear()

    prev_end = 0
    for m in re.finditer(r"[\w'’-]+", text):
        w = m.group(0)
        joined = not text[prev_end : m.start()].strip()  # only spaces since the last word
        prev_end = m.end()
        ok = (
            _LOWER_RUN_WORD.fullmatch(w) is not None
            and len(w) > 2
            and w not in STOPWORDS
            and w not in _NOT_PHRASE
            and not _VERBISH.search(w)
        )
        if not (ok and (joined or not run)):
            if run:
                flush()
            if not ok:
                continue
        run.append(m)
    if run:
        flush()
    return out


def _singular(word: str) -> str:
    w = word.replace("’", "'")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _pairs(text: str, names: list[AnswerSpan]) -> list[AnswerSpan]:
    """ "Sweden and Finland": two names joined by "and" or "&", one answer of several."""
    out: list[AnswerSpan] = []
    for a, b in zip(names, names[1:], strict=False):
        if text[a.end : b.start] in (" and ", " & ") and not a.lower and not b.lower:
            kinds = (a.kinds & b.kinds) or frozenset({"thing"})
            out.append(
                AnswerSpan(a.start, b.end, text[a.start : b.end], f"{a.key} and {b.key}", kinds)
            )
    return out


def _dates(text: str) -> list[AnswerSpan]:
    out = [
        AnswerSpan(m.start, m.end, m.text, m.text.lower(), frozenset({"date"}))
        for m in extract_date_mentions(text)
    ]
    for m in re.finditer(r"\b(?:" + "|".join(WEEKDAYS) + r")\b", text):
        out.append(
            AnswerSpan(m.start(), m.end(), m.group(0), m.group(0).lower(), frozenset({"date"}))
        )
    for m in _SOON.finditer(text):
        s, e = m.span("s")
        out.append(AnswerSpan(s, e, m.group("s"), m.group("s").lower(), frozenset({"date"})))
    return out


def answer_spans(
    text: str,
    kinds: Container[Kind],
    vocab: Vocabulary,
    sentence_start: bool = True,
    *,
    phrases: bool = False,
    pairs: bool = False,
    ordinals: bool = False,
) -> list[AnswerSpan]:
    """Candidate spans of the kinds asked for, in `text` (a sentence or a title); lower-case
    phrases, "X and Y" pairs and ordinals only when asked for."""
    out: list[AnswerSpan] = []
    wants_names = any(k in kinds for k in ("person", "place", "org", "title", "thing"))
    if wants_names:
        names = _names(text, sentence_start, vocab)
        quoted = _quoted(text)
        out += _titled(names, quoted)
        out += quoted
        if pairs:
            out += _pairs(text, names)
        if phrases:
            out += _phrases(text)
    if any(k in kinds for k in ("number", "money", "percent")):
        out += _numbers(text)
        if ordinals:
            out += _ordinals(text)
    if "date" in kinds:
        out += _dates(text)
    return out


_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")
_MID_CAPITAL = re.compile(r"(?<=[a-z,;:] )[A-Z][\w'’-]+")


@dataclass(frozen=True)
class Vocabulary:
    """How the texts of one question use words: in lower case (so a capitalized one opening a
    sentence is a common word, not a name), and capitalized inside sentences (names)."""

    lower: frozenset[str]
    capitalized: frozenset[str]

    @classmethod
    def of(cls, texts: list[str]) -> Vocabulary:
        lower: set[str] = set(STOPWORDS)
        capital: set[str] = set()
        for t in texts:
            lower.update(_LOWER_WORD.findall(t))
            capital.update(_POSSESSIVE.sub("", w) for w in _MID_CAPITAL.findall(t))
        return cls(frozenset(lower), frozenset(capital))
