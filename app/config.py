"""The one settings object: every knob the app reads, from the environment or ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./provenance.db",
        description="SQLAlchemy URL. PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    seeds_dir: Path = Field(default=REPO_ROOT / "seeds", description="Folder of the seed bundle")
    sql_echo: bool = False
    read_requires_key: bool = Field(
        default=False, description="Close reads to callers without an API key (any role)"
    )
    log_level: str = Field(
        default="INFO",
        pattern=r"(?i)^(debug|info|warning|error|critical)$",
        description="Least severe level of the JSON log lines on stderr",
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description='Origins browsers may call the API from, as JSON: ["https://a.example"]; '
        "empty: no CORS headers",
    )
    write_rate_limit: str | None = Field(
        default=None,
        description='Writes per client (API key, else IP), e.g. "60/minute" or '
        '"10/second;500/hour"; unset: unlimited',
    )
    require_if_match: bool = Field(
        default=False,
        description="Refuse (428) a change to an existing row (PATCH, DELETE, restore, "
        "retract, purge) sent without If-Match naming the ETag it was read at",
    )
    assessment_memory: int = Field(
        default=50_000,
        ge=0,
        description="Assertions of large claims whose evidence and assessment the server "
        "keeps in memory, so a write to one is reassessed from the changed assertions alone "
        "(~3 KB each: 50,000 is ~150 MB); 0: none",
    )
    assessment_memory_from: int = Field(
        default=2_000,
        ge=1,
        description="Only claims with at least this many assertions are kept in memory "
        "(smaller ones are computed in full faster than they are patched)",
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1,
        description="Largest request body accepted, in bytes (documents carry whole articles); "
        "larger ones, with or without Content-Length, are refused with 413 before parsing",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
