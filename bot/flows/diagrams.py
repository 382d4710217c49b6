"""Write each flow's Mermaid diagram beside its module: `python -m bot.flows.diagrams`.

A unit test fails when a diagram and its Machine drift apart, so the pictures can be trusted.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.flows import menu
from bot.flows.machine import Machine
from bot.flows.registry import FLOWS

FLOWS_DIR = Path(__file__).resolve().parent

# The module each machine is declared in (start.py declares "start", and so on).
MACHINES: dict[str, Machine] = {
    **{name: flow.machine for name, flow in FLOWS.items()},
    "menu": menu.MACHINE,
}


def diagram_path(flow: str) -> Path:
    return FLOWS_DIR / f"{flow}.mmd"


def write_all() -> list[Path]:
    written = []
    for flow, machine in MACHINES.items():
        path = diagram_path(flow)
        path.write_text(machine.to_mermaid(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        sys.stdout.write(f"wrote {path}\n")
