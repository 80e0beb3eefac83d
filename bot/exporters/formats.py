"""The export formats by name, each written by its own module (loaded when asked for)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads FORMATS at start: nothing more is loaded
    from bot.exporters.common import Export
    from bot.quiz.models import Quiz

# name -> (module, function)
FORMATS: dict[str, tuple[str, str]] = {
    "gift": ("bot.exporters.gift", "export_gift"),
    "moodle-xml": ("bot.exporters.moodle_xml", "export_moodle_xml"),
    "aiken": ("bot.exporters.aiken", "export_aiken"),
    "qti": ("bot.exporters.qti", "export_qti"),
    "anki": ("bot.exporters.anki", "export_anki"),
}


def export_quiz(quiz: Quiz, format_name: str) -> Export:
    """The quiz in `format_name` (a key of FORMATS); KeyError for an unknown one."""
    module_name, function = FORMATS[format_name]
    return getattr(importlib.import_module(module_name), function)(quiz)
