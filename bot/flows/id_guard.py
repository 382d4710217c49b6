"""A resident ID number typed where no step asks for one: at the menu, in a question, in a message to staff.

The core calls this before any flow sees the update. The message is deleted from the chat, as the
registration's ID step does, and the flows get its text with the number masked (`2101**********123X`), so
that nothing they store, log or pass on can hold it in plain. The reply starts by saying why the message
went; a message that was nothing but the number is answered with that and the current step's question
again, anything more with the normal reply as well.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.actions import Action, SendText
from bot.domain.resident_id import mask_id_numbers, resident_id_spans
from bot.events import EventKind
from bot.flows.context import Context, join
from bot.flows.identify import DELETED

MAX_TEXT = 4096  # Telegram's limit for a message's text


@dataclass(frozen=True, slots=True)
class Withheld:
    note: str  # why the message was deleted, in the user's language
    only_the_number: bool  # the message held nothing else to answer


def withhold(ctx: Context) -> Withheld | None:
    """Delete the user's message and mask the text the flows will see, when it holds a valid resident ID
    number; None (and nothing done) otherwise."""
    event = ctx.event
    if event.kind not in (EventKind.TEXT, EventKind.COMMAND) or not event.text:
        return None
    spans = resident_id_spans(event.text, today=ctx.today)
    if not spans:
        return None
    ctx.delete_user_message()
    rest = event.text
    for start, end in reversed(spans):
        rest = rest[:start] + rest[end:]
    ctx.event = replace(event, text=mask_id_numbers(event.text))
    return Withheld(ctx.msg(DELETED), not any(ch.isalnum() for ch in rest))


def say_why(ctx: Context, note: str) -> None:
    """Put `note` at the head of the reply."""
    lead_with(note, ctx.actions, ctx.chat_id)


def lead_with(note: str, actions: list[Action], chat_id: int) -> None:
    """`note` at the head of the first message in `actions` when it fits, else in a message of its own
    before it (or after the other actions, when nothing is sent)."""
    for i, action in enumerate(actions):
        if isinstance(action, SendText):
            text = join(note, action.text)
            if len(text) <= MAX_TEXT:
                actions[i] = replace(action, text=text)
            else:
                actions.insert(i, SendText(chat_id, note))
            return
    actions.append(SendText(chat_id, note))
