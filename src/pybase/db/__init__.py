"""Job-store infrastructure: engine and sessions (:mod:`.engine`), base and types, Alembic
migrations (:mod:`.migrate`)."""

from pybase.db.engine import Database

__all__ = ["Database"]
