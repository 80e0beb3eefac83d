"""Settings from the environment and `.env`, built once at start and passed down."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.i18n import N_, _, current_language

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///quizbot.db"
# The async drivers the storage layer is written and tested for.
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
# Translators: two database URLs; only "or" (and the words of the path) are to translate.
DATABASE_URL_FORMS = N_(
    "sqlite+aiosqlite:///path/to/quizbot.db or postgresql+asyncpg://user:password@host/database"
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# What each setting accepts, for the message about a value that does not fit (translated
# where shown: see `expected`). They follow "expected" in the message.
EXPECTED = {
    "discord_token": N_("the bot's token from the Discord developer portal"),
    "database_url": DATABASE_URL_FORMS,
    "database_pool_size": N_("a whole number from 1 to 100, or nothing"),
    "quiz_dir": N_("the path of a folder"),
    "discord_guild_id": N_("a server id, a number such as 123456789012345678, or nothing"),
    "discord_api_base": N_("a URL such as http://127.0.0.1:8080/api/v10, or nothing"),
    "discord_gateway_url": N_("a URL such as ws://127.0.0.1:8080/gateway, or nothing"),
    "shard_count": N_("a whole number of 1 or more, or nothing"),
    "shard_ids": N_("shard numbers separated by commas, such as 0,1, or nothing"),
    # Translators: {levels} is DEBUG, INFO, WARNING, ERROR, CRITICAL (setting values).
    "log_level": N_("one of {levels} (any case)"),
    # Translators: the values a yes/no setting takes: true and false stay as written.
    "watch_quizzes": N_("true or false"),
    "connect_retry_delays": N_(
        "seconds to wait before each new attempt, separated by commas, such as 4,8,16,32"
    ),
    "upload_check_seconds": N_("seconds, more than 0 and at most 600, such as 20"),
    "uploads_per_teacher_per_hour": N_("a whole number of 1 or more, such as 10"),
    "uploads_per_server_per_hour": N_("a whole number of 1 or more, such as 30"),
    "upload_storage_mb": N_("megabytes, more than 0, such as 10"),
    "upload_versions_kept": N_("a whole number from 0 to 100, such as 3"),
    "web_host": N_("an address to listen on, such as 127.0.0.1 or 0.0.0.0"),
    "web_port": N_("a port number from 1 to 65535, or nothing"),
    "web_base_url": N_("the web pages' public address, such as https://quiz.example.org"),
    "web_secret": N_("a long random text, such as the output of: openssl rand -hex 32"),
    # Translators: the values a yes/no setting takes: true and false stay as written.
    "web_preview_public": N_("true or false"),
    # Translators: the values a yes/no setting takes: true and false stay as written.
    "ask_model": N_("true or false"),
}
# Never repeated in a message: a secret.
SECRET_FIELDS = frozenset({"discord_token", "web_secret"})
# The web companion's port when `quizbot web` is given none.
DEFAULT_WEB_PORT = 8080
# Shortest WEB_SECRET accepted: it signs the dashboard links and sessions.
MIN_WEB_SECRET = 16


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL: connections each process keeps open (SQLite ignores it).
    database_pool_size: int | None = Field(default=None, ge=1, le=100)
    quiz_dir: Path = Path("quizzes")
    discord_guild_id: int | None = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    log_level: str = "INFO"
    # Reload quiz files as soon as they change on disk (off: only /quiz reload).
    watch_quizzes: bool = True
    # When Discord cannot be reached at start: the waits before each new attempt
    # (None: bot.app.CONNECT_RETRY_DELAYS, five attempts over about a minute).
    connect_retry_delays: Annotated[tuple[float, ...] | None, NoDecode] = None
    # /quiz upload. Each file is checked in a process of its own, stopped past this:
    upload_check_seconds: float = Field(default=20.0, gt=0, le=600)
    # Files checked (added or not) within any hour, per teacher (in all servers) and per server.
    uploads_per_teacher_per_hour: int = Field(default=10, ge=1)
    uploads_per_server_per_hour: int = Field(default=30, ge=1)
    # What a server's stored uploads may take, every version counted (MB of 1,000,000 bytes).
    upload_storage_mb: float = Field(default=10.0, gt=0)
    # Earlier versions of an uploaded quiz kept, besides every version a game was played with.
    upload_versions_kept: int = Field(default=3, ge=0, le=100)
    # The web companion (docs/web.md). WEB_PORT on `quizbot run` serves it from the bot.
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=1, le=65535)
    # The public address of the pages, for the links /quiz dashboard gives.
    web_base_url: str | None = None
    # Signs dashboard links and sessions; dashboard links need it.
    web_secret: SecretStr | None = None
    # Serve the preview of QUIZ_DIR's files to other machines, not only this one.
    web_preview_public: bool = False
    # /ask reads meaning with the packaged model when the extra `paraphrase` is installed
    # (docs/ask.md); false: words only, and PyTorch is never loaded.
    ask_model: bool = True

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # SHARD_IDS=0,1 as well as a JSON list.
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            parts = [v.strip() for v in value.strip("[]").split(",") if v.strip()]
            if not all(re.fullmatch(r"\d+", part) for part in parts):
                raise ValueError(_expected_message("shard_ids"))
            return [int(part) for part in parts]
        return value

    @field_validator("connect_retry_delays", mode="before")
    @classmethod
    def _split_delays(cls, value: object) -> object:
        # CONNECT_RETRY_DELAYS=4,8,16,32
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                delays = tuple(float(part) for part in value.split(","))
            except ValueError:
                delays = (-1.0,)
            if any(not 0 <= d < 3600 for d in delays):
                raise ValueError(_expected_message("connect_retry_delays"))
            return delays
        return value

    @field_validator(
        "discord_token",
        "discord_api_base",
        "discord_gateway_url",
        "web_base_url",
        "web_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "discord_guild_id", "shard_count", "database_pool_size", "web_port", mode="before"
    )
    @classmethod
    def _blank_number_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    # `KEY=` left empty in .env means "the default", as for the optional settings.
    @field_validator(
        "database_url",
        "log_level",
        "quiz_dir",
        "watch_quizzes",
        "upload_check_seconds",
        "uploads_per_teacher_per_hour",
        "uploads_per_server_per_hour",
        "upload_storage_mb",
        "upload_versions_kept",
        "web_host",
        "web_preview_public",
        "ask_model",
        mode="before",
    )
    @classmethod
    def _blank_is_default(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and not value.strip() and info.field_name:
            return cls.model_fields[info.field_name].default
        return value

    @field_validator("web_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < MIN_WEB_SECRET:
            raise ValueError(
                _("it is too short to sign links safely; expected {expected}").format(
                    expected=expected("web_secret")
                )
            )
        return value

    @field_validator("web_base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise ValueError(_expected_message("web_base_url"))
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(_expected_message("log_level"))
        return level

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        # Imported here: the settings load before every command, most of which never
        # touch the database.
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        value = value.strip()
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                _("that is not a database URL; expected {expected}").format(
                    expected=_(DATABASE_URL_FORMS)
                )
            ) from None
        if url.drivername not in SUPPORTED_DRIVERS:
            backend = url.get_backend_name()
            driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}.get(
                "postgresql" if backend == "postgres" else backend
            )
            from babel.lists import format_list

            drivers = format_list(list(SUPPORTED_DRIVERS), locale=current_language())
            if driver:
                message = _(
                    "Quizbot supports the drivers {drivers}, not {given}; start it with {fix}://"
                )
                raise ValueError(message.format(drivers=drivers, given=url.drivername, fix=driver))
            message = _("Quizbot supports the drivers {drivers}, not {given}; expected {expected}")
            raise ValueError(
                message.format(
                    drivers=drivers, given=url.drivername, expected=_(DATABASE_URL_FORMS)
                )
            )
        return value


def expected(field: str) -> str:
    """What the setting `field` accepts, in the reader's language."""
    return _(EXPECTED[field]).format(levels=", ".join(LOG_LEVELS))


