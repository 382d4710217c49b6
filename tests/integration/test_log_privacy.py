from __future__ import annotations

import logging

import pytest

from handlers.log_privacy import protect_third_party_logs

SECRET_TEXT = "110101199003077777"
TOKEN = "123456:AAHsecretsecretsecret"


class FakeUpdate:
    update_id = 31

    def __str__(self) -> str:
        return f"Update(text={SECRET_TEXT})"


@pytest.fixture(autouse=True)
def _protected(caplog: pytest.LogCaptureFixture) -> None:
    protect_third_party_logs()
    protect_third_party_logs()  # twice: must not stack filters
    caplog.set_level(logging.DEBUG)


@pytest.mark.parametrize("logger", ["telegram.Bot", "telegram.ext.ExtBot"])
def test_ptb_call_parameters_are_hidden(caplog: pytest.LogCaptureFixture, logger: str) -> None:
    logging.getLogger(logger).debug(
        "Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage", {"text": SECRET_TEXT}
    )

    assert caplog.records[0].getMessage().startswith("Calling Bot API endpoint `sendMessage`")
    assert SECRET_TEXT not in caplog.text


def test_ptb_processed_update_is_reduced_to_its_id(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", FakeUpdate())

    assert caplog.records[0].getMessage() == "Processing update 31"


def test_httpx_urls_lose_the_token(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("httpx").info(
        'HTTP Request: %s %s "%s %d %s"',
        "POST",
        f"http://127.0.0.1:1/bot{TOKEN}/getMe",
        "HTTP/1.1",
        200,
        "OK",
    )

    message = caplog.records[0].getMessage()
    assert TOKEN not in message
    assert "/bot<token>/getMe" in message
    assert '"HTTP/1.1 200 OK"' in message


def test_filters_are_installed_once() -> None:
    assert len(logging.getLogger("telegram.Bot").filters) == 1
