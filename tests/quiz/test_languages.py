"""Quizzes in other languages: a French one and a Hindi one (Devanagari), each over a
short text written for the tests. Their quotes are found in their sources, and typed
answers are compared without accents where accents are accents, and with the marks that
are part of the spelling in other scripts."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bot.quiz.catalog import load_file
from bot.quiz.loader import LoadedQuiz, load_quiz
from bot.quiz.marking import Typed, check
from bot.quiz.matching import normalize_answer

HERE = Path(__file__).with_name("languages")
ROOT = Path(__file__).resolve().parents[2]


def loaded(name: str) -> LoadedQuiz:
    result = load_file(HERE / name, HERE)
    assert result.quiz is not None, [d.format() for d in result.diagnostics]
    assert not result.diagnostics, [d.format() for d in result.diagnostics]
    return result.quiz


def typed(quiz: LoadedQuiz, question_id: str, text: str) -> bool:
    return check(quiz.quiz.question(question_id), (), Typed(text)).correct


def test_each_quiz_declares_its_language_and_the_icc_quiz_is_english() -> None:
    assert loaded("paris-fleuve.yaml").quiz.language == "fr"
    assert loaded("dilli.yaml").quiz.language == "hi"
    icc = load_file(ROOT / "quizzes" / "icc-gaza-2014.yaml", ROOT / "quizzes")
    assert icc.quiz is not None and icc.quiz.quiz.language == "en"


def test_a_language_that_is_no_language_tag_is_an_error_at_its_line() -> None:
    text = (HERE / "paris-fleuve.yaml").read_text(encoding="utf-8")
    broken = text.replace("language: fr", "language: français!")
    result = load_quiz(broken.encode(), "broken.yaml", read_source=None)
    [error] = [d for d in result.diagnostics if d.where == "language"]
    assert error.severity == "error"
    assert (
        error.message
        == "`français!` is not a language tag: use a BCP 47 tag such as en, fr, es-MX or hi"
    )
    assert error.line == text.splitlines().index("language: fr") + 1


@pytest.mark.parametrize(
    ("question", "answer", "right"),
    [
        ("fleuve", "seine", True),
        ("fleuve", "LA SEINE !", True),
        ("ile", "ile de la cite", True),  # accents left out
        ("ile", "Île de la Cité", True),
        ("ile", "l\u2019île de la Cité", True),  # a typographic apostrophe
        ("ile", "ile saint-louis", False),
        ("ponts", "37", True),
    ],
)
def test_french_answers(question: str, answer: str, right: bool) -> None:
    assert typed(loaded("paris-fleuve.yaml"), question, answer) is right


@pytest.mark.parametrize(
    ("question", "answer", "right"),
    [
        ("rajdhani", "दिल्ली", True),
        ("rajdhani", " दिल्ली। ", True),  # the danda is punctuation
        ("rajdhani", "मुंबई", False),
        ("abadi", "3", True),
    ],
)
def test_hindi_answers(question: str, answer: str, right: bool) -> None:
    assert typed(loaded("dilli.yaml"), question, answer) is right


def test_accents_are_dropped_only_where_they_are_accents() -> None:
    assert normalize_answer("Fatou Bénsouda") == "fatou bensouda"
    assert normalize_answer("Ἀθῆναι") == "αθηναι"  # Greek
    assert normalize_answer("Ёлка") == "елка"  # Cyrillic
    # Devanagari: the vowel signs and the virama are letters' parts, not accents.
    assert normalize_answer("दिल्ली") == "दिल्ली"
    assert normalize_answer("दिल्ली") != normalize_answer("दलल")
    # Hebrew vowel points are kept too; Chinese needs no spaces.
    assert normalize_answer("שָׁלוֹם") == "שָׁלוֹם"
    assert normalize_answer("東京。") == "東京"
    # Decomposed and composed forms of the same text are the same answer.
    assert normalize_answer("Cite\u0301") == normalize_answer("Cité") == "cite"


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("fr", "trente-sept", 37),
        ("fr", "37 ponts", 37),
        ("fr", "3,5", 3.5),  # the decimal comma
        ("fr", "2 100", 2100),
        ("fr", "2.100", 2100),  # a dot groups thousands here
        ("fr", "moins trois", -3),
        ("fr", "3.5", 3.5),  # the English way still reads
        ("es", "cuarenta y dos", 42),
        ("es", "tres coma cinco", 3.5),
        ("de", "zweiundvierzig", 42),
        ("de", "3,5", 3.5),
        ("en", "2,100", 2100),  # in English the comma groups thousands
        ("en", "forty-two", 42),
        ("fr", "forty-two", 42),  # English words are understood everywhere
    ],
)
def test_number_answers_as_each_reader_writes_them(language: str, typed: str, value: float) -> None:
    from bot import i18n
    from bot.quiz.marking import parse_number

    with i18n.using(language):
        assert parse_number(typed) == value


def test_a_french_student_answers_the_french_quiz_in_words() -> None:
    from bot import i18n

    quiz = loaded("paris-fleuve.yaml")
    with i18n.using("fr"):
        assert typed(quiz, "ponts", "trente-sept")
        assert typed(quiz, "longueur", "13,4")  # within 0.5 of 13
        assert not typed(quiz, "longueur", "14,5")


def test_a_quote_matches_whether_its_accents_are_composed_or_not() -> None:
    from bot.quiz.quotes import SourceText

    composed = (HERE / "sources" / "paris-fleuve.txt").read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", composed)
    quote = "l'île de la Cité abrite la cathédrale Notre-Dame"
    for source in (composed, decomposed):
        text = SourceText(source)
        assert text.contains(quote) and text.contains(unicodedata.normalize("NFD", quote))
        found = text.paragraph_of(unicodedata.normalize("NFD", quote))
        assert found is not None and found.number == 2
    hindi = SourceText((HERE / "sources" / "dilli.txt").read_text(encoding="utf-8"))
    assert hindi.contains("यमुना नदी दिल्ली से होकर बहती है।")
    assert not hindi.contains("यमुना नदी दलल से होकर बहती है।")  # the marks count
