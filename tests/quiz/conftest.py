from __future__ import annotations

import pytest

# A small valid grounded quiz; the bad-file cases are variations of it, so the line
# numbers below refer to this layout.
BASE = """\
id: demo-quiz
title: Demo
source:
  title: Demo source
  text: |
    The ICC prosecutor said Israel has agreed to engage with her office.

    Health officials said more than 2,100 Palestinians died.
questions:
  - id: q1
    prompt: Who said it?
    choices:
      - text: The prosecutor
        correct: true
      - text: A diplomat
    explanation: The article attributes it to the prosecutor.
    quote: The ICC prosecutor said
"""


def variant(old: str, new: str, base: str = BASE) -> str:
    assert base.count(old) == 1, f"{old!r} must occur once in the base quiz"
    return base.replace(old, new)


@pytest.fixture
def base_quiz() -> str:
    return BASE
