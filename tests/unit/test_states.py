"""Lifecycle transitions, including the illegal ones."""

from __future__ import annotations

import pytest

from pybase.errors import IllegalTransitionError
from pybase.jobs.states import TERMINAL, JobStatus, check_transition

LEGAL = [
    ("pending", "processing"),
    ("pending", "cancelled"),
    ("processing", "completed"),
    ("processing", "failed"),
    ("processing", "retrying"),
    ("processing", "cancelled"),
    ("retrying", "processing"),
    ("retrying", "cancelled"),
    ("failed", "pending"),
    ("cancelled", "pending"),
]


@pytest.mark.parametrize(("src", "dst"), LEGAL)
def test_legal_transitions_pass(src: str, dst: str) -> None:
    check_transition(src, dst)


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (src.value, dst.value)
        for src in JobStatus
        for dst in JobStatus
        if (src.value, dst.value) not in LEGAL
    ],
)
def test_every_other_transition_raises(src: str, dst: str) -> None:
    with pytest.raises(IllegalTransitionError) as info:
        check_transition(src, dst)
    assert info.value.code == "illegal_transition"
    assert src in str(info.value) and dst in str(info.value)


def test_completed_is_final_and_terminal_set() -> None:
    assert {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED} == TERMINAL
    with pytest.raises(IllegalTransitionError, match="nothing"):
        check_transition("completed", "pending")
