"""Settings refuse an unsafe secret key outside demo and test modes, and read keys from files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketacare.core.errors import ConfigurationError
from ketacare.settings import DEMO_SECRET_KEY, Settings, get_settings

STRONG = "k" * 48


@pytest.mark.parametrize("key", ["", "change-me", "secret", "short-but-not-placeholder"])
def test_production_refuses_a_missing_placeholder_or_short_secret(key: str):
    with pytest.raises(ConfigurationError, match="KETACARE_SECRET_KEY"):
        _ = Settings(mode="production", secret_key=key).resolved_secret_key


def test_production_accepts_a_long_random_secret():
    assert Settings(mode="production", secret_key=STRONG).resolved_secret_key == STRONG


@pytest.mark.parametrize("mode", ["demo", "test"])
def test_demo_and_test_modes_fall_back_to_the_demo_secret(mode: str):
    assert Settings(mode=mode).resolved_secret_key == DEMO_SECRET_KEY


def test_the_secret_can_come_from_a_file(tmp_path: Path):
    key_file = tmp_path / "secret"
    key_file.write_text(STRONG + "\n")
    assert Settings(secret_key_file=key_file).resolved_secret_key == STRONG


def test_an_unreadable_secret_file_names_the_variable(tmp_path: Path):
    with pytest.raises(ConfigurationError, match=r"KETACARE_SECRET_KEY_FILE=.*cannot be read"):
        _ = Settings(secret_key_file=tmp_path / "missing").resolved_secret_key


def test_the_default_database_is_sqlite_in_the_data_directory(tmp_path: Path):
    url = Settings(data_dir=tmp_path).resolved_database_url
    assert url == f"sqlite:///{tmp_path / 'ketacare.db'}"


def test_an_unknown_database_driver_is_refused():
    with pytest.raises(ValueError, match=r"postgresql\+psycopg"):
        Settings(database_url="mysql://root@localhost/ketacare")


def test_a_rule_across_settings_reads_as_one_plain_sentence(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KETACARE_SMTP_HOST", "mail.example.org")
    monkeypatch.delenv("KETACARE_MAIL_FROM", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError) as raised:
            get_settings()
    finally:
        get_settings.cache_clear()
    assert str(raised.value).startswith("KETACARE_MAIL_FROM")
