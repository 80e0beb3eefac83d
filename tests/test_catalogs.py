"""The message catalogs: what the template holds, what `catalogs.problems` finds wrong in a
translation, and the slash commands' names and descriptions taken from the catalogs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from discord import Locale, app_commands
from discord.app_commands import TranslationContext
from discord.app_commands import TranslationContextLocation as Where

from bot import catalogs, i18n
from bot.exts.translator import CHOICE, DESCRIPTION, NAME, CatalogTranslator, command_texts


@pytest.fixture
def locale_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Catalogs of the test's own, in place of the project's."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    yield tmp_path
    i18n.translations.cache_clear()


def write_catalog(
    language: str, entries: list[tuple[str | None, str, str]], fuzzy: str = ""
) -> None:
    catalog = Catalog(locale=language, domain=i18n.DOMAIN)
    for context, english, translated in entries:
        flags = ["fuzzy"] if english == fuzzy else []
        catalog.add(english, translated, context=context, flags=flags)
    catalogs.write(catalog, i18n.catalog_path(language))


def test_the_template_holds_every_command_text_under_its_context() -> None:
    template = catalogs.extract()
    texts = command_texts()
    assert (NAME, "quiz") in texts and (NAME, "start") in texts
    assert any(context == DESCRIPTION for context, _ in texts)
    assert any(context == CHOICE for context, _ in texts)
    for context, text in texts:
        assert template.get(text, context=context) is not None, (context, text)


def test_a_translation_is_used_in_its_language_only(locale_dir: Path) -> None:
    write_catalog("fr", [(None, "Next", "Suivant")])
    assert i18n.gettext("Next") == "Next"
    with i18n.using("fr-CA"):
        assert i18n.current_language() == "fr"
        assert i18n.gettext("Next") == "Suivant"
        assert i18n.gettext("Not in the catalog") == "Not in the catalog"
    with i18n.using("ja"):
        assert i18n.current_language() == "en" and i18n.gettext("Next") == "Next"


def test_a_fuzzy_entry_is_not_a_translation(locale_dir: Path) -> None:
    write_catalog("de", [(None, "Next", "Weiter"), (None, "Stop", "Halt")], fuzzy="Stop")
    with i18n.using("de"):
        assert i18n.gettext("Next") == "Weiter" and i18n.gettext("Stop") == "Stop"


def test_problems_finds_gaps_fuzz_placeholders_and_bad_command_names(locale_dir: Path) -> None:
    template = Catalog(domain=i18n.DOMAIN)
    for context, english in [
        (None, "Next"),
        (None, "You answered: {given}"),
        (None, "Stop"),
        (None, "Hello %(name)s"),
        (NAME, "start"),
        (None, "Missing here"),
    ]:
        template.add(english, None, context=context)
    write_catalog(
        "es",
        [
            (None, "Next", "Siguiente"),
            (None, "You answered: {given}", "Respondiste: {respuesta}"),
            (None, "Stop", "Parar"),
            (None, "Hello %(name)s", "Hola %(name)s"),
            (NAME, "start", "Empezar juego"),
        ],
        fuzzy="Stop",
    )
    found = {(p.msgid, p.what) for p in catalogs.problems("es", template)}
    assert found == {
        ("You answered: {given}", "placeholders ['{respuesta}']"),
        ("Stop", "fuzzy"),
        ("start", "not a valid command name"),
        ("Missing here", "missing"),
    }
    assert [str(p) for p in catalogs.problems("xx", template)] == ["xx: no catalog: ''"]


async def test_command_names_and_descriptions_come_from_the_catalog(locale_dir: Path) -> None:
    write_catalog(
        "fr",
        [
            (NAME, "start", "demarrer"),
            (NAME, "stop", "Arrêter le jeu"),  # a space and a capital: Discord refuses it
            (DESCRIPTION, "Start a quiz", "Lancer un quiz"),
            (CHOICE, "live", "en direct"),
        ],
    )
    translator = CatalogTranslator()

    async def translate(text: str, locale: Locale, where: Where) -> str | None:
        context = TranslationContext(where, None)  # type: ignore[arg-type]
        return await translator.translate(app_commands.locale_str(text), locale, context)

    assert await translate("start", Locale.french, Where.command_name) == "demarrer"
    assert await translate("start", Locale.american_english, Where.command_name) is None
    assert await translate("start", Locale.german, Where.command_name) is None  # no catalog
    assert await translate("Start a quiz", Locale.french, Where.command_description) == (
        "Lancer un quiz"
    )
    assert await translate("live", Locale.french, Where.choice_name) == "en direct"
    assert await translate("stop", Locale.french, Where.command_name) is None
    # A name's translation is not a description's: the contexts keep them apart.
    assert await translate("start", Locale.french, Where.command_description) is None


def test_the_committed_template_is_the_code_s() -> None:
    # `quizbot catalog extract` was run after the last change of a message.
    committed = catalogs.read(catalogs.TEMPLATE)
    fresh = catalogs.extract()
    keys = {(m.context or "", m.id if isinstance(m.id, str) else m.id[0]) for m in fresh if m.id}
    have = {
        (m.context or "", m.id if isinstance(m.id, str) else m.id[0]) for m in committed if m.id
    }
    assert sorted(keys - have) == [], "run: quizbot catalog extract && quizbot catalog update"
    assert sorted(have - keys) == [], "run: quizbot catalog extract && quizbot catalog update"


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_catalog_is_complete_and_compiles(language: str) -> None:
    problems = catalogs.problems(language, catalogs.extract())
    assert [str(p) for p in problems] == []
    i18n.translations.cache_clear()
    compiled = i18n.translations(language)  # compiled in memory, as the bot does
    with i18n.using(language):
        assert i18n.gettext("Next") != "Next"
    assert compiled.gettext("Next") == i18n.translations(language).gettext("Next")
