"""The only module that imports `openai`: a thin client for any OpenAI-compatible endpoint.

Builds the client from explicit arguments (base URL, key, timeout, retries) and exposes the few
calls Newsdesk makes (embeddings, chat, streaming chat, model list), mapping the library's errors
to `LLMUnavailableError` with a short, loggable reason.

Retries: the official client retries timeouts, connection errors, 408/409/429 and 5xx responses
itself, `retries` times, with exponential backoff (0.5 s doubling to at most 8 s, minus up to 25 %
jitter; a server's `Retry-After` of up to two minutes is honoured). A streamed response is retried
only until it starts: once tokens flow, a broken connection is an error for the caller to handle.
A stream that ends without a finish reason (the server went away) is reported as an error too.
It knows nothing of prompts, passages or citations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic import SecretStr

from assistant.errors import LLMUnavailableError


def _unavailable(what: str, exc: openai.OpenAIError) -> LLMUnavailableError:
    kind = "error"
    detail = str(exc)
    if isinstance(exc, openai.APITimeoutError):
        kind, detail = "timeout", "request timed out"
    elif isinstance(exc, openai.APIConnectionError):
        kind = "connection"
        cause = exc.__cause__ or exc.__context__
        detail = f"connection failed ({cause or exc})"
    elif isinstance(exc, openai.RateLimitError):
        kind, detail = "rate_limited", "rate limited (HTTP 429)"
    elif isinstance(exc, openai.APIStatusError):
        kind = "server_error" if exc.status_code >= 500 else "bad_request"
        detail = f"HTTP {exc.status_code}: {exc.message}"
    return LLMUnavailableError(f"{what} failed: {detail}", kind)


@dataclass
class OpenAICompatClient:
    client: openai.OpenAI

    def embed(self, model: str, texts: list[str]) -> list[list[float]]:
        try:
            resp = self.client.embeddings.create(model=model, input=texts)
        except openai.OpenAIError as exc:
            raise _unavailable("embedding endpoint", exc) from exc
        return [d.embedding for d in sorted(resp.data, key=lambda d: d.index)]

    def chat(self, model: str, messages: list[dict[str, str]], **params: Any) -> str:
        try:
            resp = cast(
                ChatCompletion,
                self.client.chat.completions.create(
                    model=model, messages=messages, stream=False, **params  # type: ignore[arg-type]
                ),
            )
        except openai.OpenAIError as exc:
            raise _unavailable("chat endpoint", exc) from exc
        if not resp.choices:
            raise LLMUnavailableError("chat endpoint returned no choices", "bad_response")
        return resp.choices[0].message.content or ""

    def chat_stream(
        self, model: str, messages: list[dict[str, str]], **params: Any
    ) -> Iterator[str]:
        """Text deltas as they arrive; raises `LLMUnavailableError` before or during the stream."""
        finished = False
        try:
            stream = cast(
                "openai.Stream[ChatCompletionChunk]",
                self.client.chat.completions.create(
                    model=model, messages=messages, stream=True, **params  # type: ignore[arg-type]
                ),
            )
            with stream:  # closes the HTTP response even when the consumer stops early
                for event in stream:
                    if not event.choices:
                        continue
                    choice = event.choices[0]
                    if choice.delta.content:
                        yield choice.delta.content
                    if choice.finish_reason:
                        finished = True
        except openai.OpenAIError as exc:
            raise _unavailable("chat endpoint", exc) from exc
        if not finished:
            raise LLMUnavailableError(
                "chat endpoint: stream ended without a finish reason", "connection"
            )

    def close(self) -> None:
        """Close pooled connections now (they are also closed when the client is collected)."""
        self.client.close()

    def __enter__(self) -> OpenAICompatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def list_models(self) -> list[str]:
        try:
            return [m.id for m in self.client.models.list()]
        except openai.OpenAIError as exc:
            raise _unavailable("models endpoint", exc) from exc


def make_client(
    base_url: str | None, api_key: SecretStr | None, timeout: float, retries: int
) -> OpenAICompatClient:
    return OpenAICompatClient(
        openai.OpenAI(
            base_url=base_url,
            # Local servers (llama.cpp, vLLM, Ollama) accept any key; the client insists on one.
            api_key=api_key.get_secret_value() if api_key else "not-needed",
            timeout=timeout,
            max_retries=retries,
        )
    )
