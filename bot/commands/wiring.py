"""Building the running parts from settings: which implementation serves which port."""

from __future__ import annotations

from bot.clock import SystemClock
from bot.config import Settings
from bot.core import BotCore
from bot.knowledge.provider import KnowledgeProvider
from bot.ports import Clock
from bot.services import certification_profile
from storage.database import Database
from storage.repositories.kb_passages import passage_loader


def id_hash_key(secret: str) -> bytes:
    return secret.encode("utf-8")


def build_core(settings: Settings, database: Database, key: bytes, *, clock: Clock | None = None) -> BotCore:
    certification_profile.use_profile(settings.region_profile, settings.timezone)
    return BotCore(
        uow_factory=database.uow,
        clock=clock or SystemClock(),
        id_hash_key=key,
        default_locale=settings.default_locale,
        knowledge=knowledge_provider(settings, database),
    )


def knowledge_provider(settings: Settings, database: Database) -> KnowledgeProvider:
    return KnowledgeProvider(settings.region_profile, passage_loader(database.session))
