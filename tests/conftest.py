"""Import aiogram the way the bot does (lean: handlers/aiogram_adapter/lean_import.py) before any test
module imports it, so the suite exercises the validators the bot really uses. The database fixtures
(tests/backends.py over tests/sqlite_support.py and tests/postgres_support.py) and the Redis ones
(tests/redis_support.py) serve every folder."""

import handlers.aiogram_adapter  # noqa: F401
from tests.backends import backend, database, database_url, empty_database_url  # noqa: F401
from tests.postgres_support import (  # noqa: F401
    postgres_database,
    postgres_empty_url,
    postgres_server,
    postgres_template,
    postgres_url,
)
from tests.redis_support import redis_space  # noqa: F401
from tests.sqlite_support import (  # noqa: F401
    sqlite_database,
    sqlite_empty_url,
    sqlite_path,
    sqlite_template,
    sqlite_url,
)
