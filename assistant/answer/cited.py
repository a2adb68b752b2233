"""From an LLM's claims to the answer text: each claim checked, cited, rendered with `[n]` markers.

`CitedAnswer.add(claims)` takes the claims read so far (`claims.read_reply`), attributes the new
ones (`attribution.Attributor`), and returns the text to show for them: `"sentence [1][2]"`,
joined by spaces, so the pieces it returns concatenate to the final text exactly (streaming sends
them as they come). Citations are numbered 1..n in order of first appearance; a claim citing the
same sentence as an earlier one reuses its number.

A claim no passage supports is dropped (`unsupported="refuse"`) or kept without a marker
(`"flag"`); either way it is counted. A claim that says the passages lack the answer stops the
answer (`refusal_claim`). The answerer decides what a final answer with nothing supported is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer.attribution import Attributor
from assistant.answer.citations import make_citation
from assistant.answer.claims import Claim
from assistant.answer.refusal import is_refusal_sentence, says_not_found
from assistant.models import AttributionStats, Citation


@dataclass
class CitedAnswer:
    attributor: Attributor
    passages_in_prompt: int
    mode: str
    keep_unsupported: bool = False
    text: str = ""
    citations: list[Citation] = field(default_factory=list)
    refusal_claim: bool = False
    """A claim said the passages do not contain the answer (or wrote the sentinel)."""
    stats: AttributionStats = field(init=False)
    dropped: int = 0
    """Passage numbers the model gave that point to no passage in the prompt."""
    _done: int = 0
    _numbers: dict[tuple[int, int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stats = AttributionStats(mode=self.mode)

    @property
    def supported(self) -> int:
        return self.stats.supported

    def add(self, claims: Sequence[Claim]) -> str:
        """Handle `claims[already handled:]`; returns the text added for them."""
        out = ""
        for claim in claims[self._done :]:
            self._done += 1
            if self.refusal_claim:
                continue
            if says_not_found(claim.text) or (
                self.stats.statements == 0 and is_refusal_sentence(claim.text)
            ):
                self.refusal_claim = True
                continue
            piece = self._one(claim)
            if piece:
                piece = piece if not self.text and not out else " " + piece
                out += piece
        self.text += out
        return out

    def _one(self, claim: Claim) -> str:
        self.stats.statements += 1
        proposed = [n for n in claim.proposed if 1 <= n <= self.passages_in_prompt]
        self.dropped += len(claim.proposed) - len(proposed)
        support = self.attributor.support(claim.text, proposed)
        if not support.supported:
            return claim.text if self.keep_unsupported else ""
        self.stats.supported += 1
        if support.rescued:
            self.stats.rescued += 1
        else:
            self.stats.model_cited += 1
        marks = ""
        for index, span in support.evidence:
            key = (index, span.start, span.end)
            n = self._numbers.get(key)
            if n is None:
                n = self._numbers[key] = len(self._numbers) + 1
                passage = self.attributor.passages[index]
                self.citations.append(make_citation(n, passage, span))
            marks += f"[{n}]"
        return f"{claim.text} {marks}"
