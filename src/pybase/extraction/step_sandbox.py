"""Run a function in a forked child process so that a native crash cannot take us down.

OCCT (through OCP) trusts the STEP model it transfers: damaged references make it dereference
null or mistyped objects and die with SIGSEGV. A crash in a child process is just an exit
status. The STEP extractor runs its whole OCCT phase this way
(:mod:`pybase.extraction.step_occt`).

Protocol: the child calls ``fn(channel)``. ``channel.progress(done, total)`` is forwarded to
the parent's ``progress`` callback (which may raise to cancel: the child is then killed);
``channel.note(value)`` hands the parent an intermediate result that survives a later crash
(:attr:`ChildCrashed.notes`). The child's return value (or exception) is pickled back. The
child leaves with ``os._exit``, so nothing of the parent's (open files, database connections,
``atexit`` handlers) runs in it; it writes no core file and no faulthandler traceback. POSIX
only (``os.fork``); see :func:`available`.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import resource
import signal
from collections.abc import Callable
from multiprocessing import Pipe
from typing import Any, Protocol, TypeVar

__all__ = ["Channel", "ChildCrashed", "LocalChannel", "available", "run"]

T = TypeVar("T")


class Channel(Protocol):
    """What the function run in the child gets to talk to the parent."""

    def progress(self, done: int, total: int) -> None:
        """Report progress (forwarded to the parent's callback)."""

    def note(self, value: Any) -> None:
        """Hand over an intermediate, picklable result (kept if the child crashes later)."""


class LocalChannel:
    """A :class:`Channel` for running the same function in-process (no fork)."""

    def __init__(self, progress: Callable[[int, int], None]) -> None:
        self._progress = progress
        self.notes: list[Any] = []

    def progress(self, done: int, total: int) -> None:
        """Call the progress callback directly."""
        self._progress(done, total)

    def note(self, value: Any) -> None:
        """Keep the value."""
        self.notes.append(value)


class _PipeChannel:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def progress(self, done: int, total: int) -> None:
        self._conn.send(("progress", (done, total)))

    def note(self, value: Any) -> None:
        self._conn.send(("note", value))


class ChildCrashed(Exception):
    """The child died without an answer.

    Attributes:
        signal_number: the signal that killed it, if one did.
        notes: values the child passed to ``channel.note`` before it died, in order.
    """

    def __init__(
        self, message: str, signal_number: int | None = None, notes: list[Any] | None = None
    ) -> None:
        super().__init__(message)
        self.signal_number = signal_number
        self.notes = notes or []


def available() -> bool:
    """True where :func:`run` can fork (POSIX)."""
    return hasattr(os, "fork")


def _quiet_crash() -> None:
    """In the child: a crash is expected and reported by the parent, so no faulthandler
    traceback on stderr and no core file."""
    if faulthandler.is_enabled():
        faulthandler.disable()
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child(fn: Callable[[Channel], Any], conn: Any) -> None:
    code = 0
    try:
        _quiet_crash()
        conn.send(("result", fn(_PipeChannel(conn))))
    except BaseException as exc:
        code = 1
        try:
            conn.send(("error", exc))
        except BaseException:
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        os._exit(code)


def _receive(
    receiver: Any, progress: Callable[[int, int], None], notes: list[Any]
) -> tuple[str, Any] | None:
    """Forward progress, collect notes until the answer arrives; None when the pipe closes."""
    while True:
        try:
            kind, value = receiver.recv()
        except EOFError:
            return None
        if kind == "progress":
            progress(*value)
        elif kind == "note":
            notes.append(value)
        else:
            return kind, value


def run(fn: Callable[[Channel], T], progress: Callable[[int, int], None]) -> T:
    """Call ``fn(channel)`` in a forked child and return its result.

    Raises:
        ChildCrashed: the child died (signal, or exit without a result).
        BaseException: whatever ``fn`` raised in the child (re-raised here), or what
            ``progress`` raised (the child is killed first).
    """
    receiver, sender = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        receiver.close()
        _child(fn, sender)
    sender.close()
    notes: list[Any] = []
    try:
        answer = _receive(receiver, progress, notes)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        receiver.close()
        raise
    receiver.close()
    _, status = os.waitpid(pid, 0)
    if answer is None:
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            raise ChildCrashed(f"killed by signal {number}", number, notes)
        raise ChildCrashed(
            f"exited with status {os.WEXITSTATUS(status)} without an answer", None, notes
        )
    kind, value = answer
    if kind == "error":
        raise value
    result: T = value
    return result
