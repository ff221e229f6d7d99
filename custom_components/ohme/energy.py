"""Energy the charger delivered: a running total from Ohme's hourly charge summary.

Ohme reports the energy its charger delivered per hour (``GET /v1/chargeSessions/summary``,
granularity ``HOUR``, buckets in epoch milliseconds). ``DeliveredEnergy`` folds those buckets
into a total that only grows: a bucket counts with the highest value Ohme ever reported for
it, so a figure that Ohme revises down never makes the total go back, and each bucket counts
once however often it is read. All arithmetic is in UTC epoch milliseconds, so midnight and
daylight saving changes are ordinary hours.

``EnergyMeter`` decides when the summary is worth a request: every 15 minutes while the car
charges, once as soon as the charge stops and once more 15 minutes later (Ohme may count the
last minutes late), and never while nothing charges. No HA imports: the session coordinator
asks it and feeds it the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
import math
from typing import Any

from .api import ChargeSummary

HOUR_MS = 3_600_000
KEEP_MS = 24 * HOUR_MS  # buckets younger than this stay open to revision
MAX_SPAN_MS = 31 * 24 * HOUR_MS  # the longest history one request asks for
SUMMARY_INTERVAL = timedelta(minutes=15)
REFUSED_RETRY = timedelta(hours=6)


def floor_hour(epoch_ms: int) -> int:
    """Return the start of the UTC hour holding ``epoch_ms``."""
    return epoch_ms - epoch_ms % HOUR_MS


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


@dataclass
class DeliveredEnergy:
    """A monotonic total (Wh) built from the summary's hourly buckets."""

    base_wh: float = 0.0  # buckets folded for good
    window_start_ms: int = 0  # buckets from here on are still read and may still grow
    buckets: dict[int, float] = field(default_factory=dict)  # start ms -> highest Wh seen
    baseline_pending: bool = False  # the first answer sets the zero point

    @classmethod
    def start(cls, now_ms: int, total_wh: float = 0.0) -> DeliveredEnergy:
        """Start counting now, from ``total_wh`` (0 for a new sensor)."""
        return cls(base_wh=total_wh, window_start_ms=floor_hour(now_ms), baseline_pending=True)

    @property
    def total_wh(self) -> float:
        """Return the energy delivered since counting started (Wh)."""
        return self.base_wh + sum(self.buckets.values())

    def query_start_ms(self, now_ms: int) -> int:
        """Return where the next summary request starts."""
        return max(self.window_start_ms, floor_hour(now_ms) - MAX_SPAN_MS)

    def apply(self, summary: ChargeSummary, now_ms: int) -> None:
        """Take the buckets of an answer: each counts with its highest value so far."""
        for stat in summary.stats:
            if stat.start_ms < self.window_start_ms or stat.start_ms > now_ms:
                continue
            if stat.energy_wh > self.buckets.get(stat.start_ms, 0.0):
                self.buckets[stat.start_ms] = stat.energy_wh
        if self.baseline_pending:
            # Energy delivered before counting started (earlier in this hour) is not new.
            self.base_wh -= sum(self.buckets.values())
            self.baseline_pending = False
        self._fold(floor_hour(now_ms) - KEEP_MS)

    def settle(self, now_ms: int) -> None:
        """Fold every bucket before the current hour: nothing charges, they are final."""
        self._fold(floor_hour(now_ms))

    def _fold(self, before_ms: int) -> None:
        for start in sorted(s for s in self.buckets if s < before_ms):
            self.base_wh += self.buckets.pop(start)
        self.window_start_ms = max(self.window_start_ms, before_ms)

    def as_dict(self) -> dict[str, Any]:
        """Return the state to store between restarts."""
        return {
            "base_wh": self.base_wh,
            "window_start_ms": self.window_start_ms,
            "buckets": {str(start): wh for start, wh in self.buckets.items()},
            "baseline_pending": self.baseline_pending,
        }

    @classmethod
    def from_dict(cls, data: Any) -> DeliveredEnergy | None:
        """Return the stored state, or None if it is not one."""
        if not isinstance(data, dict):
            return None
        base, window = _finite(data.get("base_wh")), _finite(data.get("window_start_ms"))
        raw = data.get("buckets")
        if base is None or window is None or not isinstance(raw, dict):
            return None
        buckets: dict[int, float] = {}
        for start, wh in raw.items():
            value = _finite(wh)
            if not isinstance(start, str) or not start.isdigit() or value is None or value < 0:
                return None
            buckets[int(start)] = value
        return cls(
            base_wh=base,
            window_start_ms=int(window),
            buckets=buckets,
            baseline_pending=data.get("baseline_pending") is True,
        )


@dataclass
class EnergyMeter:
    """The delivered-energy total plus when to ask Ohme for the summary."""

    energy: DeliveredEnergy | None = None  # None until the sensor restored its state
    last_request: datetime | None = None
    charged_since_request: bool = False  # power flowed since the last answer
    trailing: bool = False  # one more request after the charge stopped
    failed: bool = False
    refused_at: datetime | None = None  # Ohme refused the summary to this account

    @property
    def available(self) -> bool:
        """Return False while Ohme refuses the summary."""
        return self.refused_at is None

    def due(self, now: datetime, charging: bool) -> bool:
        """Return True when the summary is worth a request now."""
        if self.energy is None:
            return False
        if self.refused_at is not None:
            return charging and now - self.refused_at >= REFUSED_RETRY
        if charging:
            self.charged_since_request = True
        if self.last_request is None:
            return True  # catch up after a (re)start
        waited = now - self.last_request >= SUMMARY_INTERVAL
        if charging:
            return waited
        if self.charged_since_request:
            return True  # the charge just stopped: count it now
        return (self.trailing or self.failed) and waited

    def answered(self, summary: ChargeSummary, now: datetime, charging: bool) -> None:
        """Take an answer."""
        assert self.energy is not None  # noqa: S101 - due() asked only when ready
        now_ms = int(now.timestamp() * 1000)
        self.energy.apply(summary, now_ms)
        self.last_request, self.failed, self.refused_at = now, False, None
        if charging:
            return
        self.trailing = self.charged_since_request
        self.charged_since_request = False
        if not self.trailing:
            self.energy.settle(now_ms)

    def unanswered(self, now: datetime, *, refused: bool) -> None:
        """Note a failed request: retried in 15 minutes, or after 6 hours if refused."""
        self.last_request = now
        if refused:
            self.refused_at = now
        else:
            self.failed = True
