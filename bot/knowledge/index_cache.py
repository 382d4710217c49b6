"""The built answerer kept on disk between runs, so a start reads it instead of rebuilding it.

Building the answerer spends most of its time on things that depend only on the knowledge-base files, the
region profile and our code: parsing the YAML, jieba's prefix dictionary (with our words in it), the
character readings behind typo correction (pypinyin's table alone takes most of a second to import), the
analysis of every phrasing and answer and the index built from them. They are written once to a
user-writable folder ($XDG_CACHE_HOME/retiree-bot, else ./data/cache), in a file named by a hash of the
knowledge-base files, the region profile, our code and the files of the libraries that shaped them, so an
edit to any of them is a different file and a stale one is never read. The file holds plain data only
(marshal: strings, numbers, lists, dicts, sets; nothing is executed when it is read), carries its own key,
and anything wrong with it (unreadable, truncated, another format) means a rebuild. When the folder cannot
be written the answerer is simply built in memory every time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.knowledge.analyzer import Analyzer
from bot.knowledge.lexicon import lexicon_files
from bot.knowledge.loader import knowledge_files
from bot.knowledge.segmenter import Dictionary

if TYPE_CHECKING:
    from bot.knowledge.answerer import Answerer

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the layout of the file changes
PREFIX = "kb-index-"
SUFFIX = ".bin"
KEEP = 4
_CODE_DIR = Path(__file__).resolve().parent


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "retiree-bot" if base else Path("data") / "cache"


def _library_stamp(module: str, *files: str) -> str:
    """Where a library lives and the size and date of the files that shape our index (without importing
    it: importing pypinyin is what the cache saves)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return f"{module}:absent"
    folder = Path(spec.origin).parent
    parts = [module, str(folder)]
    for name in files:
        try:
            stat = (folder / name).stat()
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:absent")
    return " ".join(parts)


def cache_key(data_dir: Path, profile: Path | None = None) -> str:
    """A hash of everything the cached index is made from: the knowledge-base files, the region profile
    (its values are indexed with the answers), our code, the data files beside it (the variants table
    changes how every text is read), the lexicon (its concepts are in every analysis) and the libraries'
    files."""
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT} python {sys.version_info[:2]}\n".encode())
    for stamp in (
        _library_stamp("jieba", "__init__.py", "dict.txt"),
        _library_stamp("pypinyin", "pinyin_dict.py"),
        _library_stamp("opencc", "__init__.py"),
    ):
        digest.update(stamp.encode() + b"\n")
    code = [*sorted(_CODE_DIR.glob("*.py")), *sorted(_CODE_DIR.glob("*.yaml"))]
    files = [*knowledge_files(data_dir), *([profile] if profile else []), *code, *lexicon_files()]
    for path in files:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class WarmIndex:
    """What a previous build left: the parsed knowledge-base files, the analyser's tables and the entry
    index, enough to make the same answerer without building anything."""

    documents: Mapping[str, Any]
    dictionary: Dictionary
    readings: Mapping[str, str]
    index_state: Sequence[Any]

    def analyzer(self, extra_words: set[str]) -> Analyzer:
        return Analyzer(extra_words, dictionary=self.dictionary, readings=self.readings)


class IndexCache:
    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.key = key
        self.path = directory / f"{PREFIX}{key[:24]}{SUFFIX}"

    @classmethod
    def for_data(
        cls, data_dir: Path, profile: Path | None = None, directory: Path | None = None
    ) -> IndexCache:
        return cls(directory or default_cache_dir(), cache_key(data_dir, profile))

    def load(self) -> WarmIndex | None:
        """The warm index, or None when there is none (or it is unreadable, or for other files)."""
        try:
            raw = marshal.loads(self.path.read_bytes())
            return _decode(raw, self.key)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError) as exc:
            log.info("knowledge index cache %s not used: %s", self.path, type(exc).__name__)
            return None

    def save(self, documents: Mapping[str, Any], answerer: Answerer) -> bool:
        """Write what was built; False (and nothing raised) when the folder is not writable."""
        data = marshal.dumps(_encode(documents, answerer, self.key))
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(prefix=PREFIX, suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                # Atomic: a process starting meanwhile reads the old file or the new one, never half.
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.info("knowledge index cache not written to %s: %s", self.directory, exc)
            return False
        self._remove_stale()
        return True

    def _remove_stale(self) -> None:
        """Keep the newest few: two checkouts (or a test's own knowledge base) sharing the folder must not
        keep deleting each other's file, and old versions must not pile up."""
        try:
            others = sorted(
                (p for p in self.directory.glob(f"{PREFIX}*{SUFFIX}") if p != self.path),
                key=lambda p: p.stat().st_mtime_ns,
                reverse=True,
            )
            for path in others[KEEP - 1 :]:
                path.unlink(missing_ok=True)
        except OSError:  # another process removed one meanwhile
            pass


def _encode(documents: Mapping[str, Any], answerer: Answerer, key: str) -> dict[str, Any]:
    freq, total = answerer.analyzer.segmenter.dictionary
    return {
        "key": key,
        "documents": _plain(dict(documents)),
        "freq": freq,
        "total": total,
        "readings": dict(answerer.analyzer.homophones.readings),
        "index": answerer.index.state(),
    }


def _plain(value: Any) -> Any:
    """YAML's dates as ISO text (marshal keeps only plain types; the loader reads both)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decode(raw: Any, key: str) -> WarmIndex:
    if not isinstance(raw, dict) or raw.get("key") != key:
        raise ValueError("another index")
    documents, freq, total, readings, index = (
        raw["documents"],
        raw["freq"],
        raw["total"],
        raw["readings"],
        raw["index"],
    )
    if not (
        isinstance(documents, dict)
        and isinstance(freq, dict)
        and isinstance(total, int)
        and isinstance(readings, dict)
        and isinstance(index, tuple)
    ):
        raise TypeError("malformed index")
    return WarmIndex(documents, (freq, total), readings, index)
