"""`newsdesk serve` under load: cold start, /v1/ask throughput and latency, memory (RSS).

Starts the real CLI (`newsdesk serve`, uvicorn, `--workers 1` unless asked otherwise) as a
subprocess on a free loopback port with the rate limit off (NEWSDESK_RATE_LIMIT_PER_MINUTE=0),
measures the time from spawning it to the first `/readyz` 200, then drives `/v1/ask` with a
bounded asyncio + httpx load generator: a fixed number of requests per concurrency level (the dev
questions round-robin, with their asked-at dates), stopped early at a time cap. Memory is read
from /proc/PID/status (VmRSS now, VmHWM peak) of the server and its children. The load generator
runs on the same machine (loopback), so on 2 cores it competes with the server for CPU.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import BenchQuestion, load1, log, percentiles, process_memory_mb
from tests.support.serve import start_serve


def _payload(q: BenchQuestion) -> dict[str, Any]:
    body: dict[str, Any] = {"question": q.question}
    if q.as_of is not None:
        body["as_of"] = q.as_of.isoformat()
    return body


async def _load(
    url: str,
    questions: Sequence[BenchQuestion],
    concurrency: int,
    requests: int,
    time_cap_s: float,
) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    next_index = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    started = time.perf_counter()
    deadline = started + time_cap_s

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal next_index
        while next_index < requests and time.perf_counter() < deadline:
            q = questions[next_index % len(questions)]
            next_index += 1
            t0 = time.perf_counter()
            try:
                resp = await client.post(url + "/v1/ask", json=_payload(q))
                statuses[str(resp.status_code)] += 1
                if resp.status_code == 200:
                    latencies.append((time.perf_counter() - t0) * 1000)
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1

    async with httpx.AsyncClient(timeout=120.0, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    done = sum(statuses.values())
    errors = done - statuses.get("200", 0)
    return {
        "concurrency": concurrency,
        "requests": done,
        "planned_requests": requests,
        "capped": done < requests,
        "seconds": round(elapsed, 2),
        "req_per_s": round(statuses.get("200", 0) / elapsed, 2) if elapsed else 0.0,
        "latency_ms": percentiles(latencies),
        "errors": errors,
        "statuses": dict(statuses),
    }


def load(
    url: str,
    questions: Sequence[BenchQuestion],
    concurrency: int,
    requests: int,
    time_cap_s: float,
) -> dict[str, Any]:
    """Send `requests` POST /v1/ask with `concurrency` in flight (stop at `time_cap_s`)."""
    before = load1()
    result = asyncio.run(_load(url, questions, concurrency, requests, time_cap_s))
    result["load_avg"] = [before, load1()]
    log.info(
        "c=%d: %d requests, %.1f req/s, p50 %s ms, errors %d",
        concurrency,
        result["requests"],
        result["req_per_s"],
        result["latency_ms"].get("p50"),
        result["errors"],
    )
    return result


def warm_up(url: str, questions: Sequence[BenchQuestion], n: int) -> None:
    """A few sequential asks, so the first measured requests do not pay one-off costs."""
    with httpx.Client(timeout=120.0) as client:
        for q in questions[:n]:
            client.post(url + "/v1/ask", json=_payload(q)).raise_for_status()


def run_server(
    data_dir: Path,
    questions: Sequence[BenchQuestion],
    levels: Sequence[int],
    requests: int,
    time_cap_s: float,
    workers: int,
    log_dir: Path,
    warmup: int = 10,
) -> dict[str, Any]:
    """Cold start, memory after warm-up, load at each concurrency level, memory after load."""
    env = {"NEWSDESK_RATE_LIMIT_PER_MINUTE": "0"}
    with start_serve(data_dir, log_dir, env=env, workers=workers, timeout_s=300.0) as server:

        def memory() -> dict[str, float]:
            return process_memory_mb(server.proc.pid)

        out: dict[str, Any] = {
            "workers": workers,
            "cold_start_s": round(server.ready_s, 2),
            "memory_at_ready_mb": memory(),
        }
        warm_up(server.url, questions, warmup)
        out["memory_after_warmup_mb"] = memory()
        out["load"] = [load(server.url, questions, c, requests, time_cap_s) for c in levels]
        out["memory_after_load_mb"] = memory()
        return out
