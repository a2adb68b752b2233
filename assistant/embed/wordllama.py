"""Optional fast embedder for very large corpora: WordLlama's static token embeddings.

The `wordllama` wheel (MIT) ships `weights/l2_supercat_256.safetensors` (float16, 32,000 tokens x
256) and `tokenizers/l2_supercat_tokenizer_config.json`. We read exactly those two files from
the installed package and never import its code: its loader looks for the tokenizer elsewhere
and falls back to a hub download. A text's vector is the mean of its tokens' rows (no special
tokens), L2-normalized; a sentence's is the mean over its own tokens, so span pooling is free.
No model runs, so it embeds a chunk in microseconds instead of tens of milliseconds; retrieval
quality rests more on BM25 (fusion does that) — see the README for both dev sets.

The rows are derived from Llama 2's token embeddings (Llama 2 Community License terms apply to
the weights). Selected by `NEWSDESK_EMBEDDER=wordllama`, for a collection of its own (a
collection never mixes embedders). This module does not talk to Chroma.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from assistant.embed.base import Spans, Vector, Vectors, pool_spans
from assistant.errors import ConfigurationError

MODEL_NAME = "wordllama-l2-supercat-256"
DIM = 256
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_MAX_TOKENS = 2048  # a chunk is at most 8,000 characters; the cap bounds one input's work


def model_files() -> tuple[Path, Path]:
    """(weights, tokenizer) inside the installed `wordllama` package, found without importing
    it (importing runs its code, which may try a download)."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            "NEWSDESK_EMBEDDER=wordllama needs the wordllama wheel:"
            " pip install --no-deps wordllama==0.4.0.post1"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / _WEIGHTS, root / _TOKENIZER


def read_safetensors(path: Path) -> npt.NDArray[np.float32]:
    """The one tensor of a safetensors file as float32 (format: u64 header size, JSON, data)."""
    with path.open("rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    if len(tensors) != 1:
        raise ConfigurationError(f"{path.name}: expected one tensor, found {sorted(tensors)}")
    (info,) = tensors.values()
    dtypes = {"F16": np.float16, "F32": np.float32}
    if info["dtype"] not in dtypes:
        raise ConfigurationError(f"{path.name}: unsupported dtype {info['dtype']}")
    lo, hi = info["data_offsets"]
    arr = np.frombuffer(data[lo:hi], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return arr.astype(np.float32)


class WordLlamaEmbedder:
    """Mean of static token embeddings, L2-normalized; sentence spans pooled the same way."""

    name = MODEL_NAME
    dim = DIM
    can_pool_spans = True

    @cached_property
    def _files(self) -> tuple[Path, Path]:
        return model_files()

    @cached_property
    def weights(self) -> npt.NDArray[np.float32]:
        rows = read_safetensors(self._files[0])
        if rows.shape[1] != DIM:
            raise ConfigurationError(f"wordllama weights have {rows.shape[1]} dimensions")
        return rows

    @cached_property
    def tokenizer(self) -> Tokenizer:
        tok = Tokenizer.from_file(str(self._files[1]))
        tok.no_padding()
        tok.enable_truncation(max_length=_MAX_TOKENS)
        return tok

    def warm_up(self) -> None:
        self.embed(["warm up"])

    def embed(self, texts: Sequence[str]) -> Vectors:
        return self._run(texts, None)[0]

    def embed_query(self, text: str) -> Vector:
        return self.embed([text])[0]  # a table lookup and a mean: nothing to leave room for

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Spans]
    ) -> tuple[Vectors, list[Vectors]]:
        return self._run(texts, spans)

    def _run(
        self, texts: Sequence[str], spans: Sequence[Spans] | None
    ) -> tuple[Vectors, list[Vectors]]:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        pooled: list[Vectors] = []
        if not texts:
            return out, pooled
        encs = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        top = self.weights.shape[0] - 1
        for i, enc in enumerate(encs):
            states = self.weights[np.clip(np.asarray(enc.ids, dtype=np.int64), 0, top)]
            if len(states):
                v = states.mean(axis=0)
                out[i] = v / max(float(np.linalg.norm(v)), 1e-12)
            if spans is not None:
                pooled.append(pool_spans(states.reshape(-1, DIM), enc.offsets, spans[i]))
        return out, pooled
