"""Importers: other quiz formats (Red-DiscordBot trivia lists, Moodle GIFT) -> quiz files.

Pure Python: each importer turns the bytes of a file into a `Conversion` (the quiz data
and a report of what was changed or skipped); `emit` writes it as YAML; `cli` is
`quizbot import`.
"""
