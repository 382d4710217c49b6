"""A chat in the terminal: the person types as a Telegram user and sees what the bot sends.

Buttons are numbered; typing a number presses that button (an inline button, or a reply-keyboard button,
which Telegram sends as its text). Bot replies are Telegram HTML; here they are shown as plain text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Persona:
    key: str
    user_id: int
    first_name: str
    language_code: str = "zh-hans"
    opening: str | None = None  # sent for the persona when its chat is first shown, e.g. an invite link


@dataclass(frozen=True, slots=True)
class Choice:
    """A numbered button: an inline button (message_id + callback data) or a reply-keyboard button."""

    label: str
    message_id: int | None = None
    callback_data: str | None = None


class RecordedCall(Protocol):
    method: str
    params: dict[str, Any]
    result: Any
    chat_id: int | None


class UserSide(Protocol):
    """What the terminal needs of the emulator: acting as a user and seeing the bot's answer."""

    async def user_says(
        self,
        user_id: int,
        text: str,
        *,
        timeout: float,  # noqa: ASYNC109 - the emulator's API
        **user: Any,
    ) -> Iterable[RecordedCall]: ...
    async def user_presses(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        timeout: float,  # noqa: ASYNC109
    ) -> Iterable[RecordedCall]: ...


# A person at a terminal waits as long as it takes; a slow machine must not end the demo with a timeout.
REPLY_TIMEOUT = 60.0


def plain_text(telegram_html: str) -> str:
    return html.unescape(_TAG.sub("", telegram_html))


def _markup(params: Mapping[str, Any]) -> dict[str, Any]:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return markup if isinstance(markup, dict) else {}


# The text (or caption) of a message in a chat, by chat and message id: a copied message's call names only
# its source, so what it says is looked up in the chat it arrived in.
LookUp = Callable[[int, int], str | None]


@dataclass
class ChatScreen:
    """What one persona's chat shows: the printed lines and the buttons that can be pressed now."""

    inline: list[Choice] = field(default_factory=list)
    keyboard: list[Choice] = field(default_factory=list)
    look_up: LookUp | None = None
    # Inline buttons that arrived in the calls being shown stay pressable when a later message of the same
    # calls only brings a reply keyboard (🎉's list with Cancel, then the menu), as they do in Telegram.
    _inline_fresh: bool = False

    @property
    def choices(self) -> list[Choice]:
        return self.inline + self.keyboard

    def show(self, calls: Iterable[RecordedCall]) -> list[str]:
        lines: list[str] = []
        self._inline_fresh = False
        for call in calls:
            lines.extend(self._show_call(call.method, call.params, call.result, call.chat_id))
        if self.choices:
            lines.append("   " + "   ".join(f"[{n}] {c.label}" for n, c in enumerate(self.choices, 1)))
        return lines

    def _show_call(
        self, method: str, params: Mapping[str, Any], result: Any, chat_id: int | None = None
    ) -> list[str]:
        # A sent message's id comes back in the result; an edited one names it in the call.
        message_id = result.get("message_id") if isinstance(result, dict) else params.get("message_id")
        if method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument", "copyMessage"):
            text = str(params.get("text") or params.get("caption") or "")
            if method == "copyMessage" and self.look_up is not None and isinstance(message_id, int):
                text = self.look_up(chat_id or 0, message_id) or ""
            prefix = "bot (edited)" if method == "editMessageText" else "bot"
            # A file sent back without buttons (a claim's document shown to staff) leaves the buttons of
            # the message before it pressable, as they are in Telegram.
            if method in ("sendMessage", "editMessageText") or params.get("reply_markup") is not None:
                self._take_buttons(params, message_id=message_id)
            body = plain_text(text).splitlines() or [""]
            return [f"{prefix}: {body[0]}", *(f"     {line}" for line in body[1:])]
        if method == "editMessageReplyMarkup":
            self._take_buttons(params, message_id=message_id)
        elif method == "answerCallbackQuery" and params.get("text"):
            return [f"   ({params['text']})"]
        return []

    def _take_buttons(self, params: Mapping[str, Any], message_id: object) -> None:
        markup = _markup(params)
        if "inline_keyboard" in markup:
            self.inline = [
                Choice(button["text"], _as_int(message_id), button.get("callback_data"))
                for row in markup["inline_keyboard"]
                for button in row
                if "callback_data" in button
            ]
            self._inline_fresh = True
        elif not self._inline_fresh and (
            params.get("reply_markup") is None or "keyboard" in markup or "remove_keyboard" in markup
        ):
            self.inline = []
        if "keyboard" in markup:
            self.keyboard = [
                Choice(button if isinstance(button, str) else button["text"])
                for row in markup["keyboard"]
                for button in row
            ]
        elif markup.get("remove_keyboard"):
            self.keyboard = []


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) else None


HELP = """Type as the user would; type a button's number to press it.
  /as retiree | /as family | /as staff   switch who you are
  /who                                   show who you are
  '12                                    send the number 12 as text, not the press of button 12
  /quit                                  leave the demo"""


