"""Settings from environment variables and an optional `.env` file (documented in .env.example)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

OFFICIAL_API_BASE = "https://api.telegram.org"
SUPPORTED_LOCALES = ("zh_Hans", "zh_Hant", "en")


class Framework(StrEnum):
    AIOGRAM = "aiogram"
    PTB = "ptb"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_framework: Framework = Framework.AIOGRAM
    telegram_api_base: str = OFFICIAL_API_BASE
    database_url: str = "sqlite+aiosqlite:///data/retiree-bot.sqlite3"
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_Hans"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1:8080"
    id_hash_key: SecretStr | None = None
    region_profile: Path | None = None
    log_level: str = "INFO"
    data_dir: Path = Field(default=Path("data"))
    # Delivery of proactive messages (scheduler/delivery); Telegram's per-chat and per-group limits are
    # facts of the platform and not settings.
    delivery_rate: float = Field(default=30.0, gt=0, le=1000)
    delivery_batch_size: int = Field(default=100, ge=1, le=10_000)
    delivery_concurrency: int = Field(default=16, ge=1, le=1000)
    delivery_lease_seconds: float = Field(default=60.0, gt=0)
    delivery_max_attempts: int = Field(default=6, ge=1)
    delivery_retry_base_seconds: float = Field(default=2.0, gt=0)
    delivery_send_timeout_seconds: float = Field(default=15.0, gt=0)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)
    quiet_hours: str = "20:00-08:30"
    # Every `run` and `worker` of one bot with the same REDIS_URL shares one sending budget (the limits
    # above); without it a sender paces itself alone, so it must be the bot's only one.
    redis_url: SecretStr | None = None

    @field_validator("telegram_api_base")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @field_validator("webhook_listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be HOST:PORT, e.g. 127.0.0.1:8080")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        first, sep, second = value.partition("-")
        if value.strip().lower() in ("", "off", "none"):
            return "off"
        try:
            time.fromisoformat(first.strip())
            time.fromisoformat(second.strip())
        except ValueError:
            sep = ""
        if not sep:
            raise ValueError("must be HH:MM-HH:MM (e.g. 20:00-08:30) or off")
        return value

    @field_validator("region_profile")
    @classmethod
    def _profile_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"file not found: {value}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def webhook_host_port(self) -> tuple[str, int]:
        host, _, port = self.webhook_listen.rpartition(":")
        return host.strip("[]"), int(port)


class SettingsError(Exception):
    """A bad or missing setting, described in one line that names it."""


@dataclass(frozen=True, slots=True)
class SettingProblem:
    """One bad or missing setting: its variable name and what is wrong, never its value."""

    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(str(_problems(exc)[0])) from None


def load_settings_leniently(**overrides: object) -> tuple[Settings, tuple[SettingProblem, ...]]:
    """Every bad setting at once (for `retiree-bot doctor`), and settings in which each of them is replaced
    by its default, so that checks not depending on them can still run."""
    try:
        return Settings(**overrides), ()  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = _problems(exc)
    fields = Settings.model_fields
    defaults = {
        name: fields[name].get_default(call_default_factory=True)
        for name in {problem.name.lower() for problem in problems}
        if name in fields
    }
    return Settings(**{**overrides, **defaults}), problems


def _problems(error: ValidationError) -> tuple[SettingProblem, ...]:
    problems = []
    for detail in error.errors():
        name = str(detail["loc"][0]).upper() if detail["loc"] else "settings"
        # pydantic puts "Value error, " before the messages our validators raise.
        message = detail["msg"].removeprefix("Value error, ")
        problems.append(SettingProblem(name, message))
    return tuple(problems)


def missing_secrets(settings: Settings) -> tuple[SettingProblem, ...]:
    """The secrets `retiree-bot run` cannot start without that are not set (WEBHOOK_SECRET with a webhook)."""
    names = ["BOT_TOKEN", "ID_HASH_KEY"] + (["WEBHOOK_SECRET"] if settings.webhook_url else [])
    return tuple(
        SettingProblem(name, "is not set") for name in names if not _secret_value(settings, name).strip()
    )


def _secret_value(settings: Settings, name: str) -> str:
    value: SecretStr | None = getattr(settings, name.lower())
    return "" if value is None else value.get_secret_value()


def secret(settings: Settings, name: str) -> str | None:
    """The value of an optional secret setting, None when it is unset or blank."""
    value = _secret_value(settings, name).strip()
    return value or None


def require_secret(settings: Settings, name: str) -> str:
    """The value of a secret setting that a command cannot run without."""
    value = _secret_value(settings, name)
    if not value.strip():
        raise SettingsError(f"{name} is not set; see .env.example")
    return value
