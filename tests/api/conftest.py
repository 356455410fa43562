"""Fixtures of the API tests: the real app (FastAPI TestClient) on a real job store (SQLite
file and PostgreSQL, through the ``store`` fixture), with the real embedded pool running the
jobs, and three tokens (alice, bob: users; root: admin).

``fake_extractors`` is on for every test here, so the slow/failing test extractor is
available in the pool's worker processes (they are forked from a forkserver that keeps the
environment it was started with).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pybase.config import get_settings
from pybase.db.engine import Database
from tests.api.helpers import BUCKET, Api, free_port

pytestmark = pytest.mark.usefixtures("fake_extractors")


@pytest.fixture(autouse=True)
def _api_env(monkeypatch: pytest.MonkeyPatch, fake_extractors: None) -> None:
    monkeypatch.setenv("PYBASE_WORKERS", "1")
    monkeypatch.setenv("PYBASE_API_POLL_SECONDS", "0.05")
    monkeypatch.setenv("PYBASE_CANCEL_GRACE_SECONDS", "5")
    monkeypatch.delenv("PYBASE_BROKER_URL", raising=False)
    monkeypatch.delenv("PYBASE_STORAGE_URL", raising=False)
    monkeypatch.delenv("PYBASE_AUTH", raising=False)
    get_settings.cache_clear()


def _tokens(database: Database) -> dict[str, str]:
    from pybase.auth.service import create_token

    tokens = {}
    with database.session() as session:
        for name, admin in (("alice", False), ("bob", False), ("root", True)):
            tokens[name] = create_token(session, name, admin=admin)[1]
    return tokens


@pytest.fixture
def make_api(store: Database) -> Iterator[Callable[..., Api]]:
    """``make_api(**settings_overrides, dispatcher=None, store=None)`` starts the app on the
    test's job store (the embedded pool unless a dispatcher is given) and returns an
    :class:`Api`; everything is stopped at teardown."""
    with warnings.catch_warnings():  # Starlette's note that it prefers httpx2 (not installed)
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from pybase.api.app import create_app

    opened: list[Any] = []

    def make(*, dispatcher: Any = None, file_store: Any = None, **overrides: Any) -> Api:
        settings = get_settings().model_copy(update=overrides)
        app = create_app(settings, database=store, store=file_store, dispatcher=dispatcher)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return Api(client, _tokens(store), store, settings)

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    """The app with default test settings."""
    return make_api()


@pytest.fixture
def files_dir(api: Api) -> Path:
    """The local file store of ``api``."""
    return api.settings.resolved_storage_dir


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto in server mode) on 127.0.0.1 and a free port."""
    pytest.importorskip("moto.server")
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh bucket ``BUCKET`` and a boto3 client for it; credentials and
    ``PYBASE_S3_ENDPOINT_URL`` are in the environment (so subprocesses see them too)."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("PYBASE_S3_ENDPOINT_URL", s3_endpoint)
    get_settings.cache_clear()
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)
