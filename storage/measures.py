"""The measures the writes and the queries share, each defined once for Python and for SQL.

* Mood index of a face: the sum of the positive emotions' probabilities minus the sum of the
  negative ones (:data:`MOOD_SIGNS`), in [-1, 1]; a group's mood index is the mean over its faces.
  :func:`mood_index` sums in ``EMOTIONS`` order from 0.0, as the SQL does, so the rollups written in
  Python equal the ones rebuilt in SQL to the last bit.
* Epoch seconds of a timestamp column, in the SQL of SQLite and of PostgreSQL: every time bucket
  and rollup minute is an integer division of it, so both databases give the same buckets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from sqlalchemy import Float, literal
from sqlalchemy.sql.elements import ColumnElement

from model.emotions import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS

# +1 for a positive emotion, -1 for a negative one, in EMOTIONS order (neutral counts for neither).
MOOD_SIGNS: dict[str, int] = {
    name: 1 if name in POSITIVE_EMOTIONS else -1
    for name in EMOTIONS
    if name in POSITIVE_EMOTIONS or name in NEGATIVE_EMOTIONS
}
MOOD_INDEX_DEFINITION = (
    "Mood index = "
    + " + ".join(f"P({name})" for name, sign in MOOD_SIGNS.items() if sign > 0)
    + "".join(f" − P({name})" for name, sign in MOOD_SIGNS.items() if sign < 0)
    + ", averaged over the visible faces; −1 is entirely negative, +1 entirely positive, 0 neutral or balanced."
)

T = TypeVar("T", float, ColumnElement[float])


def _signed_sum(value: Callable[[str], T], zero: T) -> T:
    total = zero
    for name, sign in MOOD_SIGNS.items():
        total = total + value(name) if sign > 0 else total - value(name)
    return total


def mood_index(probabilities: Mapping[str, float]) -> float:
    """The mood index of one face from its probabilities by emotion name."""
    return _signed_sum(probabilities.__getitem__, 0.0)


def mood_index_sql(column: Callable[[str], ColumnElement[float]]) -> ColumnElement[float]:
    """The mood index as an SQL expression over the probability columns ``column(name)``."""
    return _signed_sum(column, literal(0.0, Float))


def epoch_seconds_sql(timestamp: str, dialect: str) -> str:
    """Integer epoch seconds of the SQL expression ``timestamp`` in ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return f"CAST(strftime('%s', {timestamp}) AS INTEGER)"
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {timestamp})) AS BIGINT)"
