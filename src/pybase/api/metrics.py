"""``/metrics``: job-store gauges in the Prometheus text format (prometheus-client).

Everything is read from the job table at scrape time, so every API replica reports the same
numbers and nothing is lost when a process restarts:

* ``pybase_jobs{status}`` — jobs per status (every status, zeros included);
* ``pybase_queue_depth`` — jobs waiting for a worker: pending + retrying;
* ``pybase_job_retries`` / ``pybase_job_attempts`` — retries and attempts summed over the jobs
  in the store (gauges: pruning old jobs lowers them);
* ``pybase_job_duration_seconds`` — histogram of the last attempt's duration of completed jobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from pybase.db.engine import Database

__all__ = ["DURATION_BUCKETS_S", "render_metrics"]

#: Upper bounds of the duration histogram, in seconds.
DURATION_BUCKETS_S: tuple[float, ...] = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)


class _JobStoreCollector:
    """A prometheus-client collector that reads the job table once per scrape."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

        from pybase.jobs.repository import OwnedJobRepository
        from pybase.jobs.states import JobStatus

        bounds_ms = [int(b * 1000) for b in DURATION_BUCKETS_S]
        with self.database.session() as session:
            repo = OwnedJobRepository(session)
            counts = repo.count_by_status()
            retries, attempts = repo.retry_totals()
            cumulative, total, sum_ms = repo.duration_histogram(bounds_ms)

        jobs = GaugeMetricFamily("pybase_jobs", "Jobs in the store by status", labels=["status"])
        for status in JobStatus:
            jobs.add_metric([status.value], counts.get(status.value, 0))
        yield jobs
        depth = counts.get(JobStatus.PENDING.value, 0) + counts.get(JobStatus.RETRYING.value, 0)
        yield GaugeMetricFamily(
            "pybase_queue_depth", "Jobs waiting for a worker (pending + retrying)", value=depth
        )
        yield GaugeMetricFamily(
            "pybase_job_retries", "Retries recorded on the jobs in the store", value=retries
        )
        yield GaugeMetricFamily(
            "pybase_job_attempts",
            "Attempts (claims) recorded on the jobs in the store",
            value=attempts,
        )
        buckets = [(f"{b:g}", n) for b, n in zip(DURATION_BUCKETS_S, cumulative, strict=True)]
        buckets.append(("+Inf", total))
        yield HistogramMetricFamily(
            "pybase_job_duration_seconds",
            "Duration of the last attempt of completed jobs, in seconds",
            buckets=buckets,
            sum_value=sum_ms / 1000,
        )


def render_metrics(database: Database) -> tuple[bytes, str]:
    """(body, content type) of one scrape."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_JobStoreCollector(database))
    return generate_latest(registry), CONTENT_TYPE_LATEST
