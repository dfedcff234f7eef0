"""Alembic environment: runs on the engine handed in by ``ketacare.db.migrate``."""

from __future__ import annotations

from alembic import context

import ketacare.db.models  # noqa: F401  (registers every table on Base.metadata)
from ketacare.db.schema import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
