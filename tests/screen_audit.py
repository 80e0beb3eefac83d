"""The screen audit: what a student reads after answering agrees with the question screen
they answered, letter for letter, and the figures add up from screen to screen.

Only screens are read. The letters and texts come from the question screen as shown; which
texts are right comes from the quiz file, by text; nothing here asks the game for its
internal order, so a wrong order anywhere between the engine and a screen is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.quiz.matching import normalize_answer
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from bot.quiz.presentation import option_labels

# "**B.** text" (Discord) or " B. text" (terminal), one option per line.
_OPTION = re.compile(r"^\s*(?:\*\*)?(?P<letter>[A-J])\.(?:\*\*)?\s+(?P<text>.+?)\s*$")
_VERDICT = re.compile(
    r"✅ Correct!(?: \(spelled: (?P<spelled>[^)]*)\))? \+(?P<points>\d+) points"
    r"|❌ Not quite"
)
_SCORE = re.compile(
    r"Your score so far: (?P<points>\d+) points, (?P<right>\d+) of (?P<n>\d+) right"
)
_GAME = re.compile(
    r"(?i)this game: (?:\*\*)?(?P<points>\d+) points(?:\*\*)?, (?P<right>\d+) of (?P<n>\d+) right"
)
# Lines that name answers: each part between "; " must be "L. <an option's text>".
_NAMING = re.compile(r"(?:The answer|You answered|Locked in): (?P<named>.+)$", re.MULTILINE)


def flat(text: str) -> str:
    """Whitespace, block-quote marks and Markdown emphasis out: what the words say."""
    text = re.sub(r"(?m)^\s*(?:>|▌)\s?", " ", text)
    return " ".join(text.replace("**", "").replace("*", "").split())


@dataclass
class QuestionScreen:
    """A question screen as a student read it."""

    question: AnyQuestion
    text: str
    options: dict[str, str] = field(default_factory=dict)  # letter -> text, as shown

    def letter_of(self, text: str) -> str:
        [found] = [letter for letter, shown in self.options.items() if shown == text]
        return found

    def right_letters(self) -> list[str]:
        q = self.question
        if isinstance(q, ChoiceQuestion):
            return sorted(self.letter_of(c.text) for c in q.choices if c.correct)
        if isinstance(q, TrueFalseQuestion):
            return [self.letter_of("True" if q.answer else "False")]
        return []

    def wrong_letters(self) -> list[str]:
        """A wrong answer a student could pick: for select-all, one right and one wrong
        choice, so that the feedback has to name several picks."""
        right = self.right_letters()
        others = sorted(set(self.options) - set(right))
        q = self.question
        if isinstance(q, ChoiceQuestion) and q.select_all:
            return sorted([right[0], others[0]])
        return [others[0]]


def read_question_screen(text: str, quiz: Quiz) -> QuestionScreen:
    """The question a screen shows (by its prompt) and its options by letter."""
    shown = flat(text)
    matches = [q for q in quiz.questions if flat(q.prompt) in shown]
    assert matches, f"no question of {quiz.id} on this screen:\n{text}"
    question = max(matches, key=lambda q: len(q.prompt))
    screen = QuestionScreen(question, text)
    labels = option_labels(question)
    if labels:
        for line in text.splitlines():
            match = _OPTION.match(line.strip().strip("│").strip())
            if match and match["text"] in labels:
                assert match["letter"] not in screen.options, f"two options {match['letter']}"
                screen.options[match["letter"]] = match["text"]
        letters = sorted(screen.options)
        assert letters == [chr(ord("A") + i) for i in range(len(labels))], (letters, text)
        assert sorted(screen.options.values()) == sorted(labels), text
    return screen


def right_typed(question: AnyQuestion, variant: int = 0) -> str:
    """A right typed answer; odd variants carry a slip a teacher forgives (two swapped
    letters) where the answer is long enough, to show the spelling in the feedback."""
    if isinstance(question, ShortAnswerQuestion):
        answer = question.answers[0]
        if variant % 2 and question.fuzzy and len(answer) >= 6:
            i = len(answer) // 2
            if answer[i].isalpha() and answer[i + 1].isalpha() and answer[i] != answer[i + 1]:
                return answer[:i] + answer[i + 1] + answer[i] + answer[i + 2 :]
        return answer
    assert isinstance(question, NumberQuestion)
    return f"{question.answer:,g}" if variant % 2 else f"{question.answer:g}"


def wrong_typed(question: AnyQuestion) -> str:
    return "no idea" if isinstance(question, ShortAnswerQuestion) else "999999"


def named_pairs(text: str, question: AnyQuestion) -> list[tuple[str, str]]:
    """Every "L. <option text>" a later screen shows for this question's options."""
    found = []
    for label in option_labels(question):
        pattern = (
            r"(?<![\w])(?:\*\*)?([A-J])\.(?:\*\*)? " + re.escape(label) + r"(?=$|[\n;*]| ✅| —)"
        )
        found += [(m[1], label) for m in re.finditer(pattern, text, re.MULTILINE)]
    return found


