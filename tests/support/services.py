"""Real services for the distributed tests: private Redis and PostgreSQL instances that a test
may stop and restart, a scratch database on the machine's PostgreSQL, and ``pybase worker``
subprocesses.

A test that stops a service uses its own private instance (never the machine's shared one) and
always cleans it up. The pytest fixtures built on these live in
:mod:`tests.support.service_fixtures` (``pytest_plugins = ["tests.support.service_fixtures"]``
in a test module). When a service cannot be started the test is skipped, except under CI
(``CI`` set), where it fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
from sqlalchemy import create_engine, text

from pybase.db import migrate
from pybase.db.engine import Database
from tests.support.stores import POSTGRES_URL

REPO_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PYBASE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
EXTRA_EXTRACTORS = (
    "fake=tests.support.fakes:FakeExtractor,rec=tests.support.recording:RecordingExtractor"
)


def unavailable(reason: str) -> NoReturn:
    """Skip the test (fail it under CI) because a service is missing."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def wait_for(
    predicate: Callable[[], Any], *, timeout: float, interval: float = 0.1, what: str = ""
) -> Any:
    """Poll ``predicate`` until it returns something truthy (returned) or ``timeout`` seconds
    pass (AssertionError naming ``what``)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or predicate}")
        time.sleep(interval)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- Redis -------------------------------------------------------------------------------
def redis_ping(url: str) -> bool:
    """Whether the Redis server at ``url`` answers PING."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def drop_queue(url: str, queue: str) -> None:
    """Remove every trace of a test's Celery queue from the Redis at ``url``: the list, kombu's
    binding sets, and messages of that queue still waiting in ``unacked`` (a killed worker's)."""
    import json

    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    with contextlib.suppress(Exception):
        keys = [*client.scan_iter(match=f"{queue}*"), f"_kombu.binding.{queue}",
                f"_kombu.binding_permanent.{queue}"]  # fmt: skip
        client.delete(*keys)
        for tag, raw in client.hgetall("unacked").items():
            with contextlib.suppress(Exception):
                if json.loads(raw)[2] == queue:  # [message, exchange, routing key]
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
    client.close()


@dataclass
class RedisServer:
    """A private ``redis-server`` on a free port (no persistence) that can be stopped and
    started again on the same port."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=(self.workdir / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: redis_ping(self.url), timeout=10, what=f"redis on {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


@contextlib.contextmanager
def private_redis_server(workdir: Path) -> Iterator[RedisServer]:
    """A started :class:`RedisServer`, stopped at exit whatever happened."""
    server = RedisServer(workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# -- PostgreSQL --------------------------------------------------------------------------
def _pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    path = shutil.which(name)
    if path is None:
        unavailable(f"PostgreSQL server binaries ({name}) are not installed")
    assert path is not None
    return path


@dataclass
class PostgresCluster:
    """A private PostgreSQL cluster (initdb in a temporary directory, trust auth, a free port,
    fsync off) that can be restarted. As root, the server runs as the ``postgres`` user, since
    PostgreSQL refuses to run as root."""

    root: Path
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *args], capture_output=True, text=True, check=check, timeout=60
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"),
                  "-w", "-t", "30", "-o", options, "start")  # fmt: skip

    def restart(self) -> None:
        """Fast restart: every client connection is terminated."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"),
                  "-m", "fast", "-w", "-t", "30", "restart")  # fmt: skip

    def stop(self) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
                  check=False)  # fmt: skip


@contextlib.contextmanager
def private_postgres_cluster() -> Iterator[PostgresCluster]:
    """A started, migrated :class:`PostgresCluster`; stopped and removed at exit."""
    root = Path(tempfile.mkdtemp(prefix="pybase-pg-"))
    os.chmod(root, 0o755)
    cluster = PostgresCluster(root)
    try:
        try:
            cluster.init()
            cluster.start()
        except (subprocess.CalledProcessError, FileNotFoundError) as exc:
            detail = getattr(exc, "stderr", "") or exc
            unavailable(f"could not start a private PostgreSQL: {detail}")
        database = Database(cluster.url)
        migrate.upgrade(database)
        database.dispose()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def scratch_postgres_database() -> Iterator[str]:
    """A fresh, migrated database on the machine's PostgreSQL (so that concurrent test runs
    do not share tables); dropped at exit. Yields its URL."""
    from sqlalchemy.engine import make_url

    name = f"pybase_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        unavailable(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        database = Database(url)
        migrate.upgrade(database)
        database.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- pybase worker subprocesses ------------------------------------------------------------
def worker_env(
    *, database_url: str, broker_url: str, queue: str, storage_dir: Path, **extra: str
) -> dict[str, str]:
    """Environment for a worker (and for ``pybase verify``): the test's store, broker and
    queue, fast heartbeats and maintenance, the test extractors. ``extra`` adds or overrides
    ``PYBASE_*`` variables (keys without the prefix, lower case)."""
    env = dict(os.environ)
    env.update(
        PYBASE_DATABASE_URL=database_url,
        PYBASE_BROKER_URL=broker_url,
        PYBASE_CELERY_QUEUE=queue,
        PYBASE_STORAGE_DIR=str(storage_dir),
        PYBASE_DATA_DIR=str(storage_dir.parent / "data"),
        PYBASE_HEARTBEAT_SECONDS="0.3",
        PYBASE_HEARTBEAT_TIMEOUT_SECONDS="3",
        PYBASE_MAINTENANCE_INTERVAL_SECONDS="0.5",
        PYBASE_PENDING_RESEND_SECONDS="1",
        PYBASE_JOB_TIMEOUT_SECONDS="30",
        PYBASE_SOFT_TIME_LIMIT_SECONDS="28",
        PYBASE_CANCEL_GRACE_SECONDS="1",
        PYBASE_RETRY_BASE_SECONDS="0.05",
        PYBASE_RETRY_MAX_SECONDS="0.2",
        PYBASE_EXTRA_EXTRACTORS=EXTRA_EXTRACTORS,
        PYTHONPATH=str(REPO_ROOT),
    )
    env.update({f"PYBASE_{key.upper()}": value for key, value in extra.items()})
    return env


@dataclass
class WorkerProcess:
    """A ``pybase worker`` subprocess in its own process group (so that it can be killed with
    its pool processes, like a machine that dies), logging to ``log_path``."""

    env: dict[str, str]
    log_path: Path
    args: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = None

    def start(self, *, ready_timeout: float = 60) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pybase", "worker", "--loglevel", "info", *self.args],
            env=self.env,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=self.log_path.parent,
        )
        wait_for(
            lambda: " ready." in self.log() or not self.alive(),
            timeout=ready_timeout,
            what="the worker to be ready",
        )
        assert self.alive(), f"worker exited early:\n{self.log()}"
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once (no shutdown of any kind)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM to the main process, which stops its pool), then SIGKILL of
        the whole group after a few seconds."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


@contextlib.contextmanager
def running_worker(env: dict[str, str], log_path: Path, *args: str) -> Iterator[WorkerProcess]:
    """A started :class:`WorkerProcess`, stopped at exit (its log is printed on failure)."""
    worker = WorkerProcess(env, log_path, args)
    try:
        yield worker.start()
    except BaseException:
        sys.stderr.write(f"--- worker log {log_path} ---\n{worker.log()[-6000:]}\n")
        raise
    finally:
        worker.stop()