def _expected_message(field: str) -> str:
    return _("expected {expected}").format(expected=expected(field))


def settings_problems(error: ValidationError) -> list[str]:
    """One sentence per bad setting: which one, where it came from, what was given, what fits."""
    problems = []
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else ""
        name = field.upper()
        given = detail.get("input")
        if detail["type"] == "value_error":
            # Our validators say what is wrong and what is expected.
            reason = str(detail["ctx"]["error"]) if "ctx" in detail else detail["msg"]
        elif field in EXPECTED:
            reason = _expected_message(field)
        else:  # pydantic's own words
            reason = _("expected {expected}").format(expected=detail["msg"])
        if field in SECRET_FIELDS:  # never echo a secret
            # Translators: {source} is "the environment" or .env; the value is a secret.
            message = _("the setting {name} (from {source}) is set: {reason}.")
            problems.append(message.format(name=name, source=_source(name), reason=reason))
            continue
        shown = f"`{_hide_password(str(given))}`" if isinstance(given, str) else repr(given)
        # Translators: {source} is "the environment" or .env; {value} is the value given.
        message = _("the setting {name} (from {source}) is {value}: {reason}.")
        problems.append(message.format(name=name, source=_source(name), value=shown, reason=reason))
    return problems


def _source(name: str) -> str:
    # pydantic-settings reads the environment before .env, and ignores the case of names.
    if any(key.upper() == name for key in os.environ):
        # Translators: where a setting came from: "(from the environment)".
        return _("the environment")
    return ".env"


def _hide_password(value: str) -> str:
    # scheme://user:password@host -> scheme://user:***@host
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", value)
