"""One exception hierarchy for the whole product: `NewsdeskError` and its kinds.

Every error the core, the ingest pipeline or the evals raise on purpose is a `NewsdeskError`;
each entry point (HTTP, CLI, MCP) maps these classes to its own statuses and messages in one
place (`assistant/app/http/errors.py`, `assistant/app/cli.py`, `assistant/app/mcp.py`). The
message of an error is written for the person who caused it: what is wrong and what to do. An
exception that is not a `NewsdeskError` is a bug: logged with its traceback, reported as an
internal error. This module defines classes only.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error Newsdesk raises on purpose."""


# --- the caller's mistakes ---------------------------------------------------------------------
class BadQueryError(NewsdeskError):
    """The query cannot be run as given (empty question, `since` after `until`, ...)."""


class QueryLimitError(BadQueryError):
    """A query field is outside the configured limits (question length, k, ...)."""


class NotFoundError(NewsdeskError):
    """A named thing (an article, a model) does not exist."""


# --- set-up -------------------------------------------------------------------------------------
class ConfigurationError(NewsdeskError):
    """The settings do not allow what was asked (e.g. an LLM answer with no endpoint set)."""


class LLMNotConfiguredError(ConfigurationError):
    """The LLM answerer was asked for, but no endpoint is configured."""


class EmbedderMismatchError(ConfigurationError):
    """A collection built by one embedder was opened with another."""


# --- the store ----------------------------------------------------------------------------------
class StoreUnavailableError(NewsdeskError):
    """The article store (Chroma server or embedded database) cannot be reached or read."""


class LexicalUnavailableError(StoreUnavailableError):
    """The lexical index is being rebuilt from Chroma; dense retrieval still works meanwhile."""


class StorageFullError(StoreUnavailableError):
    """The disk holding the store is full: nothing more can be written until space is freed."""


# --- language models ----------------------------------------------------------------------------
class LLMUnavailableError(NewsdeskError):
    """The LLM endpoint failed (connection, timeout, rate limit, server error) after retries.

    `kind` says which: "timeout", "connection", "rate_limited", "server_error", "bad_request",
    "stream" or "error".
    """

    def __init__(self, message: str, kind: str = "error") -> None:
        super().__init__(message)
        self.kind = kind


class LocalLLMError(LLMUnavailableError):
    """The bundled local LLM server could not be started or did not become ready."""


# --- ingest and evaluation ----------------------------------------------------------------------
class UnreadableInputError(NewsdeskError):
    """One input (a file, a line) cannot become an article; the ingest reports it and goes on."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class IngestError(NewsdeskError):
    """An ingest could not run at all (as opposed to one bad article, which is only reported)."""


class FetchError(NewsdeskError):
    """A watched feed or a linked page could not be fetched (connection, time limit, HTTP
    status, size limit); the watcher reports it and tries again later.

    `retry_after` is the delay in seconds the server asked for (429/503 `Retry-After`), if any.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class EvalInputError(NewsdeskError):
    """An input of the evaluation suite (dataset, thresholds, report) is missing or malformed."""


class DatasetError(EvalInputError):
    """An evaluation dataset folder is missing files or holds malformed records."""
