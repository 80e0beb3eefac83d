"""The web companion (`quizbot web`, or WEB_PORT on `quizbot run`): docs/web.md.

Two faces on one aiohttp application: the preview of QUIZ_DIR's files for their authors
(`preview`), and a server's results for its teachers (`results`), opened with a signed
link from `/quiz dashboard` (`access`). Pages are drawn on the server with Jinja2, and
questions with the bot's own renderers, so that the preview cannot drift from Discord.
"""
