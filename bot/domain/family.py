"""How a family member is related to the retiree they look after."""

from __future__ import annotations

from enum import StrEnum


class Relation(StrEnum):
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    SON_IN_LAW = "son_in_law"
    DAUGHTER_IN_LAW = "daughter_in_law"
    GRANDCHILD = "grandchild"
    OTHER = "other"
