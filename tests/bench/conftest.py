"""Shared machinery of the benchmarks: a figure recorder and measuring helpers.

Each ``test_bench_<domain>.py`` measures its integration against the in-process simulator and
records rows with ``bench.row(...)``; ``scripts/bench`` renders every row into
``docs/benchmarks.md``. A row carries our figure and, where it is known, the same figure for
the request pattern of the integration ours replaces, so the table reads as a ratio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
import json
import os
from pathlib import Path
import time
from typing import Any, Self

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulator import Simulator

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


def entry_states(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Return entity id -> state of the entry's entities that have a state."""
    registry = er.async_get(hass)
    return {
        e.entity_id: state.state
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if (state := hass.states.get(e.entity_id)) is not None
    }


async def timed_setup(hass: HomeAssistant, entry: MockConfigEntry) -> float:
    """Set the entry up; return the wall-clock seconds it took, until HA is idle."""
    entry.add_to_hass(hass)
    # freezer stops time.perf_counter; the raw monotonic clock keeps running.
    started = time.clock_gettime(time.CLOCK_MONOTONIC)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return time.clock_gettime(time.CLOCK_MONOTONIC) - started


async def advance(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    seconds: float,
    *,
    fire_ahead: float = 0.0,
) -> None:
    """Move HA's and the simulator's clocks together and let whatever is due run.

    ``fire_ahead`` fires the time-changed event that many seconds past the new time, for
    timers HA schedules a fraction of a second after the interval.
    """
    freezer.tick(timedelta(seconds=seconds))
    simulator.clock.advance(seconds)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=fire_ahead))
    await hass.async_block_till_done(wait_background_tasks=True)
