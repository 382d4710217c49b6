"""Questions that ask two things at once, and the entry that answers the second.

Two ways of asking two things:
- two subjects, one in each clause: "我爸去世了，丧葬费多少，他卡里多发的养老金怎么办". Each clause is asked
  on its own; a clause about something the main entry leaves out, that another entry answers confidently,
  is a second part.
- one subject, two kinds of question (frames): "年审去哪里办要带什么", "how much is the funeral grant and when
  is it paid". The main entry answers one kind; of the whole question's best few, the one whose phrasings ask
  the other kind, and that covers the question as well, is a second part. No clause is needed: a retiree
  rarely types the comma.

The whole question picks the main entry (the one that answers most of it); the answerer shows the second
part's answer beneath it, with its source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.knowledge.analyzer import Analysis, Unit
from bot.knowledge.facets import FACETS
from bot.knowledge.mentions import clauses
from bot.knowledge.retriever import Hit

# A clause's own best entry must cover this much of the clause to be a part of its own ...
PART_COVERAGE = 0.75
# ... and the main entry must cover less than this of it (otherwise the main answer already answers it).
MAIN_COVERAGE = 0.6
# An entry answers a kind of question when this share of its phrasings ask it that way ...
MAIN_AGREEMENT = 0.3
# ... and is the answer to that kind when most of them do, and it covers this much of the whole question
# (its subject; not the words of the other part: "一共多少" in "丧葬费和抚恤费一共多少，要带什么材料").
FRAME_AGREEMENT = 0.5
FRAME_COVERAGE = 0.65


@dataclass(frozen=True, slots=True)
class PartFinder:
    analyse: Callable[[str], Analysis]
    best: Callable[[str, Analysis], Hit | None]  # the clause's best acceptable entry, or None
    answers: Callable[[Hit, Analysis], bool]  # whether an entry is an answer to an analysed question at all
    coverage: Callable[[Analysis, int], float]  # how much of an analysis an entry covers
    covers: Callable[[int, Unit], bool]  # whether an entry has one of a unit's tokens
    is_subject: Callable[[Unit], bool]  # whether a unit is what a question is about (not how it asks)
    agreement: Callable[[int, frozenset[str]], float]  # how well an entry's phrasings ask these facets

    def second(self, question: str, analysis: Analysis, main: int, candidates: Sequence[Hit]) -> int | None:
        """The index of the entry answering a part of `question` that entry `main` leaves out, or None.

        `candidates` are the whole question's best entries after the main one, best first: a second part
        is one of them (a clause read alone loses its context: "去社保局还是社区" is about certification
        only when the question is)."""
        found = self._by_clause(question, analysis, main, {h.index for h in candidates})
        return found if found is not None else self._by_frame(analysis, main, candidates)

    def _by_clause(self, question: str, whole: Analysis, main: int, candidates: set[int]) -> int | None:
        """A clause the main entry does not answer; it must ask something (a frame), not merely tell ("我在
        外地", "烦死了")."""
        parts = clauses(question)
        if len(parts) < 2:
            return None
        for clause in parts:
            analysis = self.analyse(clause)
            asked = FACETS.intersection(analysis.tokens)
            if not asked:
                continue
            hit = self.best(clause, analysis)
            if hit is None or hit.index == main or hit.index not in candidates:
                continue
            if hit.coverage < PART_COVERAGE:
                continue
            # The main entry answers the clause when it covers its words and is asked the same way.
            if (
                self.coverage(analysis, main) >= MAIN_COVERAGE
                and self.agreement(main, frozenset(asked)) >= MAIN_AGREEMENT
            ):
                continue
            if not self._keeps_context(hit.index, main, analysis, whole):
                continue
            return hit.index
        return None

    def _keeps_context(self, index: int, main: int, clause: Analysis, whole: Analysis) -> bool:
        """Whether entry `index`, the best for `clause` read alone, still answers it in the whole question.

        A clause that names a subject of its own the main entry leaves out ("他卡里多发的养老金怎么办") is
        answered on its own. One about the main entry's subject has lost it ("丧葬费给多少，什么时候发放":
        the second clause asks when the funeral grant is paid, not when the pension is): its entry must
        cover a subject the rest of the question names, if it names any."""
        if any(
            self.is_subject(unit) and self.covers(index, unit) and not self.covers(main, unit)
            for unit in clause.units
        ):
            return True
        own = {unit.primary for unit in clause.units}
        rest = [unit for unit in whole.units if unit.primary not in own and self.is_subject(unit)]
        return not rest or any(self.covers(index, unit) for unit in rest)

    def _by_frame(self, analysis: Analysis, main: int, candidates: Sequence[Hit]) -> int | None:
        """The best candidate answering a kind of question, asked beside another, that the main entry does
        not answer."""
        kinds = question_kinds(analysis.frames)
        if len(kinds) < 2:
            return None
        for kind in kinds:
            if self.agreement(main, kind) >= MAIN_AGREEMENT:
                continue
            for hit in candidates:
                if (
                    hit.index != main
                    and hit.coverage >= FRAME_COVERAGE
                    and self.agreement(hit.index, kind) >= FRAME_AGREEMENT
                    and self.answers(hit, analysis)
                ):
                    return hit.index
        return None


def question_kinds(frames: Sequence[frozenset[str]]) -> list[frozenset[str]]:
    """The different kinds of thing the frames ask, in order: frames sharing a facet ask one kind ("哪个
    部门负责": where-or-who and who)."""
    kinds: list[frozenset[str]] = []
    for frame in frames:
        first = next((i for i, kind in enumerate(kinds) if kind & frame), None)
        if first is None:
            kinds.append(frame)
            continue
        merged = frame.union(*(kind for kind in kinds if kind & frame))
        kinds = [*kinds[:first], merged, *(kind for kind in kinds[first + 1 :] if not kind & frame)]
    return kinds
