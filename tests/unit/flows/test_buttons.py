"""Keyboards fit Telegram's limits and labels never collide."""

from __future__ import annotations

import pytest

from bot.actions import InlineKeyboard, ReplyKeyboard, SendText
from bot.flows import buttons
from bot.i18n import LOCALES
from tests.parts import shared_i18n
from tests.unit.chat import STEPS, World, at_step


@pytest.mark.parametrize("locale", LOCALES)
def test_labels_are_distinct_in_every_language(locale: str) -> None:
    t = shared_i18n().translator(locale)
    normalised = [buttons.normalise_label(t.gettext(label)) for label in buttons.ALL_LABELS]
    assert len(set(normalised)) == len(normalised)
    assert all(normalised)


def test_normalise_label_ignores_emoji_width_and_case() -> None:
    assert buttons.normalise_label("❓ Help") == buttons.normalise_label("ＨＥＬＰ") == "help"
    assert buttons.normalise_label("⚙️ 设置") == "设置"


@pytest.mark.parametrize("step", STEPS)
async def test_every_prompt_fits_telegram(world: World, step: str) -> None:
    chat = await at_step(world, step)
    sent = [a for a in chat.last if isinstance(a, SendText)]
    assert sent
    for action in sent:
        assert 0 < len(action.text) <= 4096
        if isinstance(action.keyboard, ReplyKeyboard):
            rows = action.keyboard.rows
            assert all(0 < len(row) <= 3 for row in rows)
            assert all(0 < len(label) <= 64 for row in rows for label in row)
            labels = [buttons.normalise_label(label) for row in rows for label in row]
            assert len(set(labels)) == len(labels)
        elif isinstance(action.keyboard, InlineKeyboard):
            for row in action.keyboard.rows:
                for button in row:
                    assert len(button.callback_data.encode()) <= 64
                    assert button.callback_data.startswith("v1:")
                    assert not any(ch.isdigit() for ch in button.callback_data.split(":")[-1])
