"""All 54 lists that ship with Red's Trivia cog convert into quizzes that validate.

The lists are GPL-3.0 and live beside the checkout (../shared/corpora), never in it; the
test skips, saying so, when they are absent.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot.importers.red import convert_red
from tests.importers.conftest import errors_of

LISTS = 54
QUESTIONS = 14_655  # distinct questions, as Red itself (yaml.safe_load) counts them


def test_every_red_list_converts_and_validates(red_lists: Path) -> None:
    paths = sorted(red_lists.glob("*.yaml"))
    assert len(paths) == LISTS
    kept = skipped = 0
    repeats: list[str] = []
    errors: dict[str, list[str]] = {}
    quiz_ids: Counter[str] = Counter()
    for path in paths:
        data = path.read_bytes()
        conversion = convert_red(data, path.stem)
        # Nothing is lost silently: every question is kept or reported skipped.
        listed = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        questions = len(listed) - len({"AUTHOR", "DESCRIPTION", "CONFIG"} & set(listed))
        assert conversion.kept + conversion.skipped == questions, path.name
        assert sum(n.skipped for n in conversion.notes) == conversion.skipped, path.name
        kept += conversion.kept
        skipped += conversion.skipped
        repeats += [path.name for n in conversion.notes if n.message.startswith("asked again")]
        for quiz_id, text in conversion.documents():
            quiz_ids[quiz_id] += 1
            found = errors_of(text, f"{quiz_id}.yaml")
            if found:
                errors[quiz_id] = found[:3]
    assert errors == {}
    assert kept + skipped == QUESTIONS
    assert (kept, skipped) == (14_655, 0)
    # The two questions asked twice in one list are reported (Red keeps the last silently).
    assert repeats == ["music.yaml", "worldcup.yaml"]
    # The 11 lists over 500 questions are split; every quiz id is unique.
    assert len(quiz_ids) == 66 and max(quiz_ids.values()) == 1


def test_yes_no_answers_of_the_corpus_stay_words(red_lists: Path) -> None:
    conversion = convert_red((red_lists / "startrek.yaml").read_bytes(), "startrek")
    by_prompt = {q["prompt"]: q["answers"] for q in conversion.questions}
    assert by_prompt["Does money exist in the 24th century?"][0] == "No"
    stardates = [a for answers in by_prompt.values() for a in answers if a == "48650.1"]
    assert len(stardates) == 2
