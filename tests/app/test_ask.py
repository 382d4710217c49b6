from __future__ import annotations

import json

from .conftest import CliRunner


def test_ask_prints_json_without_a_database(cli: CliRunner) -> None:
    result = cli("ask", "领养老金资格认证在哪里办", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "lang", "answer", "sources", "confidence", "handoff"}
    assert answer["lang"] == "zh_Hans"
    assert answer["handoff"] is False
    assert answer["sources"][0]["title"]
    assert 0 <= answer["confidence"] <= 1


def test_ask_reads_one_question_a_line(cli: CliRunner) -> None:
    result = cli("ask", stdin="How much is the funeral grant?\n\n明天天氣如何\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["lang"] for line in lines] == ["en", "zh_Hant"]
    assert [line["handoff"] for line in lines] == [False, True]
    assert lines[1]["sources"] == []
