"""No English reaches a user without going through the message catalog.

How it is decided: a user reads what the bot hands to Discord's message parts, what the
terminal prints and what the web pages show. So, in every module of bot/, each string
literal (or f-string) with a letter in it, given to one of the SINKS below (an embed's
title, description, field, footer or author; a message's content; a button's label or a
menu's placeholder; a modal's title or text box; the bot's own `notice`, `tell` and
`_tell` helpers), must be the result of `_()` or `ngettext()`, or a variable; the same
for the visible text of every web template, which must sit in `{{ _(...) }}` or
`{% trans %}`. Text built elsewhere and passed in as a variable is checked where it is
built, when that is a sink; messages built in the quiz domain for the validator are
covered by the catalog test, which finds every `_()` of the code in every catalog.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bot"
TEMPLATES = PACKAGE / "web" / "templates"
# Callables whose text arguments a user reads: those keywords, and that positional one.
SINKS: dict[str, tuple[tuple[str, ...], int | None]] = {
    "Embed": (("title", "description"), None),
    "add_field": (("name", "value"), None),
    "set_footer": (("text",), None),
    "set_author": (("name",), None),
    "send_message": (("content",), 0),
    "send": (("content",), 0),
    "edit_message": (("content",), None),
    "edit_original_response": (("content",), None),
    "Button": (("label",), None),
    "Select": (("placeholder",), None),
    "SelectOption": (("label", "description"), None),
    "TextInput": (("label", "placeholder"), None),
    "Modal": (("title",), None),
    "notice": ((), 0),
    "tell": (("text",), 1),
    "_tell": (("text",), 1),
    "HTTPForbidden": (("text",), None),
    "HTTPNotFound": (("text",), None),
}
LETTER = re.compile(r"[A-Za-z]{2,}")
# Literals that are not words for a reader: Discord's own markup and separators.
ALLOWED = {"-", "…", "\u200b"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _english(node: ast.expr) -> str | None:
    """The English words a literal argument carries, or None if it is not a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    elif isinstance(node, ast.BinOp):  # "..." + x
        return _english(node.left) or _english(node.right)
    else:
        return None
    return text if text not in ALLOWED and LETTER.search(text) else None


def untranslated_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        sink = SINKS.get(_name(node.func))
        if sink is None:
            continue
        keywords, position = sink
        arguments: list[ast.expr] = [k.value for k in node.keywords if k.arg in keywords]
        if position is not None and len(node.args) > position:
            arguments.append(node.args[position])
        for argument in arguments:
            text = _english(argument)
            if text is not None:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                found.append(f"{where}:{argument.lineno}: {text[:60]!r}")
    return found


def test_no_literal_english_reaches_a_discord_message_or_a_page() -> None:
    found = [line for path in sorted(PACKAGE.rglob("*.py")) for line in untranslated_in(path)]
    assert found == [], "wrap these in _() (bot/i18n.py):\n" + "\n".join(found)


READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "label")


class _VisibleText(HTMLParser):
    """The text a reader sees (and hears) of a page: its text and described attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and LETTER.search(NAMES.sub(" ", value)):
                self.found.append((self.getpos()[0], value))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        words = " ".join(data.split())
        if ATTRIBUTES_ONLY.match(words):  # a block that gives a tag its attributes
            return
        if not self._hidden and LETTER.search(NAMES.sub(" ", words)):
            self.found.append((self.getpos()[0], words[:60]))


HOLE = " "  # where an expression, a tag of Jinja or a translated block stands
# Attributes written in a block that a tag's attributes come from (not text).
ATTRIBUTES_ONLY = re.compile(r'^\s*([\w-]+="[^"]*"\s*)+$')
# The product's name is the same in every language.
NAMES = re.compile(r"\bQuizbot\b")


def template_texts(env: jinja2.Environment, source: str) -> list[tuple[int, str]]:
    """The visible text of a template that is not in `_()` or `{% trans %}`."""
    parts: list[str] = []
    in_trans = False
    for _line, kind, value in env.lex(source):
        if kind == "name" and value in ("trans", "pluralize"):
            in_trans = True
        elif kind == "name" and value == "endtrans":
            in_trans = False
        if kind == "data" and not in_trans and not ATTRIBUTES_ONLY.match(value):
            parts.append(value)
        else:  # keep the lines, so that positions stay those of the file
            parts.append(HOLE + "\n" * value.count("\n"))
    parser = _VisibleText()
    parser.feed("".join(parts))
    parser.close()
    return parser.found


def test_no_literal_english_in_the_web_templates() -> None:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        texts = template_texts(env, path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}:{line}: {text!r}" for line, text in texts]
    assert found == [], "wrap these in {{ _(...) }} or {% trans %}:\n" + "\n".join(found)


def test_the_template_check_finds_what_it_is_for() -> None:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    source = (
        '<h1>{{ _("Fine") }}</h1>\n<p>Not fine {{ x }}</p>\n'
        '<img src="/a/{{ x }}.svg" alt="A chart">\n{% trans %}Also fine{% endtrans %}\n'
        "<td>{{ n }} %</td>"
    )
    assert template_texts(env, source) == [(2, "Not fine"), (3, "A chart")]


def test_the_check_finds_what_it_is_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(x):\n"
        "    e = discord.Embed(title='Question 1', description=_('Fine'))\n"
        "    e.add_field(name=f'Score {x}', value=x)\n"
        "    notice(_('Also fine').format(x=x))\n"
        "    return tell(i, 'Locked in.')\n"
    )
    found = untranslated_in(sample)
    assert [line.split(": ", 1)[1] for line in found] == [
        "'Question 1'",
        "'Score '",
        "'Locked in.'",
    ]
