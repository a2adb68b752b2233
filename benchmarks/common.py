"""Helpers shared by the benchmark scripts: machine description, percentiles, result files, RSS.

Nothing here measures anything by itself; each benchmark module times its own work and hands a
dict + a markdown note to `write_results`.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEV_DATASET = SHARED / "eval" / "realtimeqa-2022-dev"
DEV_CORPUS = DEV_DATASET / "corpus.jsonl"
DEV_QUESTIONS = DEV_DATASET / "questions.jsonl"

log = logging.getLogger("benchmarks")


def machine() -> dict[str, Any]:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=REPO,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
            cwd=REPO,
        ).stdout.strip()
    except OSError:
        commit, dirty = "", ""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "load_avg_at_start": round(os.getloadavg()[0], 2),
        "commit": commit + ("+uncommitted" if dirty else ""),
    }


def machine_line(m: dict[str, Any]) -> str:
    return (
        f"Machine: {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['cpu'] or 'unknown CPU'};"
        f" {m['date']}; load average at start {m['load_avg_at_start']:.2f};"
        f" commit {m['commit'] or 'unknown'}."
    )


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values_ms, dtype=float)
    if arr.size == 0:
        return {"n": 0}
    return {
        "n": int(arr.size),
        "p50": round(float(np.percentile(arr, 50)), 2),
        "p95": round(float(np.percentile(arr, 95)), 2),
        "p99": round(float(np.percentile(arr, 99)), 2),
        "mean": round(float(arr.mean()), 2),
    }


def write_results(name: str, data: dict[str, Any], markdown: str, out: Path | None = None) -> Path:
    out = out or RESULTS
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    path = out / f"{name}.md"
    path.write_text(markdown)
    return path


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name (field 2) may contain spaces; fields after its ')' are fixed.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def process_memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of a process and all its descendants, summed, in MB.

    Summing descendants matters only with `--workers > 1` (uvicorn's supervisor + workers);
    shared pages are then counted once per process, so the sum overstates a little.
    """
    pids = [pid]
    i = 0
    while i < len(pids):
        pids.extend(_children(pids[i]))
        i += 1
    rss = sum(_status_kb(p, "VmRSS") for p in pids)
    hwm = sum(_status_kb(p, "VmHWM") for p in pids)
    return {"rss_mb": round(rss / 1024, 1), "hwm_mb": round(hwm / 1024, 1), "processes": len(pids)}


def load1() -> float:
    """The 1-minute load average now (recorded around each measurement: the machine is shared)."""
    return round(os.getloadavg()[0], 2)


@dataclass(frozen=True)
class BenchQuestion:
    id: str
    question: str
    as_of: date | None


def load_questions(path: Path = DEV_QUESTIONS, limit: int | None = None) -> list[BenchQuestion]:
    """The dev questions with their asked-at dates (as_of); `limit` keeps the first ones."""
    out: list[BenchQuestion] = []
    with path.open() as f:
        for line in f:
            if not line.strip():
                continue
            obj = json.loads(line)
            asked = obj.get("asked_at")
            out.append(
                BenchQuestion(
                    id=str(obj["id"]),
                    question=str(obj["question"]),
                    as_of=date.fromisoformat(asked) if asked else None,
                )
            )
            if limit is not None and len(out) >= limit:
                break
    return out


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as t: ...` then `t[0]` is the elapsed seconds."""
    box = [0.0]
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - t0
