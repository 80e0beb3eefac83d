"""Extra time in a live round: a student entitled to it may answer within their longer
window, their speed bonus is measured against it, and the round waits for them (those
taking part) before it reveals; others are held to the usual time."""

from __future__ import annotations

import pytest

from bot.quiz.errors import TimeUp
from bot.quiz.session import NO_ANSWER_IN_TIME, Mode, Phase
from tests.quiz.test_session import ANN, BOB, CY, OWNER, T0, new_session, right


def live_with_extra_time(extra: dict[int, float]):
    session, clock = new_session(Mode.LIVE, time_limit=20)
    session.extra_time = extra
    return session, clock


def test_a_student_with_extra_time_answers_within_their_longer_window() -> None:
    session, clock = live_with_extra_time({BOB: 2.0})
    assert session.deadline == T0 + 20
    assert session.deadline_for(ANN) == T0 + 20 and session.deadline_for(BOB) == T0 + 40
    clock.advance(30)
    with pytest.raises(TimeUp):
        session.answer(ANN, right(session.question, session.order))
    points = session.question.points
    late_but_allowed = session.answer(BOB, right(session.question, session.order))
    assert late_but_allowed.correct
    # 30 s of their 40: the bonus is what 15 s of 20 earns anyone else.
    assert late_but_allowed.bonus == round(points * 0.5 * (1 - 30 / 40)) > 0


def test_the_round_waits_for_students_with_extra_time_who_take_part() -> None:
    session, clock = live_with_extra_time({BOB: 1.5, CY: 3.0})
    # First question: everyone with extra time may be there.
    assert session.reveal_at() == T0 + 60
    session.answer(CY, right(session.question, session.order))
    assert session.reveal_at() == T0 + 30  # Bob still to answer
    session.answer(BOB, right(session.question, session.order))
    assert session.reveal_at() == T0 + 20  # nobody to wait for: the usual time
    session.reveal()
    session.next()
    # Later questions: only those who have taken part (both did); a teacher may reveal anyway.
    opened = clock.now()
    assert session.reveal_at() == opened + 20 * 3.0
    session.answer(CY, right(session.question, session.order))
    assert session.reveal_at() == opened + 20 * 1.5
    session.reveal()


def test_without_extra_time_nothing_changes() -> None:
    session, clock = live_with_extra_time({})
    assert session.reveal_at() == session.deadline == T0 + 20
    clock.advance(21)
    with pytest.raises(TimeUp):
        session.answer(BOB, right(session.question, session.order))


def test_timed_solo_answers_after_the_time_count_as_none_and_the_game_goes_on() -> None:
    session, clock = new_session(Mode.SOLO, time_limit=10, timed=True)
    assert session.deadline == T0 + 10 and session.deadline_for(OWNER) == T0 + 10
    clock.advance(11)
    late = session.answer(OWNER, right(session.question, session.order))
    assert (late.correct, late.points, late.given) == (False, 0, NO_ANSWER_IN_TIME)
    assert session.phase == Phase.REVEALED  # the feedback and Next follow, as after any answer
    assert session.next()
    assert session.deadline == clock.now() + 10


def test_extra_time_stretches_a_timed_solo_game() -> None:
    session, clock = new_session(Mode.SOLO, time_limit=10, timed=True)
    session.extra_time = {OWNER: 1.5}
    clock.advance(14)
    assert session.answer(OWNER, right(session.question, session.order)).correct


def test_an_untimed_solo_game_has_no_clock() -> None:
    session, clock = new_session(Mode.SOLO, time_limit=10)
    assert session.deadline is None
    clock.advance(10_000)
    assert session.answer(OWNER, right(session.question, session.order)).correct
