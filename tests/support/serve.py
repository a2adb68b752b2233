"""Run `newsdesk serve` as a child process on a free loopback port and wait until it is ready.

For the HTTP demo (`scripts/demo_http.py`), the benchmarks and the tests that need a real
server process (its own memory, kill -9, the CLI as a user runs it). The service never uses it.
Readiness is `/readyz` answering 200; the time that took is the cold start. Stopping sends SIGINT
(uvicorn's graceful shutdown), then kills after a grace period.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command(
    data_dir: Path,
    port: int,
    workers: int = 1,
    log_level: str = "warning",
    extra: Sequence[str] = (),
) -> list[str]:
    """The `newsdesk serve` command line, run with this interpreter (`extra`: more options)."""
    return [
        sys.executable, "-m", "assistant.app.cli", "serve", "--data-dir", str(data_dir),
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", log_level, *extra,
    ]  # fmt: skip


@dataclass
class ServeProcess:
    proc: subprocess.Popen[bytes]
    url: str
    log_path: Path | None
    ready_s: float = 0.0
    """Seconds from spawn to the first `/readyz` 200 (the cold start)."""

    def log_tail(self, chars: int = 2000) -> str:
        if self.log_path is None:
            return "(its output went to this terminal)"
        return self.log_path.read_text(errors="replace")[-chars:]

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.stop()
        if exc_type is not None and self.log_path is not None:
            # A failed test shows what the server logged (its tmp dir is gone by the report).
            print(f"--- newsdesk serve log ({self.log_path.name}), last lines ---")  # noqa: T201
            print(self.log_tail(6000))  # noqa: T201

    def stop(self, grace_s: float = 20.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_serve(
    data_dir: Path,
    log_dir: Path | None,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
    log_level: str = "warning",
    timeout_s: float = 120.0,
    cwd: Path | None = None,
    extra: Sequence[str] = (),
) -> ServeProcess:
    """Spawn `newsdesk serve` and wait for `/readyz` 200; use the result in a `with` to stop it.

    Its output goes to `log_dir/serve-PORT.log`, or to this process's own output when `log_dir`
    is None; `env` is laid over this process's environment; `extra` are more serve options.
    Raises RuntimeError if it exits first, TimeoutError if it is not ready in time (the process
    is stopped then).
    """
    port = free_port()
    log_path = None if log_dir is None else log_dir / f"serve-{port}.log"
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") if log_path is not None else nullcontext() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            serve_command(data_dir, port, workers, log_level, extra),
            env={**os.environ, **(env or {})},
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            start_new_session=True,
        )
    server = ServeProcess(proc, f"http://127.0.0.1:{port}", log_path)
    with httpx.Client(timeout=5.0) as client:
        while True:
            if proc.poll() is not None:
                tail = server.log_tail()
                raise RuntimeError(f"newsdesk serve exited with {proc.returncode}: {tail}")
            try:
                if client.get(server.url + "/readyz").status_code == 200:
                    server.ready_s = time.perf_counter() - t0
                    return server
            except httpx.TransportError:
                pass
            if time.perf_counter() - t0 > timeout_s:
                server.stop()
                tail = server.log_tail()
                raise TimeoutError(f"newsdesk serve not ready after {timeout_s} s: {tail}")
            time.sleep(0.05)
