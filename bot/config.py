"""Settings from the environment and `.env`, built once at start and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///quizbot.db"


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

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # SHARD_IDS=0,1 as well as a JSON list.
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if value.startswith("["):
                return [int(v) for v in value.strip("[]").split(",") if v.strip()]
            return [int(v) for v in value.split(",") if v.strip()]
        return value

    @field_validator("discord_token", "discord_api_base", "discord_gateway_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("discord_guild_id", "shard_count", "database_pool_size", mode="before")
    @classmethod
    def _blank_number_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value
