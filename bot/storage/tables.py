"""The database tables (SQLAlchemy 2 typed models). Only the storage package sees these."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so that migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Discord ids are 64-bit; SQLite's INTEGER PRIMARY KEY autoincrements only as "INTEGER".
Snowflake = BigInteger
RowId = BigInteger().with_variant(Integer, "sqlite")


class Base(AsyncAttrs, DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """The `Table` a model is declared with, for code that needs its name and columns."""
    # SQLAlchemy types `__table__` as any FromClause (a class may map a join or a
    # subquery); every model here is declared with __tablename__, so it is a Table.
    return cast(Table, model.__table__)


class GuildSettings(Base):
    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    teacher_role_id: Mapped[int | None] = mapped_column(Snowflake)
    # The server's time zone (an IANA name) for due dates; None: UTC.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # The read-only ranking page at /public/<server>/leaderboard; off unless turned on.
    public_leaderboard: Mapped[bool] = mapped_column(Boolean, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Member(Base):
    """The name to show for a user in a server (leaderboards, exports)."""

    __tablename__ = "members"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GameSession(Base):
    """A solo run or a live round: its plan (seed, questions) and where it stands."""

    __tablename__ = "game_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    quiz_id: Mapped[str] = mapped_column(String(64))
    quiz_version: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(8))
    # Where it is played: "discord" (buttons), "chat" (DMs and mentions), "terminal".
    interface: Mapped[str] = mapped_column(String(12), server_default="discord")
    seed: Mapped[int] = mapped_column(BigInteger)
    # False: played in the quiz file's order of questions and choices.
    shuffled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    owner_id: Mapped[int] = mapped_column(Snowflake)
    question_ids: Mapped[str] = mapped_column(Text)  # JSON list, in play order
    time_limit: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_game_sessions_open", "phase", "guild_id"),
        Index("ix_game_sessions_channel", "guild_id", "channel_id"),
        Index("ix_game_sessions_player", "channel_id", "owner_id", "phase"),
    )


class Answer(Base):
    """One answer of one user to one question of one session: the record everything else sums."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("game_sessions.id", ondelete="CASCADE")
    )
    guild_id: Mapped[int] = mapped_column(Snowflake)
    user_id: Mapped[int] = mapped_column(Snowflake)
    display_name: Mapped[str] = mapped_column(String(100))  # as it was when answering
    quiz_id: Mapped[str] = mapped_column(String(64))
    quiz_version: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(8))
    given: Mapped[str] = mapped_column(Text)
    picked: Mapped[str] = mapped_column(String(64))  # original choice indexes, "0,2"
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[int] = mapped_column(Integer)
    bonus: Mapped[int] = mapped_column(Integer)
    scored: Mapped[bool] = mapped_column(Boolean)  # False for review answers
    elapsed_ms: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Counted in the leaderboard totals yet? Set in the transaction that adds them.
    tallied: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("session_id", "user_id", "question_id", name="uq_answers_once"),
        Index(
            "ix_answers_untallied",
            "id",
            sqlite_where=text("NOT tallied"),
            postgresql_where=text("NOT tallied"),
        ),
        Index("ix_answers_item", "guild_id", "quiz_id", "question_id"),
        Index("ix_answers_user", "guild_id", "user_id", "answered_at"),
        Index("ix_answers_time", "guild_id", "answered_at"),
        Index("ix_answers_user_all", "user_id"),
        Index("ix_answers_quiz_latest", "guild_id", "quiz_id", "id"),
        # A quiz's first answers per student and question, read from the index alone.
        Index(
            "ix_answers_first",
            "guild_id",
            "quiz_id",
            "scored",
            "user_id",
            "question_id",
            "answered_at",
            "id",
        ),
    )


class Score(Base):
    """Running totals for leaderboards, kept up to date by the answer writer.

    scope: "*" for all quizzes, or a quiz id; period: "all", an ISO week "2026-W48",
    or a month "2026-11" (UTC).
    """

    __tablename__ = "scores"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_scores_rank", "guild_id", "scope", "period", "points"),)


class UserStreak(Base):
    __tablename__ = "user_streaks"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    current_streak: Mapped[int] = mapped_column(Integer, default=0)
    best_streak: Mapped[int] = mapped_column(Integer, default=0)


