"""Retry delay: exponential with jitter, capped."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from pybase.jobs.service import backoff_seconds


@given(
    retry=st.integers(min_value=0, max_value=60),
    base=st.floats(min_value=0.01, max_value=100),
    cap=st.floats(min_value=0.01, max_value=10_000),
    seed=st.integers(),
)
def test_backoff_stays_within_half_and_full_of_capped_exponential(
    retry: int, base: float, cap: float, seed: int
) -> None:
    delay = backoff_seconds(retry, base=base, cap=cap, rng=random.Random(seed))
    ceiling = min(cap, base * 2**retry)
    assert ceiling / 2 <= delay <= ceiling


def test_backoff_grows_then_hits_the_cap() -> None:
    rng = random.Random(1)
    ceilings = [
        max(backoff_seconds(n, base=5, cap=600, rng=rng) for _ in range(50)) for n in range(10)
    ]
    assert ceilings[0] <= 5 and ceilings[1] > 5 and ceilings[3] > 20
    assert all(c <= 600 for c in ceilings)
    assert ceilings[9] > 300  # 5 * 2**9 = 2560, capped at 600, drawn from [300, 600]


def test_jitter_spreads_delays() -> None:
    rng = random.Random(7)
    delays = {round(backoff_seconds(3, base=5, cap=600, rng=rng), 3) for _ in range(20)}
    assert len(delays) > 10
