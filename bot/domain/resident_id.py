"""Chinese resident identity numbers (居民身份证号码, GB 11643-1999).

An 18-character number is: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd for
men, even for women) and an ISO 7064 MOD 11-2 check character (0-9 or X). Numbers issued before 1999 have
15 digits: no century in the birth year and no check character; they are upgraded to the 18-character
form, so both forms of one person's number give the same hash.

The plain number never leaves this object except through `unmasked()`: `str()` and `repr()` show the
masked form so that an ID number logged or formatted by accident does not leak.

Numbers inside free text (a question, a message to staff) are found and masked here too, however they were
spaced or typed (`mask_id_numbers`, `resident_id_spans`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import operator
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Final

# China has one time zone without daylight saving; "in the future" is judged by the calendar date there.
CHINA_TZ: Final = timezone(timedelta(hours=8), "CST")

_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
# The weighted sum is taken over the digits' ASCII codes (a roster checks a million numbers): each code is
# its digit plus 48, so that much of every weight comes off again.
_ASCII_ZERO_SUM: Final = ord("0") * sum(_WEIGHTS)
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
    total = sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - _ASCII_ZERO_SUM
    return _CHECK_CHARS[total % 11]


_INNER_PAD: Final = bytes(x ^ 0x36 for x in range(256))
_OUTER_PAD: Final = bytes(x ^ 0x5C for x in range(256))


class _KeyedSha256:
    """HMAC-SHA256 (RFC 2104) with the key's two padded blocks hashed once: a city's roster hashes a
    million numbers with one key, and the key's part is most of the work for a message this short."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        self._inner = hashlib.sha256(block.translate(_INNER_PAD))
        self._outer = hashlib.sha256(block.translate(_OUTER_PAD))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


@functools.lru_cache(maxsize=4)
def _keyed_sha256(key: bytes) -> _KeyedSha256:
    return _KeyedSha256(key)


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
        # Most numbers come as they should be: plain ASCII letters and digits, an upper-case X.
        number = text if text.isascii() and text.isalnum() and "x" not in text else _normalise(text)
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
        return _keyed_sha256(key).hexdigest(self._number.encode("ascii"))

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


# --- ID numbers inside free text -------------------------------------------------------------------------

# Digits as people type them: ASCII or full-width, in groups split by one space or hyphen ("210102
# 19500101 123X", "２１０１０２…"). A run is cut into its groups; what could be a resident ID number is
# any stretch of whole groups holding 18 characters (the last may be X) or the legacy 15 digits.
_WIDE: Final = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
_RUN: Final = re.compile(
    r"(?<![0-9０-９])[0-9０-９]+[XxＸｘ]?(?:[ \u3000\-‐－][0-9０-９]+[XxＸｘ]?)*(?![0-9０-９])"
)
_GROUP: Final = re.compile(r"[0-9０-９]+[XxＸｘ]?")
_ID_SHAPED: Final = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")


def _id_shaped(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, characters) of each stretch of `text` shaped like a resident ID number, its characters
    as ASCII digits and an upper-case X."""
    for run in _RUN.finditer(text):
        groups = [
            (run.start() + m.start(), run.start() + m.end(), m[0].translate(_WIDE).upper())
            for m in _GROUP.finditer(run[0])
        ]
        i = 0
        while i < len(groups):
            characters = ""
            for j in range(i, len(groups)):
                characters += groups[j][2]
                if len(characters) > 18:
                    break
                if _ID_SHAPED.fullmatch(characters):
                    yield groups[i][0], groups[j][1], characters
                    i = j
                    break
            i += 1


def mask_id_numbers(text: str) -> str:
    """The text with anything shaped like a resident ID number masked as storage keeps it
    (`2101**********123X`), however it was spaced or typed, valid or not: a question may be stored and
    shown to staff, an ID number never in plain."""
    out: list[str] = []
    done = 0
    for start, end, characters in _id_shaped(text):
        out += [text[done:start], characters[:4] + "*" * (len(characters) - 8) + characters[-4:]]
        done = end
    out.append(text[done:])
    return "".join(out)


def resident_id_spans(text: str, *, today: date | None = None) -> list[tuple[int, int]]:
    """Where `text` holds a valid resident ID number (an 18-character one with its check character, or a
    15-digit legacy one), as (start, end) positions."""
    spans = []
    for start, end, characters in _id_shaped(text):
        try:
            ResidentId.parse(characters, today=today)
        except InvalidResidentId:
            continue
        spans.append((start, end))
    return spans
