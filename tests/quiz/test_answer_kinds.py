"""The kind of answer a question asks for, and `/ask` refusing passages without one."""

from __future__ import annotations

import pytest

from bot.quiz.answer_kinds import Kind, asked_for, holds
from bot.quiz.quotes import SourceText
from bot.quiz.retrieval import SourceIndex


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many soldiers died?", Kind.NUMBER),
        ("How much money does the court get?", Kind.NUMBER),
        ("In which month did the war begin?", Kind.MONTH),
        ("On what day did she speak?", Kind.DAY),
        ("What date was the visit?", Kind.DAY),
        ("In what year did it happen?", Kind.TIME),
        ("When did Hamas take control?", Kind.TIME),
        ("Who is the prosecutor?", None),
        ("Why does Israel object?", None),
        ("How did the news come out?", None),
    ],
)
def test_the_kind_asked_for(question: str, kind: Kind | None) -> None:
    assert asked_for(question) is kind


@pytest.mark.parametrize(
    ("kind", "text", "held"),
    [
        (Kind.NUMBER, "67 soldiers and six civilians", True),
        (Kind.NUMBER, "more than 2,100 Palestinians", True),
        (Kind.NUMBER, "dozens of dossiers", True),
        (Kind.NUMBER, "officials were wary of the court", False),
        (Kind.MONTH, "It began in July 2014.", True),
        (Kind.MONTH, "Talks may begin soon.", False),  # "may" the verb
        (Kind.MONTH, "The war of 2014.", False),
        (Kind.DAY, "late on Thursday", True),
        (Kind.DAY, "on 8 July", True),
        (Kind.DAY, "in the morning", False),
        (Kind.TIME, "since 2007", True),
        (Kind.TIME, "Last year, the minister threatened", True),
        (Kind.TIME, "who is now defence minister", True),
        (Kind.TIME, "The court is in The Hague.", False),
    ],
)
def test_whether_a_text_holds_that_kind(kind: Kind, text: str, held: bool) -> None:
    assert holds(kind, text) is held


TEXT = (
    "Health officials said more than 2,100 Palestinians died in the conflict.\n\n"
    "Israel has kept Gaza, a small coastal enclave, under blockade since 2007.\n\n"
    "Court officials have always been wary about the conflict in Gaza."
)


def _index(language: str = "en") -> SourceIndex:
    return SourceIndex.build([("demo", SourceText(TEXT), "Demo")], languages={"demo": language})


def test_a_question_for_a_number_needs_a_passage_with_one() -> None:
    # Words alone match paragraph 3 ("court officials", "conflict", "Gaza")...
    assert _index().ask("Why are court officials wary about Gaza?").found
    # ... but none of the passages it would quote holds a month.
    answer = _index().ask("In which month were court officials wary about Gaza?")
    assert not answer.found and answer.passages == ()
    assert answer.evidence is not None and answer.evidence.enough  # words held, no month


def test_a_passage_with_the_kind_keeps_the_answer() -> None:
    answer = _index().ask("How many Palestinians died in the conflict?")
    assert answer.found and answer.passages[0].paragraph == 1
    since = _index().ask("Since when has Israel kept Gaza under blockade?")
    assert since.found and since.passages[0].paragraph == 2


def test_texts_in_other_languages_are_not_checked() -> None:
    # The words that name kinds are English: another language's text is left alone.
    question = "In which month were court officials wary about Gaza?"
    assert _index("fr").ask(question).found
