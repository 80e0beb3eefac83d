"""Games through the real engine and database: restarts, resumes, duplicates across processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.games import Game, GameService
from bot.library import QuizLibrary
from bot.quiz.catalog import Catalog
from bot.quiz.errors import AlreadyAnswered, NotYourSession
from bot.quiz.marking import Picked, Typed
from bot.quiz.models import ChoiceQuestion, NumberQuestion, ShortAnswerQuestion, TrueFalseQuestion
from bot.quiz.session import Mode, Phase
from bot.storage.repository import Repository

ROOT = Path(__file__).resolve().parents[1]
GUILD = 77


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.value = now

    def now(self) -> float:
        return self.value


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    c = Catalog(ROOT / "quizzes")
    c.reload()
    return c


def right(game: Game) -> Picked | Typed:
    """The right response to the open question."""
    q, order = game.session.question, game.session.order
    if isinstance(q, ChoiceQuestion):
        return Picked(frozenset(p for p, i in enumerate(order) if q.choices[i].correct))
    if isinstance(q, TrueFalseQuestion):
        return Picked.of(order.index(0 if q.answer else 1))
    if isinstance(q, ShortAnswerQuestion):
        return Typed(q.answers[0])
    assert isinstance(q, NumberQuestion)
    return Typed(str(q.answer))


def wrong(game: Game) -> Picked | Typed:
    """A wrong response to the open question."""
    q, order = game.session.question, game.session.order
    if isinstance(q, ChoiceQuestion):
        return Picked.of(next(p for p, i in enumerate(order) if not q.choices[i].correct))
    if isinstance(q, TrueFalseQuestion):
        return Picked.of(order.index(1 if q.answer else 0))
    if isinstance(q, ShortAnswerQuestion):
        return Typed("no idea")
    return Typed(str(q.answer + 1000))


async def restart(repo: Repository, database_url: str) -> Repository:
    """The process dies (after its writes), and a new one opens the database."""
    await repo.close()
    return await Repository.open(database_url)


async def test_solo_game_survives_a_restart(database_url: str, catalog: Catalog) -> None:
    clock = FakeClock()
    repo = await Repository.open(database_url)
    service = GameService(repo, QuizLibrary(catalog, repo), clock)
    game = await service.start(catalog.get("icc-gaza-2014"), guild_id=GUILD, owner_id=5, seed=11)
    first = await service.answer(game, 5, "Ana", right(game))
    await service.next(game)
    clock.value += 7
    await service.answer(game, 5, "Ana", wrong(game))
    total_before = game.session.user_total(5)
    session_id, index = game.id, game.session.index

    repo = await restart(repo, database_url)
    try:
        service = GameService(repo, QuizLibrary(catalog, repo), clock)
        again = await service.get(session_id)
        assert again is not None
        assert (again.session.index, again.session.phase) == (index, Phase.REVEALED)
        assert again.session.user_total(5) == total_before
        assert again.session.answers_for(first.question_id)[0].given == first.given
        with pytest.raises(AlreadyAnswered):  # the locked answer stays locked
            await service.answer(again, 5, "Ana", right(again))
        with pytest.raises(NotYourSession):
            await service.answer(again, 6, "Ben", right(again))
        assert await service.next(again)
        await service.answer(again, 5, "Ana", right(again))
        assert len(await repo.session_answers(session_id)) == 3
    finally:
        await repo.close()


async def test_live_round_resumes_after_a_restart(database_url: str, catalog: Catalog) -> None:
    clock = FakeClock()
    repo = await Repository.open(database_url)
    service = GameService(repo, QuizLibrary(catalog, repo), clock)
    game = await service.start(
        catalog.get("icc-gaza-2014"),
        guild_id=GUILD,
        owner_id=1,
        mode=Mode.LIVE,
        channel_id=9,
        seed=3,
        count=4,
    )
    for user in (11, 12, 13):
        clock.value += 2
        await service.answer(game, user, f"student {user}", right(game))
    reveal = await service.reveal(game)
    assert reveal.answered == 3 and reveal.correct == 3
    assert await service.next(game)
    await service.answer(game, 11, "student 11", right(game))
    deadline = game.session.deadline
    standings = game.session.standings()

    repo = await restart(repo, database_url)
    try:
        service = GameService(repo, QuizLibrary(catalog, repo), clock)
        [resumed] = await service.resume_open([GUILD])
        assert resumed.id == game.id and resumed.channel_id == 9
        assert (resumed.session.index, resumed.session.phase) == (1, Phase.ASKING)
        assert (
            resumed.session.deadline == deadline
        )  # the timer is re-armed from the stored deadline
        assert resumed.session.standings() == standings
        with pytest.raises(AlreadyAnswered):
            await service.answer(resumed, 11, "student 11", right(resumed))
        await service.answer(resumed, 12, "student 12", right(resumed))
        await service.reveal(resumed)
        await service.stop(resumed)
        assert await repo.open_sessions() == []
        await repo.settle()
        board = await repo.leaderboard(GUILD)
        assert [e.user_id for e in board.entries][:2] == [11, 12]
        assert await repo.recount_scores(GUILD) == await repo.stored_scores(GUILD)
    finally:
        await repo.close()


async def test_two_processes_one_answer(database_url: str, catalog: Catalog) -> None:
    """The same live round served by two processes: a user's second answer, sent to the
    other process, is refused with the first one, which alone is stored and counted."""
    clock = FakeClock()
    repo_a = await Repository.open(database_url)
    repo_b = await Repository.open(database_url)
    try:
        a = GameService(repo_a, QuizLibrary(catalog, repo_a), clock)
        b = GameService(repo_b, QuizLibrary(catalog, repo_b), clock)
        game_a = await a.start(
            catalog.get("icc-gaza-2014"), guild_id=GUILD, owner_id=1, mode=Mode.LIVE, seed=8
        )
        game_b = await b.get(game_a.id)
        assert game_b is not None
        first = await a.answer(game_a, 21, "Dee", right(game_a))
        with pytest.raises(AlreadyAnswered) as locked:
            await b.answer(game_b, 21, "Dee", wrong(game_b))
        assert locked.value.outcome.given == first.given
        assert game_b.session.locked(21).given == first.given  # b now knows the stored answer
        assert len(await repo_a.session_answers(game_a.id)) == 1
    finally:
        await repo_a.close()
        await repo_b.close()


async def test_a_game_whose_quiz_is_gone_closes_cleanly(
    database_url: str, catalog: Catalog
) -> None:
    repo = await Repository.open(database_url)
    try:
        service = GameService(repo, QuizLibrary(catalog, repo), FakeClock())
        game = await service.start(
            catalog.get("icc-gaza-2014"), guild_id=GUILD, owner_id=1, mode=Mode.LIVE
        )
        await service.answer(game, 31, "Eve", right(game))
        after_restart = GameService(repo, NoQuizzes(), FakeClock())
        assert await after_restart.resume_open() == []
        assert await repo.open_sessions() == []
        assert len(await repo.session_answers(game.id)) == 1  # the score is kept
    finally:
        await repo.close()


class NoQuizzes:
    """Quiz versions that are all gone (a deleted quiz, a wiped database of snapshots)."""

    async def version(self, quiz_id: str, version: str | None = None) -> None:
        return None

    async def remember(self, loaded: object) -> None:
        return None


async def test_memory_holds_a_bounded_number_of_games(
    database_url: str, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.games

    monkeypatch.setattr(bot.games, "MAX_GAMES_IN_MEMORY", 3)
    repo = await Repository.open(database_url)
    try:
        service = GameService(repo, QuizLibrary(catalog, repo), FakeClock())
        live = await service.start(
            catalog.get("icc-gaza-2014"), guild_id=GUILD, owner_id=1, mode=Mode.LIVE
        )
        solos = [
            await service.start(
                catalog.get("icc-gaza-2014"), guild_id=GUILD, owner_id=10 + i, seed=i
            )
            for i in range(5)
        ]
        assert len(service._games) == 3 and live.id in service._games  # live rounds stay
        first = solos[0]
        assert first.id not in service._games
        again = await service.get(first.id)  # back from the database on its next click
        assert again is not None and again.session.plan == first.session.plan
        assert len(service._games) == 3
    finally:
        await repo.close()
