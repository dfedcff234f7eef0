"""Settings: the only reader of ``os.environ``. Typed, validated, and loud when something is wrong.

Every variable is ``KETACARE_<NAME>``; a secret may come from a file via ``KETACARE_<NAME>_FILE``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
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
    # SQLite durability (WAL either way). NORMAL, the default, keeps every committed transaction
    # when the process is killed (a monitor's AA goes out only after the commit); FULL also keeps
    # the last ones through a power cut, at several times the cost per commit
    # (docs/benchmarks.md). PostgreSQL keeps its own settings (synchronous_commit).
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    lockout_threshold: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    https: bool = False
    # Email for questionnaire links; an empty host turns email off (staff still see link and QR).
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_password_file: Path | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: int = Field(default=10, ge=1, le=300)
    mail_from: str = ""
    public_base_url: str = ""
    portal_link_hours: int = Field(default=72, ge=1, le=24 * 30)
    # The background worker sending appointment e-mails; unset means on, except in test mode.
    jobs_worker: bool | None = None
    jobs_poll_seconds: float = Field(default=5, gt=0, le=300)
    # Bedside monitors: the HL7 v2 / MLLP listener ``ketacare serve`` runs beside the web app
    # (port 0 turns it off; it never runs in test mode, where tests start their own).
    mllp_host: str = "127.0.0.1"
    mllp_port: int = Field(default=2575, ge=0, le=65535)
    # One ORU^R01 of vital signs is a few KB; a frame larger than this is refused (AR), so a
    # runaway sender cannot exhaust memory.
    mllp_max_frame_bytes: int = Field(default=1_048_576, ge=4096, le=64 * 1_048_576)
    # How long a connection may sit on half a frame before it is closed.
    mllp_read_timeout_seconds: float = Field(default=30, gt=0, le=3600)
    # How often the web app looks for act-level alerts to escalate and monitors gone silent;
    # unset means every 5 s, except in test mode (tests sweep by hand); 0 turns the sweep off.
    alert_sweep_seconds: float | None = Field(default=None, ge=0, le=300)

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql+psycopg://")):
            raise ValueError("use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("use the address patients open, e.g. https://clinic.example")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _mail_needs_a_sender(self) -> Settings:
        if self.smtp_host and "@" not in self.mail_from:
            raise ValueError(
                "KETACARE_MAIL_FROM must be an email address when KETACARE_SMTP_HOST is set"
            )
        return self

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def runs_jobs_worker(self) -> bool:
        """Whether the web app runs the job worker: KETACARE_JOBS_WORKER, else on outside tests
        (a test starts its own worker when it wants one)."""
        return self.mode != "test" if self.jobs_worker is None else self.jobs_worker

    @property
    def runs_mllp_listener(self) -> bool:
        """Whether the web app listens for monitors: KETACARE_MLLP_PORT is not 0, outside tests."""
        return self.mllp_port != 0 and self.mode != "test"

    @property
    def resolved_alert_sweep_seconds(self) -> float:
        """Seconds between alert sweeps (KETACARE_ALERT_SWEEP_SECONDS); 0 means none."""
        if self.alert_sweep_seconds is None:
            return 0 if self.mode == "test" else 5
        return self.alert_sweep_seconds

    @property
    def resolved_public_base_url(self) -> str:
        """Where patients reach this server, for links in emails; defaults to HOST:PORT."""
        scheme = "https" if self.https else "http"
        return self.public_base_url or f"{scheme}://{self.host}:{self.port}"

    @property
    def resolved_smtp_password(self) -> str:
        """The SMTP password, from KETACARE_SMTP_PASSWORD_FILE when that is set."""
        if self.smtp_password_file is None:
            return self.smtp_password
        try:
            return self.smtp_password_file.read_text().strip()
        except OSError as err:
            where = f"KETACARE_SMTP_PASSWORD_FILE={self.smtp_password_file}"
            raise ConfigurationError(f"{where} cannot be read: {err.strerror}") from err

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
        message = str(first["msg"]).removeprefix("Value error, ")
        if not first["loc"]:  # a rule across fields; its message names the variables itself
            raise ConfigurationError(message) from None
        name = "KETACARE_" + str(first["loc"][0]).upper()
        raise ConfigurationError(f"{name}: {message}") from None
