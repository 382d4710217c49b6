"""Telegram's HTML parse mode: turn marked-up text into plain text plus MessageEntity dicts.

Only the tags and character references Telegram documents are accepted; anything else is refused
the way the Bot API refuses it ("can't parse entities: ..."), so a bot that forgets to escape user
input fails in tests instead of in front of a 80-year-old user. Offsets and lengths of entities are
in UTF-16 code units, as in the real API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class EntityParseError(ValueError):
    """The text could not be parsed; str(error) is the part after "can't parse entities: "."""


_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_ALL_TAGS = {*_SIMPLE_TAGS, "span", "a", "code", "pre", "blockquote", "tg-emoji"}
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTRIBUTE = re.compile(r"""\s*([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]+));")


@dataclass(slots=True)
class _Open:
    tag: str
    offset: int  # UTF-16 offset in the output where the tag's content starts
    attrs: dict[str, str] = field(default_factory=dict)


def _utf16_len(text: str) -> int:
    # Characters outside the BMP take two UTF-16 code units.
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def utf16_len(text: str) -> int:
    return _utf16_len(text)


def _decode_reference(source: str, index: int) -> tuple[str, int]:
    match = _REFERENCE.match(source, index)
    if match is None:
        raise EntityParseError(
            f'Unsupported HTML entity or bare "&" at byte offset {_byte_offset(source, index)}; '
            "escape it as &amp;"
        )
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in _NAMED_REFERENCES:
            raise EntityParseError(
                f'Unsupported HTML entity "&{name};" at byte offset {_byte_offset(source, index)}'
            )
        return _NAMED_REFERENCES[name], match.end()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise EntityParseError(f"Invalid character reference at byte offset {_byte_offset(source, index)}")
    return chr(code), match.end()


def _parse_attributes(source: str, start: int, end: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    position = start
    while position < end:
        if source[position:end].strip() == "":
            break
        match = _ATTRIBUTE.match(source, position, end)
        if match is None or match.end() == position:
            raise EntityParseError(f"Can't parse attributes at byte offset {_byte_offset(source, position)}")
        name = match.group(1).lower()
        raw = next((g for g in match.groups()[1:] if g is not None), "")
        value, _ = _unescape_attribute(raw, source, position)
        attrs[name] = value
        position = match.end()
    return attrs


def _unescape_attribute(raw: str, source: str, position: int) -> tuple[str, int]:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            try:
                ch, nxt = _decode_reference(raw, i)
            except EntityParseError as exc:
                raise EntityParseError(
                    f"Bad character reference in an attribute at byte offset {_byte_offset(source, position)}"
                ) from exc
            out.append(ch)
            i = nxt
        else:
            out.append(raw[i])
            i += 1
    return "".join(out), i


def _entity_for(opened: _Open, length: int, inside_pre: bool) -> dict[str, Any] | None:
    tag, attrs = opened.tag, opened.attrs
    entity: dict[str, Any]
    if tag in _SIMPLE_TAGS or tag == "span":
        entity = {"type": _SIMPLE_TAGS.get(tag, "spoiler")}
    elif tag == "a":
        href = attrs.get("href")
        if not href:
            return None
        entity = {"type": "text_link", "url": href}
    elif tag == "code":
        if inside_pre:
            return None  # folded into the enclosing pre as its language
        entity = {"type": "code"}
    elif tag == "pre":
        entity = {"type": "pre"}
        if language := attrs.get("language"):
            entity["language"] = language
    elif tag == "blockquote":
        entity = {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    elif tag == "tg-emoji":
        entity = {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    else:  # pragma: no cover - guarded by _ALL_TAGS
        return None
    entity["offset"] = opened.offset
    entity["length"] = length
    return entity


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) or raise EntityParseError with Telegram's wording."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of "".join(out)
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)
    while i < n:
        lt = source.find("<", i)
        amp = source.find("&", i)
        stop = min(x for x in (lt, amp, n) if x >= 0)
        if stop > i:
            chunk = source[i:stop]
            out.append(chunk)
            out_len += _utf16_len(chunk)
            i = stop
            continue
        if source[i] == "&":
            ch, i = _decode_reference(source, i)
            out.append(ch)
            out_len += _utf16_len(ch)
            continue
        # source[i] == "<"
        close = source.find(">", i + 1)
        if close < 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, i)}")
        if source.startswith("</", i):
            name = source[i + 2 : close].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(source, i)}")
            opened = stack.pop()
            if name != opened.tag:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, i)}, "
                    f'expected "</{opened.tag}>", found "</{name}>"'
                )
            if opened.tag == "code" and stack and stack[-1].tag == "pre":
                language = opened.attrs.get("class", "")
                if language.startswith("language-") and stack[-1].offset == opened.offset:
                    stack[-1].attrs["language"] = language.removeprefix("language-")
            inside_pre = opened.tag == "code" and any(o.tag == "pre" for o in stack)
            entity = _entity_for(opened, out_len - opened.offset, inside_pre)
            if entity is not None and entity["length"] > 0:
                entities.append(entity)
            i = close + 1
            continue
        name_match = _TAG_NAME.match(source, i + 1, close)
        if name_match is None:
            raise EntityParseError(f'Unsupported start tag "" at byte offset {_byte_offset(source, i)}')
        name = name_match.group(0).lower()
        if name not in _ALL_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, i)}')
        attrs_end = close - 1 if source[close - 1] == "/" else close
        attrs = _parse_attributes(source, name_match.end(), attrs_end)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, i)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {_byte_offset(source, i)}'
            )
        stack.append(_Open(tag=name, offset=out_len, attrs=attrs))
        i = close + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
