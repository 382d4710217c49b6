"""Bot API update payloads and the Event each must become, read by test_to_event.py through each
framework's own update objects, so that both are held to one expectation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.events import Event, EventKind

BOT_USERNAME = "retiree_test_bot"
USER = {"id": 501, "is_bot": False, "first_name": "Wang", "language_code": "zh-hans"}
CHAT = {"id": 501, "type": "private", "first_name": "Wang"}
BOT = {"id": 900, "is_bot": True, "first_name": "Retiree bot", "username": BOT_USERNAME}
GROUP = {"id": -100123, "type": "supergroup", "title": "社区"}


def message(update_id: int, **content: Any) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {"message_id": 77, "date": 1_700_000_000, "chat": CHAT, "from": USER, **content},
    }


def membership(update_id: int, chat: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """The bot's own status in `chat` changing from `old` to `new` (my_chat_member)."""
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": chat,
            "from": USER,
            "date": 1_700_000_000,
            "old_chat_member": _bot_member(old),
            "new_chat_member": _bot_member(new),
        },
    }


def _bot_member(status: str) -> dict[str, Any]:
    return {"user": BOT, "status": status} | ({"until_date": 0} if status == "kicked" else {})


def photo_size(file_id: str, width: int, height: int) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": width, "height": height}


def expected(update_id: int, kind: EventKind, **fields: Any) -> Event:
    base: dict[str, Any] = {
        "update_id": update_id,
        "kind": kind,
        "chat_id": 501,
        "user_id": 501,
        "message_id": 77,
        "language_code": "zh-hans",
        "first_name": "Wang",
    }
    return Event(**(base | fields))


@dataclass(frozen=True)
class Sample:
    name: str
    update: dict[str, Any]
    event: Event | None


_DOC = {"file_id": "doc-1", "file_unique_id": "udoc-1", "file_name": "death-certificate.pdf"}
_STICKER = {
    "file_id": "stk-1",
    "file_unique_id": "ustk-1",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}

