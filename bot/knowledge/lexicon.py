"""The words retirees use, mapped to shared concept tokens ("@cert" for 认证, 年审, 刷脸, proof of life ...),
and the other word lists retrieval reads: typos, stop words, the words naming a document, and the cues of
questions we do not answer. They are data (data/lexicon/*.yaml, beside the knowledge entries), read once at
import and checked as they are read: a broken line fails naming its file and line
("bot/knowledge/data/lexicon/concepts.yaml:21: @cert implies unknown concept '@pensoin'").

Surface forms are written in Simplified Chinese (the analyser folds Traditional first) and lower-case
English. The names of other places, whose rules we do not answer, belong to the region profile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.loader import DATA_DIR, YAML_LOADER, display_name

LEXICON_DIR = DATA_DIR / "lexicon"
FILES = ("concepts.yaml", "typos.yaml", "stopwords.yaml", "document_words.yaml", "scope.yaml")
_CONCEPT = re.compile(r"^@[a-z][a-z_]*$")
_STR = "tag:yaml.org,2002:str"
_LANGUAGES = ("zh", "en")
Forms = tuple[tuple[str, ...], tuple[str, ...]]  # (Chinese surface forms, English surface forms)
# What YAML makes of a bare scalar that is not text ("yes", "on", 2004, null, 2024-03-05).
_READ_AS = {
    "bool": "a yes/no value",
    "int": "a number",
    "float": "a number",
    "null": "null",
    "timestamp": "a date",
}


class LexiconError(ValueError):
    """A broken lexicon file; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    concepts: Mapping[str, Forms]  # concept -> its forms; a form may belong to several concepts
    implies: Mapping[str, tuple[str, ...]]  # concept -> the concepts it is always about
    typos: Mapping[str, str]  # misspelling -> the word it stands for
    zh_stopwords: frozenset[str]
    en_stopwords: frozenset[str]
    document_words: tuple[str, ...]
    chitchat_zh: tuple[str, ...]
    chitchat_en: tuple[str, ...]
    off_topic_zh: tuple[str, ...]
    off_topic_en: tuple[str, ...]
    abroad: tuple[str, ...]
    certification_words: tuple[str, ...]
    residence_zh: tuple[str, ...]
    residence_en: frozenset[str]


def lexicon_files(directory: Path | None = None) -> list[Path]:
    """The files the lexicon is made of (the shipped folder unless told otherwise)."""
    folder = directory or LEXICON_DIR
    return [folder / name for name in FILES]


def load_lexicon(directory: Path | None = None) -> Lexicon:
    concepts_file, typos_file, stopwords_file, documents_file, scope_file = (
        _File(path) for path in lexicon_files(directory)
    )
    concepts, implies = _concepts(concepts_file)
    stopwords = stopwords_file.languages(stopwords_file.root, "stopwords")
    documents = documents_file.languages(documents_file.root, "document_words")
    scope = {
        name: scope_file.languages(node, name)
        for name, node in scope_file.sections(
            scope_file.root,
            "scope",
            ("chitchat", "off_topic", "abroad", "certification", "residence"),
        ).items()
    }
    return Lexicon(
        concepts=concepts,
        implies=implies,
        typos=_typos(typos_file),
        zh_stopwords=frozenset(stopwords["zh"]),
        en_stopwords=frozenset(stopwords["en"]),
        document_words=(*documents["zh"], *documents["en"]),
        chitchat_zh=scope["chitchat"]["zh"],
        chitchat_en=scope["chitchat"]["en"],
        off_topic_zh=scope["off_topic"]["zh"],
        off_topic_en=scope["off_topic"]["en"],
        abroad=(*scope["abroad"]["zh"], *scope["abroad"]["en"]),
        certification_words=(*scope["certification"]["zh"], *scope["certification"]["en"]),
        residence_zh=scope["residence"]["zh"],
        residence_en=frozenset(scope["residence"]["en"]),
    )


def _concepts(file: _File) -> tuple[dict[str, Forms], dict[str, tuple[str, ...]]]:
    concepts: dict[str, Forms] = {}
    implied: dict[str, list[tuple[str, yaml.Node]]] = {}
    for key, name, node in file.pairs(file.root, "concepts"):
        if not _CONCEPT.match(name):
            raise file.error(key, f"{name!r}: a concept is '@' and lower-case letters (\"@cert\")")
        sections = file.sections(node, name, _LANGUAGES, optional=("implies",))
        concepts[name] = (
            file.words(sections["zh"], f"{name} zh"),
            file.words(sections["en"], f"{name} en", english=True),
        )
        if "implies" in sections:
            implied[name] = file.items(sections["implies"], f"{name} implies")
    implies: dict[str, tuple[str, ...]] = {}
    for name, items in implied.items():
        for concept, node in items:
            if concept not in concepts:
                raise file.error(node, f"{name} implies unknown concept {concept!r}")
            if concept == name:
                raise file.error(node, f"{name} implies itself")
        implies[name] = tuple(concept for concept, _ in items)
    return concepts, implies


