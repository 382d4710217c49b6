"""Every inline button's callback data: one registry of tags, each a typed payload packed and unpacked here.

On the wire a payload is `v1:<tag>:<field>:<field>...`, its fields in declaration order, trailing optional
ones left out when None. Telegram carries at most 64 bytes, checked once, when a button is built; what comes
back is untrusted, so `parse` returns None for anything that is not exactly one of ours (an unknown tag, a
field of the wrong type or not among a Literal's values, too many or too few fields), and the sender gets
the "old button" answer. The data carries opaque ids only, never personal data.

A payload is declared once, like aiogram's CallbackData but framework-free:

    @dataclass(frozen=True)  # not slots=True: that builds the class twice, registering it twice
    class ReminderButton(CallbackData, tag="cr"):
        action: Literal["d", "h", "v", "p"]
        retiree_id: int | None = None

Fields are str, int or a Literal of strings, optionally `| None` (then with a default, and only at the end).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, ClassVar, Literal, Self

VERSION = "v1"
MAX_BYTES = 64
_SEPARATOR = ":"


@dataclasses.dataclass(frozen=True, slots=True)
class _Field:
    name: str
    kind: type[str] | type[int]
    allowed: frozenset[str] | None  # a Literal's values
    optional: bool

    def pack(self, value: Any) -> str:
        text = "" if value is None else str(value)  # None only at the end, where it is left out
        if _SEPARATOR in text or not text:
            raise ValueError(f"callback field {self.name} cannot be {text!r}")
        return text

    def unpack(self, text: str) -> Any:
        if self.kind is int:
            return int(text) if text.isascii() and text.isdigit() else _INVALID
        if self.allowed is not None and text not in self.allowed:
            return _INVALID
        return text if text else _INVALID


_INVALID = object()
REGISTRY: dict[str, type[CallbackData]] = {}


class CallbackData:
    tag: ClassVar[str]
    _fields: ClassVar[tuple[_Field, ...]]

    def __init_subclass__(cls, *, tag: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if tag in REGISTRY or not tag or _SEPARATOR in tag:
            raise ValueError(f"callback tag {tag!r} is taken or malformed")
        cls.tag = tag
        REGISTRY[tag] = cls

    def pack(self) -> str:
        values = [getattr(self, f.name) for f in _fields(type(self))]
        while values and values[-1] is None:
            values.pop()
        parts = [VERSION, self.tag, *(f.pack(v) for f, v in zip(_fields(type(self)), values, strict=False))]
        data = _SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data of {self.tag} is over {MAX_BYTES} bytes")
        return data

    @classmethod
    def unpack(cls, fields: list[str]) -> Self | None:
        declared = _fields(cls)
        required = sum(1 for f in declared if not f.optional)
        if not required <= len(fields) <= len(declared):
            return None
        values = [f.unpack(text) for f, text in zip(declared, fields, strict=False)]
        if any(value is _INVALID for value in values):
            return None
        return cls(*values)


def parse(data: str) -> CallbackData | None:
    """The payload a button carried, or None when it is not one of ours as it stands."""
    if len(data.encode()) > MAX_BYTES:
        return None
    version, _, rest = data.partition(_SEPARATOR)
    tag, _, fields = rest.partition(_SEPARATOR)
    kind = REGISTRY.get(tag) if version == VERSION else None
    return None if kind is None else kind.unpack(fields.split(_SEPARATOR) if fields else [])


def _fields(cls: type[CallbackData]) -> tuple[_Field, ...]:
    cached = cls.__dict__.get("_fields")
    if cached is None:
        hints = typing.get_type_hints(cls)
        cached = tuple(_field(f.name, hints[f.name]) for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        cls._fields = cached
    return cached


def _field(name: str, hint: Any) -> _Field:
    args = typing.get_args(hint)
    optional = type(None) in args and (
        isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
    )
    if optional:
        (hint,) = [arg for arg in args if arg is not type(None)]
    if typing.get_origin(hint) is Literal:
        return _Field(name, str, frozenset(typing.get_args(hint)), optional)
    if hint in (str, int):
        return _Field(name, hint, None, optional)
    raise TypeError(f"callback field {name}: {hint} is not str, int or a Literal")


# --- every button of the bot ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AnswerButton(CallbackData, tag="pq"):
    """Under a policy answer: m <entry> <lang> / p <passage> <lang> "More"; h <question> and menu come from
    answers sent before "Ask a person" and "Main menu" moved to the reply keyboard, and still work."""

    action: Literal["m", "p", "h", "menu"]
    ref: str | None = None
    lang: str | None = None


@dataclasses.dataclass(frozen=True)
class AnswerQuestionButton(CallbackData, tag="hq"):
    """Staff's "Answer" under a question passed on to them."""

    action: Literal["a"]
    question_id: int


