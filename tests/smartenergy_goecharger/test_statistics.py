"""Long-term statistics of "Energy since car connected" across sessions and the upgrade.

The sensor counts the energy of the current session and starts again at 0 when a car is
plugged in. As ``total_increasing`` that drop is a meter reset, so the statistics' sum keeps
growing by the energy actually delivered. Entries that recorded it as ``total`` (releases
before) keep their statistics: same unique id and entity id, both state classes have a sum,
and the recorder reports no issue after the change.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder, get_instance
from homeassistant.components.recorder.statistics import (
    get_metadata,
    statistics_during_period,
    validate_statistics,
)
from homeassistant.components.sensor import SensorStateClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from custom_components.smartenergy_goecharger.sensor import SENSORS
from simulator import Simulator

from .conftest import SERIAL, vendor

ENTITY = "sensor.driveway_energy_since_car_connected"
KEY = "energy_since_car_connected"
START = datetime(2026, 1, 15, 12, 0, tzinfo=dt_util.UTC)
PERIOD = timedelta(minutes=5)
KW = 230 * 3 * 16 / 1000  # the simulated charger: three phases at 16 A


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """Start the recorder before Home Assistant (overrides the package's autouse fixture)."""


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _compile(hass: HomeAssistant, start: datetime) -> dict[str, Any]:
    """Compile the 5-minute statistics of the period at ``start``; return its row."""
    await async_wait_recording_done(hass)
    do_adhoc_statistics(hass, start=start)
    await async_wait_recording_done(hass)
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        start + PERIOD,
        {ENTITY},
        "5minute",
        None,
        {"state", "sum"},
    )
    assert len(rows[ENTITY]) == 1, rows
    return dict(rows[ENTITY][0])


def _session_energy(simulator: Simulator) -> float:
    return vendor(simulator).chargers[SERIAL].wh / 1000


async def test_session_energy_statistics_across_sessions_and_the_upgrade(
    hass: HomeAssistant,
    simulator: Simulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    freezer.move_to(START + timedelta(seconds=10))
    # As released before: state class "total"
    old = tuple(
        replace(d, state_class=SensorStateClass.TOTAL) if d.key == KEY else d for d in SENSORS
    )
    with patch("custom_components.smartenergy_goecharger.sensor.SENSORS", old):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.get(ENTITY).attributes["state_class"] == "total"
        first = _session_energy(simulator)
        simulator.clock.advance(1800)
        await _tick(hass, freezer, 60)
        before_upgrade = _session_energy(simulator)
        assert before_upgrade == pytest.approx(first + KW / 2, abs=0.01)
        old_period = await _compile(hass, START)
    assert old_period["sum"] == pytest.approx(before_upgrade - first, abs=0.01)
    unique_id = entity_registry.async_get(ENTITY).unique_id

    # The upgrade (a restart): same entity, now total_increasing
    freezer.move_to(START + PERIOD + timedelta(seconds=10))
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(ENTITY)
    assert state.attributes["state_class"] == "total_increasing"
    assert entity_registry.async_get(ENTITY).unique_id == unique_id == f"{SERIAL}_{KEY}"

    # A new car: the session energy starts at 0 again, then grows
    charger = vendor(simulator).chargers[SERIAL]
    charger.unplug()
    charger.plug(20000.0)
    charger.trx = 0  # authenticated (the charger has access control)
    simulator.clock.advance(600)
    await _tick(hass, freezer, 60)
    new_session = _session_energy(simulator)
    assert new_session == pytest.approx(KW / 6, abs=0.01)
    assert float(hass.states.get(ENTITY).state) == pytest.approx(new_session, abs=0.01)
    new_period = await _compile(hass, START + PERIOD)
    # the drop is a reset: the sum grows by the new session's energy instead of falling
    assert new_period["sum"] == pytest.approx(old_period["sum"] + new_session, abs=0.01)

    metadata = await get_instance(hass).async_add_executor_job(
        partial(get_metadata, hass, statistic_ids={ENTITY})
    )
    assert metadata[ENTITY][1]["has_sum"] is True
    issues = await get_instance(hass).async_add_executor_job(validate_statistics, hass)
    assert ENTITY not in issues
