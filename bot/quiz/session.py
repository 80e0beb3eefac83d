"""A game of one quiz as an explicit state machine, solo or live.

Pure: no Discord, no database, no timers. Time comes from an injected clock (or an explicit
`now`), and everything random comes from the plan's seed, so that a session rebuilt after a
restart from its plan, state and stored answers is the same session.

    ASKING --answer (solo) / reveal--> REVEALED --next--> ASKING ... --next (last)--> FINISHED
    any phase --stop--> FINISHED
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.quiz.errors import (
    AlreadyAnswered,
    InvalidOption,
    NotCurrentQuestion,
    NothingToAnswer,
    NotYourSession,
    QuestionStillOpen,
    SessionClosed,
    TimeUp,
)
from bot.quiz.marking import Response, Verdict, check, choice_order
from bot.quiz.models import AnyQuestion, Quiz
from bot.quiz.presentation import ShownQuestion
from bot.quiz.scoring import competition_ranks, score

MIN_TIME_LIMIT = 5
MAX_TIME_LIMIT = 300
REVEAL_TOP = 5

Standing = tuple[int, int, int]  # (rank, user_id, points)


class Clock(Protocol):
    def now(self) -> float:
        """Wall-clock epoch seconds: deadlines are stored and re-armed after a restart."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class Mode(StrEnum):
    SOLO = "solo"
    LIVE = "live"
    # Spaced review: played like solo, but its answers move review boxes, not scores.
    REVIEW = "review"


# What a timed solo answer given after its time is recorded as.
NO_ANSWER_IN_TIME = "no answer in time"


class Phase(StrEnum):
    ASKING = "asking"  # the question is open
    REVEALED = "revealed"  # the answer is shown: solo after answering, live after the reveal
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """Everything fixed when a game starts; stored so that the game can be rebuilt."""

    session_id: str
    quiz_id: str
    quiz_version: str
    mode: Mode
    seed: int
    question_ids: tuple[str, ...]
    time_limit: int
    owner_id: int  # who started it; in solo the only one who answers
    # False: the quiz file's order of questions and choices, whatever its settings say.
    shuffled: bool = True
    # Solo: each question has `time_limit` seconds (timed homework); live rounds always do.
    timed: bool = False


