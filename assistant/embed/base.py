"""The `Embedder` protocol: texts in, L2-normalized float32 vectors out.

Implementations live beside this module (one vendor library each); nothing here loads a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """`embed` texts; `name` identifies the model so a collection never mixes two."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed `texts` (any count; batching is the embedder's business) as unit-length rows."""
        ...

    def warm_up(self) -> None:
        """Load whatever the first `embed` would load (models, sessions), now."""
        ...
