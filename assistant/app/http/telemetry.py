"""Prometheus metrics of one app: request counts and latency per route template, stage timings.

Each app gets its own `CollectorRegistry` (several apps in one process, as in tests, must not
collide in the global one). With `--workers N` every worker process reports its own numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "newsdesk_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "newsdesk_http_request_duration_seconds",
            "HTTP request latency by method and route template (streams: until the last byte)",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.stages = Histogram(
            "newsdesk_stage_duration_seconds",
            "Retrieval and answer stage timings (embed, dense, lexical, fusion, rerank, answer...)",
            ["stage"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.answers = Counter(
            "newsdesk_answers",
            "Answers by answerer and whether the articles lacked the answer (refused)",
            ["answerer", "refused"],
            registry=self.registry,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_stages(self, timings_ms: Mapping[str, float]) -> None:
        for stage, ms in timings_ms.items():
            self.stages.labels(stage).observe(max(ms, 0.0) / 1000.0)

    def observe_answer(self, answerer: str, refused: bool) -> None:
        self.answers.labels(answerer, "true" if refused else "false").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
