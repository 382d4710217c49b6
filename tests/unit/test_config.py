"""Settings: defaults, parsing, and one clear line naming a bad setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import (
    Framework,
    SettingsError,
    load_settings,
    load_settings_leniently,
    missing_secrets,
    require_secret,
)
from tests.parts import SETTING_NAMES


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A developer's own .env or exported settings must not leak into these tests.
    monkeypatch.chdir(tmp_path)
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_need_no_configuration() -> None:
    settings = load_settings()
    assert settings.bot_framework is Framework.AIOGRAM
    assert settings.telegram_api_base == "https://api.telegram.org"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.timezone == "Asia/Shanghai"
    assert settings.default_locale == "zh_Hans"
    assert settings.bot_token is None


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_FRAMEWORK", "ptb")
    monkeypatch.setenv("TELEGRAM_API_BASE", "http://127.0.0.1:8081/")
    monkeypatch.setenv("WEBHOOK_LISTEN", "0.0.0.0:9000")
    settings = load_settings()
    assert settings.bot_framework is Framework.PTB
    assert settings.telegram_api_base == "http://127.0.0.1:8081"
    assert settings.webhook_host_port == ("0.0.0.0", 9000)


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TIMEZONE=Europe/Berlin\nDEFAULT_LOCALE=en\n", encoding="utf-8")
    settings = load_settings()
    assert (settings.timezone, settings.default_locale) == ("Europe/Berlin", "en")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_FRAMEWORK", "telethon"),
        ("TIMEZONE", "Mars/Olympus"),
        ("DEFAULT_LOCALE", "fr"),
        ("WEBHOOK_LISTEN", "8080"),
        ("TELEGRAM_API_BASE", "api.telegram.org"),
        ("REGION_PROFILE", "/nonexistent/profile.yaml"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"{name}:")
    assert "\n" not in message


def test_missing_secret_is_named() -> None:
    with pytest.raises(SettingsError, match=r"^ID_HASH_KEY is not set"):
        require_secret(load_settings(), "ID_HASH_KEY")


def test_secrets_do_not_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:very-secret-token-value")
    settings = load_settings()
    assert "very-secret" not in repr(settings)
    assert require_secret(settings, "BOT_TOKEN") == "123:very-secret-token-value"


def test_every_bad_setting_is_named_and_replaced_by_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_FRAMEWORK", "telethon")
    monkeypatch.setenv("TIMEZONE", "Mars/Base")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")

    settings, problems = load_settings_leniently()

    assert [problem.name for problem in problems] == ["BOT_FRAMEWORK", "TIMEZONE"]
    assert str(problems[1]) == "TIMEZONE: unknown time zone 'Mars/Base'"
    assert (settings.bot_framework, settings.timezone) == (Framework.AIOGRAM, "Asia/Shanghai")
    assert settings.default_locale == "en", "good settings are kept"


def test_good_settings_leave_no_problem() -> None:
    assert load_settings_leniently()[1] == ()


def test_missing_secrets_are_those_run_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    assert [problem.name for problem in missing_secrets(load_settings())] == ["ID_HASH_KEY"]
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
    monkeypatch.setenv("ID_HASH_KEY", " ")
    assert [problem.name for problem in missing_secrets(load_settings())] == ["ID_HASH_KEY", "WEBHOOK_SECRET"]
