"""The short answer: the span that answers the question, found in the top passages and titles.

Candidates are the spans of the expected kind (`expected`, `spans`) in the sentences and titles
of the passages the answerer reads. A candidate that only restates the question ("Ivy League"
for "Which Ivy League school...", "Internal Revenue Service" for "the IRS", "the U.S." for "the
US") is never an answer, nor is a nationality ("French"). Mentions of one answer are merged
("President Joe Biden", "Biden's" → "Joe Biden"; "U.S." and "America"; "six" and "6"), and the
best is written in the fuller form the sources use when there is one ("JetBlue" → "JetBlue
Airways", `_written_in_full`).

Each candidate gets the features in `FEATURES` (what it is, how many independent sources state
it, how well the sentences stating it meet the question, how close it stands to the question's
words, ...) and is scored by a linear model over them: `score(features)` with `WEIGHTS`, the
same for every question (see `WEIGHTS` for how they were fitted). No I/O, no model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.answer.citations import Span
from assistant.answer.expected import Expected
from assistant.answer.gazetteer import ALIASES, DEMONYMS, ORG_ENDINGS, PLACE_ENDINGS
from assistant.answer.spans import AnswerSpan, Vocabulary, answer_spans
from assistant.models import Passage
from assistant.text import STOPWORDS, word_spans, words

_MAX_SUPPORT = 4
_NEAR = 8  # words either side of a span that count as "near" it
_CLOSE = 3  # words either side that count as right beside it
_STEM = 5

FEATURES = (
    "best",
    "relevance",
    "proximity",
    "adjacent",
    "slot",
    "type",
    "support",
    "title",
    "title_only",
    "title_new",
    "mentions",
    "rank",
    "focus",
    "partial",
    "top_sentence",
    "words",
    "lower",
    "pair",
    "number_word",
)
"""Each candidate's features, all from the texts the answerer reads:

- best: the best, over its mentions in sentences, of that sentence's relevance plus the
  question words near the mention (`Occurrence.score`);
- relevance: the best score of a sentence stating it (`Sentence.relevance`: question words,
  asked date, passage rank, similarity to the question);
- proximity / adjacent: the most question words within 8 / 3 words of it in one sentence (share
  of the question's content words);
- slot: how well the words beside it match the words beside the question's wh-word, each on
  its own side ("*JetBlue* announced a deal to buy" — "*which airline* announced a deal to buy");
- type: 1 of the specific kind asked ("which country" — a place), 0.5 a name where any name
  goes or the asked noun is of no known kind ("which condiment"), 0 a name where a specific
  kind was asked;
- support: independent sources stating it, beyond the first (at most 4);
- title / title_only: stated in a passage title / only there;
- title_new: the most, over titles stating it, of the share of the title's words that are not
  question words which it covers (a headline states the news: "France mustard shortage");
- mentions: log of its mentions;
- rank: 1 / (1 + index of the first passage stating it);
- focus: the asked noun ("park", "airline") stands beside it;
- partial: the share of its words that are question words;
- top_sentence: stated in the sentence that meets the question best;
- words: log of its length in words;
- lower: a lower-case phrase ("baby formula"), not a name; pair: "X and Y";
- number_word: a count in words or an ordinal ("six", "third").
"""

WEIGHTS = {
    "best": 2.269,
    "relevance": -0.510,
    "proximity": -0.337,
    "adjacent": 0.125,
    "slot": 1.268,
    "type": 1.958,
    "support": -0.116,
    "title": 0.117,
    "title_only": 0.527,
    "title_new": 2.333,
    "mentions": 1.375,
    "rank": 0.980,
    "focus": 0.119,
    "partial": -0.611,
    "top_sentence": 0.872,
    "words": -0.222,
    "lower": -0.407,
    "pair": 0.388,
    "number_word": -0.944,
}
"""Weights of `score`, fitted once on both dev sets' answerable questions together (RealTimeQA
2022, 125; 2023 H2, 84; k = 5 passages, default settings), the same for every question.

