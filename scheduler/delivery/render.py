"""Turning a claimed outbox row into the neutral action the Messenger sends."""

from __future__ import annotations

from bot.actions import Action, CopyMessage, EditText, InlineKeyboard, SendFile, SendText
from bot.domain.outbox import AttachmentKind, OutboxItem
from bot.i18n import I18n
from bot.rendering import Renderer


class Unrenderable(Exception):
    """The row cannot become a message (unknown template, missing context): failed for good."""


class ActionBuilder:
    def __init__(self, i18n: I18n) -> None:
        self._i18n = i18n
        self._renderer = Renderer(i18n)

    def build(self, item: OutboxItem) -> Action:
        keyboard = item.keyboard if isinstance(item.keyboard, InlineKeyboard) else None
        if item.attachment is not None and item.attachment.kind is AttachmentKind.COPY:
            chat, _, message = item.attachment.file_id.partition(":")
            if not (chat.lstrip("-").isdigit() and message.isdigit()):
                raise Unrenderable(f"not a message to copy: {item.attachment.file_id}")
            return CopyMessage(item.chat_id, int(chat), int(message), keyboard)
        text = item.text if item.text is not None else self._render(item)
        if item.attachment is not None and item.attachment.kind is AttachmentKind.EDIT:
            if not item.attachment.file_id.isdigit():
                raise Unrenderable(f"not a message to edit: {item.attachment.file_id}")
            return EditText(item.chat_id, int(item.attachment.file_id), text, keyboard)
        if item.attachment is not None:
            return SendFile(
                chat_id=item.chat_id,
                kind=item.attachment.kind.value,
                file_id=item.attachment.file_id,
                caption=text or None,
                keyboard=item.keyboard,
            )
        return SendText(chat_id=item.chat_id, text=text, keyboard=item.keyboard)

    def _render(self, item: OutboxItem) -> str:
        if item.template is None:
            raise Unrenderable("neither text nor template")
        translator = self._i18n.translator(item.locale)
        try:
            return self._renderer.render(translator, item.template, **item.context)
        except Exception as exc:
            # Jinja raises many kinds (TemplateNotFound, UndefinedError, TypeError from a filter); all of
            # them mean the same thing here: this row will never render, retrying cannot help.
            raise Unrenderable(f"template {item.template}: {type(exc).__name__}: {exc}") from exc
