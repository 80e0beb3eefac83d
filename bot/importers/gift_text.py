"""The text inside GIFT questions: escapes, `[format]` markers, HTML.

GIFT's control characters (`~ = # { } :`) lose their meaning when escaped with a
backslash. Like Moodle, escaped ones are swapped for placeholders before the question is
taken apart, and swapped back in each piece of text at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Private-use code points: never in the structure, so splitting on `~` or `=` skips them.
_PLACEHOLDER = {c: chr(0xE000 + i) for i, c in enumerate(":#=~{}")}
_RESTORE = str.maketrans({v: k for k, v in _PLACEHOLDER.items()})
_ESCAPE = re.compile(r"\\([\\:#=~{}n])")
_FORMAT = re.compile(r"\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
# Tags that start a new line of text.
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "hr",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ]
)


def protect(text: str) -> str:
    """Escapes resolved: `\\\\` is a backslash, `\\n` a line break, `\\~` (and the other
    control characters) a placeholder that `restore` turns back into the character."""

    def swap(match: re.Match[str]) -> str:
        char = match.group(1)
        if char == "\\":
            return "\\"
        if char == "n":
            return "\n"
        return _PLACEHOLDER[char]

    return _ESCAPE.sub(swap, text)


def restore(text: str) -> str:
    return text.translate(_RESTORE)


def split_format(text: str, default: str) -> tuple[str, str]:
    """A leading `[html]`, `[moodle]`, `[markdown]` or `[plain]` marker: (format, rest)."""
    stripped = text.strip()
    match = _FORMAT.match(stripped)
    if match is None:
        return default, stripped
    return match.group(1).lower(), stripped[match.end() :]


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    images: int = 0  # <img> tags dropped from HTML


def render(text: str, fmt: str) -> Rendered:
    """A piece of question text as Quizbot shows it: plain text with line breaks.

    HTML is reduced to its text (block tags become line breaks, entities decoded); the
    other formats are kept as written (Discord renders Markdown itself). Placeholders are
    restored last, so that an escaped `\\{` in HTML stays a brace.
    """
    images = 0
    if fmt == "html":
        parser = _TextOfHtml()
        parser.feed(text)
        parser.close()
        text, images = "".join(parser.parts), parser.images
        lines = [" ".join(line.split()) for line in text.split("\n")]
    else:
        lines = [line.strip() for line in text.split("\n")]
    return Rendered(restore(_tidy(lines)), images)


def _tidy(lines: list[str]) -> str:
    """Lines joined; blank lines at either end dropped, runs of blank lines made one."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        # Source line breaks inside HTML are spaces; only tags make lines.
        self.parts.append(data.replace("\n", " "))
