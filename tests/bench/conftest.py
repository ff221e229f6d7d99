"""Shared machinery of the benchmarks: a figure recorder and measuring helpers.

Each ``test_bench_<domain>.py`` measures its integration against the in-process simulator and
records rows with ``bench.row(...)``; ``scripts/bench`` renders every row into
``docs/benchmarks.md``. A row carries our figure and, where the reference describes it, the
same figure for the request pattern of the existing integration, so the table reads as a ratio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
import json
import os
from pathlib import Path
import time
from typing import Any, Self

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
import pytest

RESULTS = Path(os.environ.get("BENCH_RESULTS", Path(__file__).parent / "results"))


@dataclass
class Row:
    """One figure."""

    integration: str
    scenario: str
    metric: str
    ours: float
    unit: str
    existing: float | None = None
    note: str = ""


class Recorder:
    """Collects rows and writes them to ``RESULTS/<module>.json``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[Row] = []

    def row(  # noqa: PLR0917 - reads best as one call per table row
        self,
        integration: str,
        scenario: str,
        metric: str,
        ours: float,
        unit: str,
        existing: float | None = None,
        note: str = "",
    ) -> None:
        self.rows.append(Row(integration, scenario, metric, ours, unit, existing, note))

    def write(self) -> None:
        if not self.rows:
            return
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{self.name}.json").write_text(
            json.dumps([asdict(r) for r in self.rows], indent=2)
        )


_RECORDERS: dict[str, Recorder] = {}


@pytest.fixture
def bench(request: pytest.FixtureRequest) -> Recorder:
    """Return the recorder of the current benchmark module (rows accumulate per module)."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    return _RECORDERS.setdefault(name, Recorder(name))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write every module's rows once the benchmarks are done."""
    del session, exitstatus
    for recorder in _RECORDERS.values():
        recorder.write()


@callback
def _every(event_data: Any) -> bool:
    """Let every event through."""
    return True


class StateWrites:
    """Counts state writes (changed or reported) while active."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.count = 0
        self._unsubs: list[Callable[[], None]] = []
        self.hass = hass

    @callback
    def _seen(self, event: Event) -> None:
        self.count += 1

    def __enter__(self) -> Self:
        self._unsubs = [
            self.hass.bus.async_listen(EVENT_STATE_CHANGED, self._seen),
            # HA requires a filter (a callback) for state_reported listeners.
            self.hass.bus.async_listen(EVENT_STATE_REPORTED, self._seen, event_filter=_every),
        ]
        return self

    def __exit__(self, *exc: object) -> None:
        for unsub in self._unsubs:
            unsub()


@pytest.fixture
def state_writes(hass: HomeAssistant) -> Callable[[], StateWrites]:
    """Return a factory of state-write counters (use as a context manager)."""
    return lambda: StateWrites(hass)


async def cpu_seconds(coro_factory: Callable[[], Any], repeat: int = 5) -> float:
    """Return the median process CPU time of awaiting ``coro_factory()``."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        await coro_factory()
        samples.append(time.process_time() - start)
    samples.sort()
    return samples[len(samples) // 2]
