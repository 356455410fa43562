"""The distributed deployment end to end on this machine, next to bare Celery.

Everything runs on loopback: a private ``redis-server`` on a free port (stopped at the end), a
scratch database on the machine's PostgreSQL (``pybase_t_…``, dropped at the end), ``pybase
serve`` with ``PYBASE_AUTH=disabled`` and ``pybase worker --concurrency 2``, both subprocesses
with the same environment (production-like heartbeat timings; the test suite's no-op ``fake``
extractor through ``PYBASE_EXTRA_EXTRACTORS``). Figures:

1. **jobs/s**: N tiny files POSTed (``format=fake``, ``dedupe=false``; ``--clients`` posting
   threads) -> Redis -> worker -> PostgreSQL, clock from the first POST until the database
   shows all N completed.
2. **raw celery/s**: the same broker and concurrency, N ``bench.noop`` tasks of
   :mod:`bench.celery_noop` (acks_late, prefetch 1, no results; each INCRs a Redis counter)
   sent from this process, clock until the counter reaches N. The pybase worker is stopped
   first so the two never share the CPU. ``ours/raw`` = jobs/s / tasks/s.
3. **pickup latency**: ``started_at - created_at`` (claim time minus row creation) from the
   database, p50/p99, for the jobs of (1) (a backlog: includes queueing behind other jobs)
   and for ``--idle-jobs`` jobs posted one at a time after the previous completed (idle
   workers: pure dispatch latency).
4. **GET /jobs/{id}/s** against the running API with 1 and ``--get-clients`` clients for
   ``--seconds`` each (:func:`bench.bench_api.rate`).

Usage: ``python bench/bench_distributed.py [--jobs 200] [--seconds 3]`` (wall clock; about a
minute on 2 cores).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, text

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # tests/support and bench as namespace packages

from bench.bench_api import rate  # noqa: E402
from tests.support.services import (  # noqa: E402
    free_port,
    private_redis_server,
    scratch_postgres_database,
    wait_for,
    worker_env,
)

JOBS = "/api/v1/extraction/jobs"
FAKE_OK = b"%PDF-1.4\nok\n"  # FakeExtractor: behaviour "ok" (no work, empty result)


@contextlib.contextmanager
def started(
    argv: list[str], env: dict[str, str], log_path: Path, ready: str | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A subprocess in its own session, logging to ``log_path``; when ``ready`` is given,
    waits until it appears in the log. SIGTERM at exit, then SIGKILL of its process group
    after 10 s."""
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=REPO_ROOT,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def is_ready() -> bool:
            if process.poll() is not None:
                return True
            return ready is None or ready in log_path.read_text(errors="replace")

        wait_for(
            is_ready,
            timeout=60,
            what=f"{argv[2:4]} to be ready",
        )
        if process.poll() is not None:
            raise SystemExit(f"{argv} exited early:\n{log_path.read_text()[-3000:]}")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)


def wait_http(base: str, process: subprocess.Popen[bytes]) -> None:
    """Wait until ``GET /health`` answers 200 (deadline 30 s)."""

    def healthy() -> bool:
        if process.poll() is not None:
            raise SystemExit("pybase serve exited early")
        try:
            return httpx.get(f"{base}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(healthy, timeout=30, what="the API")


def status_counts(engine: Engine, ids: list[str]) -> dict[str, int]:
    """Job count per status among ``ids``."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT status, count(*) FROM pybase.extraction_jobs"
                " WHERE CAST(id AS text) = ANY(:ids) GROUP BY status"
            ),
            {"ids": ids},
        ).all()
    return {status: count for status, count in rows}


def pickup_ms(engine: Engine, ids: list[str]) -> list[float]:
    """``started_at - created_at`` in ms for each of ``ids``."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT EXTRACT(EPOCH FROM started_at - created_at) * 1000"
                " FROM pybase.extraction_jobs WHERE CAST(id AS text) = ANY(:ids)"
            ),
            {"ids": ids},
        ).all()
    return [float(ms) for (ms,) in rows]


def wait_completed(engine: Engine, ids: list[str], timeout: float) -> None:
    """Poll until every job in ``ids`` is completed; SystemExit if one ended otherwise."""

    def done() -> bool:
        counts = status_counts(engine, ids)
        bad = {s: n for s, n in counts.items() if s in ("failed", "cancelled")}
        if bad:
            raise SystemExit(f"jobs ended badly: {bad}")
        return counts.get("completed", 0) == len(ids)

    wait_for(done, timeout=timeout, interval=0.02, what=f"{len(ids)} jobs to complete")


