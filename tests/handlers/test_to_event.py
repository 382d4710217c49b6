"""The one Update -> Event conversion (handlers/event_builder.py), read from each framework's own update
objects: both are held to the expectations in update_samples.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiogram.types
import pytest
import telegram

from handlers.bot_api_shape import Update
from handlers.event_builder import to_event
from tests.handlers.update_samples import BOT_USERNAME, SAMPLE_IDS, SAMPLES, Sample

Parse = Callable[[dict[str, Any]], Update]

PARSERS: dict[str, Parse] = {
    "aiogram": aiogram.types.Update.model_validate,
    "ptb": lambda raw: telegram.Update.de_json(raw, None),
}


@pytest.fixture(params=sorted(PARSERS))
def parse(request: pytest.FixtureRequest) -> Parse:
    return PARSERS[request.param]


@pytest.mark.parametrize("sample", SAMPLES, ids=SAMPLE_IDS)
def test_update_becomes_expected_event(parse: Parse, sample: Sample) -> None:
    assert to_event(parse(sample.update), BOT_USERNAME) == sample.event


def test_addressed_command_is_taken_when_own_name_is_unknown(parse: Parse) -> None:
    update = parse(SAMPLES[SAMPLE_IDS.index("command_for_another_bot")].update)

    event = to_event(update, None)

    assert event is not None
    assert event.command == "help"
