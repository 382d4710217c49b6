"""The pure parts of doctor's checks: what Telegram would refuse in WEBHOOK_URL, and what no line may show."""

from __future__ import annotations

import pytest

from bot.app.checks import scrub, secrets_of, webhook_url_problem
from bot.config import OFFICIAL_API_BASE, Settings


def _settings(**values: str) -> Settings:
    # Given explicitly, so that the environment the tests run in cannot change them.
    values = {"telegram_api_base": OFFICIAL_API_BASE, "database_url": "sqlite:///x.sqlite3"} | values
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://bot.example.org/telegram", None),
        ("https://bot.example.org:8443/telegram", None),
        ("http://bot.example.org/telegram", "Telegram only sends webhooks to https:// addresses"),
        (
            "https://bot.example.org:8080/telegram",
            "Telegram only sends webhooks to ports 443, 80, 88, 8443, not 8080",
        ),
    ],
)
def test_telegram_refuses_webhooks_off_https_or_its_ports(url: str, problem: str | None) -> None:
    assert webhook_url_problem(_settings(webhook_url=url)) == problem


def test_a_local_bot_api_server_may_call_any_webhook() -> None:
    local = _settings(webhook_url="http://127.0.0.1:8080/telegram", telegram_api_base="http://127.0.0.1:8081")
    assert webhook_url_problem(local) is None


def test_no_line_shows_a_secret() -> None:
    settings = _settings(
        bot_token="123456:AAsecretTokenPartXXXXXXXXXXXXXX",
        id_hash_key="hash-key-value",
        webhook_secret="hook-secret",
        database_url="postgresql+asyncpg://retiree:pa55word@db/retiree_bot",
    )
    line = (
        "token 123456:AAsecretTokenPartXXXXXXXXXXXXXX, its half AAsecretTokenPartXXXXXXXXXXXXXX, "
        "hash-key-value, hook-secret, pa55word"
    )
    assert scrub(line, secrets_of(settings)) == "token ***, its half ***, ***, ***, ***"
