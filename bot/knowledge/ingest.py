"""Cutting a plain-text policy document (UTF-8, UTF-16 or GBK; Simplified or Traditional) into passages.

The title is the document's first line (or its file name); each passage carries the nearest heading above
it ("一、", "（三）", "第五条") as its section, so an answer quoted from it can say where it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.tables import decode_text

MAX_PASSAGE = 300
_TOP = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]")
_SUB = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]+\s*[）)]")
_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十百零〇0-9]+[条條章节節]")


@dataclass(frozen=True, slots=True)
class IngestedPassage:
    title: str
    section: str
    text: str


def _heading(line: str) -> str | None:
    head = line.strip()
    article = _ARTICLE.match(head)
    if article:
        # "第五条 ……": the article number names the section, the rest of the line is its text.
        return article.group(0).strip()
    if _TOP.match(head) or _SUB.match(head):
        # A heading line may run on into its first sentence: keep the heading part.
        return re.split(r"[。:：，,；;]", head, maxsplit=1)[0][:40]
    return None


def split_document(text: str, fallback_title: str) -> list[IngestedPassage]:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    content = [line for line in lines if line]
    if not content:
        return []
    title = content[0][:120] if len(content[0]) <= 120 else fallback_title
    top = sub = ""
    passages: list[IngestedPassage] = []
    buffer = ""

    def flush() -> None:
        nonlocal buffer
        text = " ".join(buffer.split())
        if text:
            section = " ".join(part for part in (top, sub) if part) or title
            passages.append(IngestedPassage(title, section, text))
        buffer = ""

    for line in content[1:] if title == content[0][:120] else content:
        heading = _heading(line)
        if heading is not None:
            flush()
            if _TOP.match(line):
                top, sub = heading, ""
            else:
                sub = heading
            rest = line.strip()[len(heading) :].lstrip("。:：，,；; ")
            buffer = rest
            continue
        # Lines of a paragraph were wrapped by the source's layout: join them without spaces for Chinese.
        buffer = f"{buffer}{line}" if buffer else line
        if len(buffer) >= MAX_PASSAGE or (
            line.endswith(("。", "！", "？", ".", "!", "?")) and len(buffer) > 120
        ):
            flush()
    flush()
    return passages


def read_document(path: Path) -> list[IngestedPassage]:
    return split_document(decode_text(path.read_bytes()), path.stem)
