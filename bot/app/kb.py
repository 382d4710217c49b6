"""`retiree-bot ask`, `retiree-bot kb ingest|eval` and `retiree-bot bench ask`."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.knowledge.answerer import Answer, Answerer
from bot.knowledge.model import Passage
from bot.memory import peak_rss_mb


def add_commands(commands: Any, bench_commands: Any) -> None:
    """Register the subcommands on the `retiree-bot` parser (and `ask` under `bench`)."""
    ask = commands.add_parser("ask", help="answer a policy question (no question: one per line from stdin)")
    ask.add_argument("question", nargs="?", default=None)
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    kb = commands.add_parser("kb", help="the policy knowledge base")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    ingest = kb_commands.add_parser("ingest", help="index plain-text policy notices (UTF-8 or GBK)")
    ingest.add_argument("paths", nargs="+", type=Path)
    evaluate = kb_commands.add_parser("eval", help="accuracy on bot/knowledge/eval/questions.yaml")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--file", type=Path, default=None, help="another question file")
    bench = bench_commands.add_parser("ask", help="answer latency, knowledge-base load time, peak memory")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("-n", "--questions", type=int, default=3000, help="questions to answer")


async def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    """Run the command if it is one of ours; None when it is not."""
    if args.command == "ask":
        return await ask(settings, args.question, as_json=args.json)
    if args.command == "kb" and args.kb_command == "ingest":
        return await ingest(settings, args.paths)
    if args.command == "kb" and args.kb_command == "eval":
        return evaluate(settings, args.file, as_json=args.json)
    if args.command == "bench" and args.bench_command == "ask":
        figures = bench_ask(settings, args.questions)
        print(json.dumps(figures) if args.json else "\n".join(f"{k}: {v}" for k, v in figures.items()))
        return 0
    return None


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "lang": answer.language,
        "answer": answer.text,
        "sources": [{"title": s.title, "section": s.section} for s in answer.sources],
        "confidence": answer.confidence,
        "handoff": answer.handoff,
    }


def answer_text(answer: Answer) -> str:
    lines = [answer.text]
    lines += [
        f"— {s.title}, {s.issuer + ', ' if s.issuer else ''}{s.date + ', ' if s.date else ''}{s.section}"
        for s in answer.sources
    ]
    return "\n".join(lines)


def _exists(path: str) -> bool:
    return Path(path).is_file()


async def _passages(settings: Settings) -> Sequence[Passage]:
    """Ingested passages when a database with them exists; none otherwise (ask works without one)."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and _exists(url.database)):
        return ()
    try:
        from storage.database import Database
        from storage.repositories.kb_passages import SqlPassageRepository

        database = Database.from_url(settings.database_url)
        try:
            async with database.session() as session:
                return await SqlPassageRepository(session).all()
        finally:
            await database.dispose()
    except Exception:  # no table yet, no server: answer from the curated entries alone
        return ()


async def _answerer(settings: Settings) -> Answerer:
    from bot.knowledge import load_answerer

    answerer = load_answerer(settings.region_profile)
    answerer.set_passages(await _passages(settings))
    return answerer


async def ask(settings: Settings, question: str | None, *, as_json: bool, stdin: TextIO | None = None) -> int:
    answerer = await _answerer(settings)
    if question is not None:
        answer = answerer.answer(question)
        print(json.dumps(answer_json(answer), ensure_ascii=False) if as_json else answer_text(answer))
        return 0
    for line in stdin or sys.stdin:
        if line.strip():
            print(json.dumps(answer_json(answerer.answer(line.strip())), ensure_ascii=False), flush=True)
    return 0


async def ingest(settings: Settings, paths: Sequence[Path]) -> int:
    from bot.app import CommandError
    from bot.app.database import open_database
    from bot.app.progress import progress_bar
    from bot.knowledge.ingest import read_document
    from storage.repositories.kb_passages import SqlPassageRepository

    database = await open_database(settings)
    indexed = []
    try:
        with progress_bar() as progress:
            documents = []
            progress.stage("reading the documents", len(paths), "documents")
            for done, path in enumerate(paths, 1):
                try:
                    documents.append((path.name, read_document(path)))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{path}: {exc}") from None
                progress.update(done)
            async with database.session() as session:
                repository = SqlPassageRepository(session)
                progress.stage("indexing", len(documents), "documents")
                for done, (name, passages) in enumerate(documents, 1):
                    indexed.append(f"{name}: {await repository.replace_document(name, passages)} passages")
                    progress.update(done)
                await session.commit()
    finally:
        await database.dispose()
    print("\n".join(indexed))
    return 0


def evaluate(settings: Settings, path: Path | None, *, as_json: bool) -> int:
    from bot.knowledge import load_answerer
    from bot.knowledge.evaluation import EVAL_FILE, evaluate, load_questions

    report = evaluate(load_answerer(settings.region_profile), load_questions(path or EVAL_FILE))
    print(json.dumps(report.as_dict(), ensure_ascii=False) if as_json else "\n".join(report.lines()))
    return 0


def bench_ask(settings: Settings, count: int) -> dict[str, float]:
    started = time.perf_counter()
    from bot.knowledge import load_answerer
    from bot.knowledge.evaluation import EVAL_FILE, load_questions

    answerer = load_answerer(settings.region_profile)
    load_s = time.perf_counter() - started
    questions = [item["q"] for item in load_questions(EVAL_FILE)] or ["养老金认证在哪里办"]
    timings: list[float] = []
    for index in range(max(count, 1)):
        question = questions[index % len(questions)]
        begin = time.perf_counter()
        answerer.answer(question)
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    peak = peak_rss_mb()
    return {
        "p50_ms": round(statistics.median(timings), 3),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 3),
        "load_s": round(load_s, 3),
        "peak_rss_mb": round(peak, 1),
        "questions": len(timings),
    }
