"""Building the bot core from settings: which implementation serves which port."""

from __future__ import annotations

from bot.clock import SystemClock
from bot.config import Settings
from bot.core import BotCore
from bot.i18n import I18n
from bot.knowledge.provider import KnowledgeProvider
from bot.ports import Clock
from storage.database import Database
from storage.repositories.kb_passages import passage_loader

from .parts import SharedParts


def id_hash_key(secret: str) -> bytes:
    return secret.encode("utf-8")


def build_core(
    settings: Settings, database: Database, key: bytes, parts: SharedParts, *, clock: Clock | None = None
) -> BotCore:
    return BotCore(
        uow_factory=database.uow,
        clock=clock or SystemClock(),
        id_hash_key=key,
        i18n=parts.i18n,
        profile=parts.profile,
        knowledge=knowledge_provider(settings, database, parts.i18n),
    )


def knowledge_provider(settings: Settings, database: Database, i18n: I18n) -> KnowledgeProvider:
    return KnowledgeProvider(settings.region_profile, passage_loader(database.session), i18n=i18n)
