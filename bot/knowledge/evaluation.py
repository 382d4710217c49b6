"""`retiree-bot kb eval`: how often the engine picks a right entry, and refuses what it should not answer.

Reads bot/knowledge/eval/questions.yaml: in-scope accuracy counts a question right when the top answer's
entry id (or its topic) is among `expect`; a question asking two things (`also`: the entries answering its
second part) is right only when the answer shows an entry of each part, the main one among them; questions
marked `missing` (no entry answers them yet) are reported apart; the out-of-scope rate is the share of
`out_of_scope` questions handed off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.answerer import Answer, Answerer

EVAL_FILE = Path(__file__).resolve().parent / "eval" / "questions.yaml"


@dataclass(frozen=True, slots=True)
class Miss:
    question: str
    expected: tuple[str, ...]
    got: str | None
    confidence: float
    out_of_scope: bool
    expected_also: tuple[str, ...] = ()
    got_also: tuple[str, ...] = ()


@dataclass(slots=True)
class EvalReport:
    in_scope: int = 0
    in_scope_correct: int = 0
    out_of_scope: int = 0
    out_of_scope_handed_off: int = 0
    missing: int = 0
    two_part: int = 0  # in-scope questions asking two things (counted in in_scope too)
    two_part_correct: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.in_scope_correct / self.in_scope if self.in_scope else 0.0

    @property
    def handoff_rate(self) -> float:
        return self.out_of_scope_handed_off / self.out_of_scope if self.out_of_scope else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "in_scope": self.in_scope,
            "in_scope_correct": self.in_scope_correct,
            "accuracy": round(self.accuracy, 4),
            "out_of_scope": self.out_of_scope,
            "out_of_scope_handed_off": self.out_of_scope_handed_off,
            "handoff_rate": round(self.handoff_rate, 4),
            "missing_entries": self.missing,
            "two_part": self.two_part,
            "two_part_correct": self.two_part_correct,
            "misses": [
                {
                    "question": m.question,
                    "expected": list(m.expected),
                    "got": m.got,
                    "confidence": m.confidence,
                    "out_of_scope": m.out_of_scope,
                    **(
                        {"expected_also": list(m.expected_also), "got_also": list(m.got_also)}
                        if m.expected_also
                        else {}
                    ),
                }
                for m in self.misses
            ],
        }

    def lines(self) -> list[str]:
        out = [
            f"in-scope accuracy: {self.in_scope_correct}/{self.in_scope} = {self.accuracy:.1%}",
            f"out-of-scope handed off: {self.out_of_scope_handed_off}/{self.out_of_scope}"
            f" = {self.handoff_rate:.1%}",
        ]
        if self.two_part:
            out.append(
                f"of which asking two things: {self.two_part_correct}/{self.two_part} answered in full"
            )
        if self.missing:
            out.append(f"questions with no entry yet (not counted): {self.missing}")
        for miss in self.misses:
            wanted = "hand-off" if miss.out_of_scope else "|".join(miss.expected)
            got = miss.got or "hand-off"
            if miss.expected_also:
                wanted += " + " + "|".join(miss.expected_also)
                got += "".join(f" + {also}" for also in miss.got_also)
            out.append(f"  miss: {miss.question!r}: wanted {wanted}, got {got} ({miss.confidence})")
        return out


def load_questions(path: Path = EVAL_FILE) -> list[dict[str, Any]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a list of questions")
    return [item for item in items if isinstance(item, dict) and isinstance(item.get("q"), str)]


def _answers(entry_id: str, expected: Sequence[str], answerer: Answerer) -> bool:
    entry = answerer.entry(entry_id)
    return entry_id in expected or (entry is not None and entry.topic in expected)


def _correct(answer: Answer, expected: Sequence[str], also: Sequence[str], answerer: Answerer) -> bool:
    """The main entry answers the question (or, asked two things, one of its parts), and every part has an
    entry among those shown. One entry may answer both parts: list it in both."""
    if answer.handoff or answer.entry_id is None:
        return False
    if not also:
        return _answers(answer.entry_id, expected, answerer)
    shown = (answer.entry_id, *answer.also)
    return (
        _answers(answer.entry_id, (*expected, *also), answerer)
        and any(_answers(e, expected, answerer) for e in shown)
        and any(_answers(e, also, answerer) for e in shown)
    )


def evaluate(answerer: Answerer, questions: Sequence[dict[str, Any]]) -> EvalReport:
    report = EvalReport()
    for item in questions:
        answer = answerer.answer(item["q"])
        expected = tuple(str(e) for e in item.get("expect") or ())
        also = tuple(str(e) for e in item.get("also") or ())
        if item.get("out_of_scope"):
            report.out_of_scope += 1
            if answer.handoff:
                report.out_of_scope_handed_off += 1
            else:
                report.misses.append(Miss(item["q"], (), answer.entry_id, answer.confidence, True))
            continue
        if item.get("missing") or not expected:
            report.missing += 1
            continue
        report.in_scope += 1
        report.two_part += bool(also)
        if _correct(answer, expected, also, answerer):
            report.in_scope_correct += 1
            report.two_part_correct += bool(also)
        else:
            report.misses.append(
                Miss(item["q"], expected, answer.entry_id, answer.confidence, False, also, answer.also)
            )
    return report
