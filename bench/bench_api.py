"""Requests per second of the HTTP API, next to the same work done by direct service calls.

A real uvicorn server (one process, started by this script on 127.0.0.1:<free port>) serves
the app built by ``pybase.api.app.create_app`` on a fresh job store. Jobs are not run: the
server's dispatcher only counts them, so the numbers are the API's own cost (HTTP, multipart
parsing, auth lookup, staging + SHA-256, file store, database) without extraction competing
for the CPU.

* ``POST /jobs``: a 2 kB DXF, ``dedupe=false`` (every request creates a job and stores a file);
  direct = stage the bytes + hash + ``store.put`` + ``create_stored_job`` in one transaction.
* ``GET /jobs/{id}``: direct = ``get_job`` in one transaction + the same JSON rendering.

Each is measured with one client (sequential, keep-alive) and with ``--clients`` concurrent
clients (threads, one keep-alive connection each). Wall clock; ``--seconds`` per measurement.

Usage: ``python bench/bench_api.py [--seconds 3] [--clients 8] [--database-url URL]``
(default: a SQLite store in a temporary directory; e.g. ``postgresql+psycopg://postgres@
127.0.0.1:5432/bench`` for PostgreSQL — its ``pybase`` schema is dropped and recreated).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
JOBS = "/api/v1/extraction/jobs"


def small_dxf() -> bytes:
    """A ~2 kB minimal ASCII DXF: 999 comments, then ENTITIES with one LINE."""
    line = "0\nLINE\n8\n0\n10\n0\n20\n0\n11\n100\n21\n0\n"
    body = f"0\nSECTION\n2\nENTITIES\n{line}0\nENDSEC\n0\nEOF\n"
    return ("999\npadding\n" * 140 + body).encode()


class CountingDispatcher:
    """Accepts jobs and does nothing with them (the bench measures the API alone)."""

    def __init__(self) -> None:
        self.count = 0

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        self.count += 1
        return None

    def close(self) -> None:
        pass


def serve(port: int) -> None:
    """Child mode: run the app with a counting dispatcher on 127.0.0.1:``port``."""
    import uvicorn

    from pybase.api.app import create_app

    app = create_app(dispatcher=CountingDispatcher())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rate(seconds: float, clients: int, make: Callable[[], Callable[[], None]]) -> float:
    """Calls per second of ``make()()`` run by ``clients`` threads for ``seconds``."""
    counts = [0] * clients
    stop = time.perf_counter() + seconds
    barrier = threading.Barrier(clients)

    def loop(index: int) -> None:
        call = make()
        call()  # warm the connection
        barrier.wait()
        while time.perf_counter() < stop:
            call()
            counts[index] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--serve-port", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_port:
        serve(args.serve_port)
        return

    from sqlalchemy import text

    from pybase.api.schemas import job_out
    from pybase.auth.service import create_token
    from pybase.config import get_settings
    from pybase.db import migrate
    from pybase.db.engine import Database
    from pybase.jobs.service import create_stored_job, get_job
    from pybase.storage import get_store
    from pybase.storage.base import object_key

    tmp = Path(tempfile.mkdtemp(prefix="pybase-bench-api-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYBASE_")}
    env["PYBASE_DATA_DIR"] = str(tmp)
    if args.database_url:
        env["PYBASE_DATABASE_URL"] = args.database_url
    os.environ.update(env)
    get_settings.cache_clear()
    settings = get_settings()
    database = Database(settings.resolved_database_url)
    if not database.is_sqlite:
        with database.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS pybase CASCADE"))
    migrate.upgrade(database)
    with database.session() as session:
        token = create_token(session, "bench")[1]

    port = free_port()
    child_env = {**env, "PYTHONPATH": str(REPO_ROOT)}
    server = subprocess.Popen([sys.executable, __file__, "--serve-port", str(port)], env=child_env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.1)

        data = small_dxf()
        auth = {"Authorization": f"Bearer {token}"}

        def http_post() -> Callable[[], None]:
            client = httpx.Client(base_url=base, headers=auth)

            def call() -> None:
                r = client.post(JOBS, files={"file": ("p.dxf", data)}, data={"dedupe": "false"})
                assert r.status_code == 202, r.text

            return call

        first = httpx.post(f"{base}{JOBS}", files={"file": ("p.dxf", data)}, headers=auth)
        job_id = first.json()["id"]

        def http_get() -> Callable[[], None]:
            client = httpx.Client(base_url=base, headers=auth)

            def call() -> None:
                r = client.get(f"{JOBS}/{job_id}")
                assert r.status_code == 200

            return call

        store = get_store(settings)

        def direct_post() -> Callable[[], None]:
            def call() -> None:
                staged = store.staging_dir() / f"{uuid.uuid4().hex}.part"
                staged.write_bytes(data)
                digest = hashlib.sha256(data).hexdigest()
                new_id = uuid.uuid4()
                ref = store.put(object_key(new_id, "p.dxf"), staged)
                with database.session() as session:
                    create_stored_job(
                        session,
                        job_id=new_id,
                        file_ref=ref,
                        filename="p.dxf",
                        file_size=len(data),
                        sha256=digest,
                        options={},
                        owner="bench",
                        extraction_format="dxf",
                    )

            return call

        def direct_get() -> Callable[[], None]:
            def call() -> None:
                with database.session() as session:
                    job_out(get_job(session, uuid.UUID(job_id), owner="bench")).model_dump_json()

            return call

        store_kind = "PostgreSQL" if not database.is_sqlite else "SQLite"
        print(f"job store: {store_kind}; {args.seconds:g} s per figure; "
              f"{os.cpu_count()} CPUs; payload {len(data)} B")  # fmt: skip
        print(f"{'operation':<18} {'clients':>7} {'HTTP req/s':>11} {'direct/s':>10} {'ratio':>6}")
        for name, http, direct in (
            ("POST /jobs", http_post, direct_post),
            ("GET /jobs/{id}", http_get, direct_get),
        ):
            for clients in (1, args.clients):
                over_http = rate(args.seconds, clients, http)
                in_process = rate(args.seconds, clients, direct)
                print(
                    f"{name:<18} {clients:>7} {over_http:>11.0f} {in_process:>10.0f}"
                    f" {in_process / over_http:>6.1f}"
                )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
