"""Import aiogram the way the bot does (lean: handlers/aiogram_adapter/lean_import.py) before any test
module imports it, so the suite exercises the validators the bot really uses."""

import handlers.aiogram_adapter  # noqa: F401
