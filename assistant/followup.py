"""Rule-based follow-up rewriting: the last question of a conversation made standalone, offline.

Chat users ask "and what did he say about sanctions after that?"; retrieval needs "What did Trump
say about sanctions after Feb 26?". `rewrite_conversation(user_turns, as_of)` rewrites each user
turn in order against the standalone versions of the turns before it, so references chain:

- pronouns (he/she/it, him, his/its, her) become the name the assistant answered with when the
  previous question asked for one ("Which NFL star retired?" → "Rob Gronkowski — ..." → "when
  did he ...?" → Rob Gronkowski), else the subject of the most recent earlier turn that names
  someone or something: the first capitalized name in that turn, which in an English question is
  nearly always its subject ("When did Trump call Putin?" → Trump);
- "they"/"them"/"their" (usually a thing of the previous question, not a name: "which school will
  end student loans?" → "what will replace them?") stay, and once the assistant has answered,
  the previous question and its answer go beside the follow-up in parentheses for retrieval;
- date references ("after that", "since then", "before that", "then", "that day") become the
  previous turn's date expression, and a follow-up with no date at all (and not asking "when")
  inherits it ("what else did he say?" → "... on Feb 26?");
- an elliptic turn ("and on March 3?", "what about Putin?", "what about sanctions?") becomes the
  previous question with its date, its subject, or its topic replaced or added.

A turn that neither refers back nor opens with a continuation ("and", "what about", ...) is
already standalone and is returned unchanged. Names are found by capitalization only: no NER
model, no gender, no coreference beyond these rules. An LLM can do better: `standalone()` asks
the answerer when it declares `can_rewrite_followups`, and falls back to these rules. Only
that answerer call does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from assistant.answer.base import Answerer
from assistant.dates import resolve_query_dates
from assistant.dates.vocabulary import MONTH_ABBR, MONTHS, WEEKDAYS
from assistant.text import STOPWORDS

__all__ = ["named_entities", "rewrite_conversation", "standalone", "standalone_question"]

# Capitalized words that start questions or are not names (question words, auxiliaries, months,
# weekdays, the pronoun I): never the start of an entity.
_NOT_NAMES = frozenset(
    [
        "what",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "which",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "tell",
        "give",
        "show",
        "list",
        "please",
        "and",
        "but",
        "so",
        "also",
        "then",
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "of",
        "for",
        "to",
        "from",
        "by",
        "with",
        "about",
        "after",
        "before",
        "since",
        "during",
        "i",
        "if",
        "or",
        "yet",
        "today",
        "yesterday",
        "tomorrow",
        "he",
        "she",
        "they",
        "it",
        "his",
        "her",
        "their",
        "its",
        "him",
        "them",
        "we",
        "you",
    ]
) | frozenset(name.lower() for name in (*MONTHS, *MONTH_ABBR, *WEEKDAYS))
# Lower-case words allowed inside a multi-word name ("Bank of England", "Ludwig van Beethoven").
_CONNECTORS = frozenset({"of", "de", "van", "von", "der", "al", "bin", "la", "le", "du", "da"})
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][\w\u00c0-\u024f.'’-]*")

_SUBJECT = re.compile(r"\b(he|she|it)\b", re.I)
_OBJECT = re.compile(r"\b(him)\b", re.I)
_POSSESSIVE = re.compile(r"\b(his|its)\b", re.I)
_PLURAL = re.compile(r"\b(they|them|their|these|those)\b", re.I)
# The previous question asked for a name ("Which school...", "Who won..."): its answer is then
# what a follow-up's "he", "it" or "there" most likely means.
_ASKS_ENTITY = re.compile(
    r"^\W*(?:who|whom|which|what\s+(?!did|does|do|is|was|are|were)\w+)\b", re.I
)
_ANSWER_LEAD = re.compile(r"^(?P<lead>[^\n\[]{1,80}?)\s+—\s+")
_HER = re.compile(r"\bher\b(\s+(\w+))?", re.I)
_DATE_REF = re.compile(
    r"\b(?P<prep>after|since|before|until|following)\s+(?:that|then)\b"
    r"|\b(?:at\s+that\s+time|on\s+that\s+day|that\s+day|back\s+then|then)\b",
    re.I,
)
_CONTINUATION = re.compile(
    r"^\s*(?:and|but|so|also|plus|ok(?:ay)?|then|what\s+about|how\s+about|and\s+what\s+about)\b[\s,]*",
    re.I,
)
_WHAT_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<rest>.+?)\s*[?.!]*\s*$", re.I)
_ASKS_WHEN = re.compile(r"\b(when|what\s+(?:date|day|time|year|month))\b", re.I)
_DATE_PREPS = ("on", "in", "since", "after", "before", "during", "until", "between", "from", "by")


@dataclass(frozen=True)
class _DatePhrase:
    expression: str  # "Feb 26"
    phrase: str  # "on Feb 26": the expression with the preposition it had, if any


def named_entities(text: str) -> list[str]:
    """Capitalized names in `text`, in order: runs of capitalized words (possessive 's dropped)."""
    entities: list[str] = []
    run: list[str] = []

    def close() -> None:
        while run and run[-1].lower() in _CONNECTORS:
            run.pop()
        if run:
            name = " ".join(run)
            name = re.sub(r"['’]s$", "", name).rstrip(".")
            if name and name not in entities:
                entities.append(name)
        run.clear()

    prev_end = 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        if text[prev_end : m.start()].strip():  # punctuation between words ends a name
            close()
        prev_end = m.end()
        bare = re.sub(r"['’]s$", "", word).rstrip(".").lower()
        if word[0].isupper() and bare not in _NOT_NAMES:
            run.append(word)
            if re.search(r"['’]s$", word):
                close()
        elif run and word in _CONNECTORS:
            run.append(word)
        else:
            close()
    close()
    return entities


def _date_phrase(question: str, as_of: date) -> _DatePhrase | None:
    window = resolve_query_dates(question, as_of)
    if window is None:
        return None
    expr = window.expression
    pos = question.find(expr)
    if pos < 0:
        return _DatePhrase(expr, expr)
    before = question[:pos].rstrip().rsplit(None, 1)
    prep = before[-1] if before and before[-1].lower() in _DATE_PREPS else ""
    return _DatePhrase(expr, f"{prep} {expr}".strip())


def _subject(turns: Sequence[str]) -> str | None:
    for turn in reversed(turns):
        names = named_entities(turn)
        if names:
            return names[0]
    return None


def _last_date(turns: Sequence[str], as_of: date) -> _DatePhrase | None:
    for turn in reversed(turns):
        found = _date_phrase(turn, as_of)
        if found is not None:
            return found
    return None


def _replace_pronouns(question: str, entity: str) -> str:
    out = _SUBJECT.sub(entity, question)
    out = _OBJECT.sub(entity, out)
    out = _POSSESSIVE.sub(f"{entity}'s", out)

    def her(m: re.Match[str]) -> str:
        following = m.group(2)
        # "her plan" is possessive, "tell her about" is an object: decided by the next word.
        if following and following.lower() not in STOPWORDS:
            return f"{entity}'s{m.group(1)}"
        return entity + (m.group(1) or "")

    return _HER.sub(her, out)


def _replace_date_refs(question: str, previous: _DatePhrase) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group("prep"):
            return f"{m.group('prep')} {previous.expression}"
        return previous.phrase

    return _DATE_REF.sub(sub, question, count=1)


def _finish(question: str, like: str) -> str:
    q = re.sub(r"\s{2,}", " ", question).strip()
    q = re.sub(r"\s+([?.!,])", r"\1", q)
    if q and q[0].islower():
        q = q[0].upper() + q[1:]
    if like.rstrip().endswith("?") and not q.endswith("?"):
        q = q.rstrip(".!") + "?"
    return q


def _with_date(question: str, phrase: str) -> str:
    body = question.rstrip().rstrip("?.!").rstrip()
    return f"{body} {phrase}?"


def _elliptic(question: str, previous: str, as_of: date) -> str | None:
    """'what about X?' / 'and on March 3?': the previous question with X swapped in or added."""
    m = _WHAT_ABOUT.match(question)
    rest = m.group("rest") if m else _CONTINUATION.sub("", question, count=1).strip(" ?.!")
    if not rest:
        return None
    new_date = _date_phrase(rest, as_of)
    old_date = _date_phrase(previous, as_of)
    rest_names = named_entities(rest)
    if new_date is not None and not rest_names:
        # Only a date: ask the previous question about that date instead.
        if old_date is not None:
            return previous.replace(old_date.phrase, rest.strip(), 1)
        return _with_date(previous, rest.strip())
    if rest_names and len(rest.split()) <= len(rest_names[0].split()) + 1:
        # Only a name ("what about Putin?"): same question, other subject.
        old = _subject([previous])
        if old is not None and old in previous:
            return previous.replace(old, rest_names[0], 1)
    if m:
        # A topic ("what about sanctions?"): the previous question, narrowed to it.
        return f"{previous.rstrip().rstrip('?.!')}, about {rest}?"
    return None


def answer_entity(answer: str | None) -> str | None:
    """The name an assistant reply gives: its short answer ("Dartmouth College — ..."), else the
    first name of its first sentence; None for a refusal or a reply naming nobody."""
    if not answer or not answer.strip():
        return None
    lead = _ANSWER_LEAD.match(answer.strip())
    if lead is not None:
        names = named_entities(lead.group("lead"))
        return names[0] if names else None
    first = re.split(r"(?<=[.!?])\s", answer.strip(), maxsplit=1)[0]
    names = named_entities(first)
    return names[0] if names else None


def _with_context(question: str, previous: str, entity: str | None) -> str:
    """A follow-up whose "they"/"them" no rule resolves, with the previous turn beside it for
    retrieval: "What will replace them? (Which school will end loans?: Dartmouth College)"."""
    body = question.rstrip().rstrip("?.!").rstrip()
    prev = previous.rstrip().rstrip("?.!").rstrip()
    return f"{body} ({prev}{': ' + entity if entity else ''})?"


def standalone_question(
    earlier: Sequence[str], question: str, as_of: date, answer: str | None = None
) -> str:
    """`question` made standalone given the earlier (already standalone) user turns and the
    assistant's reply to the last of them (`answer`, if any)."""
    if not earlier or not question.strip():
        return question
    previous = earlier[-1]
    entity = answer_entity(answer) if _ASKS_ENTITY.search(previous) else None
    plural = bool(_PLURAL.search(question))
    has_pronoun = bool(
        _SUBJECT.search(question)
        or _OBJECT.search(question)
        or _POSSESSIVE.search(question)
        or _HER.search(question)
    )
    date_ref = _DATE_REF.search(question)
    continuation = _CONTINUATION.match(question)
    if not (has_pronoun or date_ref or continuation or (plural and answer)):
        return question

    if not has_pronoun and not date_ref and not plural:
        swapped = _elliptic(question, previous, as_of)
        if swapped is not None:
            return _finish(swapped, like=previous)

    out = _CONTINUATION.sub("", question, count=1) if continuation else question
    if has_pronoun:
        referent = entity or _subject(earlier)
        if referent is not None:
            out = _replace_pronouns(out, referent)
    prev_date = _last_date(earlier, as_of)
    if prev_date is not None:
        if date_ref:
            out = _replace_date_refs(out, prev_date)
        elif resolve_query_dates(out, as_of) is None and not _ASKS_WHEN.search(out):
            out = _with_date(out, prev_date.phrase)
    if plural and answer:
        out = _with_context(out, previous, entity)
    return _finish(out, like=question)


def rewrite_conversation(
    user_turns: Sequence[str], as_of: date, answers: Sequence[str | None] = ()
) -> str:
    """The last user turn as a standalone question (each turn rewritten against the ones before).

    `answers[i]`, when given, is the assistant's reply to `user_turns[i]`.
    """
    standalone: list[str] = []
    for i, turn in enumerate(user_turns):
        answer = answers[i - 1] if 0 < i <= len(answers) else None
        standalone.append(standalone_question(standalone, turn, as_of, answer))
    return standalone[-1] if standalone else ""


Turn = tuple[str, str]
"""(role, text) of one chat message: role "user", "assistant" or "system"."""


def standalone(turns: Sequence[Turn], answerer: Answerer, as_of: date) -> str:
    """The conversation's last user turn as a standalone question.

    The answerer rewrites it when it can (it sees the user and assistant turns before it); if
    it cannot, fails, or returns the question unchanged, the rules above decide. May call an
    LLM: run it in a worker thread.
    """
    users = [text for role, text in turns if role == "user"]
    if not users:
        return ""
    # The assistant's reply after each user turn (the last one before the next user turn).
    replies: list[str | None] = []
    for role, text in turns:
        if role == "user":
            replies.append(None)
        elif role == "assistant" and replies:
            replies[-1] = text
    question = users[-1]
    if len(users) == 1:
        return question
    if answerer.can_rewrite_followups:
        last_user = max(i for i, (role, _) in enumerate(turns) if role == "user")
        history = [{"role": role, "content": text} for role, text in turns[:last_user]]
        rewritten = answerer.rewrite_followup(history, question).strip()
        # Unchanged means "already standalone" or "the LLM failed": the rules decide then.
        if rewritten and rewritten != question.strip():
            return rewritten
    return rewrite_conversation(users, as_of, replies[:-1])
