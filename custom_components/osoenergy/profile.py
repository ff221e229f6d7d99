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


class HourConflictError(ValueError):
    """Two local hours given different values fall on the same UTC hour (a DST day)."""

    def __init__(self, first: int, second: int, utc: int) -> None:
        """Describe the local hours ``first`` and ``second`` that both map to ``utc``."""
        super().__init__(f"local hours {first} and {second} are both UTC hour {utc}")
        self.first = first
        self.second = second
        self.utc = utc


def to_utc(changes: Mapping[int, float], day: date, tz: tzinfo) -> dict[int, float]:
    """Return the values of the given local hours of ``day``, keyed by UTC hour.

    On a DST day two local hours can share one UTC hour (the spring gap hour and the next
    one; 00:00 and 23:00 of the 25-hour autumn day). Giving them the same value is fine;
    different values raise :class:`HourConflictError` instead of silently keeping one.
    """
    placed: dict[int, int] = {}
    for hour, value in sorted(changes.items()):
        index = utc_hour(hour, day, tz)
        other = placed.setdefault(index, hour)
        if changes[other] != value:
            raise HourConflictError(other, hour, index)
    return {index: changes[hour] for index, hour in placed.items()}


def merge_utc(profile: Sequence[float], changes: Mapping[int, float]) -> list[float]:
    """Return a copy of the UTC profile with the given UTC hours changed."""
    merged = list(profile)
    for index, value in changes.items():
        merged[index] = value
    return merged


def merge_local(
    profile: Sequence[float], changes: Mapping[int, float], day: date, tz: tzinfo
) -> list[float]:
    """Return a copy of the UTC profile with the given local hours of ``day`` changed."""
    return merge_utc(profile, to_utc(changes, day, tz))
