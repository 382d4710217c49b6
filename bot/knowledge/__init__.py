"""Policy questions: the sourced knowledge base (data/), Chinese-aware retrieval and honest hand-offs.

answerer = load_answerer()            # once per process (a fraction of a second from the index cache)
answer = answerer.answer("认证在哪办")  # Answer(text, sources, confidence, handoff, entry_id, ...)
"""

from __future__ import annotations

from pathlib import Path

from bot.i18n import I18n
from bot.knowledge.answerer import Answer, Answerer, SourceRef, domain_words
from bot.knowledge.index_cache import IndexCache
from bot.knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge_base, read_documents
from bot.regions import DEFAULT_PROFILE, load_region_profile

__all__ = [
    "Answer",
    "Answerer",
    "KnowledgeError",
    "SourceRef",
    "load_answerer",
]


def load_answerer(
    profile_path: Path | None = None,
    data_dir: Path = DATA_DIR,
    *,
    cache_dir: Path | None = None,
    i18n: I18n | None = None,
) -> Answerer:
    """The answerer over the knowledge base in `data_dir`, read from the index cache in `cache_dir`
    (default: $XDG_CACHE_HOME/retiree-bot or ./data/cache) when a previous build over the same files
    left one, and built (and cached) otherwise."""
    profile = load_region_profile(profile_path)
    cache = IndexCache.for_data(data_dir, profile_path or DEFAULT_PROFILE, cache_dir)
    warm = cache.load()
    if warm is not None:
        kb = load_knowledge_base(data_dir, warm.documents)
        analyzer = warm.analyzer(domain_words(kb))
        return Answerer(kb, profile, i18n=i18n, analyzer=analyzer, index_state=warm.index_state)
    documents = read_documents(data_dir)
    answerer = Answerer(load_knowledge_base(data_dir, documents), profile, i18n=i18n)
    cache.save(documents, answerer)
    return answerer
