"""A flow's steps and transitions, declared in one table, checked at run time and drawn as Mermaid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

END = "[*]"  # leave the flow: back to the main menu
HANDOFF = "@"  # "@name": continue in another flow


class UndeclaredTransition(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Machine:
    flow: str
    initial: str
    transitions: Mapping[str, Mapping[str, str]]

    @property
    def steps(self) -> frozenset[str]:
        return frozenset(self.transitions)

    def next(self, step: str, trigger: str) -> str:
        try:
            return self.transitions[step][trigger]
        except KeyError:
            raise UndeclaredTransition(f"{self.flow}: {step} --{trigger}-->") from None

    def to_mermaid(self) -> str:
        lines = ["stateDiagram-v2", f"    %% flow: {self.flow} (generated from its Machine; keep in sync)"]
        lines.append(f"    [*] --> {self.initial}")
        for step, edges in self.transitions.items():
            for trigger, target in edges.items():
                shown = f"to_{target[len(HANDOFF) :]}" if target.startswith(HANDOFF) else target
                lines.append(f"    {step} --> {shown} : {trigger}")
        return "\n".join(lines) + "\n"
