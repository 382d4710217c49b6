"""What a flow gets to work with for one update, and what it hands back."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from bot.actions import Action, DeleteMessage, Keyboard, ReplyKeyboard, SendText
from bot.domain.conversation import ConversationState
from bot.domain.people import Account
from bot.domain.resident_id import CHINA_TZ
from bot.events import Event, EventKind
from bot.flows.buttons import normalise_label
from bot.i18n import I18n, Translator
from bot.knowledge.provider import KnowledgeProvider
from bot.ports import UnitOfWork
from bot.rendering import Renderer, html_message
from bot.services.certification_profile import CertificationProfile


@dataclass(frozen=True, slots=True)
class Prompt:
    """What a step says when it is entered or repeated, and the keyboard it offers."""

    text: str
    keyboard: Keyboard


class Router(Protocol):
    """Moves a conversation between flows and the menu, for flows that must not know each other."""

    async def begin(self, ctx: Context, flow: str, lead: str | None = None) -> None: ...
    async def show_menu(self, ctx: Context, lead: str | None = None) -> None: ...
    async def follow_menu_button(self, ctx: Context) -> bool:
        """A main-menu button pressed inside a flow that does not expect it: leave the flow and do what
        the button says. False when the text is no such button."""
        ...


@dataclass(slots=True)
class Context:
    event: Event
    uow: UnitOfWork
    account: Account
    i18n: I18n
    t: Translator
    renderer: Renderer
    router: Router
    now: datetime
    id_hash_key: bytes
    state: ConversationState | None
    knowledge: KnowledgeProvider  # the policy-question answerer
    profile: CertificationProfile  # the region's rules and values in force
    actions: list[Action] = field(default_factory=list)
    # The text as buttons are compared (normalise_label), worked out on first use: one update's text is
    # compared with many labels.
    _typed_label: str | None = field(default=None, repr=False)

    @property
    def chat_id(self) -> int:
        return self.event.chat_id

    @property
    def text(self) -> str:
        return self.event.text if self.event.kind is EventKind.TEXT else ""

    @property
    def today(self) -> date:
        """The calendar date in China, where the users and their ID numbers are."""
        return self.now.astimezone(CHINA_TZ).date()

    def send(self, text: str, keyboard: Keyboard | None = None) -> None:
        self.actions.append(SendText(self.chat_id, text, keyboard))

    def send_prompt(self, prompt: Prompt, lead: str | None = None) -> None:
        self.send(join(lead, prompt.text), prompt.keyboard)

    def delete_user_message(self) -> None:
        if self.event.message_id is None:
            return
        delete = DeleteMessage(self.chat_id, self.event.message_id)
        if delete not in self.actions:
            self.actions.append(delete)

    def msg(self, message: str, /, **values: Any) -> str:
        return html_message(self.t, message, **values)

    def render(self, template: str, /, **context: Any) -> str:
        return self.renderer.render(self.t, template, **context)

    def label(self, message: str) -> str:
        return self.t.gettext(message)

    def reply_keyboard(
        self, rows: Iterable[Sequence[str]], placeholder: str | None = None, contact: str | None = None
    ) -> ReplyKeyboard:
        """A reply keyboard of translated labels; empty rows are dropped. `contact` (one of the labels)
        is the button that shares the user's phone number."""
        return _translated_keyboard(self.t, tuple(tuple(row) for row in rows if row), placeholder, contact)

    @property
    def typed_label(self) -> str:
        """The user's text as labels are compared (normalise_label); "" for anything but text."""
        if self._typed_label is None:
            self._typed_label = normalise_label(self.text)
        return self._typed_label

    def pressed(self, *labels: str) -> str | None:
        """Which of these labels the user's text is, in any of our languages (None if none)."""
        typed = self.typed_label
        if not typed:
            return None
        for label in labels:
            if typed in _normalised_translations(self.i18n, label):
                return label
        return None

    def use_locale(self, locale: str) -> None:
        self.t = self.i18n.translator(locale)
        self.account = replace(self.account, locale=self.t.locale)


# Every text is matched against many labels; the catalogs do not change once loaded.
_NORMALISED: weakref.WeakKeyDictionary[I18n, dict[str, frozenset[str]]] = weakref.WeakKeyDictionary()


def _normalised_translations(i18n: I18n, label: str) -> frozenset[str]:
    cache = _NORMALISED.setdefault(i18n, {})
    found = cache.get(label)
    if found is None:
        found = cache[label] = frozenset(normalise_label(shown) for shown in i18n.all_translations(label))
    return found


# Most replies carry one of a few keyboards (the main menu above all): each is translated once per language.
@functools.lru_cache(maxsize=1024)
def _translated_keyboard(
    t: Translator, rows: tuple[tuple[str, ...], ...], placeholder: str | None, contact: str | None = None
) -> ReplyKeyboard:
    return ReplyKeyboard(
        tuple(tuple(t.gettext(label) for label in row) for row in rows),
        placeholder=t.gettext(placeholder) if placeholder else None,
        contact=t.gettext(contact) if contact else None,
    )


def join(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)
