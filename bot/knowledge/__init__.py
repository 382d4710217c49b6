"""Policy questions: the sourced knowledge base (data/), Chinese-aware retrieval and honest hand-offs.

answerer = load_answerer()            # once per process (about a second)
answer = answerer.answer("认证在哪办")  # Answer(text, sources, confidence, handoff, entry_id, ...)
"""

from __future__ import annotations

import threading
from pathlib import Path

from bot.knowledge.answerer import Answer, Answerer, SourceRef
from bot.knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge_base
from bot.regions import load_region_profile

__all__ = [
    "Answer",
    "Answerer",
    "KnowledgeError",
    "SourceRef",
    "default_answerer",
    "load_answerer",
]

_default: Answerer | None = None
_lock = threading.Lock()


def load_answerer(profile_path: Path | None = None, data_dir: Path = DATA_DIR) -> Answerer:
    return Answerer(load_knowledge_base(data_dir), load_region_profile(profile_path))


def default_answerer() -> Answerer:
    """The answerer over the shipped knowledge base and default region, built once per process."""
    global _default
    with _lock:
        if _default is None:
            _default = load_answerer()
        return _default
