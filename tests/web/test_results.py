"""The results pages over a seeded database: the same figures as the bot shows.

Requests carry a real session cookie for one server (GUILD), as a dashboard link leaves.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import yaml

import bot.web.results as results
from bot.exts.rendering import leaderboard_embed
from bot.exts.scores import PAGE_SIZE
from bot.quiz.stats import quiz_progress
from bot.reports.analysis import analyse_quiz
from bot.reports.text import report_embed, summary_lines
from bot.storage.records import AnswerRecord, Period, utcnow
from bot.storage.repository import Repository
from bot.web.access import SESSION_SALT, cookie_name, issue_token, secret_of
from tests.reports.data import QUIZ, QUIZ_ID, START, class_answers
from tests.reports.storing import store_answers as _store
from tests.web.server_thread import WebServer

GUILD = 1  # the server of tests/reports/data.py's class
OTHER = 2


# -- reading pages -----------------------------------------------------------------------


class Tables(HTMLParser):
    """The text of every cell of every table with an id, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.lists: dict[str, list[str]] = {}
        self._table: str | None = None
        self._list: str | None = None
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ident = dict(attrs).get("id")
        if tag == "table" and ident:
            self._table = ident
            self.tables[ident] = []
        elif tag == "ul" and ident:
            self._list = ident
            self.lists[ident] = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table and not self._in_head:
            self.tables[self._table].append([])
        elif (tag in ("td", "th") and self._table and not self._in_head) or (
            tag == "li" and self._list
        ):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "ul":
            self._list = None
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "li" and self._cell is not None and self._list:
            self.lists[self._list].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def get(server: WebServer, path: str) -> tuple[int, str, dict[str, str]]:
    """A page, as the teacher of GUILD (and of no other server) asks for it."""
    secret = secret_of(server.settings)
    assert secret is not None
    token = issue_token(secret, SESSION_SALT, GUILD, 99)
    request = urllib.request.Request(
        server.url + path, headers={"Cookie": f"{cookie_name(GUILD)}={token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def parsed(html: str) -> Tables:
    tables = Tables()
    tables.feed(html)
    return tables


# -- the seeded server ---------------------------------------------------------------------


@pytest.fixture
def served(web_server: WebServer) -> WebServer:
    """The pages with the demo quiz, its class's answers and a leaderboard with a tie."""
    quiz_file = web_server.settings.quiz_dir / "demo-quiz.yaml"
    quiz_file.write_text(
        yaml.safe_dump(QUIZ.model_dump(mode="json", exclude_defaults=True), sort_keys=False)
    )
    web_server.reload()
    web_server.run(_seed(repo_of(web_server)))
    return web_server


def repo_of(server: WebServer) -> Repository:
    repo = server.context.repo
    assert repo is not None
    return repo


def league() -> list[AnswerRecord]:
    """Fourteen more players this week (two tied at 300 points, two pages), and last
    year's answers of three of them (in the all-time board, not this week's)."""
    template = class_answers()[0]
    now = utcnow()
    rows = []
    for n in range(14):
        user = 1000 + n
        points = 300 if n in (3, 4) else 500 - 20 * n
        for k, question in enumerate(("q1", "q2")):
            rows.append(
                replace(
                    template,
                    session_id=f"league-{n}",
                    user_id=user,
                    display_name=f"Player {n}" if n != 5 else "Tom & Jerry",
                    question_id=question,
                    correct=k == 0,
                    points=points if k == 0 else 0,
                    answered_at=now - timedelta(minutes=n + k),
                )
            )
        if n < 3:
            rows.append(
                replace(
                    rows[-1],
                    session_id=f"old-{n}",
                    correct=True,
                    points=1000,
                    answered_at=now - timedelta(days=400),
                )
            )
    return rows


async def _seed(repo: Repository) -> None:
    await _store(repo, class_answers())
    await _store(repo, league())
    other = replace(class_answers()[0], guild_id=OTHER, session_id="elsewhere", user_id=5000)
    await _store(repo, [other])


# -- the leaderboard -----------------------------------------------------------------------

ENTRY = re.compile(
    r"`\s*(\d+)\.` \*\*(.+)\*\* — ([\d,]+) pts \(([\d,]+) answered(?:, (\d+%) right)?\)"
)


def bot_lines(server: WebServer, quiz: str | None, period: Period, page: int) -> list[list[str]]:
    board = server.run(
        repo_of(server).leaderboard(
            GUILD, quiz_id=quiz, period=period, page=page, page_size=PAGE_SIZE
        )
    )
    embed = leaderboard_embed(board, scope_title="x")
    lines = []
    for line in (embed.description or "").splitlines():
        match = ENTRY.fullmatch(line)
        assert match, line
        rank, name, points, answered, right = match.groups()
        lines.append([rank, name.replace("\\", ""), points, answered, right or "–"])
    assert embed.footer.text is not None
    lines.append([embed.footer.text])
    return lines


@pytest.mark.parametrize(
    ("quiz", "period", "page"),
    [
        (None, Period.ALL, 0),
        (None, Period.ALL, 1),
        (None, Period.WEEK, 0),
        (None, Period.WEEK, 1),
        (QUIZ_ID, Period.MONTH, 0),
        (None, Period.ALL, 7),  # past the end: the last page, as in Discord
    ],
)
def test_the_leaderboard_shows_the_bots_ranks_names_and_points(
    served: WebServer, quiz: str | None, period: Period, page: int
) -> None:
    query = f"?quiz={quiz or ''}&period={period.value}&page={page + 1}"
    status, html, _ = get(served, f"/servers/{GUILD}/leaderboard{query}")
    assert status == 200
    rows = parsed(html).tables["board"]
    info = re.search(r'<span id="page-info">(.*?)</span>', html)
    assert info is not None
    assert [*rows, [info.group(1).replace(" player(s)", " player(s)")]] == bot_lines(
        served, quiz, period, page
    )


def test_the_leaderboard_has_a_tie_and_links_each_player(served: WebServer) -> None:
    _, html, _ = get(served, f"/servers/{GUILD}/leaderboard?period=week")
    rows = parsed(html).tables["board"]
    ranks = [row[0] for row in rows]
    assert len(set(ranks)) < len(ranks), "two players share a rank"
    assert f'href="/servers/{GUILD}/students/1003"' in html
    assert "Tom &amp; Jerry" in html
    assert 'rel="next"' in html and "page=2" in html  # a plain link, no script


# -- the report ----------------------------------------------------------------------------


def bot_report(server: WebServer) -> tuple[list[str], list[list[str]]]:
    """What /quiz report says: its summary lines and its line per answered question."""
    report = analyse_quiz(server.run(repo_of(server).answers_of(GUILD, QUIZ_ID)), QUIZ)
    lines = []
    for line in report_embed(report).description.splitlines():
        match = re.fullmatch(r"`Q(\d+)` (\S+) · D (\S+) · (\d+)( ⚠)?", line)
        if match:
            number, facility, d, answered, flag = match.groups()
            lines.append([f"Q{number}{' ⚠' if flag else ''}", facility, d, answered])
    return summary_lines(report), lines


def test_the_report_shows_the_figures_of_quiz_report(served: WebServer) -> None:
    status, html, _ = get(served, f"/servers/{GUILD}/reports/{QUIZ_ID}")
    assert status == 200
    page = parsed(html)
    summary, lines = bot_report(served)
    assert page.lists["summary"] == summary
    shown = [[row[0], row[3], row[4], row[2]] for row in page.tables["items"]]
    assert shown == lines
    assert any("Left out" in line for line in summary)  # repeats and review counted apart


def test_a_new_answer_updates_the_report(served: WebServer) -> None:
    before = parsed(get(served, f"/servers/{GUILD}/reports/{QUIZ_ID}")[1])
    late = replace(class_answers()[0], user_id=77, session_id="late", answered_at=utcnow())
    served.run(_store(repo_of(served), [late]))
    after = parsed(get(served, f"/servers/{GUILD}/reports/{QUIZ_ID}")[1])
    assert after.tables["items"][0][2] == str(int(before.tables["items"][0][2]) + 1)
    assert after.lists["summary"] == bot_report(served)[0]


def test_the_charts_are_svg_images_with_their_figures_beside_them(served: WebServer) -> None:
    _, html, headers = get(served, f"/servers/{GUILD}/reports/{QUIZ_ID}")
    assert "<style" not in html and "style=" not in html and "<script" not in html
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    sources = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', html)
    assert len(sources) == 3
    for src, alt in sources:
        status, svg, chart_headers = get(served, src.replace("&amp;", "&"))
        assert status == 200, src
        assert chart_headers["Content-Type"] == "image/svg+xml"
        assert chart_headers["Content-Security-Policy"] == results.CHART_POLICY
        assert "<svg" in svg and "<script" not in svg
        assert "table" in alt
    assert "Wrong B" in get(served, sources[2][0].replace("&amp;", "&"))[1]  # a distractor
    assert parsed(html).tables["distractors"]


# -- a student -------------------------------------------------------------------------------


def test_a_students_page_shows_what_stats_shows_a_teacher(served: WebServer) -> None:
    status, html, _ = get(served, f"/servers/{GUILD}/students/1")
    assert status == 200
    totals = served.run(repo_of(served).user_totals(GUILD, 1))
    assert f"<dd>{totals.points}</dd>" in html
    assert f"<dd>#{totals.rank}</dd>" in html
    assert f"{totals.answered} ({totals.accuracy:.0%} right)" in html
    progress = quiz_progress(totals.questions, {QUIZ_ID: QUIZ})
    rows = parsed(html).tables["quizzes"]
    assert [[r[0], r[1], r[2]] for r in rows] == [
        [p.title, f"{p.seen}/{p.total}", f"{p.accuracy:.0%}"] for p in progress
    ]
    assert "streak" not in html.lower()  # not what another student's /stats shows
    status, svg, headers = get(served, f"/servers/{GUILD}/students/1/progress.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and "<svg" in svg
    assert get(served, f"/servers/{GUILD}/students/424242")[0] == 404


# -- homework --------------------------------------------------------------------------------


def test_an_assignments_status(served: WebServer) -> None:
    repo = repo_of(served)
    info = served.run(
        repo.assignments.create(
            guild_id=GUILD,
            class_id=None,
            channel_id=5,
            quiz_id=QUIZ_ID,
            count=None,
            attempts=1,
            due_at=utcnow() + timedelta(days=2),
            created_by=99,
        )
    )
    served.run(repo.assignments.add_attempt(info.id, 1, "s1", graded=True, started_at=START))
    status, html, _ = get(served, f"/servers/{GUILD}/")
    assert status == 200 and f"/servers/{GUILD}/assignments/{info.id}" in html
    status, html, _ = get(served, f"/servers/{GUILD}/assignments/{info.id}")
    assert status == 200
    rows = parsed(html).tables["students"]
    assert [r[0] for r in rows] == ["student 1"]
    assert "1 done" in html or "1 started" in html
    other = served.run(
        repo.assignments.create(
            guild_id=OTHER,
            class_id=None,
            channel_id=6,
            quiz_id=QUIZ_ID,
            count=None,
            attempts=1,
            due_at=utcnow(),
            created_by=98,
        )
    )
    assert get(served, f"/servers/{GUILD}/assignments/{other.id}")[0] == 404


# -- who may see what ----------------------------------------------------------------------


def server_paths(server: WebServer, guild_id: int) -> list[str]:
    """Every results page under /servers/, with its placeholders filled in."""
    values = {"guild_id": str(guild_id), "quiz_id": QUIZ_ID, "chart": "facility"}
    values |= {"user_id": "1", "assignment_id": "1"}
    assert server._runner is not None
    paths = []
    for resource in server._runner.app.router.resources():
        info = resource.get_info()
        pattern = info.get("formatter") or info.get("path") or ""
        if pattern.startswith("/servers/") and (resource.name or "").startswith("results."):
            paths.append(pattern.format(**values))
    return paths


def test_every_server_page_refuses_a_request_without_its_session(served: WebServer) -> None:
    paths = server_paths(served, OTHER)
    assert len(paths) >= 7
    # Without the database and the quizzes, a page that looked before checking would fail
    # otherwise than with 403.
    ctx = served.context
    repo, library = ctx.repo, ctx.library
    ctx.repo = ctx.library = None
    try:
        answers = {path: get(served, path)[:2] for path in paths}
    finally:
        ctx.repo, ctx.library = repo, library
    assert {path: status for path, (status, _) in answers.items()} == dict.fromkeys(paths, 403)
    assert len({body for _, body in answers.values()}) == 1  # and says nothing more
    # The teacher's own server: admitted (homework #1 does not exist: 404, not 403).
    admitted = {path: get(served, path)[0] for path in server_paths(served, GUILD)}
    assert set(admitted.values()) == {200, 404}, admitted


def test_the_public_leaderboard_is_off_until_turned_on(served: WebServer) -> None:
    status, html, _ = get(served, f"/public/{GUILD}/leaderboard")
    assert status == 404 and results.NOT_PUBLIC in html
    assert get(served, "/public/987654/leaderboard")[1] == html  # unknown: the same answer
    served.run(repo_of(served).set_public_leaderboard(GUILD, True))
    status, html, _ = get(served, f"/public/{GUILD}/leaderboard?page=2")
    assert status == 200
    rows = parsed(html).tables["board"]
    expected = bot_lines(served, None, Period.ALL, 1)[:-1]
    assert rows == [[rank, name] for rank, name, *_ in expected]  # ranks and names only
    assert "pts" not in html and "/students/" not in html and "1003" not in html
    assert get(served, f"/public/{OTHER}/leaderboard")[0] == 404
