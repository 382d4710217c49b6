"""The aiogram adapter. aiogram is imported lean here, before any of the adapter's modules use it."""

from handlers.aiogram_adapter.lean_import import import_aiogram

import_aiogram()
