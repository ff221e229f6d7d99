"""Conversion between the UTC-hour indexed device profile and local hours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo


def utc_hour(local_hour: int, day: date, tz: tzinfo) -> int:
    """Return the UTC hour of ``local_hour``:00 on ``day`` in ``tz``.

    The offset in force at that hour of that day is used, so on a DST day the hours before
    and after the switch shift differently. A local hour that does not exist (the spring
    gap) takes the offset from before the switch, as PEP 495 prescribes for ``fold=0``.
    """
    local = datetime(day.year, day.month, day.day, local_hour, tzinfo=tz)
    return local.astimezone(UTC).hour


def to_local(profile: Sequence[float], day: date, tz: tzinfo) -> list[float]:
    """Return the profile indexed by local hour of ``day``."""
    return [float(profile[utc_hour(hour, day, tz)]) for hour in range(24)]


def merge_local(
    profile: Sequence[float], changes: Mapping[int, float], day: date, tz: tzinfo
) -> list[float]:
    """Return a copy of the UTC profile with the given local hours changed."""
    merged = list(profile)
    for hour, value in sorted(changes.items()):
        merged[utc_hour(hour, day, tz)] = value
    return merged
