"""The LLM answerer: an OpenAI-compatible chat endpoint writes the answer; we check its citations.

Prompt (templates in `prompts/`): a system prompt with the rules, then the question's as-of date,
the retrieved passages numbered [1]..[k] inside `<passage id="n">` blocks (article text that could
close or open a block is neutralized; passages beyond `llm_context_chars` are left out) and the
question. Passages are declared data: instructions inside articles are to be ignored. If the
passages do not hold the answer the model must reply exactly `NOT_FOUND`.

Validation (what we control, whatever the model writes):
- `[n]` markers (also `[1, 2]`) that point to no passage in the prompt are removed and counted in
  `Answer.dropped_markers`; kept markers are renumbered 1..m in order of first appearance.
- Each kept marker becomes a citation narrowed to the passage sentence that best supports the
  answer sentence(s) carrying it (`citations.best_span`), so `quote == article_text[start:end]`.
- `NOT_FOUND` (or a first sentence like "the passages do not contain ...") → `refused=True`, no
  citations.
- No valid citation → refused, or returned with `unsupported=True` (`settings.llm_unsupported`).
- The service then re-validates every quote against the stored article texts.

Streaming (`stream`): text deltas with markers already rewritten, then the final `Answer`. For an
answer that is not refused, the concatenated deltas equal `Answer.answer` exactly. The final
`Answer` supersedes the streamed text when the answer turns out refused after text was streamed
(the model wrote a sentence then `NOT_FOUND`, or cited nothing under `llm_unsupported=refuse`),
and when the LLM fails mid-stream (the final `Answer` is the extractive one, `fallback=True`).
A reply that starts with `NOT_FOUND` streams nothing of the model's text (and stops the
generation): one delta with the refusal text.

Failures (timeout, connection refused, 429, 5xx — retried with backoff by the client, see
`assistant.openai_client`; also a broken or truncated stream): logged, then the extractive
answer with `fallback=True` and `fallback_reason`. Before any token was streamed the fallback's text
is streamed as one delta, so the user sees no difference but the flag.

`rewrite_followup(history, question)` turns a follow-up ("and what did he say then?") into a
standalone question with the same endpoint; on failure it returns the question unchanged.
`confidence` is binary here: 1.0 for a cited answer, 0.0 otherwise. No retrieval happens here.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import prompts
from assistant.answer.base import Answerer
from assistant.answer.citations import best_span, make_citation
from assistant.answer.extractive import REFUSAL_TEXT, ExtractiveAnswerer
from assistant.embed.base import Embedder
from assistant.errors import LLMNotConfiguredError, LLMUnavailableError
from assistant.models import Answer, Citation, Passage
from assistant.openai_client import OpenAICompatClient, make_client
from assistant.retrieve.hybrid import Retrieval
from assistant.settings import Settings
from assistant.text import sentence_spans

log = logging.getLogger(__name__)

SENTINEL = "NOT_FOUND"
"""The exact reply the prompt asks for when the passages do not contain the answer."""

_SENTINEL_ANYWHERE = re.compile(r"\bNOT[_ ]FOUND\b")
_SENTINEL_DECOR = " \t\r\n*_`\"'"
_REFUSAL_PHRASE = re.compile(
    r"\b(?:passages?|articles?|context|sources?|texts?|documents?|information provided)\s+"
    r"(?:provided\s+|given\s+|above\s+)?"
    r"(?:do(?:es)?\s*(?:not|n't)|did\s*(?:not|n't))\s+"
    r"(?:contain|mention|say|include|provide|state|specify|answer|cover|discuss)"
    r"|\bno (?:relevant )?information (?:about|on|regarding)\b",
    re.IGNORECASE,
)
_MARKER_BODY = re.compile(r"\s*\d{1,3}(?:\s*[,\s]\s*\d{1,3})*\s*")
_ANY_MARKER = re.compile(r"\[\d{1,3}\]")
_PASSAGE_TAG = re.compile(r"<(\s*/?\s*passage)", re.IGNORECASE)
_MAX_MARKER_CHARS = 24
_CLOSING_PUNCT = ".,;:!?)"
_FOLLOWUP_TURNS = 6
_FOLLOWUP_CHARS = 600
_REWRITE_LABEL = re.compile(r"^(?:standalone question|rewritten question|question)\s*:\s*", re.I)


# --- prompt --------------------------------------------------------------------------------------
def neutralize(text: str) -> str:
    """Article text that cannot close or open a `<passage>` block (`<` → `‹` before `passage`)."""
    return _PASSAGE_TAG.sub(r"‹\1", text)


def _one_line(value: object) -> str:
    return neutralize(" ".join(str(value).split()))


def _attr(value: object) -> str:
    """A metadata value safe inside a double-quoted tag attribute, on one line."""
    return _one_line(value).replace('"', "'").replace("<", "‹").replace(">", "›")


def format_passages(passages: Sequence[Passage], budget_chars: int) -> tuple[str, int]:
    """The numbered passage blocks and how many passages fit in `budget_chars` of article text.

    The first passage is always included (cut to the budget if it alone exceeds it).
    """
    blocks: list[str] = []
    left = budget_chars
    for i, p in enumerate(passages, start=1):
        if i > 1 and len(p.text) > left:
            break
        body = neutralize(p.text if len(p.text) <= left else p.text[:left] + " …")
        left -= len(p.text)
        attrs = f' id="{i}"'
        for key, value in (("title", p.title), ("source", p.source), ("published", p.published_at)):
            if value:
                attrs += f' {key}="{_attr(value)}"'
        blocks.append(f"<passage{attrs}>\n{body}\n</passage>")
    return "\n\n".join(blocks), len(blocks)


def build_messages(
    question: str, retrieval: Retrieval, budget_chars: int
) -> tuple[list[dict[str, str]], int]:
    """System + user messages for `question`, and the number of passages put in the prompt."""
    passages_text, count = format_passages(retrieval.passages, budget_chars)
    plan = retrieval.plan
    w = plan.window
    if w is None:
        date_note = ""
    elif w.start == w.end:
        date_note = f"The question asks about {w.start.isoformat()}."
    else:
        date_note = f"The question asks about {w.start.isoformat()} to {w.end.isoformat()}."
    user = prompts.render(
        "answer",
        as_of=plan.as_of.isoformat(),
        date_note=date_note,
        passages=passages_text,
        question=" ".join(question.split()),
        sentinel=SENTINEL,
    )
    system = prompts.render("system", sentinel=SENTINEL)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}], count


# --- marker validation (streaming) ---------------------------------------------------------------
@dataclass
class MarkerRewriter:
    """Rewrites `[n]` markers in text fed piece by piece: valid ones renumbered, others removed.

    Valid passage numbers are 1..`passages`. Output pieces concatenate to the final answer text:
    leading and trailing whitespace is dropped, and a removed marker takes the space before it
    along when punctuation follows ("foo [7]." → "foo."). Text that might still become a marker
    ("[1") is held back until it is decided.
    """

    passages: int
    mapping: dict[int, int] = field(default_factory=dict)
    """passage number (1-based) → citation number, in order of first appearance"""
    positions: list[tuple[int, int]] = field(default_factory=list)
    """(passage number, offset in `text`) of every kept marker"""
    dropped: int = 0
    text: str = ""
    _pending: str = ""
    _ws: str = ""
    _after_drop: bool = False

    def feed(self, piece: str) -> str:
        before = len(self.text)
        for ch in piece:
            self._char(ch)
        return self.text[before:]

    def flush(self) -> str:
        before = len(self.text)
        if self._pending:
            literal, self._pending = self._pending, ""
            for ch in literal:
                self._plain(ch)
        self._ws = ""
        return self.text[before:]

    def _char(self, ch: str) -> None:
        if not self._pending:
            if ch == "[":
                self._pending = "["
            else:
                self._plain(ch)
            return
        if ch == "]":
            body, self._pending = self._pending[1:], ""
            if _MARKER_BODY.fullmatch(body):
                self._marker([int(x) for x in re.findall(r"\d+", body)])
            else:
                for c in f"[{body}]":
                    self._plain(c)
            return
        if (ch.isdigit() or ch in ", ") and len(self._pending) < _MAX_MARKER_CHARS:
            self._pending += ch
            return
        literal, self._pending = self._pending, ""
        for c in literal:
            self._plain(c)
        self._char(ch)  # may open a new marker

    def _marker(self, numbers: list[int]) -> None:
        out = ""
        for n in numbers:
            if 1 <= n <= self.passages:
                cited = self.mapping.setdefault(n, len(self.mapping) + 1)
                self.positions.append((n, len(self.text) + len(self._ws) + len(out)))
                out += f"[{cited}]"
            else:
                self.dropped += 1
        if out:
            self._emit(out)
        else:
            self._after_drop = True

    def _plain(self, ch: str) -> None:
        if ch.isspace():
            if not self.text or (self._after_drop and self._ws):
                return  # leading whitespace, or the double space a removed marker leaves
            self._ws += ch
            return
        if self._after_drop and ch in _CLOSING_PUNCT:
            self._ws = ""
        self._emit(ch)

    def _emit(self, s: str) -> None:
        self.text += self._ws + s
        self._ws = ""
        self._after_drop = False


def sentinel_state(raw: str) -> str:
    """'wait' while `raw` may become the sentinel, 'refused' if it opens with it, else 'go'."""
    head = raw.lstrip(_SENTINEL_DECOR)
    if head.startswith(SENTINEL) or head.startswith("NOT FOUND"):
        return "refused"
    if SENTINEL.startswith(head) or "NOT FOUND".startswith(head):
        return "wait"
    return "go"


def is_refusal(raw: str, text: str, has_citations: bool) -> bool:
    """The model said the passages do not contain the answer (sentinel, or in plain words)."""
    if _SENTINEL_ANYWHERE.search(raw):
        return True
    spans = sentence_spans(text)
    first = text[spans[0][0] : spans[0][1]] if spans else text
    if _REFUSAL_PHRASE.search(first):
        return True
    return not has_citations and bool(_REFUSAL_PHRASE.search(text))


def claims(text: str, positions: Sequence[tuple[int, int]]) -> dict[int, str]:
    """For each cited passage number, the answer sentences carrying its markers (markers removed).

    A marker opening a sentence ("... softened. [1]") belongs to the sentence before it.
    """
    spans = sentence_spans(text)
    out: dict[int, list[str]] = {}
    for n, pos in positions:
        idx = max((i for i, (s, _) in enumerate(spans) if s <= pos), default=0)
        if spans and idx > 0 and not _ANY_MARKER.sub("", text[spans[idx][0] : pos]).strip():
            idx -= 1
        sentence = text[spans[idx][0] : spans[idx][1]] if spans else text
        parts = out.setdefault(n, [])
        if sentence not in parts:
            parts.append(sentence)
    return {n: _ANY_MARKER.sub("", " ".join(parts)) for n, parts in out.items()}


# --- the answerer --------------------------------------------------------------------------------
class LLMAnswerer(Answerer):
    """Answers with an OpenAI-compatible LLM; falls back to the extractive answerer on failure."""

    name = "llm"
    can_stream = True
    can_rewrite_followups = True

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        fallback: Answerer | None = None,
        client: OpenAICompatClient | None = None,
    ) -> None:
        if client is None and not settings.llm_base_url:
            raise LLMNotConfiguredError(
                "the LLM answerer needs an endpoint: set NEWSDESK_LLM_BASE_URL "
                "(e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1) or use --local-llm"
            )
        self.settings = settings
        self.client = client or make_client(
            settings.llm_base_url, settings.llm_api_key, settings.llm_timeout, settings.llm_retries
        )
        self._embedder = embedder
        self._fallback = fallback

    def close(self) -> None:
        """Close the client's pooled connections."""
        self.client.close()

    @property
    def fallback(self) -> Answerer:
        if self._fallback is None:
            if self._embedder is None:
                from assistant.embed import build_embedder

                self._embedder = build_embedder(self.settings)
            self._fallback = ExtractiveAnswerer(self._embedder, self.settings.refusal_threshold)
        return self._fallback

    def _params(self) -> dict[str, object]:
        s = self.settings
        return {"temperature": s.llm_temperature, "max_tokens": s.llm_max_tokens}

    # --- non-streaming
    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        if not retrieval.passages:
            return self._refused(question, retrieval, 0, {})
        messages, count = build_messages(question, retrieval, self.settings.llm_context_chars)
        t0 = time.perf_counter()
        try:
            raw = self.client.chat(self.settings.llm_model, messages, **self._params())
        except LLMUnavailableError as exc:
            return self._fall_back(question, retrieval, str(exc))
        timings = {"llm": _ms(t0)}
        rewriter = MarkerRewriter(count)
        if sentinel_state(raw) == "go":  # as in `stream`: a (prefix of the) sentinel is not text
            rewriter.feed(raw)
            rewriter.flush()
        return self._finish(question, retrieval, raw, rewriter, timings)

    # --- streaming
    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Answer]:
        """Text deltas (markers already rewritten), then the final validated `Answer`."""
        if not retrieval.passages:
            ans = self._refused(question, retrieval, 0, {})
            yield ans.answer
            yield ans
            return
        messages, count = build_messages(question, retrieval, self.settings.llm_context_chars)
        rewriter = MarkerRewriter(count)
        raw = ""
        state = "wait"
        streamed = False
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        deltas = self.client.chat_stream(self.settings.llm_model, messages, **self._params())
        try:
            for delta in deltas:
                if not raw:
                    timings["llm_first_token"] = _ms(t0)
                raw += delta
                if state == "wait":
                    state = sentinel_state(raw)
                    if state == "refused":
                        break  # stop the generation: the answer is a refusal whatever follows
                    if state == "wait":
                        continue
                    delta = raw  # release what was held back while it could be the sentinel
                out = rewriter.feed(delta)
                if out:
                    streamed = True
                    yield out
        except LLMUnavailableError as exc:
            reason = str(exc)
            if streamed:
                reason += " (mid-stream: the streamed text is superseded by this answer)"
            ans = self._fall_back(question, retrieval, reason)
            if not streamed:
                yield ans.answer
            yield ans
            return
        finally:
            # Also when our consumer stops early (client gone): closing ends the HTTP request,
            # which makes the server stop generating.
            close = getattr(deltas, "close", None)
            if close is not None:
                close()
        timings["llm"] = _ms(t0)
        if state == "go":
            tail = rewriter.flush()
            if tail:
                streamed = True
                yield tail
        final = self._finish(question, retrieval, raw, rewriter, timings)
        if not streamed:
            yield final.answer
        yield final

    # --- follow-ups
    def rewrite_followup(self, history: Sequence[Mapping[str, str]], question: str) -> str:
        """`question` rewritten to stand alone given the earlier turns; unchanged on any failure.

        `history` holds OpenAI-style messages (`role`, `content`); system messages are ignored and
        only the last few turns, shortened, are sent.
        """
        turns = [m for m in history if m.get("role") in ("user", "assistant")][-_FOLLOWUP_TURNS:]
        if not turns:
            return question
        lines = []
        for m in turns:
            who = "User" if m.get("role") == "user" else "Assistant"
            content = " ".join(str(m.get("content", "")).split())
            if len(content) > _FOLLOWUP_CHARS:
                content = content[:_FOLLOWUP_CHARS] + " …"
            lines.append(f"{who}: {content}")
        prompt = prompts.render(
            "followup", history="\n".join(lines), question=" ".join(question.split())
        )
        try:
            out = self.client.chat(
                self.settings.llm_model,
                [{"role": "user", "content": prompt}],
                temperature=0.0,
                max_tokens=min(128, self.settings.llm_max_tokens),
            )
        except LLMUnavailableError as exc:
            log.warning("follow-up rewrite failed (%s); using the question as asked", exc)
            return question
        return _clean_rewrite(out, question)

    # --- helpers
    def _finish(
        self,
        question: str,
        retrieval: Retrieval,
        raw: str,
        rw: MarkerRewriter,
        timings: dict[str, float],
    ) -> Answer:
        log.debug("LLM raw answer: %r", raw)
        passages = retrieval.passages
        citations: list[Citation] = []
        claim_of = claims(rw.text, rw.positions)
        for p_no, n in sorted(rw.mapping.items(), key=lambda kv: kv[1]):
            passage = passages[p_no - 1]
            span = best_span(passage, p_no - 1, claim_of.get(p_no, rw.text))
            citations.append(make_citation(n, passage, span))
        if not rw.text.strip() or is_refusal(raw, rw.text, bool(citations)):
            return self._refused(question, retrieval, rw.dropped, timings)
        if not citations:
            if self.settings.llm_unsupported == "refuse":
                log.info("LLM answer cited no retrieved passage; refused (llm_unsupported=refuse)")
                return self._refused(question, retrieval, rw.dropped, timings)
            return self._base(question, retrieval, rw.dropped, timings).model_copy(
                update={"answer": rw.text, "unsupported": True}
            )
        return self._base(question, retrieval, rw.dropped, timings).model_copy(
            update={"answer": rw.text, "citations": citations, "confidence": 1.0}
        )

    def _base(
        self, question: str, retrieval: Retrieval, dropped: int, timings: dict[str, float]
    ) -> Answer:
        return Answer(
            question=question,
            answer="",
            passages=retrieval.passages,
            as_of=retrieval.plan.as_of,
            date_window=retrieval.plan.window,
            answerer=self.name,
            dropped_markers=dropped,
            timings_ms=timings,
        )

    def _refused(
        self, question: str, retrieval: Retrieval, dropped: int, timings: dict[str, float]
    ) -> Answer:
        return self._base(question, retrieval, dropped, timings).model_copy(
            update={"answer": REFUSAL_TEXT, "refused": True}
        )

    def _fall_back(self, question: str, retrieval: Retrieval, reason: str) -> Answer:
        log.warning("LLM answer failed (%s); falling back to the extractive answer", reason)
        ans = self.fallback.answer(question, retrieval)
        return ans.model_copy(update={"fallback": True, "fallback_reason": reason})


def _clean_rewrite(out: str, question: str) -> str:
    lines = [ln.strip() for ln in out.strip().splitlines() if ln.strip()]
    if not lines:
        return question
    text = _REWRITE_LABEL.sub("", lines[0])
    text = text.strip().strip("\"'“”*").strip()
    if not text or len(text) > 4 * len(question) + 200:
        return question
    return text


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
