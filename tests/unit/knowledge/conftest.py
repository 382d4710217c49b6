from __future__ import annotations

import pytest

from bot.knowledge.answerer import Answerer
from bot.knowledge.provider import shared_answerer


@pytest.fixture(scope="session")
def answerer() -> Answerer:
    return shared_answerer()
