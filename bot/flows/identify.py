"""Steps shared by the retiree and family registrations: reading a name and an ID number, the lookup.

The ID number lives only in local variables of one update: it is never put in the conversation state,
never logged, and the user's message holding it is deleted from the chat.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from bot.domain.conversation import ConversationState
from bot.domain.names import plausible_name
from bot.domain.people import Retiree
from bot.domain.resident_id import InvalidReason, InvalidResidentId, ResidentId
from bot.flows.base import Flow
from bot.flows.context import Context
from bot.i18n import N_
from bot.services import registration
from bot.services.registration import MatchResult, Outcome

INVALID: dict[InvalidReason, str] = {
    InvalidReason.LENGTH: N_(
        "An ID number has 18 characters (old ones have 15). Please count again and type it once more."
    ),
    InvalidReason.CHARACTERS: N_(
        "An ID number has only digits; only the last character may be the letter X. Please type it again."
    ),
    InvalidReason.CHECK_DIGIT: N_(
        "This ID number does not add up: one digit may be mistyped. "
        "Please compare it with the ID card and type it again."
    ),
    InvalidReason.BIRTH_DATE: N_(
        "The birth date inside this ID number is not a real date. Please check it and type it again."
    ),
}
NOT_FOUND = N_(
    "Sorry, we could not find a matching record in the roster. "
    "Please check the name and the ID number and try again, or contact your community office."
)
LOCKED = N_(
    "For your safety, registration is paused after several unsuccessful tries. "
    "Please try again in an hour, or contact your community office for help."
)
DELETED = N_("For your privacy, I have deleted your message with the ID number.")
NAME_IS_NUMBER = N_(
    "That looks like a number. Please type the name first; I will ask for the ID number next."
)
NAME_INVALID = N_("Please type the name in letters only, without numbers or symbols.")

_MANY_DIGITS = re.compile(r"(?:\d\D?){6,}")


def read_name(ctx: Context) -> tuple[str | None, str | None]:
    """(the name, None) or (None, a message saying what is wrong with it)."""
    text = ctx.text.strip()
    if _MANY_DIGITS.search(text):
        # Probably an ID number typed one step too early: don't leave it in the chat.
        ctx.delete_user_message()
        return None, ctx.msg(NAME_IS_NUMBER)
    if not plausible_name(text):
        return None, ctx.msg(NAME_INVALID)
    return " ".join(text.split()), None


def read_id(ctx: Context) -> ResidentId | str:
    """The validated ID number, or a message saying what is wrong with it. Deletes the user's message."""
    ctx.delete_user_message()
    deleted = ctx.msg(DELETED) if _MANY_DIGITS.search(ctx.text) else None
    try:
        return ResidentId.parse(ctx.text, today=ctx.today)
    except InvalidResidentId as exc:
        return "\n\n".join(part for part in (ctx.msg(INVALID[exc.reason]), deleted) if part)


async def locked(ctx: Context) -> bool:
    return await registration.is_locked(ctx.uow, ctx.account.id, ctx.now)


async def lookup(
    ctx: Context, name: str, resident_id: ResidentId, *, purpose: str, allow_deceased: bool
) -> MatchResult:
    return await registration.find_retiree(
        ctx.uow,
        account_id=ctx.account.id,
        name=name,
        resident_id=resident_id,
        id_hash_key=ctx.id_hash_key,
        now=ctx.now,
        purpose=purpose,
        allow_deceased=allow_deceased,
    )


async def not_found_lead(ctx: Context) -> str:
    used = await ctx.uow.login_attempts.failures_since(ctx.account.id, ctx.now - registration.FAILURE_WINDOW)
    left = max(registration.MAX_FAILURES - used, 0)
    tries = ctx.t.ngettext(
        "You can try %(num)d more time this hour.", "You can try %(num)d more times this hour.", left
    ) % {"num": left}
    return ctx.msg(NOT_FOUND) + "\n" + tries


class IdentifyingFlow(Flow):
    """A flow that asks for a name and then an ID number (a retiree's own, or the retiree a family helps).

    Subclasses say whose lookup it is (`purpose`, as the attempt log records it), whether a deceased
    retiree may be found, and what a match leads to (`on_match`)."""

    purpose: str
    allow_deceased: bool
    id_number_steps = frozenset({"id_number"})
    id_number_hints: ClassVar[Mapping[str, str]] = {"name": NAME_IS_NUMBER}  # typed one step too early

    async def on_match(self, ctx: Context, state: ConversationState, retiree: Retiree) -> None:
        raise NotImplementedError

    async def _on_id(self, ctx: Context, state: ConversationState) -> None:
        parsed = read_id(ctx)
        if await locked(ctx):
            await self.go(ctx, state, "locked", lead=ctx.msg(LOCKED))
        elif not isinstance(parsed, ResidentId):
            await self.go(ctx, state, "invalid", lead=parsed)
        else:
            name = str(state.data["name"])
            result = await lookup(ctx, name, parsed, purpose=self.purpose, allow_deceased=self.allow_deceased)
            if result.outcome is Outcome.MATCHED and result.retiree is not None:
                await self.on_match(ctx, state, result.retiree)
            elif await locked(ctx):
                # This failure was the last one allowed.
                await self.go(ctx, state, "locked", lead=ctx.msg(NOT_FOUND) + "\n\n" + ctx.msg(LOCKED))
            else:
                await self.go(ctx, state, "not_found", lead=await not_found_lead(ctx))

    async def _on_name(self, ctx: Context, state: ConversationState) -> None:
        name, problem = read_name(ctx)
        if name is None:
            self.reprompt(ctx, state, problem)
        elif await locked(ctx):
            await self.go(ctx, state, "locked", lead=ctx.msg(LOCKED))
        else:
            await self.go(ctx, state, "name_given", data={"name": name})
