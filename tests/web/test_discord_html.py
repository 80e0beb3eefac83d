"""Discord's payloads as HTML: the markdown subset the bot writes, embeds and components."""

from __future__ import annotations

from pathlib import Path

import discord
import jinja2
import pytest

from bot.exts.rendering import BLUE, GOLD, GREEN, RED, notice
from bot.web.discord_html import (
    Button,
    Select,
    TextInput,
    bar_class,
    component_rows,
    embed_parts,
    markdown,
    relative_time,
)
from bot.web.server import TEMPLATES

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("**A.** The prosecutor", "<strong>A.</strong> The prosecutor"),
        ("*Select all that apply.*", "<em>Select all that apply.</em>"),
        ("_italic_ here", "<em>italic</em> here"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("`/quiz start`", "<code>/quiz start</code>"),
        ("`**not bold**`", "<code>**not bold**</code>"),
        ("one\ntwo", "one<br>two"),
        ("**bold *and italic***", "<strong>bold <em>and italic</em></strong>"),
        (r"\*not italic\*", "*not italic*"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        (
            "[Reuters](https://www.reuters.com/a?b=1&c=2)",
            '<a href="https://www.reuters.com/a?b=1&amp;c=2">Reuters</a>',
        ),
        ("[bad](javascript:alert(1))", "[bad](javascript:alert(1))"),
    ],
)
def test_inline_markdown(text: str, html: str) -> None:
    assert markdown(text, now=NOW) == html


def test_everything_else_is_escaped() -> None:
    html = markdown('<script>alert("x")</script> & **<b>bold</b>**', now=NOW)
    assert "<script>" not in html and "<b>" not in html
    assert html == (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; "
        "<strong>&lt;b&gt;bold&lt;/b&gt;</strong>"
    )


def test_block_quotes_as_the_bot_writes_them() -> None:
    # bot.quiz.presentation.block_quote: "> " lines, ">" alone between two quotes.
    text = "Why it is so\n> first quote\n>\n> second **quote**\nafter"
    assert markdown(text, now=NOW) == (
        "Why it is so<blockquote>first quote<br><br>second <strong>quote</strong></blockquote>after"
    )


def test_a_greater_than_sign_without_its_space_is_text() -> None:
    assert markdown(">not a quote", now=NOW) == "&gt;not a quote"


def test_timestamps_are_readable() -> None:
    relative = markdown(f"⏱ Answer <t:{int(NOW) + 90}:R>", now=NOW)
    assert relative == ('⏱ Answer <time datetime="2023-11-14T22:14:50+00:00">in 1 minute</time>')
    absolute = markdown(f"<t:{int(NOW)}:f>", now=NOW)
    assert ">14 Nov 2023 22:13 UTC</time>" in absolute
    assert relative_time(-7200) == "2 hours ago"
    assert relative_time(1) == "in 1 second"


def test_each_colour_of_the_bot_has_its_bar() -> None:
    assert [bar_class(c.value) for c in (BLUE, GREEN, RED, GOLD)] == [
        "bar-blue",
        "bar-green",
        "bar-red",
        "bar-gold",
    ]
    assert bar_class(None) == "bar-blue"


def test_an_embed_in_parts() -> None:
    embed = discord.Embed(title="✅ Correct!", description="**A.** yes", colour=GREEN)
    embed.url = "https://example.org/article"
    embed.set_author(name="Question 1 of 3")
    embed.add_field(name="From the source", value="> quoted", inline=False)
    embed.set_footer(text="Reuters <footer>")
    parts = embed_parts(embed.to_dict())  # pyright: ignore[reportArgumentType]
    assert parts.bar == "bar-green"
    assert parts.author == "Question 1 of 3"
    assert parts.url == "https://example.org/article"
    assert parts.description == "<strong>A.</strong> yes"
    [field] = parts.fields
    assert (field.name, field.value, field.inline) == (
        "From the source",
        "<blockquote>quoted</blockquote>",
        False,
    )
    assert parts.footer == "Reuters <footer>"  # escaped by the template, not here


def test_an_embed_link_must_be_a_web_link() -> None:
    assert embed_parts({"title": "x", "url": "javascript:alert(1)"}).url is None


def test_components_of_a_view_and_of_a_modal() -> None:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="A", custom_id="a", style=discord.ButtonStyle.secondary))
    view.add_item(
        discord.ui.Button(label="Type", custom_id="t", style=discord.ButtonStyle.primary, emoji="✏️")
    )
    view.add_item(
        discord.ui.Select(
            custom_id="s",
            placeholder="Pick",
            max_values=2,
            options=[discord.SelectOption(label="A. one", value="0")],
        )
    )
    rows = component_rows(view.to_components())
    assert rows[0] == [
        Button("A", "secondary", "a"),
        Button("Type", "primary", "t", emoji="✏️"),
    ]
    assert rows[1] == [Select("s", "Pick", 1, 2, [rows[1][0].options[0]])]  # type: ignore[union-attr]
    modal = discord.ui.Modal(title="Question 1 of 2")
    modal.add_item(discord.ui.TextInput(label="Your number", custom_id="answer", max_length=200))
    [[box]] = component_rows(modal.to_components())
    assert box == TextInput("answer", "Your number", None, None, 200, True, False)


def _macros() -> object:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("_discord.html").module


def test_the_embed_macro_escapes_plain_texts() -> None:
    embed = notice("**Careful** <now>")
    embed.set_footer(text="<img src=x>")
    html = str(_macros().embed(embed_parts(embed.to_dict())))  # type: ignore[attr-defined]
    assert 'class="embed bar-blue"' in html
    assert "<strong>Careful</strong> &lt;now&gt;" in html
    assert "&lt;img src=x&gt;" in html and "<img" not in html


def test_live_buttons_post_their_custom_id_and_shown_ones_are_inert() -> None:
    rows = [[Button("A", "secondary", "quiz:a:0:0:0")]]
    live = str(_macros().components(rows, live=True))  # type: ignore[attr-defined]
    shown = str(_macros().components(rows, live=False))  # type: ignore[attr-defined]
    assert 'type="submit" name="custom_id" value="quiz:a:0:0:0">A</button>' in live
    assert 'type="button" disabled>A</button>' in shown
