"""The shape every flow has: a Machine, a prompt per step, and handlers for text and buttons."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from bot.domain.conversation import ConversationState
from bot.flows import buttons
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, HANDOFF, Machine
from bot.i18n import N_

PRESS_A_BUTTON = N_("Please press one of the buttons below.")


class Flow(ABC):
    machine: ClassVar[Machine]
    # Steps that ask for a resident ID number and read it themselves. Anywhere else the core deletes a
    # message holding one and masks it before the flow sees the text (bot/flows/id_guard.py) ...
    id_number_steps: ClassVar[frozenset[str]] = frozenset()
    # ... and, when the message was the number alone, asks the step's question again, after this (a
    # message to translate) where the step has more to say about it.
    id_number_hints: ClassVar[Mapping[str, str]] = {}

    @property
    def name(self) -> str:
        return self.machine.flow

    @abstractmethod
    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        """What the step says when entered or repeated."""

    @abstractmethod
    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        """A text message (typed or a reply-keyboard press) at this step."""

    async def begin(self, ctx: Context, lead: str | None = None) -> None:
        self.enter(ctx, self.machine.initial, {}, lead)

    def enter(self, ctx: Context, step: str, data: dict[str, Any], lead: str | None = None) -> None:
        if step not in self.machine.steps:
            raise ValueError(f"{self.name}: unknown step {step}")
        ctx.state = state = ConversationState(self.name, step, data)
        ctx.send_prompt(self.prompt(ctx, state), lead)

    def reprompt(self, ctx: Context, state: ConversationState, lead: str | None = None) -> None:
        ctx.state = state
        ctx.send_prompt(self.prompt(ctx, state), lead)

    async def go(
        self,
        ctx: Context,
        state: ConversationState,
        trigger: str,
        *,
        lead: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Follow a declared transition: to a step of this flow, to another flow, or out to the menu."""
        target = self.machine.next(state.step, trigger)
        if target == END:
            ctx.state = None
            await ctx.router.show_menu(ctx, lead)
        elif target.startswith(HANDOFF):
            ctx.state = None
            await ctx.router.begin(ctx, target[len(HANDOFF) :], lead)
        else:
            self.enter(ctx, target, state.data if data is None else data, lead)

    async def on_media(self, ctx: Context, state: ConversationState) -> bool:
        """A photo, document, video...: True when this step takes it (most take none)."""
        return False

    def not_understood(self, ctx: Context, state: ConversationState) -> None:
        self.reprompt(ctx, state, ctx.msg(PRESS_A_BUTTON))

    @staticmethod
    def step_rows(*, back: bool = True) -> list[list[str]]:
        """The rows every text-entry step ends with: a way back, to the menu and to a person."""
        return [[buttons.BACK, buttons.MAIN_MENU] if back else [buttons.MAIN_MENU], [buttons.ASK_PERSON]]
