"""Alembic migrations (a package so that they ship in the wheel). Run them with storage.migrate."""
