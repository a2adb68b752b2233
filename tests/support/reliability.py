"""Helpers of the reliability tests: the figures board, writable sample stores, servers.

Each test adds what it counted (requests fuzzed, bad inputs tried, crash trials run, errors seen,
articles lost, throughput, memory) with `figure(name, value)` or `tally(name, n)`; conftest.py
prints the board at the end of the pytest run under "reliability figures", so a CI log carries
the numbers the reliability issue asks for. Nothing here asserts product behaviour.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.serve import start_serve

FIGURES: dict[str, object] = {}

KEY = "reliability-key-4f1c9a7e2b"
WRONG_KEY = "reliability-key-4f1c9a7e2c"
AUTH = {"Authorization": f"Bearer {KEY}"}
FEB26_QUESTION = {"question": "What did Trump say on Feb 26?", "as_of": "2025-03-10"}
FEB26 = "On February 26, Trump told reporters that sanctions against the Russian Federation"


def figure(name: str, value: object) -> None:
    """Record one figure (the last value wins)."""
    FIGURES[name] = value


def tally(name: str, n: int = 1) -> None:
    """Add `n` to a counted figure."""
    current = FIGURES.get(name, 0)
    assert isinstance(current, int)
    FIGURES[name] = current + n


@contextmanager
def serve_subprocess(
    data_dir: Path, env: dict[str, str] | None = None, timeout: float = 120.0
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`newsdesk serve` on a free loopback port (`tests.support.serve`); yields (base URL, process).

    A separate process, so its memory (/proc/PID/status) is the server's alone.
    """
    with start_serve(data_dir, data_dir.parent, env=env, timeout_s=timeout) as server:
        yield server.url, server.proc


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (VmRSS of /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")
