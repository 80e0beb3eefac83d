"""The web results pages on a large server, against the bare SQL statements they run.

Builds a SQLite database (in a temporary directory) where one server has N answers
(default 1,000,000) by 5,000 students to the project's ICC quiz, replayed many times over
60 days, with the leaderboard totals and names filled in as the tally would leave them.
Then serves the app on a local port and, interleaved, times:
  - each page, fetched over HTTP with a real dashboard session cookie: the leaderboard
    (all quizzes, all time) page 1 and a deep page, and the quiz's report page;
  - the statements that page runs per request, executed through the app's own engine
    without the page: the leaderboard statement (Repository's), and the report's
    fingerprint query (its report comes from the cache while the answers are unchanged).
The report's first computation (cold, a cache miss) is timed on its own, and then its
update after --new-answers more answers (only those are read and merged in).
Target: each page's p99 at most 2x its queries' p99, and under 100 ms.
Prints a table and, as its last line, one JSON object: p99_ratio_vs_sql and p99_ms (the
worst page's), with per-page figures under "pages".
Usage: python bench/web.py [--answers 1000000] [--requests 300] [--new-answers 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench._common import drop_secondary_indexes, percentile, sqlite_time_format
from bot.config import Settings
from bot.exts.scores import PAGE_SIZE
from bot.library import QuizLibrary, UploadLimits
from bot.quiz.catalog import Catalog
from bot.storage.migrate import upgrade
from bot.storage.records import ALL_QUIZZES, Period, period_key
from bot.storage.report_queries import fingerprint_query
from bot.storage.repository import Repository, _leaderboard_sql
from bot.web.access import SESSION_SALT, cookie_name, issue_token
from bot.web.application import make_app
from bot.web.results import REPORTS
from bot.web.server import WebContext, start_site

ROOT = Path(__file__).resolve().parents[1]
QUIZ_ID = "icc-gaza-2014"
GUILD = 900_000_000_000_000_001
USER_BASE = 400_000_000_000_000_000
STUDENTS = 5_000
DAYS = 60
END = datetime(2026, 11, 29, tzinfo=UTC)
SECRET = "bench-web-secret-not-for-production-0123456789"
TARGET_RATIO, TARGET_MS = 2.0, 100.0


def build(path: Path, answers: int, questions: list[tuple[str, int, bool]]) -> float:
    """The database: `answers` answers, scores, members. Returns the seconds it took.

    questions: (id, choices, is a choice question). Student s plays game after game,
    each through every question in order; 5% of answers are review answers.
    """
    started = time.perf_counter()
    upgrade(f"sqlite+aiosqlite:///{path}")
    fmt = sqlite_time_format()
    rng = random.Random(14)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    indexes = drop_secondary_indexes(con)
    q = len(questions)
    games = -(-answers // (q * STUDENTS))
    totals: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    sessions = []
    for g in range(games):
        for s in range(STUDENTS):
            at = fmt(END - timedelta(days=DAYS))
            sessions.append((f"g{g}-s{s}", GUILD, QUIZ_ID, "v1", "solo", g, USER_BASE + s, "[]"))
            sessions[-1] += (30, "finished", 0, at, at)
    con.executemany(
        "INSERT INTO game_sessions (id, guild_id, quiz_id, quiz_version, mode, seed, owner_id,"
        " question_ids, time_limit, phase, position, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        sessions,
    )

    def rows():  # -> Iterator[tuple]
        for i in range(answers):
            k, s, g = i % q, (i // q) % STUDENTS, i // (q * STUDENTS)
            qid, choices, is_choice = questions[k]
            user = USER_BASE + s
            skill = 0.35 + 0.6 * (s % 97) / 96
            correct = rng.random() < skill
            picked = (0 if correct else 1 + rng.randrange(max(1, choices - 1))) if is_choice else -1
            scored = rng.random() >= 0.05
            points = 100 if correct and scored else 0
            when = END - timedelta(seconds=rng.randrange(DAYS * 86_400))
            if scored:
                for scope in (ALL_QUIZZES, QUIZ_ID):
                    for period in Period:
                        total = totals[(scope, period_key(period, when), user)]
                        total[0] += points
                        total[1] += 1
                        total[2] += correct
            yield (
                f"g{g}-s{s}", GUILD, user, f"Student {s}", QUIZ_ID, "v1", qid, k, "solo",
                "right" if correct else f"wrong {rng.randrange(3)}",
                "" if picked < 0 else str(picked),
                correct, points, 0, scored, rng.randrange(2_000, 30_000), fmt(when), True,
            )  # fmt: skip

    con.executemany(
        "INSERT INTO answers (session_id, guild_id, user_id, display_name, quiz_id,"
        " quiz_version, question_id, position, mode, given, picked, correct, points, bonus,"
        " scored, elapsed_ms, answered_at, tallied)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    con.executemany(
        "INSERT INTO scores (guild_id, scope, period, user_id, points, answered, correct)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((GUILD, scope, period, user, *t) for (scope, period, user), t in totals.items()),
    )
    con.executemany(
        "INSERT INTO members (guild_id, user_id, display_name, updated_at) VALUES (?, ?, ?, ?)",
        ((GUILD, USER_BASE + s, f"Student {s}", fmt(END)) for s in range(STUDENTS)),
    )
    for sql in indexes:
        con.execute(sql)
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()
    return time.perf_counter() - started


def add_answers(path: Path, count: int) -> None:
    """`count` answers more, copies of the newest ones by students not seen before."""
    con = sqlite3.connect(path, isolation_level=None)
    columns = (
        "session_id, guild_id, user_id, display_name, quiz_id, quiz_version, question_id,"
        " position, mode, given, picked, correct, points, bonus, scored, elapsed_ms,"
        " answered_at, tallied"
    )
    copied = columns.replace("user_id", f"user_id + {STUDENTS}")
    con.execute(
        f"INSERT INTO answers ({columns}) SELECT {copied} FROM answers"
        " WHERE id > (SELECT max(id) FROM answers) - ? ORDER BY id",
        (count,),
    )
    con.close()


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


async def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    settings = Settings(
        _env_file=None,  # pyright: ignore[reportCallIssue]
        quiz_dir=ROOT / "quizzes",
        database_url=f"sqlite+aiosqlite:///{folder / 'web.db'}",
        web_secret=SECRET,
    )
    catalog = Catalog(settings.quiz_dir)
    catalog.reload()
    loaded = catalog.get(QUIZ_ID)
    assert loaded is not None, f"the project's quizzes have no {QUIZ_ID}"
    questions = [
        (q.id, len(getattr(q, "choices", ())) or 2, hasattr(q, "choices"))
        for q in loaded.quiz.questions
    ]
    took = await asyncio.to_thread(build, folder / "web.db", args.answers, questions)
    print(f"built {args.answers:,} answers by {STUDENTS:,} students in {took:.1f} s")

    repo = await Repository.open(settings.database_url)
    library = QuizLibrary(catalog, repo, UploadLimits.from_settings(settings))
    ctx = WebContext(settings, catalog, library, repo)
    app = make_app(ctx)
    with socket.socket() as sock:  # a free port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    runner = await start_site(app, "127.0.0.1", port)
    base = f"http://127.0.0.1:{port}/servers/{GUILD}"
    cookie = {cookie_name(GUILD): issue_token(SECRET, SESSION_SALT, GUILD, 1)}
    players = (await repo.leaderboard(GUILD)).total_players
    deep = max(0, (players - 1) // PAGE_SIZE - 2)  # near the end: the largest offset
    board_params = {"guild": GUILD, "scope": ALL_QUIZZES, "period": "all", "caller": -1}
    board_params["size"] = PAGE_SIZE
    try:
        async with aiohttp.ClientSession(cookies=cookie) as http:

            async def fetch(url: str) -> None:
                async with http.get(url) as response:
                    assert response.status == 200, (url, response.status)
                    await response.read()

            async def sql(statement: Any, params: dict[str, Any]) -> None:
                async with repo.engine.connect() as conn:
                    (await conn.execute(statement, params)).all()

            # The report's computation, on its own: the page would not wait for it, but
            # show a page that reloads itself until it is done.
            reports = app[REPORTS]
            cold = await timed(lambda: reports.computing(repo.engine, GUILD, loaded))
            assert reports.computed == 1
            # New answers (new students', so that no total changes): only they are read.
            await asyncio.to_thread(add_answers, folder / "web.db", args.new_answers)
            update = await timed(lambda: reports.computing(repo.engine, GUILD, loaded))
            assert (reports.computed, reports.updated) == (1, 1), "not an update"
            pages: dict[str, tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]]
            pages = {
                "leaderboard page 1": (
                    lambda: fetch(f"{base}/leaderboard"),
                    lambda: sql(_leaderboard_sql(), board_params | {"offset": 0}),
                ),
                f"leaderboard page {deep + 1}": (
                    lambda: fetch(f"{base}/leaderboard?page={deep + 1}"),
                    lambda: sql(_leaderboard_sql(), board_params | {"offset": deep * PAGE_SIZE}),
                ),
                "report": (
                    lambda: fetch(f"{base}/reports/{QUIZ_ID}"),
                    lambda: sql(fingerprint_query(), {"guild": GUILD, "quiz": QUIZ_ID}),
                ),
            }
            times: dict[str, tuple[list[float], list[float]]] = {p: ([], []) for p in pages}
            for _ in range(20):  # warm up both sides
                for page, sql_side in pages.values():
                    await page()
                    await sql_side()
            for _ in range(args.requests):
                for name, (page, sql_side) in pages.items():
                    times[name][0].append(await timed(page))
                    times[name][1].append(await timed(sql_side))
            assert (reports.computed, reports.updated) == (1, 1), "the report was computed again"
    finally:
        await runner.cleanup()
        await library.close()
        await repo.close()
    return {"cold_report_ms": cold, "update_report_ms": update, "times": times, "players": players}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--new-answers", type=int, default=1_000, help="for the update")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="quizbot-bench-web-") as folder:
        result = asyncio.run(run(args, Path(folder)))
    figures: dict[str, dict[str, float]] = {}
    print(
        f"\n{result['players']:,} players; report computed cold in {result['cold_report_ms']:.0f}"
        f" ms, updated with {args.new_answers:,} new answers in"
        f" {result['update_report_ms']:.0f} ms"
    )
    print(f"{'page':<24}{'page p50':>10}{'page p99':>10}{'SQL p50':>10}{'SQL p99':>10}{'ratio':>8}")
    for name, (page, sql) in result["times"].items():
        f = {
            "page_p50_ms": percentile(page, 0.5),
            "page_p99_ms": percentile(page, 0.99),
            "sql_p50_ms": percentile(sql, 0.5),
            "sql_p99_ms": percentile(sql, 0.99),
        }
        f["p99_ratio_vs_sql"] = f["page_p99_ms"] / f["sql_p99_ms"]
        figures[name] = {k: round(v, 3) for k, v in f.items()}
        print(
            f"{name:<24}{f['page_p50_ms']:>10.2f}{f['page_p99_ms']:>10.2f}"
            f"{f['sql_p50_ms']:>10.2f}{f['sql_p99_ms']:>10.2f}{f['p99_ratio_vs_sql']:>8.2f}"
        )
    worst_ratio = max(f["p99_ratio_vs_sql"] for f in figures.values())
    worst_ms = max(f["page_p99_ms"] for f in figures.values())
    met = worst_ratio <= TARGET_RATIO and worst_ms < TARGET_MS
    print(
        f"target: p99 <= {TARGET_RATIO}x SQL and < {TARGET_MS:.0f} ms: {'met' if met else 'NOT met'}"
    )
    summary = {
        "p99_ratio_vs_sql": round(worst_ratio, 3),
        "p99_ms": round(worst_ms, 3),
        "target_met": met,
        "answers": args.answers,
        "cold_report_ms": round(result["cold_report_ms"], 1),
        "update_report_ms": round(result["update_report_ms"], 1),
        "new_answers": args.new_answers,
        "pages": figures,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
