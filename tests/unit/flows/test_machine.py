from __future__ import annotations

import pytest

from bot.flows.diagrams import MACHINES, diagram_path
from bot.flows.machine import END, HANDOFF, Machine, UndeclaredTransition
from bot.flows.registry import FLOWS

TOY = Machine("toy", initial="a", transitions={"a": {"go": "b"}, "b": {"done": END, "other": "@x"}})


def test_next_follows_declared_transitions_only() -> None:
    assert TOY.next("a", "go") == "b"
    assert TOY.next("b", "done") == END
    with pytest.raises(UndeclaredTransition, match="toy: a --nope-->"):
        TOY.next("a", "nope")


def test_mermaid_shows_every_edge() -> None:
    text = TOY.to_mermaid()
    assert text.startswith("stateDiagram-v2\n")
    assert "[*] --> a" in text
    assert "a --> b : go" in text
    assert "b --> [*] : done" in text
    assert "b --> to_x : other" in text


@pytest.mark.parametrize("flow", sorted(MACHINES))
def test_diagram_beside_each_flow_matches_its_machine(flow: str) -> None:
    path = diagram_path(flow)
    assert path.read_text(encoding="utf-8") == MACHINES[flow].to_mermaid(), "run python -m bot.flows.diagrams"


@pytest.mark.parametrize("flow", sorted(MACHINES))
def test_every_target_exists(flow: str) -> None:
    machine = MACHINES[flow]
    assert machine.initial in machine.steps
    for edges in machine.transitions.values():
        for target in edges.values():
            if target.startswith(HANDOFF):
                assert target[len(HANDOFF) :] in FLOWS
            else:
                assert target == END or target in machine.steps
