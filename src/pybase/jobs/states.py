"""Job statuses and the transitions between them (DESIGN.md, "Job lifecycle")::

    pending ──claim──> processing ──ok──────────────> completed
       │                  │ ├─transient error──> retrying ──due──> (claim again)
       │                  │ ├─permanent error / attempts exhausted──> failed
       │                  │ └─cancel requested──> cancelled
       └──cancel──> cancelled        (worker died: heartbeat stale) ──> retrying | failed

A failed or cancelled job may be put back to ``pending`` by an explicit retry.
"""

from __future__ import annotations

from enum import StrEnum

from pybase.errors import IllegalTransitionError

__all__ = ["ACTIVE", "CLAIMABLE", "TERMINAL", "TRANSITIONS", "JobStatus", "check_transition"]


class JobStatus(StrEnum):
    """Status of an extraction job, as stored in ``extraction_jobs.status``."""

    PENDING = "pending"
    PROCESSING = "processing"
    RETRYING = "retrying"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.PENDING: frozenset({JobStatus.PROCESSING, JobStatus.CANCELLED}),
    JobStatus.PROCESSING: frozenset(
        {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.RETRYING, JobStatus.CANCELLED}
    ),
    JobStatus.RETRYING: frozenset({JobStatus.PROCESSING, JobStatus.CANCELLED}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.FAILED: frozenset({JobStatus.PENDING}),
    JobStatus.CANCELLED: frozenset({JobStatus.PENDING}),
}

#: Statuses a worker may claim.
CLAIMABLE: tuple[JobStatus, ...] = (JobStatus.PENDING, JobStatus.RETRYING)
#: Statuses that never change again without an explicit retry.
TERMINAL: frozenset[JobStatus] = frozenset(
    {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}
)
#: Statuses of jobs that still have work ahead of them.
ACTIVE: frozenset[JobStatus] = frozenset(JobStatus) - TERMINAL


def check_transition(current: JobStatus | str, new: JobStatus | str) -> None:
    """Raise :class:`IllegalTransitionError` unless ``current -> new`` is allowed."""
    src, dst = JobStatus(current), JobStatus(new)
    if dst not in TRANSITIONS[src]:
        allowed = ", ".join(sorted(TRANSITIONS[src])) or "nothing (final)"
        raise IllegalTransitionError(
            f"a {src.value} job cannot become {dst.value} (allowed: {allowed})"
        )
