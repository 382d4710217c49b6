"""Which encoding a text file from a Chinese office is in, told from its first bytes.

Spreadsheet programs and office PCs save CSV and text as UTF-8 (with or without a BOM), UTF-16 (Excel's
"Unicode text", usually with a BOM) or GBK/GB 18030 (the legacy code page of Chinese Windows; GB 18030 is
a superset of GBK and GB 2312). Only a sample is looked at, so a file of any size is read as a stream.
"""

from __future__ import annotations

import codecs

SAMPLE_BYTES = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# Share of one byte half that must be NUL (the other half none) for a file without a BOM to be UTF-16.
_UTF16_NULS = 0.2


class UnreadableError(ValueError):
    """The file is not a table (or text) we can read; the message says why, for the report."""


def detect_encoding(sample: bytes) -> str:
    """The codec name for a file that starts with `sample` (up to SAMPLE_BYTES of it)."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    if b"\0" in sample:
        # UTF-16 without a BOM: ASCII characters (digits, commas, newlines) leave a NUL in every other
        # byte. NULs scattered over both halves are a binary file: a scan, a picture, a PDF.
        halves = len(sample) // 2 or 1
        odd, even = sample[1::2].count(0) / halves, sample[0::2].count(0) / halves
        if odd >= _UTF16_NULS > even:
            return "utf-16-le"
        if even >= _UTF16_NULS > odd:
            return "utf-16-be"
        raise UnreadableError("not text (a picture, a scan or another binary file?)")
    try:
        # A sample may end inside a multi-byte character: only a complete one can be wrong.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def decode_text(raw: bytes) -> str:
    """A whole (small) text file's content, whatever its encoding among those above."""
    encoding = detect_encoding(raw[:SAMPLE_BYTES])
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise UnreadableError(f"encoding: line {line} is not {encoding} text") from error
