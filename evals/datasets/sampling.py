"""A seeded, reproducible sample of a dataset's questions (for quick and bounded runs)."""

from __future__ import annotations

from collections.abc import Sequence

from evals.datasets.questions import EvalQuestion


def sample(questions: Sequence[EvalQuestion], limit: int | None, seed: int) -> list[EvalQuestion]:
    """`limit` questions drawn with a seeded RNG (all when limit is None), sorted by id."""
    import random

    ordered = sorted(questions, key=lambda q: q.id)
    if limit is None or limit >= len(ordered):
        return ordered
    picked = random.Random(seed).sample(ordered, max(limit, 0))
    return sorted(picked, key=lambda q: q.id)
