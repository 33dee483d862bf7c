"""Incrementally refreshed aggregates for the pages.

Buckets are aligned to multiples of their width in epoch seconds and observations only arrive
in time order, so a bucket that lies a little in the past never changes again. On each refresh
only the buckets from just before the newest cached one onwards are queried (``since``) and
spliced onto the cached frame: a refreshing page re-reads seconds of data, not the lecture.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta

import pandas as pd
from cachetools import LRUCache

from storage import queries


class _Entries(LRUCache[Hashable, pd.DataFrame]):
    """An LRU cache that tells its owner which key it dropped (cachetools' documented eviction hook)."""

    def __init__(self, maxsize: int, evicted: Callable[[Hashable], object]) -> None:
        super().__init__(maxsize=maxsize)
        self._evicted = evicted

    def popitem(self) -> tuple[Hashable, pd.DataFrame]:
        key, value = super().popitem()
        self._evicted(key)
        return key, value


class AggregateCache:
    """Per (kind, session, bucket width) DataFrames, least recently used dropped past ``max_entries``.

    The eviction is cachetools'; the incremental refresh is ours (no cache library splices a
    query's new tail onto what it keeps)."""

    def __init__(self, db: queries._HasEngine, max_entries: int = 32, lookback_seconds: int = 30) -> None:
        self._db = db
        self._lookback = lookback_seconds
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._entries = _Entries(max_entries, lambda key: self._key_locks.pop(key, None))
        self._lock = threading.Lock()

    def class_timeline(self, session_id: int, bucket_seconds: int) -> pd.DataFrame:
        """:func:`storage.queries.class_timeline` for the whole session, refreshed incrementally."""
        return self._get(
            ("timeline", session_id, bucket_seconds),
            bucket_seconds,
            lambda since: queries.class_timeline(self._db, session_id, bucket_seconds, since=since),
        )

    def student_cells(self, session_id: int, bucket_seconds: int) -> pd.DataFrame:
        """:func:`storage.queries.student_heatmap` for the whole session, refreshed incrementally."""
        return self._get(
            ("cells", session_id, bucket_seconds),
            bucket_seconds,
            lambda since: queries.student_heatmap(self._db, session_id, bucket_seconds, since=since),
        )

    def report(self, session_id: int) -> queries.SessionReport:
        """:func:`storage.queries.session_report` assembled from the cached timeline and cells."""
        session = queries.session_info(self._db, session_id)
        timeline_bucket, cell_bucket = queries.report_buckets(float(session["duration_seconds"].iloc[0]))
        return queries.build_session_report(
            session,
            self.class_timeline(session_id, timeline_bucket),
            self.student_cells(session_id, cell_bucket),
            timeline_bucket,
        )

    def _key_lock(self, key: Hashable) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def _get(
        self, key: Hashable, bucket_seconds: int, fetch: Callable[[datetime | None], pd.DataFrame]
    ) -> pd.DataFrame:
        with self._key_lock(key):
            with self._lock:
                cached = self._entries.get(key)
            if cached is None or cached.empty:
                fresh = fetch(None)
            else:
                newest: pd.Timestamp = cached["bucket_start"].max()
                boundary = newest.to_pydatetime().astimezone(UTC) - timedelta(seconds=self._lookback)
                epoch = int(boundary.timestamp())
                boundary = datetime.fromtimestamp(epoch - epoch % bucket_seconds, tz=UTC)
                tail = fetch(boundary)
                kept = cached[cached["bucket_start"] < pd.Timestamp(boundary)]
                fresh = tail if kept.empty else pd.concat([kept, tail], ignore_index=True)
            order = (
                ["student", "participant_id", "bucket_start"]
                if "participant_id" in fresh.columns
                else ["bucket_start"]
            )
            fresh = fresh.sort_values(order, kind="stable").reset_index(drop=True)
            with self._lock:
                self._entries[key] = fresh
            return fresh