SAMPLES = [
    Sample("text", message(1, text="养老金什么时候发"), expected(1, EventKind.TEXT, text="养老金什么时候发")),
    Sample("start", message(2, text="/start"), expected(2, EventKind.COMMAND, command="start")),
    Sample(
        "start_payload",
        message(3, text="/start inv_AbC123"),
        expected(3, EventKind.COMMAND, command="start", text="inv_AbC123"),
    ),
    Sample(
        "command_for_us",
        message(4, text=f"/help@{BOT_USERNAME}"),
        expected(4, EventKind.COMMAND, command="help"),
    ),
    Sample("command_for_another_bot", message(5, text="/help@some_other_bot"), None),
    Sample("capitalised_command", message(6, text="/Menu"), expected(6, EventKind.COMMAND, command="menu")),
    Sample("slash_not_command", message(7, text="/ 你好"), expected(7, EventKind.TEXT, text="/ 你好")),
    Sample(
        "photo_largest",
        message(
            8,
            photo=[photo_size("small", 90, 60), photo_size("big", 1280, 853), photo_size("mid", 320, 213)],
            caption="证明",
        ),
        expected(8, EventKind.PHOTO, file_id="big", text="证明"),
    ),
    Sample(
        "photo_largest_of_equals_is_the_last",
        message(801, photo=[photo_size("first", 640, 480), photo_size("last", 480, 640)]),
        expected(801, EventKind.PHOTO, file_id="last"),
    ),
    Sample("document", message(9, document=_DOC), expected(9, EventKind.DOCUMENT, file_id="doc-1")),
    Sample(
        "word_document_with_size",
        message(
            901,
            document={
                **_DOC,
                "file_name": "证明.docx",
                "mime_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "file_size": 23_000_000,
            },
        ),
        expected(
            901,
            EventKind.DOCUMENT,
            file_id="doc-1",
            mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            file_size=23_000_000,
        ),
    ),
    Sample(
        "contact",
        message(902, contact={"phone_number": "+8613800138000", "first_name": "Wang", "user_id": 501}),
        expected(902, EventKind.CONTACT, phone="+8613800138000"),
    ),
    Sample(
        "voice",
        message(10, voice={"file_id": "voc-1", "file_unique_id": "uvoc-1", "duration": 3}),
        expected(10, EventKind.VOICE, file_id="voc-1"),
    ),
    Sample(
        "video",
        message(
            11,
            video={
                "file_id": "vid-1",
                "file_unique_id": "uvid-1",
                "width": 640,
                "height": 480,
                "duration": 5,
            },
        ),
        expected(11, EventKind.VIDEO, file_id="vid-1"),
    ),
    Sample("sticker", message(12, sticker=_STICKER), expected(12, EventKind.STICKER, file_id="stk-1")),
    Sample(
        "location_is_other",
        message(13, location={"latitude": 41.8, "longitude": 123.4}),
        expected(13, EventKind.OTHER),
    ),
    Sample(
        "animation_is_other",
        message(
            14,
            animation={
                "file_id": "ani-1",
                "file_unique_id": "uani-1",
                "width": 320,
                "height": 240,
                "duration": 2,
            },
            document={"file_id": "ani-1", "file_unique_id": "uani-1"},
        ),
        expected(14, EventKind.OTHER),
    ),
    Sample(
        "callback",
        {
            "update_id": 15,
            "callback_query": {
                "id": "cbq-9",
                "from": USER,
                "chat_instance": "ci-1",
                "data": "lang:en",
                "message": {"message_id": 42, "date": 1_700_000_000, "chat": CHAT, "text": "Choose"},
            },
        },
        expected(15, EventKind.CALLBACK, callback_id="cbq-9", callback_data="lang:en", message_id=42),
    ),
    Sample(
        "callback_on_inline_message",
        {
            "update_id": 16,
            "callback_query": {
                "id": "cbq-10",
                "from": USER,
                "chat_instance": "ci-1",
                "data": "x",
                "inline_message_id": "im-1",
            },
        },
        expected(16, EventKind.CALLBACK, callback_id="cbq-10", callback_data="x", message_id=None),
    ),
    Sample(
        "callback_on_inaccessible_message",
        {
            "update_id": 161,
            "callback_query": {
                "id": "cbq-11",
                "from": USER,
                "chat_instance": "ci-1",
                "data": "y",
                # Too old for the bot to see: only its chat and id are left (date 0).
                "message": {"message_id": 43, "date": 0, "chat": CHAT},
            },
        },
        expected(161, EventKind.CALLBACK, callback_id="cbq-11", callback_data="y", message_id=43),
    ),
    Sample(
        "no_language_group_chat",
        {
            "update_id": 17,
            "message": {
                "message_id": 78,
                "date": 1_700_000_000,
                "chat": GROUP,
                "from": {"id": 502, "is_bot": False, "first_name": "Li"},
                "text": "hello",
            },
        },
        Event(
            update_id=17,
            kind=EventKind.TEXT,
            chat_id=-100123,
            user_id=502,
            chat_type="supergroup",
            text="hello",
            message_id=78,
            language_code=None,
            first_name="Li",
        ),
    ),
    Sample(
        "blocked",
        membership(171, CHAT, "member", "kicked"),
        expected(171, EventKind.BLOCKED, message_id=None),
    ),
    Sample(
        "unblocked",
        membership(172, CHAT, "kicked", "member"),
        expected(172, EventKind.UNBLOCKED, message_id=None),
    ),
    Sample("membership_in_a_group_ignored", membership(173, GROUP, "member", "kicked"), None),
    Sample("other_membership_status_ignored", membership(174, CHAT, "member", "left"), None),
    Sample(
        "edited_message_ignored",
        {
            "update_id": 18,
            "edited_message": {
                "message_id": 77,
                "date": 1_700_000_000,
                "edit_date": 1_700_000_100,
                "chat": CHAT,
                "from": USER,
                "text": "x",
            },
        },
        None,
    ),
    Sample(
        "channel_post_ignored",
        {
            "update_id": 19,
            "channel_post": {
                "message_id": 5,
                "date": 1_700_000_000,
                "chat": {"id": -100999, "type": "channel", "title": "news"},
                "text": "x",
            },
        },
        None,
    ),
]

SAMPLE_IDS = [sample.name for sample in SAMPLES]
