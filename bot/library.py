"""The quizzes a server can play: the shared quiz directory (and, later, its own uploads)."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.quiz.catalog import Catalog
from bot.quiz.loader import LoadedQuiz


class QuizLibrary:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def available(self, guild_id: int | None) -> list[LoadedQuiz]:
        """Every quiz this server may play, by title."""
        return sorted(self.catalog, key=lambda q: q.quiz.title.casefold())

    def get(self, guild_id: int | None, quiz_id: str) -> LoadedQuiz | None:
        return self.catalog.get(quiz_id)

    def version(self, quiz_id: str, version: str | None = None) -> LoadedQuiz | None:
        """A quiz at the version a game started with (for games resumed after a restart)."""
        return self.catalog.version(quiz_id, version)

    def search(self, guild_id: int | None, text: str, limit: int = 25) -> list[LoadedQuiz]:
        """Quizzes whose id or title looks like `text`, best first (for autocomplete)."""
        quizzes = self.available(guild_id)
        if not text.strip():
            return quizzes[:limit]
        keys = {i: f"{q.id} {q.quiz.title}" for i, q in enumerate(quizzes)}
        found = process.extract(text, keys, scorer=fuzz.WRatio, limit=limit, score_cutoff=40)
        return [quizzes[i] for _, _, i in found]
