"""Facts about the Bot API calls an action turns into, shared by both messengers."""

from __future__ import annotations

from bot.actions import (
    Action,
    AnswerCallback,
    CopyMessage,
    DeleteMessage,
    EditText,
    SendDocument,
    SendFile,
    SendText,
)

_HARMLESS = {
    # Pressing the same button twice re-renders identical text.
    "editMessageText": ("message is not modified",),
    # The user pressed a button long ago (or the bot was down); the reply that follows is what matters.
    "answerCallbackQuery": ("query is too old", "query id is invalid"),
    # Too old to delete (48 hours) or already gone: either way the message is out of our hands.
    "deleteMessage": ("message to delete not found", "message can't be deleted"),
}


def method_name(action: Action) -> str:
    if isinstance(action, SendText):
        return "sendMessage"
    if isinstance(action, SendFile):
        return {"photo": "sendPhoto", "video": "sendVideo"}.get(action.kind, "sendDocument")
    if isinstance(action, SendDocument):
        return "sendDocument"
    if isinstance(action, CopyMessage):
        return "copyMessage"
    if isinstance(action, EditText):
        return "editMessageText"
    if isinstance(action, AnswerCallback):
        return "answerCallbackQuery"
    if isinstance(action, DeleteMessage):
        return "deleteMessage"
    raise TypeError(f"unknown action {type(action).__name__}")


def is_harmless(method: str, description: str) -> bool:
    """A refusal that needs no action: the user already sees what we meant them to see."""
    lowered = description.lower()
    return any(fragment in lowered for fragment in _HARMLESS.get(method, ()))
