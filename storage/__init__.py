"""SQLAlchemy 2 storage: models, repositories, unit of work and Alembic migrations.

Nothing outside this package sees an ORM object: repositories return the records of bot.domain.records.
"""
