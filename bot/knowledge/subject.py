"""Whether an entry answers what a question is about, not merely how it is asked.

"女儿结婚要准备什么" shares "daughter" and "what to prepare" with the death-benefit papers entry, which is
enough coverage to pass the threshold, yet the question is about a wedding. An entry is only an answer
when it covers at least one of the question's subjects: a concept of our domain other than the question's
frame (when, where, which papers ...) and the people it is asked for, or one of our own terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.knowledge.analyzer import Unit
from bot.knowledge.facets import FACETS

# Who the question is asked for: it says nothing about what it is about.
CONTEXT: frozenset[str] = frozenset({"@family"})


def is_subject(unit: Unit, is_domain_word: Callable[[str], bool]) -> bool:
    if unit.primary.startswith("@"):
        return unit.primary not in FACETS and unit.primary not in CONTEXT
    return is_domain_word(unit.primary)


def covers_a_subject(
    units: Iterable[Unit], covers: Callable[[Unit], bool], is_domain_word: Callable[[str], bool]
) -> bool:
    return any(covers(unit) and is_subject(unit, is_domain_word) for unit in units)
