"""Pytest fixtures over :mod:`tests.support.services`; a test module loads them with
``pytest_plugins = ["tests.support.service_fixtures"]``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.services import (
    REDIS_URL,
    PostgresCluster,
    RedisServer,
    drop_queue,
    private_postgres_cluster,
    private_redis_server,
    redis_ping,
    scratch_postgres_database,
    unavailable,
)


@pytest.fixture(scope="module")
def machine_redis_url() -> str:
    """The machine's Redis (``PYBASE_TEST_REDIS_URL``); tests isolate themselves by queue."""
    if not redis_ping(REDIS_URL):
        unavailable(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture(scope="module")
def scratch_pg_url() -> Iterator[str]:
    """A fresh migrated database on the machine's PostgreSQL for the module."""
    with scratch_postgres_database() as url:
        yield url


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis server for this test (it may stop and start it)."""
    with private_redis_server(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def private_postgres() -> Iterator[PostgresCluster]:
    """A private, migrated PostgreSQL cluster for this test (it may restart it)."""
    with private_postgres_cluster() as cluster:
        yield cluster


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A Celery queue of this test alone (removed from the machine's Redis afterwards)."""
    name = f"pybase-test-{uuid.uuid4().hex[:10]}"
    yield name
    drop_queue(REDIS_URL, name)
