from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest

from bot.quiz.catalog import Catalog
from bot.quiz.errors import (
    AlreadyAnswered,
    InvalidAnswer,
    InvalidOption,
    NotCurrentQuestion,
    NothingToAnswer,
    NotYourSession,
    QuestionStillOpen,
    QuizError,
    SessionClosed,
    TimeUp,
)
from bot.quiz.marking import Picked, Response, Typed, choice_order
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from bot.quiz.session import (
    Mode,
    Phase,
    QuizSession,
    SessionPlan,
    SessionState,
    SystemClock,
    plan_session,
)

T0 = 1_700_000_000.0
OWNER, ANN, BOB, CY = 100, 1, 2, 3


class FakeClock:
    def __init__(self, start: float = T0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def make_quiz(**settings: Any) -> Quiz:
    return Quiz.model_validate(
        {
            "id": "demo-quiz",
            "title": "Demo",
            "settings": {"time_limit": 20, **settings},
            "questions": [
                {
                    "id": "agreed",
                    "prompt": "What has Israel agreed to do?",
                    "choices": [
                        {"text": "Engage with her office", "correct": True},
                        {"text": "Open its airports", "feedback": "No request was confirmed."},
                        {"text": "Leave the court"},
                        {"text": "Nothing at all"},
                    ],
                    "points": 10,
                },
                {
                    "id": "civilians",
                    "type": "true_false",
                    "prompt": "Mostly civilians?",
                    "answer": True,
                    "points": 20,
                },
                {
                    "id": "prosecutor",
                    "type": "short_answer",
                    "prompt": "Who?",
                    "answers": ["Fatou Bensouda"],
                    "points": 10,
                },
                {
                    "id": "dead",
                    "type": "number",
                    "prompt": "How many?",
                    "answer": 2100,
                    "points": 30,
                },
            ],
        }
    )


def right(question: AnyQuestion, order: tuple[int, ...]) -> Response:
    if isinstance(question, ChoiceQuestion):
        return Picked(frozenset(p for p, i in enumerate(order) if i in question.correct_indexes))
    if isinstance(question, TrueFalseQuestion):
        return Picked.of(order.index(0 if question.answer else 1))
    if isinstance(question, ShortAnswerQuestion):
        return Typed(question.answers[0])
    assert isinstance(question, NumberQuestion)
    return Typed(str(question.answer))


def wrong(question: AnyQuestion, order: tuple[int, ...]) -> Response:
    if isinstance(question, ChoiceQuestion):
        return Picked.of(next(p for p, i in enumerate(order) if i not in question.correct_indexes))
    if isinstance(question, TrueFalseQuestion):
        return Picked.of(order.index(1 if question.answer else 0))
    if isinstance(question, ShortAnswerQuestion):
        return Typed("somebody else")
    return Typed("-1")


def new_session(
    mode: Mode = Mode.SOLO, *, seed: int = 42, quiz: Quiz | None = None, **kwargs: Any
) -> tuple[QuizSession, FakeClock]:
    quiz = quiz or make_quiz()
    plan = plan_session(
        quiz, session_id="s1", version="v1", mode=mode, seed=seed, owner_id=OWNER, **kwargs
    )
    clock = FakeClock()
    session = QuizSession(plan, quiz, clock)
    session.start()
    return session, clock


# --- plans ---------------------------------------------------------------------------------


def test_plan_is_deterministic_from_the_seed() -> None:
    quiz = make_quiz()
    plans = [
        plan_session(quiz, session_id="s", version="v", mode=Mode.SOLO, seed=s, owner_id=1)
        for s in (5, 5, 6)
    ]
    assert plans[0] == plans[1]
    assert sorted(plans[0].question_ids) == ["agreed", "civilians", "dead", "prosecutor"]
    orders = {
        plan_session(
            quiz, session_id="s", version="v", mode=Mode.SOLO, seed=s, owner_id=1
        ).question_ids
        for s in range(20)
    }
    assert len(orders) > 3


def test_plan_keeps_file_order_without_shuffle() -> None:
    quiz = make_quiz(shuffle_questions=False)
    plan = plan_session(quiz, session_id="s", version="v", mode=Mode.LIVE, seed=9, owner_id=7)
    assert plan == SessionPlan(
        session_id="s",
        quiz_id="demo-quiz",
        quiz_version="v",
        mode=Mode.LIVE,
        seed=9,
        question_ids=("agreed", "civilians", "prosecutor", "dead"),
        time_limit=20,
        owner_id=7,
    )


@pytest.mark.parametrize(
    ("settings", "count", "expected"),
    [({}, None, 4), ({}, 2, 2), ({}, 99, 4), ({"questions_per_game": 3}, None, 3)],
)
def test_plan_question_count(settings: dict[str, Any], count: int | None, expected: int) -> None:
    quiz = make_quiz(**settings)
    plan = plan_session(
        quiz, session_id="s", version="v", mode=Mode.SOLO, seed=1, owner_id=1, count=count
    )
    assert len(plan.question_ids) == expected


def test_plan_count_and_time_limit_checks() -> None:
    quiz = make_quiz()
    common: dict[str, Any] = {"session_id": "s", "version": "v", "seed": 1, "owner_id": 1}
    with pytest.raises(InvalidOption, match="at least 1") as caught:
        plan_session(quiz, mode=Mode.SOLO, count=0, **common)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(InvalidOption, match="between 5 and 300"):
        plan_session(quiz, mode=Mode.LIVE, time_limit=2, **common)
    assert plan_session(quiz, mode=Mode.LIVE, **common).time_limit == 20
    assert plan_session(quiz, mode=Mode.LIVE, time_limit=45, **common).time_limit == 45


# --- solo ----------------------------------------------------------------------------------


def test_solo_round_trip() -> None:
    session, clock = new_session(Mode.SOLO)
    assert (session.phase, session.index, session.number, session.total) == (
        Phase.ASKING,
        0,
        1,
        4,
    )
    assert session.opened_at == T0 and session.deadline is None
    points = 0
    for n in range(1, 5):
        assert session.number == n and session.phase == Phase.ASKING
        clock.advance(60)  # no deadline in solo, and no speed bonus
        question = session.question
        outcome = session.answer(OWNER, right(question, session.order))
        assert outcome.correct and outcome.bonus == 0
        assert outcome.points == outcome.base == question.points
        assert outcome.elapsed == 60 and outcome.position == n - 1 and outcome.streak == n
        points += question.points
        assert session.phase == Phase.REVEALED
        assert session.is_last is (n == 4)
        assert session.next() is (n < 4)
    assert session.phase == Phase.FINISHED
    assert session.user_total(OWNER) == points == 70
    assert session.standings() == [(1, OWNER, 70)]


def test_solo_answering_twice_is_locked_in() -> None:
    session, _ = new_session(Mode.SOLO)
    first = session.answer(OWNER, wrong(session.question, session.order))
    with pytest.raises(AlreadyAnswered) as caught:
        session.answer(OWNER, right(session.question, session.order))
    assert caught.value.outcome == first
    assert str(caught.value) == f"your answer {first.given} is locked in"
    assert session.user_total(OWNER) == 0


def test_solo_only_the_owner_answers() -> None:
    session, _ = new_session(Mode.SOLO)
    with pytest.raises(NotYourSession):
        session.answer(ANN, right(session.question, session.order))
    assert session.participants == frozenset()
    assert session.phase == Phase.ASKING


def test_solo_wrong_answer_shows_choice_feedback() -> None:
    quiz = make_quiz(shuffle_questions=False)
    session, _ = new_session(Mode.SOLO, quiz=quiz)
    shown = session.order.index(1)  # "Open its airports"
    outcome = session.answer(OWNER, Picked.of(shown))
    assert not outcome.correct and outcome.points == 0 and outcome.picked == (1,)
    assert outcome.given == f"{'ABCD'[shown]}. Open its airports"
    assert outcome.feedback == "No request was confirmed."


def test_solo_reveal_without_answer_then_answer_is_refused() -> None:
    session, _ = new_session(Mode.SOLO)
    session.reveal()  # the student gave up
    with pytest.raises(NothingToAnswer):
        session.answer(OWNER, right(session.question, session.order))
    assert session.next() is True


def test_next_requires_the_question_closed() -> None:
    session, _ = new_session(Mode.SOLO)
    with pytest.raises(QuestionStillOpen):
        session.next()
    assert session.index == 0


def test_answer_before_start() -> None:
    quiz = make_quiz()
    plan = plan_session(quiz, session_id="s", version="v", mode=Mode.LIVE, seed=1, owner_id=OWNER)
    session = QuizSession(plan, quiz, FakeClock())
    with pytest.raises(NothingToAnswer):
        session.answer(ANN, Typed("x"))
    session.start()
    assert session.opened_at == T0 and session.deadline == T0 + 20


def test_answer_to_a_stale_question() -> None:
    session, _ = new_session(Mode.SOLO)
    old = session.question.id
    session.answer(OWNER, right(session.question, session.order), question_id=old)
    session.next()
    with pytest.raises(NotCurrentQuestion) as caught:
        session.answer(OWNER, right(session.question, session.order), question_id=old)
    assert caught.value.question_id == old
    assert str(caught.value) == "that question is no longer open"


def test_invalid_answers_record_nothing() -> None:
    session, _ = new_session(Mode.SOLO, quiz=make_quiz(shuffle_questions=False))
    with pytest.raises(InvalidAnswer):
        session.answer(OWNER, Typed("A"))  # the first question is a choice
    assert session.phase == Phase.ASKING and session.answers_for("agreed") == []
    assert session.answer(OWNER, Picked.of(session.order.index(0))).correct


def test_answering_after_finish_or_stop() -> None:
    session, _ = new_session(Mode.SOLO, count=1)
    session.answer(OWNER, right(session.question, session.order))
    assert session.next() is False
    assert session.phase == Phase.FINISHED
    with pytest.raises(SessionClosed):
        session.answer(OWNER, right(session.question, session.order))
    with pytest.raises(SessionClosed):
        session.next()
    with pytest.raises(SessionClosed):
        session.reveal()
    with pytest.raises(SessionClosed):
        session.open()


def test_streaks() -> None:
    quiz = make_quiz(shuffle_questions=False)
    session, _ = new_session(Mode.SOLO, quiz=quiz)
    streaks = []
    for good in (True, True, False, True):
        q, order = session.question, session.order
        streaks.append(session.answer(OWNER, right(q, order) if good else wrong(q, order)).streak)
        session.next()
    assert streaks == [1, 2, 0, 1]
    assert session.streak(OWNER) == 1
    assert session.user_total(OWNER) == 10 + 20 + 30


# --- live ----------------------------------------------------------------------------------


def test_live_speed_bonus_and_deadline() -> None:
    session, clock = new_session(Mode.LIVE, quiz=make_quiz(shuffle_questions=False))
    assert session.deadline == T0 + 20
    answer = right(session.question, session.order)
    assert session.answer(ANN, answer).bonus == 5  # instant: +50% of 10
    clock.advance(10)
    bob = session.answer(BOB, answer)
    assert (bob.base, bob.bonus, bob.points, bob.elapsed) == (10, 2, 12, 10)  # round(2.5)
    clock.advance(10)
    assert not session.expired()
    assert session.answer(CY, answer).bonus == 0  # exactly at the deadline: still in time
    clock.advance(0.5)
    assert session.expired()
    with pytest.raises(TimeUp):
        session.answer(OWNER, answer)
    assert session.phase == Phase.ASKING  # live questions stay open until revealed
    assert {o.user_id for o in session.answers_for("agreed")} == {ANN, BOB, CY}


def test_live_one_answer_per_user_and_no_answers_after_reveal() -> None:
    session, _ = new_session(Mode.LIVE)
    first = session.answer(ANN, wrong(session.question, session.order))
    with pytest.raises(AlreadyAnswered) as caught:
        session.answer(ANN, right(session.question, session.order))
    assert caught.value.outcome is first
    assert session.locked(ANN) is first and session.locked(BOB) is None
    session.reveal()
    assert session.phase == Phase.REVEALED
    with pytest.raises(NothingToAnswer):
        session.answer(BOB, right(session.question, session.order))
    with pytest.raises(NothingToAnswer):
        session.answer(ANN, right(session.question, session.order))
    assert not session.expired(session.clock.now() + 1000)  # closed questions never expire


def test_live_reveal_counts_per_displayed_position() -> None:
    quiz = make_quiz(shuffle_questions=False)
    session, clock = new_session(Mode.LIVE, quiz=quiz, seed=3)
    order = session.order
    assert order == choice_order(session.question, 3, shuffle=True)
    good = order.index(0)
    bad = order.index(2)
    session.answer(ANN, Picked.of(good))
    clock.advance(4)
    session.answer(BOB, Picked.of(bad))
    session.answer(CY, Picked.of(good))
    reveal = session.reveal()
    expected = [0, 0, 0, 0]
    expected[good], expected[bad] = 2, 1
    assert reveal.counts == tuple(expected)
    assert (reveal.answered, reveal.correct) == (3, 2)
    assert reveal.order == order and reveal.question.id == "agreed"
    assert reveal.correct_positions == (good,)
    assert reveal.standings == ((1, ANN, 15), (2, CY, 14), (3, BOB, 0))
    assert session.reveal() == reveal  # asking again changes nothing


def test_live_reveal_of_true_false_and_typed_questions() -> None:
    quiz = make_quiz(shuffle_questions=False)
    session, _ = new_session(Mode.LIVE, quiz=quiz)
    session.reveal()
    session.next()  # civilians: true/false
    session.answer(ANN, Picked.of(0))
    session.answer(BOB, Picked.of(0))
    session.answer(CY, Picked.of(1))
    tally = session.reveal()
    assert tally.counts == (2, 1) and tally.correct_positions == (0,)
    session.next()  # prosecutor: typed
    session.answer(ANN, Typed("Bensuoda, Fatou"))  # wrong word order is too far
    session.answer(BOB, Typed("fatou bensouda"))
    tally = session.reveal()
    assert tally.counts == (1, 1)
    assert (tally.answered, tally.correct, tally.correct_positions) == (2, 1, ())


def test_live_top_five_and_ties() -> None:
    quiz = make_quiz(shuffle_questions=False)
    session, _ = new_session(Mode.LIVE, quiz=quiz)
    good, bad = right(session.question, session.order), wrong(session.question, session.order)
    for user in range(1, 8):  # all at the same instant: same points for the right ones
        session.answer(user, good if user != 2 else bad)
    reveal = session.reveal()
    assert reveal.standings == ((1, 1, 15), (1, 3, 15), (1, 4, 15), (1, 5, 15), (1, 6, 15))
    assert session.standings()[-1] == (7, 2, 0)


def test_live_next_past_the_last_question_finishes() -> None:
    session, clock = new_session(Mode.LIVE, count=2)
    session.reveal()
    clock.advance(30)
    assert session.next() is True
    assert (session.phase, session.index, session.opened_at) == (Phase.ASKING, 1, T0 + 30)
    assert session.deadline == T0 + 50 and session.is_last
    session.reveal()
    assert session.next() is False
    assert session.phase == Phase.FINISHED


def test_stop_mid_round_keeps_scores() -> None:
    session, _ = new_session(Mode.LIVE, quiz=make_quiz(shuffle_questions=False))
    session.answer(ANN, right(session.question, session.order))
    session.stop()
    assert session.phase == Phase.FINISHED
    assert session.user_total(ANN) == 15
    assert session.standings() == [(1, ANN, 15)]
    with pytest.raises(SessionClosed):
        session.answer(BOB, right(session.question, session.order))
    session.stop()  # again: still finished
    assert session.phase == Phase.FINISHED


def test_everyone_answered() -> None:
    session, _ = new_session(Mode.LIVE)
    assert not session.everyone_answered()  # no one has played yet
    session.answer(ANN, right(session.question, session.order))
    assert not session.everyone_answered()  # the first question waits for the time
    assert session.everyone_answered(present={ANN})
    assert not session.everyone_answered(present={ANN, BOB})
    session.answer(BOB, right(session.question, session.order))
    session.reveal()
    session.next()
    assert not session.everyone_answered()
    session.answer(BOB, right(session.question, session.order))
    assert not session.everyone_answered()
    session.answer(CY, right(session.question, session.order))  # a newcomer
    assert not session.everyone_answered()
    session.answer(ANN, wrong(session.question, session.order))
    assert session.everyone_answered()
    assert session.participants == {ANN, BOB, CY}


# --- restart -------------------------------------------------------------------------------


def play_some(session: QuizSession, clock: FakeClock) -> None:
    for step in range(3):
        q, order = session.question, session.order
        session.answer(ANN, right(q, order))
        clock.advance(3)
        session.answer(BOB, right(q, order) if step != 1 else wrong(q, order))
        clock.advance(2)
        if step < 2:
            session.answer(CY, wrong(q, order))
            session.reveal()
            clock.advance(5)
            session.next()


def test_restore_rebuilds_an_equal_session() -> None:
    quiz = make_quiz()
    session, clock = new_session(Mode.LIVE, quiz=quiz, seed=2024)
    play_some(session, clock)
    state = session.snapshot()
    assert state == SessionState(Phase.ASKING, 2, session.opened_at, session.deadline)

    stored = list(reversed(session.outcomes))  # a database returns rows in any order
    later = FakeClock(clock.now() + 3)
    back = QuizSession.restore(session.plan, quiz, later, state, stored)

    assert back.snapshot() == state
    assert back.standings() == session.standings()
    assert back.outcomes == session.outcomes
    assert [back.locked(u) for u in (ANN, BOB, CY)] == [session.locked(u) for u in (ANN, BOB, CY)]
    assert back.question.id == session.question.id and back.order == session.order
    assert back.participants == session.participants
    with pytest.raises(AlreadyAnswered):
        back.answer(ANN, right(back.question, back.order))

    # Both go on the same way: same streaks, bonuses and totals.
    clock.advance(3)
    for s in (session, back):
        s.answer(CY, right(s.question, s.order))
        s.reveal()
        s.next()
        s.answer(ANN, right(s.question, s.order))
        s.answer(BOB, right(s.question, s.order))
    assert back.outcomes == session.outcomes
    assert back.standings() == session.standings()
    assert [back.streak(u) for u in (ANN, BOB, CY)] == [4, 2, 1]
    assert back.outcomes[-1].streak == session.outcomes[-1].streak


def test_restored_live_question_past_its_deadline_has_expired() -> None:
    quiz = make_quiz()
    session, clock = new_session(Mode.LIVE, quiz=quiz)
    session.answer(ANN, right(session.question, session.order))
    later = FakeClock(clock.now() + 600)  # the bot was down for ten minutes
    back = QuizSession.restore(session.plan, quiz, later, session.snapshot(), session.outcomes)
    assert back.expired()
    with pytest.raises(TimeUp):
        back.answer(BOB, right(back.question, back.order))
    back.open()  # resume: the question is open again with a fresh deadline
    assert back.deadline == later.now() + 20
    assert back.answer(BOB, right(back.question, back.order)).correct
    assert back.user_total(ANN) == session.user_total(ANN)


def test_restore_refuses_answers_that_do_not_fit_the_plan() -> None:
    quiz = make_quiz()
    session, _ = new_session(Mode.LIVE, quiz=quiz)
    outcome = session.answer(ANN, right(session.question, session.order))
    state = session.snapshot()
    with pytest.raises(ValueError, match="two answers"):
        QuizSession.restore(session.plan, quiz, FakeClock(), state, [outcome, outcome])
    with pytest.raises(ValueError, match="does not match"):
        QuizSession.restore(
            session.plan, quiz, FakeClock(), state, [dataclasses.replace(outcome, position=1)]
        )


def test_session_needs_the_plan_quiz() -> None:
    quiz = make_quiz()
    plan = plan_session(quiz, session_id="s", version="v", mode=Mode.SOLO, seed=1, owner_id=1)
    other = Quiz.model_validate({**quiz.model_dump(), "id": "other-quiz"})
    with pytest.raises(ValueError, match="other-quiz"):
        QuizSession(plan, other, FakeClock())


def test_system_clock_is_wall_clock() -> None:
    before = time.time()
    assert before <= SystemClock().now() <= time.time()


def test_errors_have_human_messages() -> None:
    for error in (SessionClosed(), TimeUp(), NotYourSession(), NothingToAnswer()):
        assert isinstance(error, QuizError)
        assert str(error) and not str(error).startswith("<")
    assert "over" in str(SessionClosed())
    assert "time is up" in str(TimeUp())


# --- the shipped quiz ----------------------------------------------------------------------


def test_a_solo_game_of_the_shipped_quiz() -> None:
    root = Path(__file__).resolve().parents[2] / "quizzes"
    catalog = Catalog(root)
    catalog.reload()
    loaded = catalog.get("icc-gaza-2014")
    assert loaded is not None
    plan = plan_session(
        loaded.quiz,
        session_id="g",
        version=loaded.version,
        mode=Mode.SOLO,
        seed=7,
        owner_id=OWNER,
    )
    assert len(plan.question_ids) == 10  # questions_per_game
    session = QuizSession(plan, loaded.quiz, FakeClock())
    session.start()
    expected = 0
    while True:
        question = session.question
        expected += question.points
        assert session.answer(OWNER, right(question, session.order)).correct
        if not session.next():
            break
    assert session.user_total(OWNER) == expected
    assert session.streak(OWNER) == 10
    same = plan_session(
        loaded.quiz, session_id="g", version=loaded.version, mode=Mode.SOLO, seed=7, owner_id=1
    )
    assert same.question_ids == plan.question_ids


def test_tied_users_stand_in_the_order_they_joined() -> None:
    session, clock = new_session(Mode.LIVE, quiz=make_quiz(shuffle_questions=False))
    good = right(session.question, session.order)
    session.answer(CY, good)
    clock.advance(0.1)  # still the full bonus after rounding
    session.answer(ANN, good)
    assert session.standings() == [(1, CY, 15), (1, ANN, 15)]


def test_withdraw_lets_the_user_answer_again() -> None:
    from bot.quiz.marking import Picked
    from bot.quiz.session import Mode, Phase, QuizSession, plan_session

    quiz = _withdraw_quiz()
    plan = plan_session(quiz, session_id="w", version="v", mode=Mode.SOLO, seed=1, owner_id=5)
    clock = _Clock()
    game = QuizSession(plan, quiz, clock)
    game.start()
    first = game.answer(5, Picked.of(game.order.index(0)))
    assert game.phase is Phase.REVEALED and game.user_total(5) == first.points > 0
    game.withdraw(first)
    assert game.phase is Phase.ASKING and game.user_total(5) == 0 and game.locked(5) is None
    second = game.answer(5, Picked.of(game.order.index(1)))
    assert not second.correct and game.streak(5) == 0


def test_adopt_replaces_the_locked_answer() -> None:
    from dataclasses import replace

    from bot.quiz.marking import Picked
    from bot.quiz.session import Mode, QuizSession, plan_session

    quiz = _withdraw_quiz()
    plan = plan_session(quiz, session_id="a", version="v", mode=Mode.LIVE, seed=1, owner_id=5)
    game = QuizSession(plan, quiz, _Clock())
    game.start()
    mine = game.answer(8, Picked.of(game.order.index(1)))
    stored = replace(mine, correct=True, points=12, given="A. right")
    game.adopt(stored)
    assert game.locked(8) == stored and game.user_total(8) == 12


class _Clock:
    def now(self) -> float:
        return 1000.0


def _withdraw_quiz():
    from bot.quiz.models import Quiz

    return Quiz.model_validate(
        {
            "id": "wq",
            "title": "W",
            "questions": [
                {
                    "id": "q1",
                    "prompt": "P?",
                    "choices": [{"text": "right", "correct": True}, {"text": "wrong"}],
                },
                {
                    "id": "q2",
                    "prompt": "Q?",
                    "choices": [{"text": "yes", "correct": True}, {"text": "no"}],
                },
            ],
        }
    )
