from __future__ import annotations

import pytest

from bot.actions import InlineKeyboard, SendFile, SendText
from bot.domain.outbox import Attachment, AttachmentKind, MessageCategory, OutboxItem
from bot.i18n import I18n
from scheduler.delivery.render import ActionBuilder, Unrenderable


def _item(**fields: object) -> OutboxItem:
    values: dict[str, object] = {
        "id": 1,
        "chat_id": 5,
        "account_id": None,
        "category": MessageCategory.NOTICE,
        "priority": 10,
        "text": None,
        "keyboard": None,
        "template": None,
        "context": {},
        "locale": "en",
        "attachment": None,
        "time_zone": None,
        "attempts": 0,
        "batch_id": None,
        "dedupe_key": "k",
    }
    values.update(fields)
    return OutboxItem(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def builder() -> ActionBuilder:
    return ActionBuilder(I18n())


def test_text_goes_as_it_is(builder: ActionBuilder) -> None:
    keyboard = InlineKeyboard(())
    assert builder.build(_item(text="<b>Hi</b>", keyboard=keyboard)) == SendText(5, "<b>Hi</b>", keyboard)


def test_an_attachment_carries_the_text_as_caption(builder: ActionBuilder) -> None:
    action = builder.build(_item(text="Poster", attachment=Attachment(AttachmentKind.PHOTO, "F1")))
    assert action == SendFile(5, "photo", "F1", "Poster", None)


def test_a_template_that_cannot_render_is_unrenderable(builder: ActionBuilder) -> None:
    with pytest.raises(Unrenderable, match="no-such-template"):
        builder.build(_item(template="no-such-template.html.j2"))
