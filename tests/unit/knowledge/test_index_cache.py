from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import index_cache, lexicon, load_answerer
from bot.knowledge.answerer import Answerer, domain_words
from bot.knowledge.index_cache import IndexCache, cache_key, default_cache_dir
from bot.knowledge.loader import DATA_DIR, load_knowledge_base, read_documents
from bot.knowledge.variants import VARIANTS_FILE
from bot.regions import DEFAULT_PROFILE

QUESTIONS = ["年审要带什么证件", "扶恤金怎么领", "How much is the funeral grant?", "明天下雨吗"]


def _save(cache: IndexCache, answerer: Answerer) -> bool:
    return cache.save(read_documents(DATA_DIR), answerer)


def test_a_warm_start_answers_as_the_build_it_was_saved_from(answerer: Answerer, tmp_path: Path) -> None:
    cache = IndexCache(tmp_path, cache_key(DATA_DIR, DEFAULT_PROFILE))
    assert _save(cache, answerer)
    warm = cache.load()
    assert warm is not None
    kb = load_knowledge_base(DATA_DIR, warm.documents)
    assert kb == answerer.kb
    rebuilt = Answerer(
        kb, answerer.profile, analyzer=warm.analyzer(domain_words(kb)), index_state=warm.index_state
    )
    for question in QUESTIONS:
        before, after = answerer.answer(question), rebuilt.answer(question)
        assert (after.entry_id, after.confidence, after.handoff) == (
            before.entry_id,
            before.confidence,
            before.handoff,
        )


def test_an_edited_knowledge_base_file_is_another_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = cache_key(data, DEFAULT_PROFILE)
    entry_file = next((data / "entries").glob("*.yaml"))
    entry_file.write_text(entry_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(data, DEFAULT_PROFILE) != before


def test_another_region_profile_is_another_key(tmp_path: Path) -> None:
    other = tmp_path / "region.yaml"
    other.write_text(DEFAULT_PROFILE.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(DATA_DIR, other) != cache_key(DATA_DIR, DEFAULT_PROFILE)


def test_an_edited_variants_table_is_another_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code = tmp_path / "code"
    shutil.copytree(index_cache._CODE_DIR, code, ignore=shutil.ignore_patterns("__pycache__", "data", "eval"))
    monkeypatch.setattr(index_cache, "_CODE_DIR", code)
    before = cache_key(DATA_DIR, DEFAULT_PROFILE)
    table = code / VARIANTS_FILE.name
    table.write_text(table.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(DATA_DIR, DEFAULT_PROFILE) != before


def test_an_edited_lexicon_file_is_another_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "lexicon"
    shutil.copytree(lexicon.LEXICON_DIR, folder)
    monkeypatch.setattr(lexicon, "LEXICON_DIR", folder)
    before = cache_key(DATA_DIR, DEFAULT_PROFILE)
    concepts = folder / "concepts.yaml"
    concepts.write_text(concepts.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(DATA_DIR, DEFAULT_PROFILE) != before


def test_load_answerer_builds_once_then_reads_the_cache(tmp_path: Path) -> None:
    first = load_answerer(cache_dir=tmp_path)
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = load_answerer(cache_dir=tmp_path)
    assert files[0].stat().st_mtime_ns == stamp  # read, not written again
    for question in QUESTIONS:
        assert second.answer(question).entry_id == first.answer(question).entry_id


@pytest.mark.parametrize("content", [b"", b"not marshal at all", b"\xe9\x00\x00"])
def test_a_damaged_cache_file_means_a_rebuild(tmp_path: Path, content: bytes) -> None:
    cache = IndexCache(tmp_path, "k" * 64)
    cache.path.write_bytes(content)
    assert cache.load() is None


def test_a_cache_file_of_other_files_is_not_used(answerer: Answerer, tmp_path: Path) -> None:
    _save(IndexCache(tmp_path, "a" * 64), answerer)
    old = IndexCache(tmp_path, "a" * 64).path
    impostor = IndexCache(tmp_path, "b" * 64)
    impostor.path.write_bytes(old.read_bytes())
    assert impostor.load() is None


def test_an_unwritable_cache_folder_is_not_an_error(answerer: Answerer, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    cache = IndexCache(blocked / "cache", "c" * 64)
    assert not _save(cache, answerer)
    assert cache.load() is None


def test_old_cache_files_are_pruned(answerer: Answerer, tmp_path: Path) -> None:
    for letter in "abcdef":
        _save(IndexCache(tmp_path, letter * 64), answerer)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 4
    assert IndexCache(tmp_path, "f" * 64).path.name in left


def test_the_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "retiree-bot"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path("data") / "cache"