How: every candidate of every question, labelled 1 when its text contains a normalized gold
answer (`evals.metrics.answers.contains`); a conditional logit — softmax over one question's
candidates — maximizing the log of the probability given to that question's right candidates
(questions without one left out), L2 0.1 over the number of questions, Adam, 3,000 steps, from
zero, raw feature values. Checked across the sets, fitting on one and scoring the other: top
candidate right on 2023h2 0.56 when fitted on 2022, on 2022 0.51 when fitted on 2023h2 (fitted
on both: 0.52 / 0.60; round 1's hand-set weights on the same candidates 0.52 / 0.52). Greedy
search for the top-1 rate itself fitted each set better and the other worse: not used.

Refitted the same way after names inside titles, team names and quoted titles were typed anew
(`assistant.answer.spans`), and not taken: these weights put the right candidate first on
0.53 / 0.62 of questions; fitted on 2022 alone, 2023h2 held out got 0.60 (answers containing
the gold 64 of 84, as with these; short answers 50 against 52); fitted on 2023h2 alone, 2022
got 0.53 (87 of 125, as with these; short 67 against 68); fitted on both, 88 / 64. Stronger L2
did no better held out (first right 0.56 / 0.50 at 1, less at 5 and 20). Three more features,
each fitted on one set and scored on the other, contained the gold in fewer held-out answers:
sentences dating the candidate two or more years before their article, a candidate of another
known kind than the asked one, lower-case phrases' own weights for sources and headlines."""


@dataclass(frozen=True)
class Sentence:
    """A sentence the answerer scored (`relevance`), or a passage title (`span` None)."""

    passage_index: int
    text: str
    relevance: float
    span: Span | None = None


@dataclass
class Occurrence:
    sentence: Sentence
    span: AnswerSpan
    group: int
    proximity: float
    adjacent: float
    slot: float = 0.0

    @property
    def score(self) -> float:
        """How well this mention's sentence meets the question, near the question's words."""
        return self.sentence.relevance + self.proximity


@dataclass
class ShortAnswer:
    """A candidate: its text, score, independent sources, where it is stated, its features."""

    text: str
    key: str
    score: float
    support: int
    occurrences: list[Occurrence] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    share: float = 1.0
    """its softmax share of all candidates' scores: the model's probability that it, of them
    all, is the answer"""

    def sentences(self) -> list[Occurrence]:
        """Its occurrences in quotable sentences (not titles), best first."""
        return sorted(
            (o for o in self.occurrences if o.sentence.span is not None),
            key=lambda o: o.score,
            reverse=True,
        )


def score(features: dict[str, float]) -> float:
    """The linear model: the sum of `WEIGHTS` times the features."""
    return sum(w * features[k] for k, w in WEIGHTS.items())


def _singular(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


@lru_cache(maxsize=65536)  # called for every word around every candidate, a few hundred a question
def _stem(w: str) -> str:
    return _singular(w.removesuffix("'s"))[:_STEM]


def _bare_words(text: str) -> list[str]:
    """Words without a possessive ("Fiji’s" → "fiji")."""
    return [w.removesuffix("'s") for w in words(text)]


_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")
_ALIAS_FORMS = sorted({a for a in ALIASES if "." not in a}, key=len, reverse=True)
_INITIAL_SKIP = frozenset({"of", "for", "and", "the", "&", "on", "in"})


def _canonical(key: str) -> str:
    return ALIASES.get(key.rstrip("."), key)


_WH_WORD = re.compile(r"\b(?:which|what|who|whom|whose|where|when|how)\b", re.I)
_SLOT = 4  # content words each side of the wh-word (question) or the candidate (sentence)


@dataclass(frozen=True)
class _Question:
    """The question's words, their stems, its acronyms, and the content stems left and right of
    its wh-word (the asked phrase's own words left out), for restatement, proximity and slot."""

    words: frozenset[str]
    stems: frozenset[str]
    acronyms: frozenset[str]
    left: frozenset[str]
    right: frozenset[str]

    @classmethod
    def of(cls, question: str, phrase: str | None) -> _Question:
        ws = set(_bare_words(question))
        compact = question.replace(".", "").lower()
        for alias in _ALIAS_FORMS:  # "US" in the question: "United States" restates it
            if re.search(rf"\b{re.escape(alias)}\b", compact):
                ws.update(ALIASES[alias].split())
        wh = list(_WH_WORD.finditer(question))
        left: list[str] = []
        right: list[str] = []
        if wh:
            at = wh[-1]
            asked = {_stem(w) for w in words(phrase or "")}
            left = _content_stems(question[: at.start()])[-_SLOT:]
            right = [w for w in _content_stems(question[at.end() :]) if w not in asked][:_SLOT]
        return cls(
            frozenset(ws),
            frozenset(_content_stems(question)),
            frozenset(_ACRONYM.findall(question)),
            frozenset(left),
            frozenset(right),
        )

    def slot(self, around: _Around) -> float:
        if not (self.left or self.right):
            return 0.0
        before = set(_stems_of(reversed(around.before), _SLOT + 2))
        after = set(_stems_of(around.after, _SLOT + 2))
        hits = len(self.left & before) + len(self.right & after)
        return hits / (len(self.left) + len(self.right))


def _stems_of(ws: Iterable[str], limit: int | None = None) -> list[str]:
    """Content stems of `words(...)` output, in order: possessives dropped, stopwords and single
    letters left out; the first `limit` only (reading no further) when given."""
    out: list[str] = []
    for w in ws:
        bare = w.removesuffix("'s")
        if bare not in STOPWORDS and len(bare) > 1:
            out.append(_stem(bare))
            if len(out) == limit:
                break
    return out


def _content_stems(text: str) -> list[str]:
    return _stems_of(words(text))


@dataclass(frozen=True)
class _Around:
    """The words of a sentence before and after a candidate span, tokenized once for every
    feature that reads them (proximity at two widths, the question's slot)."""

    before: list[str]
    after: list[str]

    @classmethod
    def of(cls, sentence: str, tokens: Sequence[tuple[int, int, str]], span: AnswerSpan) -> _Around:
        """The words of `sentence[:start]` and `sentence[end:]`, from its `word_spans`; a span
        ending inside a word ("Dubai" of "Dubai's") is read from the text, where that word's
        rest counts as a word ("s")."""
        a, b = span.start, span.end
        if any(s < a < e or s < b < e for s, e, _ in tokens):
            return cls(words(sentence[:a]), words(sentence[b:]))
        return cls([w for _, e, w in tokens if e <= a], [w for s, _, w in tokens if s >= b])


def restates(span: AnswerSpan, q: _Question) -> bool:
    """The span only repeats the question: all its content words are question words, or it is
    spelled out by one of the question's acronyms ("Internal Revenue Service" for "IRS")."""
    ws = [w for w in words(_canonical(span.key)) if w not in STOPWORDS]
    if not ws:
        return True
    if all(w in q.words or (len(w) > 3 and _stem(w) in q.stems) for w in ws):
        return True
    if q.acronyms and not span.lower:
        initials = "".join(
            w[0] for w in span.text.split() if w.lower() not in _INITIAL_SKIP and w[:1].isupper()
        )
        return any(a in initials for a in q.acronyms if len(initials) >= len(a))
    return False


def _near(around: _Around, q_stems: frozenset[str], n: int) -> float:
    if not q_stems:
        return 0.0
    near = {_stem(w) for w in around.before[-n:] + around.after[:n] if w not in STOPWORDS}
    return len(near & q_stems) / len(q_stems)


def _type_score(span: AnswerSpan, exp: Expected) -> float:
    if exp.focus is None and exp.phrase is not None:
        # "which condiment": a noun of no known kind — a place or a person fits no better
        return 0.5 if any(k in span.kinds for k in exp.kinds) else -1.0
    specific = [k for k in exp.kinds if k != "thing"]
    if any(k in span.kinds for k in specific):
        return 1.0
    if "thing" in exp.kinds and "thing" in span.kinds:
        return 0.0 if specific else 0.5
    return -1.0  # not an answer of the asked kind


_CONNECTORS = frozenset({"of", "the", "and", "&", "for", "de", "la", "von", "van", "al", "bin"})


def _name_form(text: str) -> bool:
    """Written as a name: every word capitalized or a number ("Artemis 2"), but connectors
    ("Bank of America"); a quoted line ("Jets fans are the meanest") is not one."""
    return all(w[:1].isupper() or w[:1].isdigit() or w in _CONNECTORS for w in text.split())


def _merge_aliases(keys: dict[str, list[Occurrence]]) -> dict[str, list[Occurrence]]:
    """Fold a one-word name into the longer name it ends or starts ("Biden" → "joe biden"): the
    only one, or the one mentioned at least twice as often as any other ("Cheney" → "liz
    cheney", not "dick cheney"). Only into names: a quoted line that starts with it is not one
    ("Jets" is "New York Jets", not "Jets fans are the meanest in the league")."""
    long_keys = [
        k
        for k, v in keys.items()
        if " " in k and not v[0].span.lower and any(_name_form(o.span.text) for o in v)
    ]
    out = {k: list(v) for k, v in keys.items()}
    for k in list(keys):
        if " " in k or not k.isalpha() or keys[k][0].span.lower:
            continue
        owners = sorted(
            (lk for lk in long_keys if lk.split()[-1] == k or lk.split()[0] == k),
            key=lambda lk: len(keys[lk]),
            reverse=True,
        )
        if len(owners) == 1 or (owners and len(keys[owners[0]]) >= 2 * len(keys[owners[1]])):
            out[owners[0]].extend(out.pop(k))
    return out


def _complete_phrases(keys: dict[str, list[Occurrence]]) -> dict[str, list[Occurrence]]:
    """Fold a lower-case phrase into the longer phrase that holds at least half its mentions
    ("drops" → "eye drops", "formula" → "baby formula"): the fuller noun phrase is the answer."""
    out = {k: list(v) for k, v in keys.items()}
    lower = sorted((k for k, v in keys.items() if v[0].span.lower), key=lambda k: len(k.split()))
    for k in lower:
        if k not in out:
            continue
        padded = f" {k} "
        longer = [
            lk
            for lk in lower
            if lk in out and lk != k and padded in f" {lk} " and 2 * len(out[lk]) >= len(out[k])
        ]
        if longer:
            owner = max(longer, key=lambda lk: (len(out[lk]), len(lk)))
            out[owner].extend(out.pop(k))
    return out


def _features(
    occs: list[Occurrence], kind: float, q: _Question, exp: Expected, best_sentence: float
) -> dict[str, float]:
    in_sentences = [o for o in occs if o.sentence.span is not None]
    focus = _stem(exp.focus) if exp.focus and exp.focus.isalpha() else None
    key_words = [w for w in words(occs[0].span.key) if w not in STOPWORDS]
    near_focus = focus is not None and any(
        _stem(w) == focus
        for o in occs
        for w in words(o.sentence.text[max(0, o.span.start - 30) : o.span.end + 30])
    )
    in_title = any(o.sentence.span is None for o in occs)
    first = occs[0].span
    title_new = 0.0
    for o in occs:
        if o.sentence.span is None:
            new = {_stem(w) for w in words(o.sentence.text) if w not in STOPWORDS} - q.stems
            mine = {_stem(w) for w in words(o.span.text)}
            if new:
                title_new = max(title_new, len(new & mine) / len(new))
    return {
        "best": max((o.score for o in in_sentences), default=0.0),
        "relevance": max((o.sentence.relevance for o in in_sentences), default=0.0),
        "proximity": max((o.proximity for o in in_sentences), default=0.0),
        "adjacent": max((o.adjacent for o in in_sentences), default=0.0),
        "slot": max((o.slot for o in in_sentences), default=0.0),
        "type": kind,
        "support": float(min(len({o.group for o in occs}) - 1, _MAX_SUPPORT)),
        "title": float(in_title),
        "title_only": float(not in_sentences),
        "title_new": title_new,
        "mentions": math.log(len(occs)),
        "rank": 1.0 / (1.0 + min(o.sentence.passage_index for o in occs)),
        "focus": float(near_focus),
        "partial": sum(w in q.words for w in key_words) / len(key_words) if key_words else 0.0,
        "top_sentence": float(
            any(o.sentence.relevance >= best_sentence - 1e-9 for o in in_sentences)
        ),
        "words": math.log(max(1, len(words(first.key)))),
        "lower": float(first.lower),
        "pair": float(" and " in first.key),
        "number_word": float(first.shown is not None),
    }


_TRAILING = re.compile(r"[\s,;:.]+$")


def _display(occs: list[Occurrence]) -> str:
    """How the answer is written: as a count in digits when it is one, else its longest
    mention in a sentence (a title's when it is only there)."""
    for o in occs:
        if o.span.shown is not None:
            return o.span.shown
    shown = max(
        occs,
        key=lambda o: (o.sentence.span is not None, len(o.span.text), o.score),
    )
    return _TRAILING.sub("", shown.span.text)


def candidates(
    question: str,
    exp: Expected,
    sentences: Sequence[Sentence],
    passages: Sequence[Passage],
    groups: Sequence[int],
) -> list[ShortAnswer]:
    """Every candidate answer with its features and score, best first."""
    if exp.reason:
        return []
    q = _Question.of(question, exp.phrase)
    vocab = Vocabulary.of([s.text for s in sentences if s.span is not None])
    sources = {w for p in passages for w in words((p.source or "").split(".")[0])}
    # Lower-case phrases answer a question after a thing no name states ("which condiment").
    phrases = exp.focus is None and exp.phrase is not None
    best_sentence = max((s.relevance for s in sentences if s.span is not None), default=0.0)
    by_key: dict[str, list[Occurrence]] = {}
    for s in sentences:
        spans = answer_spans(
            s.text,
            exp.kinds,
            vocab,
            sentence_start=s.span is not None,
            # Not from titles: many are URL slugs ("france mustard shortage scn trnd").
            phrases=phrases and s.span is not None,
            pairs=exp.many,
            ordinals=exp.ordinal,
        )
        seen: set[str] = set()
        tokens = word_spans(s.text) if spans and s.span is not None else []
        for sp in spans:
            key = _canonical(sp.key)
            if key in seen or sp.key in sources or sp.text in DEMONYMS or restates(sp, q):
                continue
            seen.add(key)
            prox = adj = slot = 0.0
            if s.span is not None:  # quotable: a sentence, not a title
                around = _Around.of(s.text, tokens, sp)
                prox = _near(around, q.stems, _NEAR)
                adj = _near(around, q.stems, _CLOSE)
                slot = q.slot(around)
            occ = Occurrence(s, sp, groups[s.passage_index], prox, adj, slot)
            by_key.setdefault(key, []).append(occ)
    out: list[ShortAnswer] = []
    for key, occs in _complete_phrases(_merge_aliases(by_key)).items():
        # Typed once merged: "Yellowstone" alone is only a name, "Yellowstone National Park" a
        # place, and both are one answer.
        kind = max(_type_score(o.span, exp) for o in occs)
        if kind < 0:
            continue
        feats = _features(occs, kind, q, exp, best_sentence)
        support = len({o.group for o in occs})
        out.append(ShortAnswer(_display(occs), key, score(feats), support, occs, feats))
    out.sort(key=lambda c: c.score, reverse=True)
    if out:
        exps = [math.exp(c.score - out[0].score) for c in out]
        total = sum(exps)
        for c, e in zip(out, exps, strict=True):
            c.share = e / total
        titles = [s.text for s in sentences if s.span is None]
        return _written_in_full(out, titles)
    return out


_NAME_HEAD = re.compile(
    r"\s(?:" + "|".join(re.escape(w) for w in sorted(ORG_ENDINGS | PLACE_ENDINGS)) + r")$"
)


def _in_text(phrase: str, text: str) -> bool:
    return f" {' '.join(words(phrase))} " in f" {' '.join(words(text))} "


def _form_in_use(c: ShortAnswer, titles: Sequence[str]) -> bool:
    if c.features["lower"]:
        return len(c.key.split()) == 2 and any(
            _in_text(o.span.text, t) for o in c.occurrences for t in titles
        )
    return _NAME_HEAD.search(c.text) is not None and len(c.occurrences) >= 2


def _written_in_full(out: list[ShortAnswer], titles: Sequence[str]) -> list[ShortAnswer]:
    """The best candidate as the sources write it in full: "JetBlue" is "JetBlue Airways" when
    another candidate is that name — the best one's words and more after them, stated in a
    sentence, of a kind as good — and the sources use that form: a name ending in a word that
    types it (`ORG_ENDINGS`, `PLACE_ENDINGS`: "Airways", "City") mentioned at least twice, or
    a two-word lower-case phrase a passage title uses ("KFC chicken nuggets"). Only longer to
    the right: a name's head comes last ("New York City"), what stands before it is mostly a
    title or a modifier ("Philadelphia-based Rite Aid"); longer lower-case runs are mostly
    clauses cut short ("mustard shortage stretches"). The fuller one takes the best one's
    place, score and features, with both shares; it holds the best one's words, so the answer
    still contains whatever the shorter form did."""
    best = out[0]
    fuller = [
        c
        for c in out[1:]
        if c.key.startswith(best.key + " ")
        and not c.features["title_only"]
        and c.features["type"] >= best.features["type"]
        and c.features["pair"] <= best.features["pair"]
        and _form_in_use(c, titles)
    ]
    if not fuller:
        return out
    full = max(fuller, key=lambda c: c.score)
    written = ShortAnswer(
        full.text,
        full.key,
        best.score,
        full.support,
        full.occurrences,
        best.features,
        best.share + full.share,
    )
    return [written] + [c for c in out[1:] if c is not full]
