"""Errors the repositories raise when asked to break the contract in bot.ports."""

from __future__ import annotations


class UnknownUnitCode(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no org unit with code {code!r}")
        self.code = code


class RecordNotFound(LookupError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"no {what} with id {key!r}")


class UnitCycle(ValueError):
    """Moving a unit below one of its own descendants."""
