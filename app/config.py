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


@lru_cache
def get_settings() -> Settings:
    return Settings()
