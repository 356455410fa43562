"""The dispatcher seam: how a committed job reaches a worker.

``Dispatcher.dispatch(job_id, extraction_format)`` is called only after the job row is
committed. Two implementations:

* Celery (``PYBASE_BROKER_URL`` set): sends the task named for the format (``extract_pdf``,
  ``extract_dxf``, ``extract_ifc``, ``extract_step``, ``extract_werk24``) to the broker.
* Embedded (no broker): hands the job to a local pool of worker processes.

A dispatch that fails (broker down) loses nothing: the job stays ``pending`` in the database
and the periodic maintenance re-sends it.
"""

from __future__ import annotations

import uuid
from typing import Protocol

__all__ = ["TASK_NAMES", "Dispatcher", "task_name_for"]

#: Celery task name per extraction format (DESIGN.md, "Execution").
TASK_NAMES: dict[str, str] = {
    "pdf": "extract_pdf",
    "dxf": "extract_dxf",
    "ifc": "extract_ifc",
    "step": "extract_step",
    "werk24": "extract_werk24",
}


def task_name_for(extraction_format: str | None) -> str:
    """The Celery task name for a format. A job whose format could not be detected still needs
    a task so that it fails with its detection error code; it is sent as ``extract_pdf``."""
    return TASK_NAMES.get(extraction_format or "", "extract_pdf")


class Dispatcher(Protocol):
    """Sends committed jobs to workers."""

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        """Send the job; returns the Celery task id when there is one. Must not raise for a
        transient transport problem (log it; maintenance re-sends pending jobs)."""
        ...
