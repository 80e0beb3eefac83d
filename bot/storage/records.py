"""Plain dataclasses that the storage layer takes and returns; no ORM rows leave it."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.quiz.stats import Tally


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(when: datetime) -> datetime:
    """SQLite gives times back without a zone; they were stored in UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Period(enum.StrEnum):
    ALL = "all"
    WEEK = "week"
    MONTH = "month"


ALL_QUIZZES = "*"


def period_key(period: Period, when: datetime) -> str:
    """The bucket an answer given at `when` (UTC) counts in: "all", "2026-W48" or "2026-11".

    Weeks are ISO weeks (Monday to Sunday), months calendar months, both in UTC.
    """
    if period is Period.ALL:
        return "all"
    return _period_key(period, when.astimezone(UTC).date())


@functools.lru_cache(maxsize=64)
def _period_key(period: Period, day: date) -> str:
    if period is Period.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One answer as the writer stores it."""

    session_id: str
    guild_id: int
    user_id: int
    display_name: str
    quiz_id: str
    quiz_version: str
    question_id: str
    position: int
    mode: str
    given: str
    picked: tuple[int, ...]
    correct: bool
    points: int
    bonus: int
    elapsed_ms: int
    answered_at: datetime
    scored: bool = True  # review answers are kept but change no leaderboard

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.session_id, self.user_id, self.question_id)


class WriteOutcome(enum.Enum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this user had already answered this question in this session


@dataclass(frozen=True, slots=True)
class RankedEntry:
    rank: int
    user_id: int
    display_name: str
    points: int
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class LeaderboardPage:
    guild_id: int
    scope: str
    period: Period
    page: int  # 0-based
    page_size: int
    total_players: int
    entries: list[RankedEntry]
    caller: RankedEntry | None = None  # the caller's own line, even when not on this page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total_players // self.page_size))


@dataclass(frozen=True, slots=True)
class UserTotals:
    guild_id: int
    user_id: int
    display_name: str | None
    points: int
    answered: int
    correct: int
    best_streak: int
    current_streak: int
    rank: int | None
    # Per quiz and question: how often answered and answered right (scored answers only).
    questions: list[Tally] = field(default_factory=list)
    # Per quiz: the best total one session scored.
    best_session_points: dict[str, int] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A session as stored: enough to rebuild it after a restart."""

    id: str
    guild_id: int
    channel_id: int | None
    message_id: int | None
    quiz_id: str
    quiz_version: str
    mode: str
    seed: int
    owner_id: int
    question_ids: tuple[str, ...]
    time_limit: int
    phase: str
    position: int
    opened_at: float | None
    deadline: float | None
    created_at: datetime
    ended_at: datetime | None = None
    interface: str = "discord"  # "discord" (buttons), "chat" or "terminal"
    shuffled: bool = True  # False: the quiz file's order (quizbot play --no-shuffle)


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """A quiz a server uploaded, one version of it."""

    id: int
    guild_id: int
    quiz_id: str
    version: str
    content: bytes
    source: bytes | None
    uploaded_by: int
    uploaded_at: datetime
    active: bool


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """A question waiting in a student's review queue."""

    quiz_id: str
    question_id: str
    box: int
    due_at: datetime