def _typos(file: _File) -> dict[str, str]:
    typos: dict[str, str] = {}
    for key, typo, node in file.pairs(file.root, "typos"):
        word = file.text(node, typo)
        if word == typo:
            raise file.error(key, f"{typo!r} is read as itself")
        typos[typo] = word
    return typos


class _File:
    """One lexicon file as YAML nodes, which carry their line: every error names the file and the line."""

    def __init__(self, path: Path) -> None:
        self.name = display_name(path)
        try:
            with path.open(encoding="utf-8") as handle:
                root = yaml.compose(handle, Loader=YAML_LOADER)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f":{mark.line + 1}" if mark is not None else ""
            raise LexiconError(f"{self.name}{where}: {exc.problem or exc.context}") from None
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            raise LexiconError(f"{self.name}: {exc}") from None
        if root is None:
            raise LexiconError(f"{self.name}: empty")
        self.root: yaml.Node = root

    def error(self, node: yaml.Node, message: str) -> LexiconError:
        return LexiconError(f"{self.name}:{node.start_mark.line + 1}: {message}")

    def text(self, node: yaml.Node, what: str) -> str:
        """A scalar that YAML reads as text, not empty."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(node, f"{what}: expected a word, found {_kind(node)}")
        if node.tag != _STR:
            kind = node.tag.rsplit(":", 1)[-1]
            read_as = _READ_AS.get(kind, kind)
            raise self.error(node, f"{what}: {node.value!r} is read as {read_as}, not a word: quote it")
        if not node.value.strip():
            raise self.error(node, f"{what}: an empty word")
        return str(node.value)

    def pairs(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, str, yaml.Node]]:
        """A mapping's (key node, key, value node), each key once."""
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what}: expected a mapping, found {_kind(node)}")
        seen: dict[str, int] = {}
        found = []
        for key, value in node.value:
            name = self.text(key, what)
            if name in seen:
                raise self.error(key, f"{what}: {name!r} given twice (first on line {seen[name]})")
            seen[name] = key.start_mark.line + 1
            found.append((key, name, value))
        return found

    def sections(
        self, node: yaml.Node, what: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> dict[str, yaml.Node]:
        """A mapping with the keys `required` (all of them) and `optional`, and no others."""
        found: dict[str, yaml.Node] = {}
        for key, name, value in self.pairs(node, what):
            if name not in (*required, *optional):
                expected = ", ".join((*required, *optional))
                raise self.error(key, f"{what}: unknown key {name!r} (expected {expected})")
            found[name] = value
        missing = [name for name in required if name not in found]
        if missing:
            raise self.error(node, f"{what}: missing {', '.join(missing)}")
        return found

    def items(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        """A list of words with their nodes, each word once."""
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, f"{what}: expected a list of words, found {_kind(node)}")
        seen: dict[str, int] = {}
        found = []
        for item in node.value:
            word = self.text(item, what)
            if word in seen:
                raise self.error(item, f"{what}: duplicate word {word!r} (first on line {seen[word]})")
            seen[word] = item.start_mark.line + 1
            found.append((word, item))
        if not found:
            raise self.error(node, f"{what}: an empty list")
        return found

    def words(self, node: yaml.Node, what: str, *, english: bool = False) -> tuple[str, ...]:
        items = self.items(node, what)
        if english:
            for word, item in items:
                if word != word.lower():
                    raise self.error(item, f"{what}: {word!r}: English words are written in lower case")
        return tuple(word for word, _ in items)

    def languages(self, node: yaml.Node, what: str) -> dict[str, tuple[str, ...]]:
        """A mapping of zh and en word lists."""
        sections = self.sections(node, what, _LANGUAGES)
        return {
            "zh": self.words(sections["zh"], f"{what} zh"),
            "en": self.words(sections["en"], f"{what} en", english=True),
        }


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return repr(node.value)


LEXICON = load_lexicon()

# The shipped lexicon's parts, by the names the analyser, the scope guard and the entry index read.
CONCEPTS = LEXICON.concepts
IMPLIES = LEXICON.implies
TYPOS = LEXICON.typos
ZH_STOPWORDS = LEXICON.zh_stopwords
EN_STOPWORDS = LEXICON.en_stopwords
DOCUMENT_WORDS = LEXICON.document_words
CHITCHAT_ZH = LEXICON.chitchat_zh
CHITCHAT_EN = LEXICON.chitchat_en
OFF_TOPIC_ZH = LEXICON.off_topic_zh
OFF_TOPIC_EN = LEXICON.off_topic_en
ABROAD = LEXICON.abroad
CERTIFICATION_WORDS = LEXICON.certification_words
RESIDENCE_ZH = LEXICON.residence_zh
RESIDENCE_EN = LEXICON.residence_en
