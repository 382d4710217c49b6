"""Questions that ask two things at once: "我爸去世了，丧葬费多少，他卡里多发的养老金怎么办".

The whole question picks the main entry (the one that answers most of it). Each clause is then asked on its
own: a clause the main entry does not cover, that another entry answers confidently, is a second part. The
answerer shows both answers with both sources when they fit the on-screen budget together, and otherwise
names the second entry (`Answer.also`) so the bot can offer it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.knowledge.analyzer import Analysis
from bot.knowledge.facets import FACETS
from bot.knowledge.mentions import clauses
from bot.knowledge.retriever import Hit

# A clause's own best entry must cover this much of the clause to be a part of its own ...
PART_COVERAGE = 0.75
# ... and the main entry must cover less than this of it (otherwise the main answer already answers it).
MAIN_COVERAGE = 0.6
MAIN_AGREEMENT = 0.3


@dataclass(frozen=True, slots=True)
class PartFinder:
    analyse: Callable[[str], Analysis]
    best: Callable[[str, Analysis], Hit | None]  # the clause's best acceptable entry, or None
    coverage: Callable[[Analysis, int], float]  # how much of an analysis an entry covers
    agreement: Callable[[int, frozenset[str]], float]  # how well an entry's phrasings ask these facets

    def second(self, question: str, main: int, candidates: Collection[int]) -> int | None:
        """The index of the entry answering a part of `question` that entry `main` leaves out, or None.

        The second entry must also be among the `candidates` for the whole question (a clause read alone
        loses its context: "去社保局还是社区" is about certification only when the question is), and its
        clause must ask something (a question frame), not merely tell ("我在外地", "烦死了")."""
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
            return hit.index
        return None
