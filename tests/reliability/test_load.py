"""A bounded load test: 2,000 `/v1/ask` requests at concurrency 16 against `newsdesk serve`.

The server is a separate process (the real CLI on a free loopback port, rate limit off, the sample
article's store), so its resident memory can be sampled from /proc while the load runs. Holds:
zero errors (every response a 200 with an answer), and RSS growth under 10% between the first and
the last quarter of the run, after a warm-up that has every server worker thread serve requests
(their one-time buffers are not a leak). Reports requests/s, p50/p99 latency and the RSS figures.
"""

from __future__ import annotations

import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support import SAMPLE_ARTICLE, cli_command
from tests.support.reliability import figure, rss_kib, serve_subprocess, tally

pytestmark = pytest.mark.slow

REQUESTS = 2_000
CONCURRENCY = 16
WARM_UP = 600
WARM_CONCURRENCY = 48
QUESTIONS = [
    {"question": "What did Trump say on Feb 26?", "as_of": "2025-03-10"},
    {"question": "Who wants to lift the sanctions on Russia?"},
    {"question": "What did sources say about the White House plans?", "k": 3},
    {"question": "How do I bake sourdough bread?"},
    {"question": "sanctions relief Russian Federation", "k": 8},
]


def test_two_thousand_asks_at_concurrency_16_without_errors_or_memory_growth(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    ingest = cli_command("ingest", "--data-dir", str(data), str(SAMPLE_ARTICLE))
    subprocess.run(ingest, check=True, capture_output=True)
    env = {"NEWSDESK_RATE_LIMIT_PER_MINUTE": "0"}
    with serve_subprocess(data, env=env) as (url, proc):
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        with httpx.Client(base_url=url, timeout=60, limits=limits) as c:
            # Warm up first, above the server's thread-pool size (40): each worker thread gets
            # a malloc arena and inference buffers on first use, so RSS climbs with the number
            # of threads that have served a request (measured: ~330 MiB idle, ~600 MiB after
            # 16 threads, ~750 MiB after all 40), then stays flat (+2 MiB over 4,000 more).
            # Measured growth after that is what would be a leak.
            warm_limits = httpx.Limits(max_connections=WARM_CONCURRENCY)
            with (
                httpx.Client(base_url=url, timeout=120, limits=warm_limits) as w,
                ThreadPoolExecutor(WARM_CONCURRENCY) as pool,
            ):
                warm = pool.map(
                    lambda i: w.post("/v1/ask", json=QUESTIONS[i % len(QUESTIONS)]).status_code,
                    range(WARM_UP),
                )
                assert set(warm) == {200}
            rss_before = rss_kib(proc.pid)
            done = 0
            done_lock = threading.Lock()
            samples: list[tuple[int, int]] = []  # (requests done, RSS KiB)
            stop = threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    samples.append((done, rss_kib(proc.pid)))
                    stop.wait(0.2)

            def one(i: int) -> tuple[int, float, str]:
                nonlocal done
                start = time.perf_counter()
                try:
                    r = c.post("/v1/ask", json=QUESTIONS[i % len(QUESTIONS)])
                    outcome = (r.status_code, "answer" in r.json())
                except httpx.HTTPError as exc:
                    outcome = (0, False)
                    return 0, time.perf_counter() - start, f"{type(exc).__name__}: {exc}"
                finally:
                    with done_lock:
                        done += 1
                status, has_answer = outcome
                return status, time.perf_counter() - start, "" if has_answer else "no answer"

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            start = time.perf_counter()
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                results = list(pool.map(one, range(REQUESTS)))
            elapsed = time.perf_counter() - start
            stop.set()
            sampler.join(timeout=5)
            assert proc.poll() is None, "the server died under load"

    errors = [(s, why) for s, _t, why in results if s != 200 or why]
    latencies = sorted(t for _s, t, _w in results)
    first = [kib for n, kib in samples if n < REQUESTS // 4]
    last = [kib for n, kib in samples if n >= REQUESTS - REQUESTS // 4]
    assert first and last, "too few memory samples"
    growth = statistics.mean(last) / statistics.mean(first) - 1
    figure("load: requests", REQUESTS)
    figure("load: requests/s", round(REQUESTS / elapsed, 1))
    figure("load: p50 / p99 latency, ms", (_ms(latencies, 0.50), _ms(latencies, 0.99)))
    figure(
        "load: server RSS MiB (after warm-up, first quarter, last quarter, peak)",
        (
            round(rss_before / 1024, 1),
            round(statistics.mean(first) / 1024, 1),
            round(statistics.mean(last) / 1024, 1),
            round(max(k for _n, k in samples) / 1024, 1),
        ),
    )
    figure("load: RSS growth first→last quarter, %", round(100 * growth, 2))
    tally("errors seen (load)", len(errors))
    assert errors == [], errors[:5]
    assert growth < 0.10


def _ms(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, int(q * len(sorted_values)))
    return round(1000 * sorted_values[index], 1)
