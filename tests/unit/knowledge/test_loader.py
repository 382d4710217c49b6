from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from bot.knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge_base

ENTRY = {
    "id": "test-entry",
    "topic": "certification",
    "source": {"doc": "county-notes", "section": "三、"},
    "region": "county",
    "needs": ["certification_months"],
    "questions": {"zh_Hans": ["认证什么时候"], "zh_Hant": ["認證什麼時候"], "en": ["when is it"]},
    "answer": {
        "zh_Hans": "每年{certification_months}。",
        "zh_Hant": "每年{certification_months}。",
        "en": "In {certification_months}.",
    },
}


def _kb(tmp_path: Path, entry: Mapping[str, object]) -> Path:
    data = tmp_path / "data"
    (data / "entries").mkdir(parents=True)
    shutil.copy(DATA_DIR / "sources.yaml", data / "sources.yaml")
    (data / "entries" / "one.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")
    return data


def test_the_shipped_knowledge_base_loads() -> None:
    kb = load_knowledge_base()
    assert len(kb.entries) >= 40
    assert {e.source for e in kb.entries} <= set(kb.sources)


def test_a_valid_entry_loads(tmp_path: Path) -> None:
    kb = load_knowledge_base(_kb(tmp_path, ENTRY))
    assert [e.id for e in kb.entries] == ["test-entry"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"answer": {"zh_Hans": "x", "zh_Hant": "x"}}, "missing its en text"),
        ({"answer": {"zh_Hans": "长" * 401, "zh_Hant": "x", "en": "x"}}, "over 400"),
        ({"needs": []}, "not listed in needs"),
        ({"source": {"doc": "nowhere", "section": "一"}}, "unknown source document"),
        ({"topic": "cooking"}, "unknown topic"),
        ({"questions": {"zh_Hans": ["a"], "en": ["b"]}}, "missing its zh_Hant list"),
    ],
)
def test_a_broken_entry_is_named_with_its_file(
    tmp_path: Path, change: dict[str, object], problem: str
) -> None:
    with pytest.raises(KnowledgeError) as error:
        load_knowledge_base(_kb(tmp_path, {**ENTRY, **change}))
    assert "one.yaml" in str(error.value)
    assert "'test-entry'" in str(error.value)
    assert problem in str(error.value)
