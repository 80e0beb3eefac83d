"""Teacher reports: item analysis, charts and CSV exports of a server's answers.

Nothing here is imported by the bot at start-up; matplotlib is loaded only to draw.
"""