@dataclasses.dataclass(frozen=True)
class UnansweredPage(CallbackData, tag="uq"):
    """A page of the staff's list of unanswered questions."""

    page: int


@dataclasses.dataclass(frozen=True)
class UnlinkChoice(CallbackData, tag="ul"):
    """Yes or no to unlinking an account, bound to the question by a nonce kept in the conversation."""

    nonce: str
    choice: Literal["y", "n"]


ReminderAction = Literal["d", "h", "v", "p"]


@dataclasses.dataclass(frozen=True)
class ReminderButton(CallbackData, tag="cr"):
    """Under a certification reminder: d I have certified, h how, v home visit, p send a photo. A family
    member's name the retiree (a record id); the retiree's own do not."""

    action: ReminderAction
    retiree_id: int | None = None


StaffAction = Literal["a", "r", "x", "l", "c", "m"]


@dataclasses.dataclass(frozen=True)
class StaffCertificationButton(CallbackData, tag="cs"):
    """Staff certification tools: a <submission> approve, r <submission> reject, x <submission> <reason>,
    l <list> <page>, c <retiree> card, m <retiree> <method>."""

    action: StaffAction
    target: str
    detail: str | None = None


@dataclasses.dataclass(frozen=True)
class ActivityButton(CallbackData, tag="ac"):
    """Under an activity notice or offer: s <activity> sign up, p <activity> sign up with a companion,
    n <activity> can't come; x <signup> cancel my place (or my place on the waitlist), a <signup> take
    the offered place, d <signup> let it go."""

    action: Literal["s", "p", "n", "x", "a", "d"]
    target: int


@dataclasses.dataclass(frozen=True)
class NoticeButton(CallbackData, tag="nt"):
    """A notice being composed and sent: u <notice> <unit> audience unit, w <notice> <r|f|b> retirees,
    families or both, f <notice> <all|local|80> narrowing, ok <notice> send (or ask approval), x <notice>
    cancel what is not yet sent, ap / rj <notice> a supervisor approves or rejects."""

    action: Literal["u", "w", "f", "ok", "x", "ap", "rj"]
    notice_id: int
    value: str | None = None


@dataclasses.dataclass(frozen=True)
class StaffActivityButton(CallbackData, tag="sa"):
    """Staff's tools for an activity: v <activity> its card, l <activity> <page> who is coming, c/e
    <activity> export CSV/XLSX, m <activity> <page> attendance sheet, t <activity> <signup> toggle
    attended, + <activity> raise the capacity by one, X <activity> cancel the activity (then y confirms),
    r <activity> change time or place."""

    action: Literal["v", "l", "c", "e", "m", "t", "+", "X", "y", "r"]
    activity_id: int
    detail: int | None = None


ClaimAction = Literal["l", "o", "d", "c", "C", "w", "W", "v", "a", "m", "r", "p"]


@dataclasses.dataclass(frozen=True)
class ClaimButton(CallbackData, tag="cm"):
    """Staff claim reviews: l <page> <o|n> a page of the queue (oldest waiting, or newest first); o <claim>
    open; d <claim> <n> see a document (its place in the region's checklist); c / C <claim> confirm the
    death (ask, then do); w / W <claim> withdraw the report as mistaken (ask, then do); v <claim> start the
    review; a, m, r <claim> approve, ask for documents, return (the amount or the words are typed next);
    p <claim> mark paid."""

    action: ClaimAction
    target: int
    detail: str | None = None
