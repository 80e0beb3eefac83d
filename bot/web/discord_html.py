"""What the bot sends to Discord, as HTML: its embeds, its components and its modals.

The input is the bot's own payload (`discord.Embed.to_dict()`, `View.to_components()`,
a Modal's `to_components()`), so a page cannot say other than what Discord shows.
Only Discord's markdown subset that the bot writes is drawn (bold, italic, code, block
quotes, links, timestamps); everything else is escaped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup, escape

# The bot's colours (bot.exts.rendering) and the class of the bar each draws; others blue.
BAR_CLASSES = {
    0x5865F2: "bar-blue",  # blurple: questions, notices
    0x2ECC71: "bar-green",  # a right answer
    0xE74C3C: "bar-red",  # a wrong answer, an error
    0xF1C40F: "bar-gold",  # results
}
BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link"}

_INLINE = re.compile(
    r"\\(?P<escaped>[\\*_`~|>\[\]()<#-])"
    r"|`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>https?://[^\s)]+)\)"
    r"|<t:(?P<stamp>-?\d{1,13})(?::(?P<style>[tTdDfFR]))?>"
    r"|\*\*(?P<bold>.+?)\*\*(?!\*)"
    r"|\*(?P<star>[^*\s](?:[^*]*?[^*\s])?)\*"
    r"|(?<![A-Za-z0-9])_(?P<under>[^_\s](?:[^_]*?[^_\s])?)_(?![A-Za-z0-9])",
    re.DOTALL,
)
_QUOTE = re.compile(r"^>(?: (.*))?$")


def markdown(text: str, *, now: float | None = None) -> Markup:
    """Discord markdown as HTML: block quotes by line, the rest inline; newlines kept."""
    now = time.time() if now is None else now
    out: list[str] = []
    quoted: list[str] = []

    def close_quote() -> None:
        if quoted:
            out.append(f"<blockquote>{'<br>'.join(quoted)}</blockquote>")
            quoted.clear()

    plain: list[str] = []
    for line in text.split("\n"):
        found = _QUOTE.match(line)
        if found:
            if plain:
                out.append("<br>".join(plain))
                plain = []
            quoted.append(_inline(found.group(1) or "", now))
        else:
            close_quote()
            plain.append(_inline(line, now))
    close_quote()
    if plain:
        out.append("<br>".join(plain))
    return Markup("".join(out))


def _inline(text: str, now: float) -> str:
    parts: list[str] = []
    at = 0
    for match in _INLINE.finditer(text):
        parts.append(str(escape(text[at : match.start()])))
        parts.append(_token(match, now))
        at = match.end()
    parts.append(str(escape(text[at:])))
    return "".join(parts)


def _token(match: re.Match[str], now: float) -> str:
    if match["escaped"] is not None:
        return str(escape(match["escaped"]))
    if match["code"] is not None:
        return f"<code>{escape(match['code'])}</code>"
    if match["url"] is not None:
        return f'<a href="{escape(match["url"])}">{_inline(match["label"], now)}</a>'
    if match["stamp"] is not None:
        return timestamp_html(int(match["stamp"]), match["style"] or "f", now)
    if match["bold"] is not None:
        return f"<strong>{_inline(match['bold'], now)}</strong>"
    inner = match["star"] if match["star"] is not None else match["under"]
    assert inner is not None
    return f"<em>{_inline(inner, now)}</em>"


def timestamp_html(stamp: int, style: str, now: float) -> str:
    """`<t:STAMP:STYLE>`: relative ("in 30 seconds") for R, else the UTC date and time."""
    when = datetime.fromtimestamp(stamp, UTC)
    text = relative_time(stamp - now) if style == "R" else when.strftime("%d %b %Y %H:%M UTC")
    return f'<time datetime="{when.isoformat()}">{escape(text)}</time>'


def relative_time(seconds: float) -> str:
    """ "in 5 minutes", "2 hours ago": what Discord shows for a relative timestamp."""
    amount = abs(round(seconds))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if amount >= size or unit == "second":
            count = amount // size
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if seconds >= 0 else f"{words} ago"
    raise AssertionError("unreachable")


# -- embeds --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmbedField:
    name: Markup
    value: Markup
    inline: bool


@dataclass(frozen=True, slots=True)
class EmbedParts:
    """An embed ready for the page: plain texts escaped by the template, markdown drawn."""

    bar: str
    author: str | None = None
    title: Markup | None = None
    url: str | None = None
    description: Markup | None = None
    fields: list[EmbedField] = field(default_factory=list)
    footer: str | None = None


def bar_class(colour: int | None) -> str:
    return BAR_CLASSES.get(colour or 0, "bar-blue")


def safe_url(url: object) -> str | None:
    """Only web links become links (a `javascript:` URL never does)."""
    text = str(url or "")
    return text if text.startswith(("https://", "http://")) else None


def embed_parts(data: Mapping[str, Any], *, now: float | None = None) -> EmbedParts:
    """`discord.Embed.to_dict()` as parts. Titles and field names take markdown in Discord
    too; author and footer never do."""
    description = data.get("description")
    title = data.get("title")
    return EmbedParts(
        bar=bar_class(data.get("color")),
        author=(data.get("author") or {}).get("name"),
        title=markdown(title, now=now) if title else None,
        url=safe_url(data.get("url")),
        description=markdown(description, now=now) if description else None,
        fields=[
            EmbedField(
                markdown(str(f.get("name", "")), now=now),
                markdown(str(f.get("value", "")), now=now),
                bool(f.get("inline", True)),
            )
            for f in data.get("fields", [])
        ],
        footer=(data.get("footer") or {}).get("text"),
    )


# -- components ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    style: str  # a class of .dbutton
    custom_id: str
    emoji: str | None = None
    disabled: bool = False
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SelectOption:
    label: str
    value: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Select:
    custom_id: str
    placeholder: str
    min_values: int
    max_values: int
    options: list[SelectOption]


@dataclass(frozen=True, slots=True)
class TextInput:
    custom_id: str
    label: str
    placeholder: str | None
    min_length: int | None
    max_length: int | None
    required: bool
    paragraph: bool


Component = Button | Select | TextInput


def component_rows(payload: Sequence[Mapping[str, Any]]) -> list[list[Component]]:
    """Action rows of a View's or a Modal's `to_components()`."""
    rows: list[list[Component]] = []
    for row in payload:
        items = row.get("components", []) if row.get("type") == 1 else [row]
        rows.append([_component(item) for item in items])
    return rows


def _component(item: Mapping[str, Any]) -> Component:
    kind = item.get("type")
    if kind == 2:
        emoji = item.get("emoji") or {}
        return Button(
            label=str(item.get("label") or ""),
            style=BUTTON_STYLES.get(int(item.get("style", 2)), "secondary"),
            custom_id=str(item.get("custom_id") or ""),
            emoji=emoji.get("name"),
            disabled=bool(item.get("disabled")),
            url=safe_url(item.get("url")),
        )
    if kind == 3:
        return Select(
            custom_id=str(item["custom_id"]),
            placeholder=str(item.get("placeholder") or ""),
            min_values=int(item.get("min_values", 1)),
            max_values=int(item.get("max_values", 1)),
            options=[
                SelectOption(str(o["label"]), str(o["value"]), o.get("description"))
                for o in item.get("options", [])
            ],
        )
    if kind == 4:
        return TextInput(
            custom_id=str(item["custom_id"]),
            label=str(item.get("label") or ""),
            placeholder=item.get("placeholder"),
            min_length=item.get("min_length"),
            max_length=item.get("max_length"),
            required=bool(item.get("required", True)),
            paragraph=item.get("style") == 2,
        )
    raise ValueError(f"no drawing for a component of type {kind!r}")
