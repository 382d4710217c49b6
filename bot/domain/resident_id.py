"""Chinese resident identity numbers (居民身份证号码, GB 11643-1999).

An 18-character number is: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd for
men, even for women) and an ISO 7064 MOD 11-2 check character (0-9 or X). Numbers issued before 1999 have
15 digits: no century in the birth year and no check character; they are upgraded to the 18-character
form, so both forms of one person's number give the same hash.

The plain number never leaves this object except through `unmasked()`: `str()` and `repr()` show the
masked form so that an ID number logged or formatted by accident does not leak.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Final

# China has one time zone without daylight saving; "in the future" is judged by the calendar date there.
CHINA_TZ: Final = timezone(timedelta(hours=8), "CST")

_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS: Final = "10X98765432"
_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")
_WHITESPACE: Final = re.compile(r"\s+")
_EARLIEST_BIRTH_YEAR: Final = 1850


class InvalidReason(StrEnum):
    LENGTH = "length"
    CHARACTERS = "characters"
    CHECK_DIGIT = "check_digit"
    BIRTH_DATE = "birth_date"


class InvalidResidentId(ValueError):
    """The text is not a valid resident ID number; `reason` lets the caller show a translated message.

    The message never contains the offending text, so the exception is safe to log.
    """

    def __init__(self, reason: InvalidReason) -> None:
        super().__init__(f"invalid resident ID number: {reason.value}")
        self.reason = reason


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def china_today() -> date:
    return datetime.now(UTC).astimezone(CHINA_TZ).date()


def _normalise(text: str) -> str:
    return _WHITESPACE.sub("", text).translate(_FULL_WIDTH)


def _birth_date(digits: str, today: date) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidResidentId(InvalidReason.BIRTH_DATE) from None
    if born > today or born.year < _EARLIEST_BIRTH_YEAR:
        raise InvalidResidentId(InvalidReason.BIRTH_DATE)
    return born


class ResidentId:
    """A validated resident ID number in its 18-character form."""

    __slots__ = ("_birth_date", "_number")

    def __init__(self, number: str, birth_date: date) -> None:
        # Use `parse`; this constructor trusts its arguments.
        self._number = number
        self._birth_date = birth_date

    @classmethod
    def parse(cls, text: str, *, today: date | None = None) -> ResidentId:
        """Validate `text` (whitespace, full-width digits and a lowercase x are tolerated).

        Raises InvalidResidentId with the first problem found: characters, length, check digit, birth date.
        The check digit is tested before the birth date so that a mistyped digit is reported as such even when
        it lands in the date.
        """
        number = _normalise(text)
        if not number.isascii() or not number.replace("X", "").isdigit():
            raise InvalidResidentId(
                InvalidReason.LENGTH if not number else InvalidReason.CHARACTERS,
            )
        if len(number) not in (15, 18):
            raise InvalidResidentId(InvalidReason.LENGTH)
        if "X" in number[:-1] or (len(number) == 15 and "X" in number):
            raise InvalidResidentId(InvalidReason.CHARACTERS)
        if len(number) == 15:
            first17 = number[:6] + "19" + number[6:]
            number = first17 + check_character(first17)
        elif check_character(number[:17]) != number[17]:
            raise InvalidResidentId(InvalidReason.CHECK_DIGIT)
        born = _birth_date(number[6:14], today or china_today())
        return cls(number, born)

    @classmethod
    def build(cls, region: str, birth_date: date, sequence: int) -> ResidentId:
        """A valid number from its parts (for tests and fictional sample data)."""
        if len(region) != 6 or not region.isdigit() or not 0 <= sequence <= 999:
            raise ValueError("region must be 6 digits and sequence 0-999")
        first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
        return cls.parse(first17 + check_character(first17))

    @property
    def birth_date(self) -> date:
        return self._birth_date

    @property
    def region_code(self) -> str:
        return self._number[:6]

    @property
    def masked(self) -> str:
        """First 4 and last 4 characters visible, e.g. `2101**********123X`."""
        return self._number[:4] + "*" * 10 + self._number[-4:]

    def keyed_hash(self, key: bytes) -> str:
        """HMAC-SHA256 (hex) of the 18-character form: what storage keeps instead of the number."""
        if not key:
            raise ValueError("an empty key would make the hash a plain, reversible digest")
        return hmac.new(key, self._number.encode("ascii"), hashlib.sha256).hexdigest()

    def unmasked(self) -> str:
        """The plain 18-character number. Deliberately explicit: never log or store what it returns."""
        return self._number

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ResidentId) and hmac.compare_digest(self._number, other._number)

    def __hash__(self) -> int:
        return hash(self._number)

    def __repr__(self) -> str:
        return f"ResidentId({self.masked!r})"

    def __str__(self) -> str:
        return self.masked