class ReviewItem(Base):
    """A question a user got wrong, scheduled for spaced review."""

    __tablename__ = "review_items"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    quiz_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    box: Mapped[int] = mapped_column(Integer, default=1)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_review_due", "guild_id", "user_id", "due_at"),)


class UploadedQuiz(Base):
    """A quiz uploaded to one server, each upload a version: the current one, a few
    earlier ones, and every one a game was played with (see Repository.add_upload)."""

    __tablename__ = "uploaded_quizzes"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    quiz_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))  # content hash, as for files
    content: Mapped[str] = mapped_column(Text)
    source_text: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[int] = mapped_column(Snowflake)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bytes of the file and its source (UTF-8), summed for a server's storage limit.
    size: Mapped[int] = mapped_column(BigInteger, server_default="0")

    __table_args__ = (
        UniqueConstraint("guild_id", "quiz_id", "version", name="uq_uploaded_quizzes_version"),
        Index("ix_uploaded_active", "guild_id", "active"),
    )


class UploadAttempt(Base):
    """A file a teacher uploaded and the bot checked (added or not), for the rate limits.

    Rows older than the limits' window are deleted as new ones come.
    """

    __tablename__ = "upload_attempts"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    user_id: Mapped[int] = mapped_column(Snowflake)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_upload_attempts_guild", "guild_id", "attempted_at"),
        Index("ix_upload_attempts_user", "user_id", "attempted_at"),
        Index("ix_upload_attempts_time", "attempted_at"),
    )


class QuizSnapshot(Base):
    """A quiz exactly as a game was started with it, so that the game can be resumed
    (after a restart, in any process) even when the file was edited since."""

    __tablename__ = "quiz_snapshots"

    quiz_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    source_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SchoolClass(Base):
    """A class of a server, tied to the channel where its card and assignments are posted."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))  # casefolded: one "7B" per server
    channel_id: Mapped[int] = mapped_column(Snowflake)
    card_message_id: Mapped[int | None] = mapped_column(Snowflake)
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(8))  # catalog code; None: the server's

    __table_args__ = (UniqueConstraint("guild_id", "name_key", name="uq_classes_name"),)


class ClassMember(Base):
    """A student on a class's roster: joined with the card's button, or added by a teacher."""

    __tablename__ = "class_members"

    class_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(100))
    added_by: Mapped[int | None] = mapped_column(Snowflake)  # None: joined by themselves
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_class_members_user", "user_id"),)


class Assignment(Base):
    """A quiz set as homework: its card in a channel, its due date, and whether the
    reminder (a day before) and the closing have been done (by exactly one process)."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    class_id: Mapped[int | None] = mapped_column(
        RowId, ForeignKey("classes.id", ondelete="SET NULL")
    )
    channel_id: Mapped[int] = mapped_column(Snowflake)
    card_message_id: Mapped[int | None] = mapped_column(Snowflake)
    quiz_id: Mapped[str] = mapped_column(String(64))
    count: Mapped[int | None] = mapped_column(Integer)  # questions; None: all
    attempts: Mapped[int] = mapped_column(Integer)  # graded attempts allowed
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    time_limit: Mapped[int | None] = mapped_column(Integer)  # seconds a question; None: untimed

    __table_args__ = (
        Index("ix_assignments_guild", "guild_id", "due_at"),
        Index("ix_assignments_open", "closed_at", "due_at"),
    )


class AssignmentAttempt(Base):
    """A game a student played for an assignment: graded (one of their first `attempts`
    started before the due date) or practice."""

    __tablename__ = "assignment_attempts"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    assignment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("assignments.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(Snowflake)
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("game_sessions.id", ondelete="CASCADE")
    )
    graded: Mapped[bool] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_assignment_attempts_user", "assignment_id", "user_id"),)


class Accommodation(Base):
    """A student's extra time in a server's timed rounds (1.5: half as long again).
    Teachers set it; it is never shown to other students."""

    __tablename__ = "accommodations"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    extra_time: Mapped[float] = mapped_column(Float)
    set_by: Mapped[int] = mapped_column(Snowflake)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamRound(Base):
    """A live round played in teams: how many."""

    __tablename__ = "team_rounds"

    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("game_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    teams: Mapped[int] = mapped_column(Integer)


class TeamMember(Base):
    """A student's team for one round (0-based), for as long as the round lasts."""

    __tablename__ = "team_members"

    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("team_rounds.session_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    team: Mapped[int] = mapped_column(Integer)
