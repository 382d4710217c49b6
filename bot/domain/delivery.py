"""What staff see of delivery beyond a batch's counts (bot.domain.records.BatchProgress)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UnreachableAccount:
    """An account in a staff member's subtree that blocked the bot: nothing more is sent to it, so staff
    reach the person another way (a call, a visit). `family` is True for a family member's account."""

    account_id: int
    retiree_id: int
    retiree_name: str
    id_masked: str
    phone: str | None
    family: bool
