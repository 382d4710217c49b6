"""Import aiogram the way the bot does (lean: handlers/aiogram_adapter/lean_import.py) before any test
module imports it, so the suite exercises the validators the bot really uses. The Redis fixtures
(tests/redis_support.py) serve every folder."""

import handlers.aiogram_adapter  # noqa: F401
from tests.redis_support import redis_space  # noqa: F401
