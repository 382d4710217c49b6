"""Loading the knowledge base's YAML files, with every problem reported by file and entry id."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import (
    LANGUAGES,
    MAX_ANSWER_CHARS,
    MAX_MORE_CHARS,
    REGIONS,
    TOPICS,
    Entry,
    KnowledgeBase,
    Source,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

try:  # the C loader is several times faster; PyYAML without libyaml still works
    YAML_LOADER: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    YAML_LOADER = yaml.SafeLoader


class KnowledgeError(ValueError):
    """A broken knowledge-base file or entry; the message names the file and the entry id."""


def knowledge_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The files the knowledge base is made of: the sources, then the entry files in name order."""
    return [data_dir / "sources.yaml", *sorted((data_dir / "entries").glob("*.yaml"))]


def read_documents(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """Each knowledge-base file parsed (not yet validated), by its path relative to `data_dir`."""
    return {
        str(path.relative_to(data_dir)): _read(path) for path in knowledge_files(data_dir) if path.exists()
    }


def load_knowledge_base(
    data_dir: Path = DATA_DIR, documents: Mapping[str, Any] | None = None
) -> KnowledgeBase:
    """The validated knowledge base; `documents` (from `read_documents`, e.g. kept by the index cache)
    saves parsing the YAML again."""
    parsed = read_documents(data_dir) if documents is None else documents
    sources_path = data_dir / "sources.yaml"
    if "sources.yaml" not in parsed:
        raise KnowledgeError(f"{display_name(sources_path)}: missing")
    sources = _load_sources(sources_path, parsed["sources.yaml"])
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    entry_files = sorted(name for name in parsed if name.startswith("entries"))
    if not entry_files:
        raise KnowledgeError(f"{data_dir / 'entries'}: no entry files")
    for name in entry_files:
        path = data_dir / name
        items = parsed[name]
        if not isinstance(items, list):
            raise KnowledgeError(f"{display_name(path)}: expected a list of entries")
        for position, item in enumerate(items, 1):
            entry = _entry(path, position, item, sources)
            if entry.id in seen:
                raise KnowledgeError(
                    f"{display_name(path)}: entry {entry.id!r}: id already used in {seen[entry.id]}"
                )
            seen[entry.id] = display_name(path)
            entries.append(entry)
    return KnowledgeBase(sources=sources, entries=tuple(entries))


def display_name(path: Path) -> str:
    """A data file's path as its errors name it: from the repository's root when it lies inside."""
    try:
        return str(path.relative_to(DATA_DIR.parent.parent.parent))
    except ValueError:
        return str(path)


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=YAML_LOADER)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{display_name(path)}: {exc}") from None


def _load_sources(path: Path, items: Any) -> dict[str, Source]:
    if not isinstance(items, list):
        raise KnowledgeError(f"{display_name(path)}: expected a list of sources")
    sources: dict[str, Source] = {}
    for position, item in enumerate(items, 1):
        where = f"{display_name(path)}: source #{position}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise KnowledgeError(f"{where}: needs an id")
        where = f"{display_name(path)}: source {item['id']!r}"
        when = item.get("date")
        if isinstance(when, str):
            try:
                when = date.fromisoformat(when)
            except ValueError:
                raise KnowledgeError(f"{where}: date {when!r} is not YYYY-MM-DD") from None
        if not isinstance(when, date):
            raise KnowledgeError(f"{where}: needs a date")
        region = item.get("region")
        if region not in REGIONS:
            raise KnowledgeError(f"{where}: region must be one of {', '.join(REGIONS)}")
        sources[item["id"]] = Source(
            id=item["id"],
            region=region,
            title=_localised(where, "title", item.get("title")),
            issuer=_localised(where, "issuer", item.get("issuer")),
            date=when,
        )
    return sources


def _localised(where: str, field: str, value: Any, limit: int | None = None) -> dict[str, str]:
    if not isinstance(value, dict):
        raise KnowledgeError(f"{where}: {field} needs {', '.join(LANGUAGES)}")
    result: dict[str, str] = {}
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise KnowledgeError(f"{where}: {field} is missing its {language} text")
        text = text.strip()
        if limit is not None and len(text) > limit:
            raise KnowledgeError(f"{where}: {field} ({language}) has {len(text)} characters, over {limit}")
        result[language] = text
    return result


def _texts(where: str, field: str, value: Any, *, required: bool) -> dict[str, tuple[str, ...]]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise KnowledgeError(f"{where}: {field} needs lists per language")
    result: dict[str, tuple[str, ...]] = {}
    for language in LANGUAGES:
        items = value.get(language)
        if items is None and not required:
            continue
        if not required and isinstance(items, list):
            # Keywords may be bare numbers in YAML (2004): they are words all the same.
            items = [str(i) for i in items if isinstance(i, str | int | float)]
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(i, str) and i.strip() for i in items)
        ):
            raise KnowledgeError(f"{where}: {field} is missing its {language} list")
        result[language] = tuple(str(i).strip() for i in items)
    return result


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _entry(path: Path, position: int, item: Any, sources: Mapping[str, Source]) -> Entry:
    where = f"{display_name(path)}: entry #{position}"
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not _ID.match(item["id"]):
        raise KnowledgeError(f"{where}: needs an id of lower-case letters, digits and hyphens")
    where = f"{display_name(path)}: entry {item['id']!r}"
    topic = item.get("topic")
    if topic not in TOPICS:
        raise KnowledgeError(f"{where}: unknown topic {topic!r}")
    source = item.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("doc"), str):
        raise KnowledgeError(f"{where}: source needs a doc")
    if source["doc"] not in sources:
        raise KnowledgeError(f"{where}: unknown source document {source['doc']!r}")
    section = source.get("section")
    if not isinstance(section, str) or not section.strip():
        raise KnowledgeError(f"{where}: source needs a section")
    region = item.get("region")
    if region not in REGIONS:
        raise KnowledgeError(f"{where}: region must be one of {', '.join(REGIONS)}")
    needs = item.get("needs") or []
    if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
        raise KnowledgeError(f"{where}: needs must be a list of names")
    answer = _localised(where, "answer", item.get("answer"), MAX_ANSWER_CHARS)
    more = _localised(where, "more", item["more"], MAX_MORE_CHARS) if item.get("more") is not None else None
    for field, texts in (("answer", answer), ("more", more or {})):
        for language, text in texts.items():
            try:
                unknown = placeholders(text) - set(needs)
            except ValueError as exc:
                raise KnowledgeError(f"{where}: {field} ({language}): {exc}") from None
            if unknown:
                raise KnowledgeError(
                    f"{where}: {field} ({language}) uses {{{', '.join(sorted(unknown))}}} not listed in needs"
                )
    return Entry(
        id=item["id"],
        topic=topic,
        source=source["doc"],
        section=section.strip(),
        region=region,
        needs=tuple(needs),
        questions=_texts(where, "questions", item.get("questions"), required=True),
        keywords=_texts(where, "keywords", item.get("keywords"), required=False),
        answer=answer,
        more=more,
        file=display_name(path),
    )