@dataclass(frozen=True)
class Verdict:
    correct: bool
    points: int
    spelled: str | None


def read_verdict(text: str) -> Verdict:
    match = _VERDICT.search(text)
    assert match, f"no verdict on this screen:\n{text}"
    if match[0].startswith("❌"):
        return Verdict(False, 0, None)
    return Verdict(True, int(match["points"]), match["spelled"])


def read_score(text: str) -> tuple[int, int, int]:
    """(points, right, answered) of "Your score so far"."""
    match = _SCORE.search(text)
    assert match, f"no running score on this screen:\n{text}"
    return int(match["points"]), int(match["right"]), int(match["n"])


def read_game_score(text: str) -> tuple[int, int, int]:
    """(points, right, answered) of the summary's "this game" line."""
    match = _GAME.search(text)
    assert match, f"no figures of this game on this screen:\n{text}"
    return int(match["points"]), int(match["right"]), int(match["n"])


def audit_letters(screen: QuestionScreen, later: str, where: str) -> list[tuple[str, str]]:
    """Every letter a later screen names means what it meant on the question screen, and
    no answer is named by a bare letter."""
    pairs = named_pairs(later, screen.question)
    for letter, text in pairs:
        assert screen.options.get(letter) == text, (
            f"{where}: {letter}. names {text!r}, but the question screen showed "
            f"{letter}. {screen.options.get(letter)!r}\n--- question ---\n{screen.text}\n"
            f"--- later ---\n{later}"
        )
    if isinstance(screen.question, ChoiceQuestion):
        for match in _NAMING.finditer(later):
            for part in match["named"].strip("*. ").split("; "):
                part = part.strip("*")
                assert re.match(r"[A-J]\. \S", part), (
                    f"{where}: {part!r} is not named with its text"
                )
    return pairs


def audit_picks(
    screen: QuestionScreen, later: str, picked: list[str], where: str
) -> list[tuple[str, str]]:
    """The letters check, and each pick named as on the screen: "B. text" for a choice,
    the word for true/false ("You answered: False", "Locked in: **False**")."""
    pairs = audit_letters(screen, later, where)
    named = " ".join(
        m["named"] for m in _NAMING.finditer(later) if not m[0].startswith("The answer")
    ).replace("*", "")
    for letter in picked:
        if isinstance(screen.question, ChoiceQuestion):
            assert (letter, screen.options[letter]) in pairs, f"{where}: pick {letter} unnamed"
        else:
            assert named.startswith(screen.options[letter]), f"{where}: pick {letter}: {later}"
    return pairs


def audit_feedback(
    screen: QuestionScreen,
    later: str,
    *,
    picked: list[str],
    right: bool,
    where: str,
    typed: str | None = None,
) -> Verdict:
    """The screen after one answer: verdict, letters, the right answer, why and the quote;
    for a typed short answer, the spelling shown exactly when a typo was forgiven."""
    verdict = read_verdict(later)
    assert verdict.correct is right, f"{where}: expected {'right' if right else 'wrong'}:\n{later}"
    q = screen.question
    if isinstance(q, ShortAnswerQuestion) and right and typed is not None:
        exact = normalize_answer(typed) in {normalize_answer(a) for a in q.answers}
        if exact:
            assert verdict.spelled is None, f"{where}: {typed!r} needs no spelling:\n{later}"
        else:
            assert verdict.spelled in q.answers, f"{where}: {typed!r} shows no spelling:\n{later}"
    pairs = audit_picks(screen, later, picked, where)
    if isinstance(q, ChoiceQuestion):
        if not right:  # "The answer" names each right choice by its screen letter
            for letter in screen.right_letters():
                assert (letter, screen.options[letter]) in pairs, (
                    f"{where}: the right answer {letter}. {screen.options[letter]!r} "
                    f"is not named as on the question screen:\n{later}"
                )
    elif isinstance(q, TrueFalseQuestion) and not right:
        assert f"The answer: {'True' if q.answer else 'False'}" in flat(later), later
    audit_explanation(q, later, where)
    return verdict


def audit_explanation(question: AnyQuestion, later: str, where: str) -> None:
    """Every explanation carries its quote (and its words)."""
    words = flat(later)
    if question.explanation:
        assert flat(question.explanation) in words, f"{where}: explanation missing:\n{later}"
    assert question.quotes, f"{question.id} has no quote"
    for quote in question.quotes:
        assert flat(quote) in words, f"{where}: quote missing: {quote!r}\n{later}"
