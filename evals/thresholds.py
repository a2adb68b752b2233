"""Threshold gates for CI: a TOML file of metric minimums (and maximums) checked against a report.

Format: top-level `metric = value` pairs and/or a `[minimum]` table are lower bounds; a
`[maximum]` table holds upper bounds for lower-is-better metrics (false_refusal_rate, latencies).
A named metric that was not measured (value None) fails the gate; an unknown name is an error.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import EvalInputError
from evals.scoring import SPECS


@dataclass(frozen=True)
class Thresholds:
    minimum: dict[str, float]
    maximum: dict[str, float]


@dataclass(frozen=True)
class Shortfall:
    metric: str
    value: float | None
    bound: float
    kind: str  # "minimum" | "maximum"

    def __str__(self) -> str:
        got = "not measured" if self.value is None else f"{self.value:.4f}"
        rel = "<" if self.kind == "minimum" else ">"
        return (
            f"{self.metric}: {got} {rel} {self.kind} {self.bound}"
            if self.value is not None
            else (f"{self.metric}: not measured ({self.kind} {self.bound})")
        )


def _numbers(table: Any, where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise EvalInputError(f"{where} must be a table of metric = number")
    out: dict[str, float] = {}
    for name, value in table.items():
        if name not in SPECS:
            raise EvalInputError(f"{where}: unknown metric {name!r} (known: {', '.join(SPECS)})")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise EvalInputError(f"{where}: {name} must be a number")
        out[name] = float(value)
    return out


def parse_thresholds(text: str, where: str = "thresholds") -> Thresholds:
    data = tomllib.loads(text)
    top = {k: v for k, v in data.items() if not isinstance(v, dict)}
    minimum = _numbers(top, where) | _numbers(data.get("minimum", {}), f"{where} [minimum]")
    maximum = _numbers(data.get("maximum", {}), f"{where} [maximum]")
    return Thresholds(minimum, maximum)


def load_thresholds(path: Path) -> Thresholds:
    return parse_thresholds(path.read_text(encoding="utf-8"), str(path))


def check(metrics: dict[str, dict[str, Any]], thresholds: Thresholds) -> list[Shortfall]:
    """The bounds a report's metrics (report["metrics"]) fail; empty when all pass."""
    out: list[Shortfall] = []
    for name, bound in thresholds.minimum.items():
        value = metrics.get(name, {}).get("value")
        if value is None or value < bound:
            out.append(Shortfall(name, value, bound, "minimum"))
    for name, bound in thresholds.maximum.items():
        value = metrics.get(name, {}).get("value")
        if value is None or value > bound:
            out.append(Shortfall(name, value, bound, "maximum"))
    return out
