"""The callback-data registry: typed payloads, the wire format buttons already in chats carry, and refusal
of anything else."""

from __future__ import annotations

import dataclasses
from typing import Literal

import pytest

from bot.callbacks import (
    REGISTRY,
    AnswerButton,
    CallbackData,
    ClaimButton,
    ReminderButton,
    StaffCertificationButton,
    UnansweredPage,
    UnlinkChoice,
    parse,
)
from bot.flows.callback_dispatch import HANDLERS
from bot.flows.registry import FLOWS


@pytest.mark.parametrize(
    ("payload", "wire"),
    [
        (ReminderButton("d"), "v1:cr:d"),
        (ReminderButton("p", 42), "v1:cr:p:42"),
        (StaffCertificationButton("x", "7", "n"), "v1:cs:x:7:n"),
        (AnswerButton("m", "k3f", "s"), "v1:pq:m:k3f:s"),
        (AnswerButton("menu"), "v1:pq:menu"),
        (UnansweredPage(2), "v1:uq:2"),
        (UnlinkChoice("deadbeef", "y"), "v1:ul:deadbeef:y"),
        (ClaimButton("l", 2, "n"), "v1:cm:l:2:n"),
        (ClaimButton("C", 17), "v1:cm:C:17"),
    ],
)
def test_payloads_pack_to_the_wire_format_and_back(payload: CallbackData, wire: str) -> None:
    assert payload.pack() == wire
    assert parse(wire) == payload


@pytest.mark.parametrize(
    "data",
    [
        "",
        "garbage",
        "v0:cr:d",  # another version
        "v1:zz:1",  # an unknown tag
        "v1:cr",  # a required field missing
        "v1:cr:x",  # not one of the Literal's values
        "v1:cr:d:12:13",  # a field too many
        "v1:cr:d:abc",  # not a number
        "v1:cr:d:-1",
        "v1:cr:d:١٢",  # digits, but not ASCII ones
        "v1:uq:",
        "v1:cm:o:abc",  # a claim is a number
        "v1:cm:x:1",
        "v1:ul:" + "9" * 80 + ":y",  # over 64 bytes
    ],
)
def test_anything_else_is_refused(data: str) -> None:
    assert parse(data) is None


def test_a_field_that_would_break_the_format_or_the_limit_fails_when_the_button_is_built() -> None:
    with pytest.raises(ValueError, match="cannot be"):
        StaffCertificationButton("l", "a:b").pack()
    with pytest.raises(ValueError, match="cannot be"):
        AnswerButton("m", None, "s").pack()  # a field left out before one that is given
    with pytest.raises(ValueError, match="64 bytes"):
        AnswerButton("m", "k" * 60, "s").pack()


def test_a_tag_is_registered_once() -> None:
    with pytest.raises(ValueError, match="taken"):

        @dataclasses.dataclass(frozen=True)
        class Again(CallbackData, tag="cr"):
            action: Literal["d"]


def test_every_registered_kind_of_button_has_a_handler() -> None:
    assert FLOWS  # importing the flows registers their handlers
    assert set(HANDLERS) == set(REGISTRY.values())
