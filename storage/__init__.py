"""SQLAlchemy 2 storage: models, repositories, unit of work and Alembic migrations.

Nothing outside this package sees an ORM object: repositories return the plain records of bot.domain
(people, conversation, outbox, certification ...).
"""
