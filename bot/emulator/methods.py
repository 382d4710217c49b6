"""What the emulated methods do. Each handler gets the calling bot and typed parameters and
returns the `result` of the answer, or raises ApiError. Methods without a handler here are only
validated and answered `true` (see Emulator)."""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator import checks
from bot.emulator.bots import BotState, WebhookConfig
from bot.emulator.errors import bad_request, conflict
from bot.emulator.records import BotMessage
from bot.emulator.validation import Upload
from bot.emulator.webhook import WebhookDeliverer, webhook_url_problem
from bot.emulator.world import ChatState, StoredFile, World, now

Handler = Callable[[BotState, dict[str, Any]], Awaitable[Any]]

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_MEDIA = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvideo": "video",
    "sendaudio": "audio",
    "sendvoice": "voice",
    "sendanimation": "animation",
    "sendsticker": "sticker",
    "sendvideonote": "video_note",
}
_MIME = {"photo": "image/jpeg", "video": "video/mp4", "voice": "audio/ogg", "audio": "audio/mpeg"}


def inline_markup_of(markup: Any) -> dict[str, Any] | None:
    """Messages only carry inline keyboards; reply keyboards live beside the input field."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


def media_api(kind: str, stored: StoredFile) -> Any:
    base = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    if kind == "photo":
        return [
            {**base, "width": 90, "height": 68, "file_size": min(len(stored.content), 1024)},
            {**base, "width": 800, "height": 600},
        ]
    if kind in ("document", "audio", "animation"):
        extra: dict[str, Any] = {"mime_type": stored.mime_type or "application/octet-stream"}
        if stored.file_name:
            extra["file_name"] = stored.file_name
        if kind in ("audio",):
            extra["duration"] = 1
        if kind == "animation":
            extra.update(width=320, height=240, duration=1)
        return {**base, **extra}
    if kind == "video":
        return {**base, "width": 640, "height": 360, "duration": 1, "mime_type": "video/mp4"}
    if kind == "voice":
        return {**base, "duration": 1, "mime_type": "audio/ogg"}
    if kind == "video_note":
        return {**base, "length": 240, "duration": 1}
    if kind == "sticker":
        return {
            **base,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    return base


class BotApi:
    def __init__(self, world: World, webhooks: WebhookDeliverer) -> None:
        self.world = world
        self.webhooks = webhooks
        self.handlers: dict[str, Handler] = {
            "getme": self.get_me,
            "sendmessage": self.send_message,
            "copymessage": self.copy_message,
            "editmessagetext": self.edit_message_text,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "editmessagecaption": self.edit_message_caption,
            "deletemessage": self.delete_message,
            "deletemessages": self.delete_messages,
            "answercallbackquery": self.answer_callback_query,
            "sendchataction": self.send_chat_action,
            "getfile": self.get_file,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "setchatmenubutton": self.set_chat_menu_button,
            "getchatmenubutton": self.get_chat_menu_button,
            "setwebhook": self.set_webhook,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "getchat": self.get_chat,
            "close": self.true,
            "logout": self.true,
        }
        for method in _MEDIA:
            self.handlers[method] = self._media_sender(method)

    # -- helpers -------------------------------------------------------------------------------
    def chat(self, params: dict[str, Any]) -> ChatState:
        chat_id = params.get("chat_id")
        chat = self.world.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _store_bot_message(
        self,
        bot: BotState,
        chat: ChatState,
        *,
        kind: str,
        text: checks.ParsedText | None,
        params: dict[str, Any],
        extra: dict[str, Any] | None = None,
        stored: StoredFile | None = None,
    ) -> dict[str, Any]:
        message_id = chat.take_message_id()
        date = now()
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": bot.user_api(),
            "chat": chat.to_api(),
            "date": date,
        }
        if extra:
            message.update(extra)
        key = "text" if kind == "text" else "caption"
        if text is not None:
            message[key] = text.text
            if text.entities:
                message["entities" if kind == "text" else "caption_entities"] = text.entities
        reply_to = params.get("reply_parameters", {}).get("message_id") or params.get("reply_to_message_id")
        if reply_to and reply_to in chat.api_messages:
            message["reply_to_message"] = copy.deepcopy(chat.api_messages[reply_to])
        markup = params.get("reply_markup")
        inline = inline_markup_of(markup)
        if inline is not None:
            message["reply_markup"] = inline
        if isinstance(markup, dict):
            if "keyboard" in markup:
                chat.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        chat.api_messages[message_id] = message
        chat.messages[message_id] = BotMessage(
            message_id=message_id,
            chat_id=chat.chat_id,
            text=text.text if text is not None else "",
            from_bot=True,
            kind=kind,
            html=params.get(key) if text is not None and text.parse_mode == "HTML" else None,
            parse_mode=text.parse_mode if text is not None else None,
            entities=text.entities if text is not None else [],
            reply_markup=markup if isinstance(markup, dict) else None,
            date=date,
            file_id=stored.file_id if stored else None,
            file_name=stored.file_name if stored else None,
        )
        return message

    def _editable(self, params: dict[str, Any]) -> tuple[BotMessage, dict[str, Any]] | None:
        if "inline_message_id" in params:
            return None
        if "chat_id" not in params or "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self.chat(params)
        message = chat.messages.get(params["message_id"])
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message, chat.api_messages[message.message_id]

    def resolve_file(self, value: Any, kind: str) -> StoredFile:
        if isinstance(value, Upload):
            return self.world.store_file(
                value.content, kind=kind, file_name=value.filename, mime_type=value.content_type
            )
        if isinstance(value, str):
            known = self.world.files.get(value)
            if known is not None:
                return known
            if value.startswith(("http://", "https://")):
                # No network here: a URL stands for an empty remote file.
                name = value.rsplit("/", 1)[-1] or None
                return self.world.store_file(b"", kind=kind, file_name=name, mime_type=_MIME.get(kind))
        raise bad_request("wrong file identifier/HTTP URL specified")

    # -- methods -------------------------------------------------------------------------------
    async def true(self, bot: BotState, params: dict[str, Any]) -> Any:
        return True

    async def get_me(self, bot: BotState, params: dict[str, Any]) -> Any:
        return bot.user_api()

    async def send_message(self, bot: BotState, params: dict[str, Any]) -> Any:
        chat = self.chat(params)
        parsed = checks.message_text(params)
        return self._store_bot_message(bot, chat, kind="text", text=parsed, params=params)

    def _media_sender(self, method: str) -> Handler:
        kind = _MEDIA[method]

        async def send(bot: BotState, params: dict[str, Any]) -> Any:
            chat = self.chat(params)
            parsed = checks.caption(params)
            stored = self.resolve_file(params[kind], kind)
            return self._store_bot_message(
                bot,
                chat,
                kind=kind,
                text=parsed,
                params=params,
                extra={kind: media_api(kind, stored)},
                stored=stored,
            )

        return send

    async def copy_message(self, bot: BotState, params: dict[str, Any]) -> Any:
        """A copy of a message the bot can see (a user's in a chat with it, or its own): text or media
        and caption with their entities as they were, no link to the original; `reply_markup` replaces
        its buttons. Answers with the new MessageId."""
        chat = self.chat(params)
        source_chat = self.world.chats.get(params.get("from_chat_id"))  # type: ignore[arg-type]
        if source_chat is None:
            raise bad_request("chat not found")
        source = source_chat.api_messages.get(params["message_id"])
        if source is None:
            raise bad_request("message to copy not found")
        if not any(key in source for key in ("text", *_MEDIA.values())):
            raise bad_request("the message can't be copied")
        kind = "text" if "text" in source else next(k for k in _MEDIA.values() if k in source)
        key, entities_key = ("text", "entities") if kind == "text" else ("caption", "caption_entities")
        parsed = (
            checks.ParsedText(text=source[key], entities=list(source.get(entities_key, [])))
            if key in source
            else None
        )
        stored = self.world.files.get(_file_id(source[kind])) if kind != "text" else None
        extra = {kind: copy.deepcopy(source[kind])} if kind != "text" else None
        message = self._store_bot_message(
            bot, chat, kind=kind, text=parsed, params=params, extra=extra, stored=stored
        )
        return {"message_id": message["message_id"]}

    async def edit_message_text(self, bot: BotState, params: dict[str, Any]) -> Any:
        return self._edit(params, "text", checks.message_text(params))

    async def edit_message_caption(self, bot: BotState, params: dict[str, Any]) -> Any:
        return self._edit(params, "caption", checks.caption(params) or checks.ParsedText(text=""))

    async def edit_message_reply_markup(self, bot: BotState, params: dict[str, Any]) -> Any:
        return self._edit(params, None, None)

    def _edit(self, params: dict[str, Any], text_key: str | None, parsed: checks.ParsedText | None) -> Any:
        """Apply an edit of the text or caption (text_key) and/or the inline keyboard."""
        found = self._editable(params)
        if found is None:
            return True
        message, api = found
        if text_key == "text" and message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        if text_key == "caption" and message.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        # Telegram drops the inline keyboard of an edit that does not repeat it.
        markup = inline_markup_of(params.get("reply_markup"))
        same_text = parsed is None or (message.text, message.entities) == (parsed.text, parsed.entities)
        if same_text and message.reply_markup == markup:
            raise bad_request(_NOT_MODIFIED)
        if text_key is not None and parsed is not None:
            message.text = parsed.text
            message.entities = parsed.entities
            message.html = params.get(text_key) if parsed.parse_mode == "HTML" else None
            message.parse_mode = parsed.parse_mode
            api[text_key] = parsed.text
            entities_key = "entities" if text_key == "text" else "caption_entities"
            if parsed.entities:
                api[entities_key] = parsed.entities
            else:
                api.pop(entities_key, None)
        message.reply_markup = markup
        message.edited = True
        message.edit_count += 1
        if markup is None:
            api.pop("reply_markup", None)
        else:
            api["reply_markup"] = markup
        api["edit_date"] = now()
        return api

    async def delete_message(self, bot: BotState, params: dict[str, Any]) -> Any:
        chat = self.chat(params)
        message = chat.messages.get(params["message_id"])
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        chat.api_messages.pop(message.message_id, None)
        return True

    async def delete_messages(self, bot: BotState, params: dict[str, Any]) -> Any:
        chat = self.chat(params)
        for message_id in params["message_ids"]:
            message = chat.messages.get(message_id)
            if message is not None:
                message.deleted = True
                chat.api_messages.pop(message_id, None)
        return True

    async def answer_callback_query(self, bot: BotState, params: dict[str, Any]) -> Any:
        checks.callback_answer(params)
        record = bot.callbacks.get(params["callback_query_id"])
        if record is None or record.answered:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        record.answered = True
        return True

    async def send_chat_action(self, bot: BotState, params: dict[str, Any]) -> Any:
        self.chat(params)
        return True

    async def get_file(self, bot: BotState, params: dict[str, Any]) -> Any:
        stored = self.world.files.get(params["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_api()

    async def set_my_commands(self, bot: BotState, params: dict[str, Any]) -> Any:
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _COMMAND.match(command["command"]):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        bot.commands[BotState.command_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def get_my_commands(self, bot: BotState, params: dict[str, Any]) -> Any:
        return bot.commands.get(BotState.command_key(params), [])

    async def delete_my_commands(self, bot: BotState, params: dict[str, Any]) -> Any:
        bot.commands.pop(BotState.command_key(params), None)
        return True

    async def set_chat_menu_button(self, bot: BotState, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            self.chat(params)
        bot.menu_buttons[chat_id] = params.get("menu_button") or {"type": "default"}
        return True

    async def get_chat_menu_button(self, bot: BotState, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        return bot.menu_buttons.get(chat_id) or bot.menu_buttons.get(None) or {"type": "default"}

    async def set_webhook(self, bot: BotState, params: dict[str, Any]) -> Any:
        url = params["url"]
        if url == "":
            return await self.delete_webhook(bot, params)
        problem = webhook_url_problem(url)
        if problem is not None:
            raise bad_request(problem)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            bot.drop_pending()
        bot.webhook = WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=params.get("max_connections", 40),
            allowed_updates=params.get("allowed_updates"),
        )
        # A poller still waiting must learn that polling is over.
        bot.wake_pollers()
        self.webhooks.ensure(bot)
        return True

    async def delete_webhook(self, bot: BotState, params: dict[str, Any]) -> Any:
        if params.get("drop_pending_updates"):
            bot.drop_pending()
        bot.webhook = None
        bot.webhook_changed.set()
        return True

    async def get_webhook_info(self, bot: BotState, params: dict[str, Any]) -> Any:
        webhook = bot.webhook
        info: dict[str, Any] = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(bot.pending),
        }
        if webhook is not None:
            info["max_connections"] = webhook.max_connections
            if webhook.allowed_updates is not None:
                info["allowed_updates"] = webhook.allowed_updates
            if webhook.last_error_date is not None:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        return info

    async def get_chat(self, bot: BotState, params: dict[str, Any]) -> Any:
        chat = self.chat(params)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


def _file_id(media: Any) -> str:
    """The file_id of a message's media (a photo is a list of sizes, the largest last)."""
    if isinstance(media, list):
        media = media[-1] if media else {}
    return str(media.get("file_id", "")) if isinstance(media, dict) else ""


def ensure_polling_allowed(bot: BotState) -> None:
    if bot.webhook is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