def percentile(values: list[float], q: float) -> float:
    """The ``q``-quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def post_job(client: httpx.Client) -> str:
    """POST one fake ``ok`` job; returns its id."""
    r = client.post(
        JOBS, files={"file": ("f.pdf", FAKE_OK)}, data={"format": "fake", "dedupe": "false"}
    )
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def bench_ours(
    args: argparse.Namespace, env: dict[str, str], tmp: Path, url: str
) -> dict[str, Any]:
    """Figures 1, 3 and 4 (pybase serve + pybase worker)."""
    out: dict[str, Any] = {}
    engine = create_engine(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    py = sys.executable
    worker_argv = [py, "-m", "pybase", "worker", "--concurrency", str(args.concurrency),
                   "--loglevel", "info"]  # fmt: skip
    serve_argv = [py, "-m", "pybase", "serve", "--host", "127.0.0.1", "--port", str(port),
                  "--log-level", "warning"]  # fmt: skip
    try:
        with (
            started(worker_argv, env, tmp / "worker.log", " ready."),
            started(serve_argv, env, tmp / "serve.log") as server,
        ):
            wait_http(base, server)
            clients = [httpx.Client(base_url=base, timeout=30) for _ in range(args.clients)]
            try:
                post_job(clients[0])  # warm-up: first import of the extractor etc.
                wait_completed(engine, [post_job(clients[0])], timeout=30)

                # 1. throughput: N jobs from --clients posting threads
                per = [args.jobs // args.clients + (i < args.jobs % args.clients)
                       for i in range(args.clients)]  # fmt: skip
                start = time.perf_counter()
                with ThreadPoolExecutor(args.clients) as pool:
                    futures = [
                        pool.submit(lambda c, k: [post_job(c) for _ in range(k)], c, k)
                        for c, k in zip(clients, per, strict=True)
                    ]
                    ids = [job_id for f in futures for job_id in f.result()]
                posted = time.perf_counter() - start
                wait_completed(engine, ids, timeout=120)
                elapsed = time.perf_counter() - start
                out["jobs_s"] = len(ids) / elapsed
                out["jobs_wall"] = elapsed
                out["post_s"] = len(ids) / posted
                out["pickup_backlog"] = pickup_ms(engine, ids)

                # 3b. pickup latency with idle workers
                idle_ids = []
                for _ in range(args.idle_jobs):
                    job_id = post_job(clients[0])
                    wait_completed(engine, [job_id], timeout=30)
                    idle_ids.append(job_id)
                out["pickup_idle"] = pickup_ms(engine, idle_ids)

                # 4. GET /jobs/{id}
                job_id = ids[0]

                def make_get() -> Callable[[], None]:
                    client = httpx.Client(base_url=base, timeout=30)

                    def call() -> None:
                        assert client.get(f"{JOBS}/{job_id}").status_code == 200

                    return call

                out["get"] = {n: rate(args.seconds, n, make_get) for n in (1, args.get_clients)}
            finally:
                for client in clients:
                    client.close()
    finally:
        engine.dispose()
    return out


def bench_raw(args: argparse.Namespace, redis_url: str, tmp: Path) -> dict[str, Any]:
    """Figure 2: bare Celery no-op tasks on the same broker and concurrency."""
    import redis

    queue = f"bench-noop-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "BENCH_BROKER_URL": redis_url, "BENCH_NOOP_QUEUE": queue,
           "PYTHONPATH": str(REPO_ROOT)}  # fmt: skip
    os.environ.update(BENCH_BROKER_URL=redis_url, BENCH_NOOP_QUEUE=queue)
    from bench import celery_noop

    counter = redis.Redis.from_url(redis_url)
    argv = [sys.executable, "-m", "celery", "-A", "bench.celery_noop", "worker",
            "--concurrency", str(args.concurrency), "--loglevel", "info", "-Q", queue,
            "--hostname", f"{queue}@%h"]  # fmt: skip
    try:
        with started(argv, env, tmp / "celery.log", " ready."):
            celery_noop.noop.delay()  # warm-up
            wait_for(lambda: counter.get(celery_noop.COUNTER_KEY) == b"1", timeout=30)
            counter.delete(celery_noop.COUNTER_KEY)
            start = time.perf_counter()
            for _ in range(args.jobs):
                celery_noop.noop.delay()
            wait_for(
                lambda: int(counter.get(celery_noop.COUNTER_KEY) or 0) >= args.jobs,
                timeout=120,
                interval=0.02,
                what="all noop tasks",
            )
            elapsed = time.perf_counter() - start
    finally:
        counter.close()
    return {"tasks_s": args.jobs / elapsed, "tasks_wall": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4, help="posting threads for (1)")
    parser.add_argument("--idle-jobs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3.0, help="per GET figure")
    parser.add_argument("--get-clients", type=int, default=8)
    args = parser.parse_args()

    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pybase-bench-dist-") as name:
        tmp = Path(name)
        with (
            private_redis_server(tmp / "redis") as redis_server,
            scratch_postgres_database() as url,
        ):
            env = worker_env(
                database_url=url,
                broker_url=redis_server.url,
                queue="pybase",
                storage_dir=tmp / "files",
                auth="disabled",
                heartbeat_seconds="5",  # production-like timings, not the tests' fast ones
                heartbeat_timeout_seconds="60",
                maintenance_interval_seconds="30",
                pending_resend_seconds="60",
                job_timeout_seconds="900",
                soft_time_limit_seconds="840",
            )
            ours = bench_ours(args, env, tmp, url)
            raw = bench_raw(args, redis_server.url, tmp)

    print(f"{args.jobs} no-op jobs; worker --concurrency {args.concurrency}; "
          f"{os.cpu_count()} CPUs; PostgreSQL + private Redis")  # fmt: skip
    print(f"{'figure':<52} {'value':>10}")
    rows = [
        (f"pybase: API->Redis->worker->PG jobs/s ({args.clients} posters)", ours["jobs_s"]),
        ("  of which POST /jobs alone, req/s", ours["post_s"]),
        ("raw celery no-op tasks/s (same broker, concurrency)", raw["tasks_s"]),
        ("ratio ours/raw", ours["jobs_s"] / raw["tasks_s"]),
    ]
    for label, key in (("backlog (jobs of row 1)", "pickup_backlog"),
                       (f"idle ({args.idle_jobs} jobs one at a time)", "pickup_idle")):  # fmt: skip
        values = ours[key]
        rows.append((f"pickup ms p50, {label}", statistics.median(values)))
        rows.append((f"pickup ms p99, {label}", percentile(values, 0.99)))
    for clients, value in ours["get"].items():
        rows.append((f"GET /jobs/{{id}} req/s, {clients} client(s)", value))
    for label, value in rows:
        print(f"{label:<52} {value:>10.2f}")
    print(f"(total run {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
