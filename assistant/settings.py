"""All configuration in one place: `Settings` (env prefix NEWSDESK_) and a cached `get_settings()`.

Read once per process. CLI options override by building a copy (`settings.model_copy(update=...)`);
nothing else in the code base reads the environment. Processes started by ours (`serve
--workers N`) receive the parent's settings whole: `handed_over(settings)` writes them to a file
readable by this user only and names it in `NEWSDESK_SETTINGS_FILE`, which `get_settings()`
reads instead of the other variables.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_keys(value: object) -> object:
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", env_file=None, extra="ignore")

    # storage
    data_dir: Path = Path(".newsdesk")
    chroma_mode: Literal["embedded", "server"] = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8001
    chroma_ssl: bool = False
    chroma_token: SecretStr | None = None
    collection: str = Field(default="newsdesk", min_length=3, max_length=100)
    store_refresh_s: float = Field(
        default=1.0,
        ge=0.0,
        le=60.0,
        description="at most this often a process reloads its view after another's write",
    )

    # embeddings
    embedder: Literal["minilm-int8", "wordllama", "openai"] = "minilm-int8"
    embed_batch_size: int = Field(
        default=32, ge=1, le=1024, description="texts per request to an embeddings endpoint"
    )
    embed_batch_tokens: int = Field(
        default=4096,
        ge=256,
        le=65536,
        description="padded tokens per local model batch (rows x longest): speed vs memory",
    )
    embed_threads: int = Field(default=0, ge=0, description="onnxruntime intra-op threads; 0=cores")
    embed_max_tokens: int = Field(default=256, ge=8, le=512)
    openai_embed_model: str = "text-embedding-3-small"
    openai_embed_base_url: str | None = None
    openai_embed_api_key: SecretStr | None = None

    # chunking
    chunk_size: int = Field(default=800, ge=100, le=8000)
    chunk_overlap: int = Field(default=100, ge=0, le=2000)

    # retrieval and answering
    answerer: Literal["extractive", "llm"] = "extractive"
    top_k: int = Field(default=5, ge=1, le=50)
    max_k: int = Field(default=50, ge=1, le=200)
    candidates: int = Field(default=50, ge=5, le=500)
    rerank: bool = True
    hnsw_ef_search: int = Field(
        default=200,
        ge=10,
        le=2000,
        description="HNSW search breadth of the chunk collection (recall vs query time)",
    )
    lexical_max_df: float = Field(
        default=0.1,
        gt=0,
        le=1.0,
        description="BM25 keeps the rarest query words matching at most this share of chunks",
    )
    lexical_max_rows: int = Field(
        default=3000,
        ge=0,
        description="... and at most this many chunks (0: no cap): BM25's cost stops growing",
    )
    refusal_threshold: float | None = Field(
        default=None, description="override the calibrated evidence threshold for refusing"
    )

    # LLM (any OpenAI-compatible endpoint)
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "local"
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(default=400, ge=16, le=8192)
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_retries: int = Field(default=2, ge=0, le=10)
    llm_unsupported: Literal["refuse", "flag"] = "refuse"
    llm_citations: Literal["plain", "markers", "json"] = Field(
        default="plain",
        description="how the LLM is asked to cite: plain sentences (attributed by us), [n] "
        "markers, or json structured output (markers if the endpoint rejects it)",
    )
    llm_gate: bool = Field(
        default=True, description="refuse without calling the LLM when the evidence is weak"
    )
    llm_context_chars: int = Field(
        default=6000,
        ge=500,
        description="passage characters put in the prompt; later ones left out",
    )
    # bundled local model (`--local-llm`): llama.cpp via xllamacpp, on a loopback port
    llm_local_gguf: Path | None = Field(
        default=None, description="GGUF file; default the catalogue model `llm_local_model`"
    )
    llm_local_model: str = Field(
        default="auto",
        description="catalogue model (assistant.app.local_models); auto = best installed",
    )
    llm_local_threads: int = Field(default=2, ge=1, le=256)
    llm_local_ctx: int = Field(default=2048, ge=256, le=131072)

    # following folders and feeds (`newsdesk watch`, `serve --watch`)
    watch_interval_s: float = Field(
        default=300.0, ge=0.2, description="seconds between polls of a feed"
    )
    watch_scan_s: float = Field(default=2.0, ge=0.1, description="seconds between folder scans")
    watch_max_backoff_s: float = Field(default=3600.0, ge=1.0, description="longest retry delay")
    watch_timeout_s: float = Field(
        default=20.0, gt=0, le=600, description="whole-fetch time limit of a feed or page"
    )
    watch_max_feed_bytes: int = Field(default=10_000_000, ge=1024)
    watch_max_page_bytes: int = Field(default=5_000_000, ge=1024)
    watch_summary_chars: int = Field(
        default=1000,
        ge=0,
        description="an entry with no full content and less text than this: fetch its page",
    )
    watch_pages_per_poll: int = Field(default=20, ge=1, le=1000)

    # service
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    read_requires_key: bool = False
    max_body_bytes: int = Field(default=5_000_000, ge=1024)
    max_question_chars: int = Field(default=2000, ge=10)
    max_messages: int = Field(default=50, ge=1)
    max_filter_values: int = Field(
        default=1000,
        ge=1,
        le=10000,
        description="values one filter list (sources, article_ids) may hold",
    )
    max_article_chars: int = Field(
        default=2_000_000,
        ge=1000,
        description="an article with a longer text is reported as failed, not ingested",
    )
    forwarded_allow_ips: str | None = Field(
        default=None,
        description="proxies whose X-Forwarded-For is trusted (comma-separated, or *); unset:"
        " none, the client address is the peer's",
    )
    rate_limit_per_minute: int = Field(default=600, ge=0, description="per client; 0 = off")

    @field_validator("api_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split_keys(value)

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"


HANDOVER_VARIABLE = "NEWSDESK_SETTINGS_FILE"


def _plain(value: Any) -> Any:
    """JSON-ready, secrets revealed (the handover file is private to this user)."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


@contextmanager
def handed_over(settings: Settings) -> Iterator[Path]:
    """`settings` in a private file named by `NEWSDESK_SETTINGS_FILE` while the block runs."""
    data = {name: _plain(getattr(settings, name)) for name in type(settings).model_fields}
    fd, name = tempfile.mkstemp(prefix="newsdesk-settings-", suffix=".json")  # mode 0600
    path = Path(name)
    previous = os.environ.get(HANDOVER_VARIABLE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.environ[HANDOVER_VARIABLE] = name
        yield path
    finally:
        if previous is None:
            os.environ.pop(HANDOVER_VARIABLE, None)
        else:
            os.environ[HANDOVER_VARIABLE] = previous
        path.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    handover = os.environ.get(HANDOVER_VARIABLE)
    if handover:
        return Settings.model_validate(json.loads(Path(handover).read_text(encoding="utf-8")))
    return Settings()
