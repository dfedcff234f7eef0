"""Settings: the only reader of ``os.environ``. Typed, validated, and loud when something is wrong.

Every variable is ``KETACARE_<NAME>``; a secret may come from a file via ``KETACARE_<NAME>_FILE``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ketacare.core.errors import ConfigurationError

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "demo-secret-key"})
DEMO_SECRET_KEY = "demo-secret-key"  # noqa: S105  (accepted only in demo and test modes)


def default_data_dir() -> Path:
    """``./var`` in a checkout (beside pyproject.toml), else the current directory's ``var``."""
    return Path.cwd() / "var"


class Settings(BaseSettings):
    """Everything configurable, with its default. See README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="KETACARE_", extra="ignore")

    mode: Literal["production", "demo", "test"] = "production"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    secret_key: str = ""
    secret_key_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    lockout_threshold: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    https: bool = False

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql+psycopg://")):
            raise ValueError("use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB")
        return value

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or SQLite at ``<data_dir>/ketacare.db``."""
        return self.database_url or f"sqlite:///{self.data_dir / 'ketacare.db'}"

    @property
    def resolved_secret_key(self) -> str:
        """The signing key; refuses a missing or placeholder key outside demo and test modes."""
        key = self.secret_key
        if self.secret_key_file is not None:
            try:
                key = self.secret_key_file.read_text().strip()
            except OSError as err:
                where = f"KETACARE_SECRET_KEY_FILE={self.secret_key_file}"
                raise ConfigurationError(f"{where} cannot be read: {err.strerror}") from err
        if self.mode in ("demo", "test"):
            return key or DEMO_SECRET_KEY
        if key in PLACEHOLDER_SECRETS or len(key) < 32:
            raise ConfigurationError(
                "KETACARE_SECRET_KEY (or KETACARE_SECRET_KEY_FILE) must be set to a random value "
                "of at least 32 characters, e.g. from: python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'"
            )
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once; a bad value is a ``ConfigurationError`` naming the variable."""
    try:
        return Settings()
    except ValidationError as err:
        first = err.errors()[0]
        name = "KETACARE_" + str(first["loc"][0]).upper() if first["loc"] else "KETACARE_*"
        raise ConfigurationError(f"{name}: {first['msg']}") from None
