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
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import BenchQuestion, load1, log, percentiles, process_memory_mb


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command(data_dir: Path, port: int, workers: int) -> list[str]:
    exe = Path(sys.executable).parent / "newsdesk"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant.cli"]
    if not exe.exists() and shutil.which("newsdesk"):
        cli = [str(shutil.which("newsdesk"))]
    return [
        *cli,
        "serve",
        "--data-dir",
        str(data_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    cold_start_s: float
    log_path: Path

    def memory(self) -> dict[str, float]:
        return process_memory_mb(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully on SIGINT
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start(data_dir: Path, workers: int, log_dir: Path, timeout_s: float = 300.0) -> Server:
    """Spawn `newsdesk serve` and wait for /readyz 200; the wait is the cold start."""
    port = free_port()
    env = {
        **os.environ,
        "NEWSDESK_RATE_LIMIT_PER_MINUTE": "0",
        "NEWSDESK_DATA_DIR": str(data_dir),
    }
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"serve-{port}.log"
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log_file:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            serve_command(data_dir, port, workers),
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(proc, url, 0.0, log_path)
    deadline = t0 + timeout_s
    with httpx.Client(timeout=5.0) as client:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"newsdesk serve exited with {proc.returncode}: {log_path.read_text()[-2000:]}"
                )
            try:
                if client.get(url + "/readyz").status_code == 200:
                    server.cold_start_s = time.perf_counter() - t0
                    return server
            except httpx.TransportError:
                pass
            if time.perf_counter() > deadline:
                server.stop()
                raise TimeoutError(f"newsdesk serve not ready after {timeout_s} s")
            time.sleep(0.05)


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
    server = start(data_dir, workers, log_dir)
    try:
        out: dict[str, Any] = {
            "workers": workers,
            "cold_start_s": round(server.cold_start_s, 2),
            "memory_at_ready_mb": server.memory(),
        }
        warm_up(server.url, questions, warmup)
        out["memory_after_warmup_mb"] = server.memory()
        out["load"] = [load(server.url, questions, c, requests, time_cap_s) for c in levels]
        out["memory_after_load_mb"] = server.memory()
        return out
    finally:
        server.stop()
