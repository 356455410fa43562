"""Settings, read from the environment with the prefix ``PYBASE_`` (pydantic-settings).

With no configuration at all, PyBase Extract runs embedded: a SQLite job store in the user's
data directory and a local process pool. See the README's "Configuration" table.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("pybase", appauthor=False))


class Settings(BaseSettings):
    """All settings. Durations in seconds, sizes in MB (10^6 bytes)."""

    model_config = SettingsConfigDict(env_prefix="PYBASE_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="embedded store home")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<data_dir>/pybase.db"
    )
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    max_retries: int = Field(3, ge=0, description="retries after the first attempt")
    retry_base_seconds: float = Field(5.0, ge=0, description="backoff = base * 2^retry_count")
    retry_max_seconds: float = Field(600.0, ge=0, description="backoff cap")
    heartbeat_seconds: float = Field(5.0, gt=0, description="running jobs write heartbeat_at")
    heartbeat_timeout_seconds: float = Field(
        60.0, gt=0, description="a processing job whose heartbeat is older is rescued"
    )
    job_timeout_seconds: float = Field(900.0, gt=0, description="hard limit per extraction")
    max_file_mb: float = Field(2048.0, gt=0, description="larger files fail file_too_large")
    sqlite_busy_timeout_seconds: float = Field(30.0, gt=0)

    # -- distributed ------------------------------------------------------------------
    broker_url: str | None = Field(
        None, description="Celery broker (redis://... or amqp://...); unset = embedded pool"
    )
    storage_dir: Path | None = Field(
        None, description="shared directory for uploaded files; default <data_dir>/files"
    )
    storage_url: str | None = Field(
        None, description="S3-compatible bucket for uploaded files: s3://bucket/prefix"
    )
    s3_endpoint_url: str | None = Field(None, description="S3 endpoint (MinIO, moto, ...)")
    auth: str = Field("enabled", description="'enabled' or 'disabled' (loopback only)")
    max_upload_mb: float = Field(512.0, gt=0, description="larger uploads get HTTP 413")
    retention_days: float = Field(30.0, gt=0, description="finished jobs and files are pruned")
    maintenance_interval_seconds: float = Field(30.0, gt=0)
    pending_resend_seconds: float = Field(
        60.0, gt=0, description="a pending job unclaimed this long is sent again"
    )
    soft_time_limit_seconds: float = Field(
        840.0, gt=0, description="Celery soft limit per task (raises inside the task)"
    )
    worker_max_tasks_per_child: int = Field(200, ge=1)
    api_poll_seconds: float = Field(
        0.25, gt=0, description="how often the API re-reads a job for ?wait= and /events"
    )
    auth_cache_seconds: float = Field(
        5.0,
        ge=0,
        description="an API process trusts a verified token this long without a database "
        "lookup (a revoke takes effect within it; 0 = look up every request)",
    )
    celery_queue: str = Field(
        "pybase", description="Celery queue that jobs are sent to and workers consume"
    )
    format_time_limits: dict[str, float] = Field(
        default_factory=dict,
        description='hard limit per format in seconds, JSON, e.g. {"step": 3600}; '
        "formats not listed use job_timeout_seconds",
    )
    cancel_grace_seconds: float = Field(
        10.0, gt=0, description="a running job that ignores a cancel this long is terminated"
    )

    # -- Werk24 engine (extra `werk24`) --------------------------------------------------
    werk24_token: SecretStr | None = Field(
        None,
        description="Werk24 API token; unset = the client's own lookup (.werk24 files, then "
        "W24TECHREAD_AUTH_TOKEN)",
    )
    werk24_server: str | None = Field(
        None,
        description="Werk24 WebSocket endpoint (wss://...); unset = the client's default "
        "(its WSS_SERVER variable, else wss://ws-api.w24.co/v2)",
    )
    werk24_https_server: str | None = Field(
        None, description="Werk24 HTTPS endpoint; unset = the client's default (https://api.w24.co)"
    )
    werk24_ca_file: Path | None = Field(
        None,
        description="PEM file of extra certificate authorities trusted for the Werk24 endpoints "
        "(a TLS-inspecting proxy, a private deployment); the public CAs stay trusted",
    )
    werk24_max_pages: int = Field(
        5, ge=1, description="pages Werk24 reads per drawing when the job sets no max_pages"
    )
    werk24_timeout_seconds: float = Field(
        180.0, gt=0, description="a Werk24 read that has not completed after this fails (retried)"
    )

    @property
    def resolved_storage_dir(self) -> Path:
        """Where uploaded files are kept when no bucket is configured."""
        return self.storage_dir or (self.data_dir / "files")

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force (the SQLite default under ``data_dir`` when unset)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'pybase.db'}"

    @property
    def max_file_bytes(self) -> int:
        """``max_file_mb`` in bytes."""
        return int(self.max_file_mb * 1_000_000)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once; tests call ``get_settings.cache_clear()``)."""
    return Settings()
