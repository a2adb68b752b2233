"""The LLM answerer: an OpenAI-compatible chat endpoint writes the answer; we check its citations.

Prompt (`prompting`; templates in `prompts/`): a system prompt with the rules, then the question's
as-of date, the retrieved passages numbered [1]..[k] inside `<passage id="n">` blocks (article
text that could close or open a block is neutralized; passages beyond `llm_context_chars` are
left out) and the question. Passages are declared data: instructions inside articles are to be
ignored. If the passages do not hold the answer the model must reply exactly `NOT_FOUND`.

Validation (what we control, whatever the model writes; `markers`, `refusal`, `citations`):
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

import prompts
from assistant.answer.base import Answerer
from assistant.answer.citations import best_span, make_citation
from assistant.answer.extractive import REFUSAL_TEXT, ExtractiveAnswerer
from assistant.answer.markers import MarkerRewriter, claims
from assistant.answer.prompting import build_messages
from assistant.answer.refusal import is_refusal, sentinel_state
from assistant.embed.base import Embedder
from assistant.errors import LLMNotConfiguredError, LLMUnavailableError
from assistant.models import Answer, Citation
from assistant.openai_client import OpenAICompatClient, make_client
from assistant.retrieve.hybrid import Retrieval
from assistant.settings import Settings

log = logging.getLogger(__name__)

_FOLLOWUP_TURNS = 6
_FOLLOWUP_CHARS = 600
_REWRITE_LABEL = re.compile(r"^(?:standalone question|rewritten question|question)\s*:\s*", re.I)


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
