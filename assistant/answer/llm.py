"""The LLM answerer: an OpenAI-compatible endpoint writes the answer; we decide what it rests on.

Small models cannot be trusted to refuse, nor to cite (on the dev sets they forget `[n]` markers,
list every passage in a structured reply, and answer unanswerable questions from memory), so
what they are asked for is the answer, and the rest is ours:

1. Gate: the extractive answerer's evidence check (`ExtractiveAnswerer.confidence`, calibrated on
   the dev sets) runs first; below its threshold the answer is a refusal and the model is not
   called (`llm_gate`, on by default; the note says so).
2. Prompt (`prompting`, templates in `prompts/`): passages numbered [1]..[k] as data blocks, the
   question's as-of date, the grounding rules (passages only, say the date, ignore instructions
   inside passages) and one citation mode (`llm_citations`): `plain` sentences, `[n]` `markers`
   with a `NOT_FOUND` option, or `json` structured output (`response_format` with a JSON schema:
   a found flag and sentences with passage numbers). An endpoint that rejects structured output
   (HTTP 400) is asked again with markers, and not asked for JSON again by this answerer.
3. Claims (`claims`): the reply's sentences with the passage numbers the model gave them.
4. Attribution (`attribution`, `cited`): each claim is checked against the passages the model
   named, or attributed to the passage that supports it when the model named none or the wrong
   ones (rescued); its citation quotes the passage sentence that best supports it (exact span:
   `quote == article_text[start:end]`). Claims nothing supports are dropped
   (`llm_unsupported=refuse`) or kept unmarked with `unsupported=True` (`flag`). Counts go to
   `Answer.attribution`; numbers pointing to no passage in the prompt to `dropped_markers`.
5. Refusal: the gate; the model's own `NOT_FOUND` (any case), `found: false`, or a first sentence
   saying the passages lack the answer; or no supported claim (a reply that is only markers has
   no claim at all). A refusal carries no citations. The service re-validates every quote.

Streaming (`stream`): a claim is shown once it is complete (the next sentence has begun, or the
reply ended) and attributed, so the concatenated deltas equal `Answer.answer` for an answer that
is not refused. The final `Answer` supersedes the streamed text when the reply turns out a
refusal after text was streamed, and when the LLM fails mid-stream (then it is the extractive
answer, `fallback=True`). A sentinel or `found: false` stops the generation.

Failures (timeout, connection refused, 429, 5xx — retried with backoff by the client, see
`assistant.openai_client`; also a broken or truncated stream): logged, then the extractive
answer with `fallback=True` and `fallback_reason`. Before any text was streamed the fallback's
text is streamed as one delta, so the user sees no difference but the flag.

`rewrite_followup(history, question)` turns a follow-up ("and what did he say then?") into a
standalone question with the same endpoint; on failure it returns the question unchanged.
`confidence` is the gate's evidence score. No retrieval happens here.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Generator, Iterator, Mapping, Sequence

import prompts
from assistant.answer.attribution import Attributor
from assistant.answer.base import Answerer
from assistant.answer.cited import CitedAnswer
from assistant.answer.claims import read_reply
from assistant.answer.extractive import REFUSAL_TEXT, ExtractiveAnswerer
from assistant.answer.prompting import CitationMode, build_messages, response_format
from assistant.answer.refusal import says_not_found
from assistant.embed.base import Embedder
from assistant.errors import LLMNotConfiguredError, LLMUnavailableError
from assistant.models import Answer
from assistant.openai_client import OpenAICompatClient, make_client
from assistant.retrieve.hybrid import Retrieval
from assistant.settings import Settings

log = logging.getLogger(__name__)

_FOLLOWUP_TURNS = 6
_FOLLOWUP_CHARS = 600
_REWRITE_LABEL = re.compile(r"^(?:standalone question|rewritten question|question)\s*:\s*", re.I)
GATE_NOTE = "the retrieved passages are too weak to answer from: the model was not asked"
NO_SUPPORT_NOTE = "no statement of the model's answer is supported by the passages"


class _StructuredRejected(Exception):
    """The endpoint refused `response_format` before writing anything."""


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
        self._extractive: ExtractiveAnswerer | None = None
        self.structured_output: bool | None = None
        """Whether the endpoint accepts `response_format` (None: not tried yet)."""

    def close(self) -> None:
        """Close the client's pooled connections."""
        self.client.close()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from assistant.embed import build_embedder

            self._embedder = build_embedder(self.settings)
        return self._embedder

    @property
    def extractive(self) -> ExtractiveAnswerer:
        """The gate's evidence check and the fallback answer on failures."""
        if self._extractive is None:
            self._extractive = ExtractiveAnswerer(self.embedder, self.settings.refusal_threshold)
        return self._extractive

    def mode(self) -> CitationMode:
        """The citation mode of the next request (`json` falls back to `markers` once rejected)."""
        if self.settings.llm_citations == "json" and self.structured_output is False:
            return "markers"
        return self.settings.llm_citations

    def _params(self, mode: CitationMode, in_prompt: int) -> dict[str, object]:
        s = self.settings
        params: dict[str, object] = {
            "temperature": s.llm_temperature,
            "max_tokens": s.llm_max_tokens,
        }
        if mode == "json":
            params["response_format"] = response_format(in_prompt)
        return params

    # --- answering
    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        final: Answer | None = None
        for event in self._generate(question, retrieval, stream=False):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Answer]:
        """Text deltas (claims as they are attributed), then the final validated `Answer`."""
        return self._generate(question, retrieval, stream=True)

    def _generate(
        self, question: str, retrieval: Retrieval, stream: bool
    ) -> Iterator[str | Answer]:
        timings: dict[str, float] = {}
        if not retrieval.passages:
            ans = self._refused(question, retrieval, 0, timings, 0.0)
            yield ans.answer
            yield ans
            return
        t0 = time.perf_counter()
        ex = self.extractive
        confidence = ex.confidence(retrieval, ex.score_sentences(question, retrieval))
        timings["gate"] = _ms(t0)
        if self.settings.llm_gate and confidence < ex.threshold:
            ans = self._refused(question, retrieval, 0, timings, confidence, GATE_NOTE)
            yield ans.answer
            yield ans
            return
        mode = self.mode()
        try:
            yield from self._ask(question, retrieval, mode, stream, timings, confidence)
        except _StructuredRejected as exc:
            log.warning("the LLM endpoint rejected structured output (%s); using markers", exc)
            self.structured_output = False
            yield from self._ask(question, retrieval, "markers", stream, timings, confidence)

    def _ask(
        self,
        question: str,
        retrieval: Retrieval,
        mode: CitationMode,
        stream: bool,
        timings: dict[str, float],
        confidence: float,
    ) -> Iterator[str | Answer]:
        messages, count = build_messages(question, retrieval, self.settings.llm_context_chars, mode)
        built = CitedAnswer(
            Attributor(question, retrieval.passages[:count], self.embedder),
            count,
            mode,
            keep_unsupported=self.settings.llm_unsupported == "flag",
        )
        structured = mode == "json"
        raw = ""
        streamed = False
        stopped = False
        t0 = time.perf_counter()
        deltas = self._deltas(messages, self._params(mode, count), stream)
        try:
            for delta in deltas:
                if not raw:
                    timings["llm_first_token"] = _ms(t0)
                raw += delta
                if not structured and says_not_found(raw):
                    stopped = True
                    break  # stop the generation: the answer is a refusal whatever follows
                reply = read_reply(raw, structured, final=False)
                if reply.found is False:
                    stopped = True
                    break
                out = built.add(reply.claims)
                if built.refusal_claim:
                    stopped = True
                    break
                if out:
                    streamed = True
                    yield out
        except LLMUnavailableError as exc:
            if structured and exc.kind == "bad_request" and not raw:
                raise _StructuredRejected(str(exc)) from exc
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
            deltas.close()
        timings["llm"] = _ms(t0)
        if structured:
            self.structured_output = True
        log.debug("LLM raw answer (%s): %r", mode, raw)
        reply = read_reply(raw, structured, final=True)
        if not stopped:
            tail = built.add(reply.claims)
            if tail:
                streamed = True
                yield tail
        final = self._final(question, retrieval, raw, reply.found, built, timings, confidence)
        if not streamed:
            yield final.answer
        yield final

    def _deltas(
        self, messages: list[dict[str, str]], params: dict[str, object], stream: bool
    ) -> Generator[str, None, None]:
        model = self.settings.llm_model
        if stream:
            yield from self.client.chat_stream(model, messages, **params)
        else:
            yield self.client.chat(model, messages, **params)

    def _final(
        self,
        question: str,
        retrieval: Retrieval,
        raw: str,
        found: bool | None,
        built: CitedAnswer,
        timings: dict[str, float],
        confidence: float,
    ) -> Answer:
        stats = built.stats
        refused = (
            (built.mode != "json" and says_not_found(raw)) or found is False or built.refusal_claim
        )
        if refused:
            ans = self._refused(question, retrieval, built.dropped, timings, confidence)
            return ans.model_copy(update={"attribution": stats})
        if not built.citations:
            if self.settings.llm_unsupported == "flag" and built.text:
                ans = self._base(question, retrieval, built.dropped, timings, confidence)
                return ans.model_copy(
                    update={"answer": built.text, "unsupported": True, "attribution": stats}
                )
            log.info("LLM answer: %s; refused (llm_unsupported=refuse)", NO_SUPPORT_NOTE)
            ans = self._refused(
                question, retrieval, built.dropped, timings, confidence, NO_SUPPORT_NOTE
            )
            return ans.model_copy(update={"attribution": stats})
        ans = self._base(question, retrieval, built.dropped, timings, confidence)
        return ans.model_copy(
            update={
                "answer": built.text,
                "citations": built.citations,
                "unsupported": stats.supported < stats.statements
                and self.settings.llm_unsupported == "flag",
                "attribution": stats,
            }
        )

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
    def _base(
        self,
        question: str,
        retrieval: Retrieval,
        dropped: int,
        timings: dict[str, float],
        confidence: float,
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
            confidence=round(confidence, 4),
        )

    def _refused(
        self,
        question: str,
        retrieval: Retrieval,
        dropped: int,
        timings: dict[str, float],
        confidence: float,
        note: str | None = None,
    ) -> Answer:
        return self._base(question, retrieval, dropped, timings, confidence).model_copy(
            update={"answer": REFUSAL_TEXT, "refused": True, "notes": [note] if note else []}
        )

    def _fall_back(self, question: str, retrieval: Retrieval, reason: str) -> Answer:
        log.warning("LLM answer failed (%s); falling back to the extractive answer", reason)
        ans = self.extractive.answer(question, retrieval)
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