def plan_session(
    quiz: Quiz,
    *,
    session_id: str,
    version: str,
    mode: Mode,
    seed: int,
    owner_id: int,
    count: int | None = None,
    time_limit: int | None = None,
    question_ids: Sequence[str] | None = None,
    timed: bool = False,
    shuffle: bool = True,
) -> SessionPlan:
    """Pick and order the questions of a game; InvalidOption for a bad count or time limit.

    `question_ids` asks for these questions in this order (a review of the ones due);
    `shuffle=False` keeps the file's order of questions and choices.
    """
    settings = quiz.settings
    if count is not None and count < 1:
        raise InvalidOption("the number of questions must be at least 1")
    if time_limit is not None and not MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT:
        raise InvalidOption(
            f"the time limit must be between {MIN_TIME_LIMIT} and {MAX_TIME_LIMIT} seconds"
        )
    ids = [q.id for q in quiz.questions]
    if question_ids is not None:
        known = set(ids)
        ids = [q for q in dict.fromkeys(question_ids) if q in known]
        if not ids:
            raise InvalidOption("none of those questions is in the quiz any more")
    elif shuffle and settings.shuffle_questions:
        random.Random(seed).shuffle(ids)  # an int seed: the same order in every process
    wanted = (
        count or (None if question_ids is not None else settings.questions_per_game) or len(ids)
    )
    return SessionPlan(
        session_id=session_id,
        quiz_id=quiz.id,
        quiz_version=version,
        mode=Mode(mode),
        seed=seed,
        question_ids=tuple(ids[:wanted]),
        time_limit=time_limit or settings.time_limit,
        owner_id=owner_id,
        shuffled=shuffle,
        timed=timed,
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """One user's locked-in answer to one question of a session."""

    user_id: int
    question_id: str
    position: int  # index of the question in the plan
    correct: bool
    points: int  # base + bonus
    base: int
    bonus: int
    given: str
    picked: tuple[int, ...]  # original choice indexes, for item analysis
    feedback: str | None
    elapsed: float  # seconds since the question opened
    answered_at: float
    streak: int  # this user's consecutive right answers in this session, this one included
    spelled: str | None = None  # the accepted spelling, when a typo was forgiven


@dataclass(frozen=True, slots=True)
class SessionState:
    """Where a session stands, besides its plan and answers: enough to resume it."""

    phase: Phase
    index: int
    opened_at: float | None
    deadline: float | None


@dataclass(frozen=True, slots=True)
class Reveal:
    """What the room sees when a question closes."""

    question: AnyQuestion
    order: tuple[int, ...]
    # choice / true_false: answers per displayed position; typed questions: (right, wrong).
    counts: tuple[int, ...]
    answered: int
    correct: int
    standings: tuple[Standing, ...]  # the top five so far

    @property
    def shown(self) -> ShownQuestion:
        return ShownQuestion(self.question, self.order)

    @property
    def correct_positions(self) -> tuple[int, ...]:
        """Displayed positions of the right answers (empty for typed questions)."""
        return self.shown.correct_positions


class QuizSession:
    def __init__(self, plan: SessionPlan, quiz: Quiz, clock: Clock) -> None:
        if plan.quiz_id != quiz.id:
            raise ValueError(f"the plan is for quiz {plan.quiz_id!r}, not {quiz.id!r}")
        if not plan.question_ids:
            raise ValueError("a session needs at least one question")
        try:
            self._questions = [quiz.question(qid) for qid in plan.question_ids]
        except KeyError as exc:
            raise ValueError(f"question {exc.args[0]!r} is not in quiz {quiz.id!r}") from None
        self.plan = plan
        self.quiz = quiz
        self.clock = clock
        self._orders = [
            choice_order(q, plan.seed, quiz.settings.shuffle_choices and plan.shuffled)
            for q in self._questions
        ]
        self._phase = Phase.ASKING
        self._index = 0
        self._opened_at: float | None = None  # None: not started yet
        self._deadline: float | None = None
        self._answers: list[dict[int, Outcome]] = [{} for _ in self._questions]
        self._totals: dict[int, int] = {}
        self._streaks: dict[int, int] = {}
        # Where each user first answered: the order of tied users in standings.
        self._first: dict[int, tuple[int, float, int]] = {}
        # Live: students entitled to extra time, and by what factor (1.5 = 50% more).
        self.extra_time: dict[int, float] = {}

    # --- where the session stands ----------------------------------------------------

    @property
    def mode(self) -> Mode:
        return self.plan.mode

    @property
    def live(self) -> bool:
        return self.plan.mode == Mode.LIVE

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def index(self) -> int:
        return self._index

    @property
    def question(self) -> AnyQuestion:
        return self._questions[self._index]

    @property
    def order(self) -> tuple[int, ...]:
        """The current question's original choice indexes in display order."""
        return self._orders[self._index]

    @property
    def shown(self) -> ShownQuestion:
        """The current question as the players see it."""
        return self.shown_at(self._index)

    def shown_at(self, position: int) -> ShownQuestion:
        """The question at `position` of the plan as the players saw it."""
        return ShownQuestion(self._questions[position], self._orders[position])

    @property
    def number(self) -> int:
        return self._index + 1

    @property
    def total(self) -> int:
        return len(self._questions)

    @property
    def is_last(self) -> bool:
        return self._index == len(self._questions) - 1

    @property
    def started(self) -> bool:
        return self._opened_at is not None

    @property
    def opened_at(self) -> float | None:
        return self._opened_at

    @property
    def deadline(self) -> float | None:
        """When the current question closes (live mode only)."""
        return self._deadline

    def _now(self, now: float | None) -> float:
        return self.clock.now() if now is None else now

    def deadline_for(self, user_id: int) -> float | None:
        """When the current question closes for this user: later with extra time."""
        if self._opened_at is None or self._deadline is None:
            return self._deadline
        return self._opened_at + self.plan.time_limit * self.extra_time.get(user_id, 1.0)

    def reveal_at(self) -> float | None:
        """Live: when the current question is revealed if nobody reveals it sooner. The
        round waits for the students with extra time who take part and have not answered
        yet: at the first question, all of them; later, those who answered before."""
        if self._deadline is None:
            return None
        answered = self._answers[self._index]
        taking_part = {u for answers in self._answers[: self._index] for u in answers}
        waiting = [
            u
            for u in self.extra_time
            if u not in answered and (self._index == 0 or u in taking_part)
        ]
        return max([self._deadline, *(self.deadline_for(u) or 0.0 for u in waiting)])

    # --- transitions -----------------------------------------------------------------

    def open(self, now: float | None = None) -> None:
        """Open the current question; again after a restart, it re-arms the deadline."""
        if self._phase == Phase.FINISHED:
            raise SessionClosed()
        self._phase = Phase.ASKING
        self._opened_at = self._now(now)
        timed = self.live or self.plan.timed
        self._deadline = self._opened_at + self.plan.time_limit if timed else None

    def start(self, now: float | None = None) -> None:
        """Open the first question; does nothing once started."""
        if not self.started:
            self.open(now)

    def answer(
        self,
        user_id: int,
        response: Response,
        now: float | None = None,
        *,
        question_id: str | None = None,
    ) -> Outcome:
        """Check and lock in one user's answer to the open question.

        `question_id`, when given (a button of a posted question), must be the open one.
        Nothing is recorded when an error is raised.
        """
        now = self._now(now)
        if self._phase == Phase.FINISHED:
            raise SessionClosed()
        question = self.question
        if question_id is not None and question_id != question.id:
            raise NotCurrentQuestion(question_id)
        if not self.live and user_id != self.plan.owner_id:
            raise NotYourSession()
        opened_at = self._opened_at
        if opened_at is None:  # not started yet
            raise NothingToAnswer()
        locked = self._answers[self._index].get(user_id)
        if self._phase == Phase.REVEALED:
            if self.live or locked is None:
                raise NothingToAnswer()
            raise AlreadyAnswered(locked)
        if locked is not None:
            raise AlreadyAnswered(locked)
        deadline = self.deadline_for(user_id)
        late = self._phase == Phase.ASKING and deadline is not None and now > deadline
        if late and self.live:
            raise TimeUp()
        # Timed solo: an answer after the time counts as no answer, and the game goes on.
        verdict = (
            Verdict(False, NO_ANSWER_IN_TIME, ()) if late else check(question, self.order, response)
        )
        elapsed = max(0.0, now - opened_at)
        points = score(
            question.points,
            verdict.correct,
            live=self.live,
            elapsed=elapsed,
            time_limit=self.plan.time_limit * self.extra_time.get(user_id, 1.0),
        )
        outcome = Outcome(
            user_id=user_id,
            question_id=question.id,
            position=self._index,
            correct=verdict.correct,
            points=points.total,
            base=points.base,
            bonus=points.bonus,
            given=verdict.given,
            picked=verdict.picked,
            feedback=verdict.feedback,
            elapsed=elapsed,
            answered_at=now,
            streak=self._streaks.get(user_id, 0) + 1 if verdict.correct else 0,
            spelled=verdict.spelled,
        )
        self._record(outcome)
        if not self.live:
            self._phase = Phase.REVEALED
        return outcome

    def reveal(self, now: float | None = None) -> Reveal:
        """Close the current question and tally it; asking again gives the same tally."""
        if self._phase == Phase.FINISHED:
            raise SessionClosed()
        if not self.started:
            raise NothingToAnswer()
        self._phase = Phase.REVEALED
        return self._tally()

    def next(self, now: float | None = None) -> bool:
        """From REVEALED to the next question, or FINISHED after the last; True if one is open."""
        if self._phase == Phase.FINISHED:
            raise SessionClosed()
        if self._phase == Phase.ASKING:
            # Strict, so that two triggers racing (a timer and a click) cannot skip a question.
            raise QuestionStillOpen()
        if self.is_last:
            self._phase = Phase.FINISHED
            return False
        self._index += 1
        self.open(now)
        return True

    def stop(self, now: float | None = None) -> None:
        """End the session now, from any phase; answers and scores are kept."""
        self._phase = Phase.FINISHED

    def expired(self, now: float | None = None) -> bool:
        """Live: the open question's deadline has passed."""
        return (
            self._phase == Phase.ASKING
            and self._deadline is not None
            and self._now(now) > self._deadline
        )

    # --- answers and scores ----------------------------------------------------------

    def withdraw(self, outcome: Outcome) -> None:
        """Take back an answer that could not be stored, so that the user can try again."""
        if self._answers[outcome.position].get(outcome.user_id) != outcome:
            return
        del self._answers[outcome.position][outcome.user_id]
        self._rebuild_user(outcome.user_id)
        if not self.live and self._phase == Phase.REVEALED and outcome.position == self._index:
            self._phase = Phase.ASKING

    def adopt(self, outcome: Outcome) -> None:
        """Accept an answer stored elsewhere (another process, an earlier click) as the
        user's locked-in answer, replacing whatever this session thought it was."""
        self._answers[outcome.position][outcome.user_id] = outcome
        self._rebuild_user(outcome.user_id)

    def _rebuild_user(self, user: int) -> None:
        mine = sorted(
            (a[user] for a in self._answers if user in a), key=lambda o: (o.position, o.answered_at)
        )
        self._totals.pop(user, None)
        self._streaks.pop(user, None)
        self._first.pop(user, None)
        for outcome in mine:
            self._record(outcome)

    def _record(self, outcome: Outcome) -> None:
        user = outcome.user_id
        self._answers[outcome.position][user] = outcome
        self._totals[user] = self._totals.get(user, 0) + outcome.points
        self._streaks[user] = outcome.streak
        key = (outcome.position, outcome.answered_at, user)
        self._first[user] = min(self._first.get(user, key), key)

    def _position(self, question_id: str) -> int:
        try:
            return self.plan.question_ids.index(question_id)
        except ValueError:
            raise KeyError(question_id) from None

    def answers_for(self, question_id: str) -> list[Outcome]:
        """The answers to one question of this session, in the order they came."""
        return self._answers_at(self._position(question_id))

    @property
    def outcomes(self) -> list[Outcome]:
        """Every answer of the session, question by question."""
        return [o for i in range(len(self._answers)) for o in self._answers_at(i)]

    def _answers_at(self, position: int) -> list[Outcome]:
        return sorted(self._answers[position].values(), key=lambda o: (o.answered_at, o.user_id))

    @property
    def participants(self) -> frozenset[int]:
        """Users who answered anything in this session."""
        return frozenset(self._totals)

    def locked(self, user_id: int) -> Outcome | None:
        """This user's answer to the current question, if any."""
        return self._answers[self._index].get(user_id)

    def everyone_answered(self, present: set[int] | None = None) -> bool:
        """Whether the current question can close early.

        Expected to answer: the users in `present` when the caller knows who is there, else
        everyone who answered an earlier question. Nobody expected: False (wait for the time).
        """
        if present is not None:
            expected = set(present)
        else:
            expected = {u for answers in self._answers[: self._index] for u in answers}
        return bool(expected) and expected <= self._answers[self._index].keys()

    def user_total(self, user_id: int) -> int:
        return self._totals.get(user_id, 0)

    def streak(self, user_id: int) -> int:
        return self._streaks.get(user_id, 0)

    def standings(self) -> list[Standing]:
        """(rank, user_id, points), best first; tied users in the order they joined."""
        users = sorted(self._totals, key=lambda u: self._first[u])
        return competition_ranks([(u, self._totals[u]) for u in users])

    def _tally(self) -> Reveal:
        question, order = self.question, self.order
        answers = self._answers[self._index].values()
        right = sum(1 for o in answers if o.correct)
        if order:  # choice and true_false: per displayed position
            position_of = {index: position for position, index in enumerate(order)}
            counts = [0] * len(order)
            for outcome in answers:
                for index in outcome.picked:
                    counts[position_of[index]] += 1
        else:
            counts = [right, len(answers) - right]
        return Reveal(
            question=question,
            order=order,
            counts=tuple(counts),
            answered=len(answers),
            correct=right,
            standings=tuple(self.standings()[:REVEAL_TOP]),
        )

    # --- persistence -----------------------------------------------------------------

    def snapshot(self) -> SessionState:
        return SessionState(self._phase, self._index, self._opened_at, self._deadline)

    @classmethod
    def restore(
        cls,
        plan: SessionPlan,
        quiz: Quiz,
        clock: Clock,
        state: SessionState,
        outcomes: Iterable[Outcome],
    ) -> QuizSession:
        """Rebuild a session after a restart: same questions, shuffles, totals and streaks."""
        session = cls(plan, quiz, clock)
        if not 0 <= state.index < session.total:
            raise ValueError(f"question index {state.index} is outside the plan")
        session._phase = Phase(state.phase)
        session._index = state.index
        session._opened_at = state.opened_at
        session._deadline = state.deadline
        # Stored streaks are kept as they were: replayed in question order, the last one holds.
        for outcome in sorted(outcomes, key=lambda o: (o.position, o.answered_at, o.user_id)):
            if not 0 <= outcome.position < session.total or (
                plan.question_ids[outcome.position] != outcome.question_id
            ):
                raise ValueError(
                    f"answer to {outcome.question_id!r} at position {outcome.position} "
                    "does not match the plan"
                )
            if outcome.user_id in session._answers[outcome.position]:
                raise ValueError(
                    f"two answers by user {outcome.user_id} to {outcome.question_id!r}"
                )
            session._record(outcome)
        return session
