from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import lexicon
from bot.knowledge.answerer import ELSEWHERE
from bot.knowledge.facets import FACETS
from bot.knowledge.lexicon import FILES, LEXICON_DIR, LexiconError, lexicon_files, load_lexicon
from bot.knowledge.normalise import normalise
from bot.knowledge.subject import CONTEXT

CONCEPTS = """\
"@a":
  zh: [甲, 乙]
  en: [a, b]
"@b":
  zh: [丙]
  en: [c]
  implies: ["@a"]
"""


def test_every_shipped_file_loads() -> None:
    assert sorted(path.name for path in LEXICON_DIR.iterdir()) == sorted(FILES)
    loaded = load_lexicon()
    assert loaded == lexicon.LEXICON
    assert loaded.concepts["@cert"][0][:4] == ("认证", "资格认证", "生存认证", "年审")
    assert loaded.implies["@funeral"] == ("@death",)
    assert loaded.typos["认正"] == "认证"
    assert "的" in loaded.zh_stopwords
    assert "the" in loaded.en_stopwords
    assert "stock " in loaded.chitchat_en  # the word alone, kept with its space


def test_every_concept_the_code_names_is_in_the_lexicon() -> None:
    assert {*FACETS, *CONTEXT, ELSEWHERE} <= set(lexicon.CONCEPTS)


def test_the_chinese_words_are_written_as_questions_are_read() -> None:
    # A Traditional or full-width form would never match: questions are folded to Simplified first.
    chinese = [
        *(form for zh, _ in lexicon.CONCEPTS.values() for form in zh),
        *lexicon.TYPOS,
        *lexicon.TYPOS.values(),
        *lexicon.ZH_STOPWORDS,
        *lexicon.CHITCHAT_ZH,
        *lexicon.OFF_TOPIC_ZH,
        *lexicon.RESIDENCE_ZH,
    ]
    assert [word for word in chinese if normalise(word) != word] == []


def _broken(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "text", "line", "problem"),
    [
        ("concepts.yaml", CONCEPTS.replace('["@a"]', '["@a", "@nothing"]'), 7, "unknown concept '@nothing'"),
        ("concepts.yaml", CONCEPTS.replace('["@a"]', '["@b"]'), 7, "@b implies itself"),
        ("concepts.yaml", CONCEPTS.replace("[甲, 乙]", "[甲,\n      乙, 甲]"), 3, "duplicate word '甲'"),
        ("concepts.yaml", CONCEPTS.replace("[a, b]", "[a, yes]"), 3, "'yes' is read as a yes/no value"),
        ("concepts.yaml", CONCEPTS.replace("[a, b]", "[a, 2004]"), 3, "'2004' is read as a number"),
        ("concepts.yaml", CONCEPTS.replace("[a, b]", "[a, [b]]"), 3, "expected a word, found a list"),
        ("concepts.yaml", CONCEPTS.replace("[a, b]", "[a, Pension]"), 3, "lower case"),
        ("concepts.yaml", CONCEPTS.replace('"@b"', '"@a"'), 4, "'@a' given twice (first on line 1)"),
        ("concepts.yaml", CONCEPTS.replace('"@b"', "b"), 4, "a concept is '@'"),
        ("concepts.yaml", CONCEPTS.replace("  en: [c]\n", ""), 5, "@b: missing en"),
        ("concepts.yaml", CONCEPTS.replace("  en: [c]", "  fr: [c]"), 6, "unknown key 'fr'"),
        ("concepts.yaml", CONCEPTS.replace("[丙]", "[]"), 5, "an empty list"),
        ("concepts.yaml", CONCEPTS.replace("[a, b]", "[a, b"), 4, "did not find expected"),
        ("typos.yaml", "认正: 认证\n人证: 认证\n认正: 认真\n", 3, "'认正' given twice (first on line 1)"),
        ("typos.yaml", "认正: 认证\n认证: 认证\n", 2, "read as itself"),
        ("stopwords.yaml", "zh: [的, 了]\nen: [the, a, the]\n", 2, "duplicate word 'the'"),
        ("stopwords.yaml", 'zh: [的, 了]\nen: [the, a, "on", on]\n', 2, "'on' is read as a yes/no value"),
        ("document_words.yaml", "zh: [办法]\n", 1, "missing en"),
        ("scope.yaml", "chitchat: {zh: [笑话], en: [a joke]}\nweather: {}\n", 2, "unknown key 'weather'"),
    ],
)
def test_a_broken_line_fails_naming_its_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, problem: str
) -> None:
    folder = _broken(tmp_path, name, text)
    with pytest.raises(LexiconError) as caught:
        load_lexicon(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / name}:{line}: "), message
    assert problem in message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, folder)
    (folder / "typos.yaml").unlink()
    with pytest.raises(LexiconError) as caught:
        load_lexicon(folder)
    assert str(caught.value).startswith(f"{folder / 'typos.yaml'}: ")


def test_lexicon_files_are_the_shipped_folder_unless_told(tmp_path: Path) -> None:
    assert lexicon_files() == [LEXICON_DIR / name for name in FILES]
    assert lexicon_files(tmp_path) == [tmp_path / name for name in FILES]
