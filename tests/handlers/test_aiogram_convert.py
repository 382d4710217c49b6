from __future__ import annotations

import pytest
from aiogram.types import Update

from handlers.aiogram_adapter.convert import to_event
from tests.handlers.update_samples import BOT_USERNAME, SAMPLE_IDS, SAMPLES, Sample


@pytest.mark.parametrize("sample", SAMPLES, ids=SAMPLE_IDS)
def test_update_becomes_expected_event(sample: Sample) -> None:
    update = Update.model_validate(sample.update)

    assert to_event(update, BOT_USERNAME) == sample.event


def test_addressed_command_is_taken_when_own_name_is_unknown() -> None:
    update = Update.model_validate(SAMPLES[SAMPLE_IDS.index("command_for_another_bot")].update)

    event = to_event(update, None)

    assert event is not None
    assert event.command == "help"
