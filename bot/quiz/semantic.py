"""Meaning, not only words, for `/ask`: sentence embeddings of the indexed texts.

An `Embedder` turns texts into unit-length vectors whose dot product says how alike
their meanings are ("How many Israeli troops lost their lives?" is close to "Israel put
the number of its dead at 67 soldiers"). The domain only knows this protocol; the model
behind it is loaded outside (`bot.paraphrase_model`), from what an installed package
ships, never from the network.

`CachedEmbedder` remembers the vectors of texts it has seen: every server's index holds
the same article and quiz notes, and rebuilding one after an upload should only pay for
the new texts. It is safe to call from several threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from bot.quiz.lemmas import primary_subtag

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# The packaged model reads English only: texts in other languages keep word matching.
SEMANTIC_LANGUAGES = frozenset({"en"})


class Embedder(Protocol):
    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit-length row per text, in order."""
        ...


class CachedEmbedder:
    """An embedder that computes each distinct text once (up to `capacity` texts)."""

    def __init__(self, embed: Embedder, name: str, capacity: int = 50_000) -> None:
        self._embed = embed
        self.name = name  # shown to operators: which model answers
        self._capacity = capacity
        self._vectors: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        # One computation at a time: the model already uses every core for one batch.
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        import numpy as np

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing:
                for text, vector in zip(missing, self._embed(missing), strict=True):
                    self._vectors[text] = vector
            rows = []
            for text in texts:
                self._vectors.move_to_end(text)
                rows.append(self._vectors[text])
            while len(self._vectors) > self._capacity:
                self._vectors.popitem(last=False)
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack(rows).astype(np.float32, copy=False)

    def clear(self) -> None:
        """Forget every vector (an index keeps those of its texts)."""
        with self._lock:
            self._vectors.clear()


def is_semantic_language(language: str) -> bool:
    return primary_subtag(language) in SEMANTIC_LANGUAGES