# An extra demo command: given the current persona and the rest of the line, what it printed and the calls
# it caused (in any persona's chat).
ExtraCommand = Callable[[Persona, str], Awaitable[tuple[str | None, Iterable[RecordedCall]]]]


class TerminalChat:
    def __init__(
        self,
        user_side: UserSide,
        personas: Mapping[str, Persona],
        write: Callable[[str], None],
        start_as: str = "retiree",
        extra_commands: Mapping[str, ExtraCommand] | None = None,
        after_line: Callable[[], Awaitable[Iterable[RecordedCall]]] | None = None,
        look_up: LookUp | None = None,
    ) -> None:
        self._user_side = user_side
        self._personas = personas
        self._write = write
        self._persona = personas[start_as]
        self._screens = {key: ChatScreen(look_up=look_up) for key in personas}
        self._opened: set[str] = set()
        self._extra = dict(extra_commands or {})
        self._early: dict[str, list[str]] = {}
        # Run after each line, e.g. to deliver what the line queued for others (a staff notice, a result).
        self._after_line = after_line

    @property
    def persona(self) -> Persona:
        return self._persona

    async def handle_line(self, line: str) -> bool:
        """Act on one typed line; False when the person wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit"):
            return False
        if line == "/who":
            self._write(f"you are {self._persona.key} (Telegram user {self._persona.user_id})")
        elif line.startswith("/as"):
            await self._switch(line.removeprefix("/as").strip())
        elif line.split(maxsplit=1)[0] in self._extra:
            name, _, rest = line.partition(" ")
            said, calls = await self._extra[name](self._persona, rest.strip())
            if said:
                self._write(said)
            self.show_arrivals(calls)
        else:
            await self._send(line)
        if self._after_line is not None:
            self.show_arrivals(await self._after_line())
        return True

    def show_arrivals(self, calls: Iterable[RecordedCall]) -> None:
        """Messages the bot sent on its own (reminders, notices), shown in each persona's chat."""
        by_chat: dict[int, list[RecordedCall]] = {}
        for call in calls:
            if call.chat_id is not None:
                by_chat.setdefault(call.chat_id, []).append(call)
        for persona in self._personas.values():
            arrived = by_chat.get(persona.user_id)
            if not arrived:
                continue
            mine = persona.key == self._persona.key
            if not mine:
                self._write(f"-- in the {persona.key}'s chat --")
            for printed in self._screens[persona.key].show(arrived):
                self._write(printed)

    async def _switch(self, key: str) -> None:
        if key not in self._personas:
            self._write(f"unknown persona {key!r}; choose one of: {', '.join(self._personas)}")
            return
        self._persona = self._personas[key]
        self._write(f"-- you are now the {key} --")
        for line in self._early.pop(key, []):
            self._write(line)
        await self.open_chat()

    async def open_early(self, key: str) -> None:
        """Send a persona's opening message now (e.g. redeem a staff invite before the demo's clock moves
        past its expiry); what the bot answered is shown when the person first switches to it."""
        persona = self._personas[key]
        if persona.key in self._opened or not persona.opening:
            return
        self._opened.add(persona.key)
        calls = await self._user_side.user_says(
            persona.user_id,
            persona.opening,
            timeout=REPLY_TIMEOUT,
            language_code=persona.language_code,
            first_name=persona.first_name,
        )
        self._early[persona.key] = [f"you: {persona.opening}", *self._screens[persona.key].show(calls)]

    async def open_chat(self) -> None:
        """Send the persona's opening message the first time its chat is shown."""
        persona = self._persona
        if persona.key in self._opened:
            return
        self._opened.add(persona.key)
        if persona.opening:
            self._write(f"you: {persona.opening}")
            await self._send(persona.opening, echo=False)
        else:
            self._write("(a new chat: type /start)")

    async def _send(self, line: str, *, echo: bool = True) -> None:
        screen = self._screens[self._persona.key]
        persona = self._persona
        # A leading ' sends the rest as typed: a number of places is text, not the button of that number.
        literal = line.startswith("'") and len(line) > 1
        if literal:
            line = line[1:]
        pressed = not literal and line.isdigit() and 0 < int(line) <= len(screen.choices)
        choice = screen.choices[int(line) - 1] if pressed else None
        if choice is not None and choice.callback_data is not None and choice.message_id is not None:
            self._write(f"you press: {choice.label}")
            calls = await self._user_side.user_presses(
                persona.user_id, choice.message_id, choice.callback_data, timeout=REPLY_TIMEOUT
            )
        else:
            text = choice.label if choice is not None else line
            if choice is not None and echo:
                self._write(f"you: {text}")
            calls = await self._user_side.user_says(
                persona.user_id,
                text,
                timeout=REPLY_TIMEOUT,
                language_code=persona.language_code,
                first_name=persona.first_name,
            )
        for printed in screen.show(calls):
            self._write(printed)
