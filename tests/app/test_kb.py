"""`retiree-bot kb ingest` and `kb eval`, and `ask` answering from an ingested notice, run as the real
command in a subprocess."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app.cli import main
from bot.knowledge.normalise import to_simplified
from storage.database import Database
from storage.migrate import upgrade
from storage.repositories.kb_passages import SqlPassageRepository

from .conftest import CliRunner, cli_environment

# A made-up county notice, in Traditional characters, about something no curated entry covers.
NOTICE_TITLE = "關於老年人乘車優待證辦理的通知"
NOTICE = f"""{NOTICE_TITLE}
一、辦理對象
年滿六十五周歲的本縣戶籍企業退休人員，可以申請辦理老年人乘車優待證，憑證免費乘坐縣內公交車。
二、辦理材料
本人身份證原件、近期一寸免冠照片兩張，到居住地社區服務站登記，由社區統一報送縣交通運輸局。
三、辦理時間
每月一日至十日集中受理，二十個工作日內發證。
"""
MATERIALS = "近期一寸免冠照片兩張"
KEYS = {"question", "lang", "answer", "sources", "confidence", "handoff"}


async def migrated(tmp_path: Path) -> None:
    """The CLI's database (tests/app/conftest.py puts it in tmp_path), at the newest schema."""
    await upgrade(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")


def gbk_notice(tmp_path: Path) -> Path:
    path = tmp_path / "乘車優待證.txt"
    path.write_bytes(NOTICE.encode("gbk"))
    return path


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


async def test_an_ingested_gbk_notice_answers_with_its_citation(cli: CliRunner, tmp_path: Path) -> None:
    await migrated(tmp_path)

    ingested = cli("kb", "ingest", str(gbk_notice(tmp_path)))
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.strip() == "乘車優待證.txt: 3 passages"

    result = cli("ask", stdin="乘車優待證要帶什麼材料\n\n乘车优待证要带哪些材料\nHow is the weather today?\n")
    assert result.returncode == 0, result.stderr
    traditional, simplified, english = json_lines(result.stdout)

    for answer in (traditional, simplified, english):
        assert set(answer) == KEYS
    assert traditional["lang"] == "zh_Hant"
    assert traditional["handoff"] is False
    assert MATERIALS in traditional["answer"]
    assert traditional["sources"] == [{"title": NOTICE_TITLE, "section": "二、辦理材料"}]
    assert 0 < traditional["confidence"] <= 1
    # A Simplified question is answered in Simplified, as the curated answers are, citation included.
    assert simplified["lang"] == "zh_Hans"
    assert simplified["handoff"] is False
    assert to_simplified(MATERIALS) in simplified["answer"]
    assert simplified["sources"] == [{"title": to_simplified(NOTICE_TITLE), "section": "二、办理材料"}]
    assert (english["lang"], english["handoff"], english["sources"]) == ("en", True, [])


async def test_ingesting_the_same_file_again_replaces_its_passages(cli: CliRunner, tmp_path: Path) -> None:
    await migrated(tmp_path)
    path = gbk_notice(tmp_path)
    assert cli("kb", "ingest", str(path)).returncode == 0
    path.write_bytes(NOTICE.replace("二十個工作日", "三十個工作日").encode("utf-8"))

    again = cli("kb", "ingest", str(path))

    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "乘車優待證.txt: 3 passages"
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    try:
        async with database.session() as session:
            passages = await SqlPassageRepository(session).all()
    finally:
        await database.dispose()
    assert len(passages) == 3
    assert "每月一日至十日集中受理，三十個工作日內發證。" in [p.text for p in passages]
    assert {p.section for p in passages} == {"一、辦理對象", "二、辦理材料", "三、辦理時間"}


def run_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    """`retiree-bot ARGS` through the same entry point, in this process: an error path needs no second
    interpreter. Returns the exit code and what went to stderr."""
    for name, value in cli_environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err


def test_ingest_refuses_what_it_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(migrated(tmp_path))
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x00\xc8")

    missing = run_in_process(tmp_path, monkeypatch, capsys, "kb", "ingest", str(tmp_path / "nowhere.txt"))
    unreadable = run_in_process(tmp_path, monkeypatch, capsys, "kb", "ingest", str(binary))

    assert missing[0] == 1
    assert "nowhere.txt" in missing[1]
    assert unreadable[0] == 1
    assert "scan.txt: not text" in unreadable[1]


def test_ingest_needs_a_migrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_in_process(tmp_path, monkeypatch, capsys, "kb", "ingest", str(gbk_notice(tmp_path)))

    assert code == 1
    assert "db upgrade" in err


def eval_file(tmp_path: Path) -> Path:
    """Two in-scope questions, one out of scope, one without an entry yet."""
    questions = [
        {"q": "丧葬费要带什么材料", "lang": "zh_Hans", "expect": ["death-documents"]},
        {"q": "Where do I do the yearly pension certification?", "lang": "en", "expect": ["cert-where"]},
        {"q": "今天天气怎么样", "lang": "zh_Hans", "out_of_scope": True},
        {"q": "还没写好答案的问题", "lang": "zh_Hans", "missing": True, "expect": ["x"]},
    ]
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(questions, allow_unicode=True), encoding="utf-8")
    return path


def test_kb_eval_prints_accuracy_figures(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("kb", "eval", "--file", str(eval_file(tmp_path)))

    assert result.returncode == 0, result.stderr
    assert re.search(r"^in-scope accuracy: [0-2]/2 = \d+\.\d%$", result.stdout, re.MULTILINE)
    assert re.search(r"^out-of-scope handed off: [01]/1 = \d+\.\d%$", result.stdout, re.MULTILINE)
    assert "(not counted): 1" in result.stdout


def test_kb_eval_json_counts_the_given_question_file(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("kb", "eval", "--json", "--file", str(eval_file(tmp_path)))

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["in_scope"], report["out_of_scope"], report["missing_entries"]) == (2, 1, 1)
    assert 0 <= report["in_scope_correct"] <= 2
    assert report["accuracy"] == round(report["in_scope_correct"] / 2, 4)
    assert report["handoff_rate"] == report["out_of_scope_handed_off"] / 1
    assert len(report["misses"]) == (2 - report["in_scope_correct"]) + (1 - report["out_of_scope_handed_off"])
