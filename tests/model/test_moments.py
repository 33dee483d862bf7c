"""model.moments.aware_utc: the one rule for given times that capture and storage share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from model.moments import aware_utc
from storage.writes import utc


def test_an_aware_time_comes_back_in_utc_and_a_naive_one_is_refused() -> None:
    seoul = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=9)))
    assert aware_utc(seoul) == datetime(2026, 3, 2, 0, 0, tzinfo=UTC) and aware_utc(seoul).tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        aware_utc(datetime(2026, 3, 2, 9, 0))


def test_the_databases_naive_times_are_utc() -> None:
    assert utc(datetime(2026, 3, 2, 9, 0)) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
