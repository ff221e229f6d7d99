"""Setup, polling, availability, back-off and dynamic devices against the simulator."""

from __future__ import annotations

from datetime import timedelta
import logging

from aioresponses import aioresponses
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.osoenergy import async_migrate_entry
from custom_components.osoenergy.api import DEFAULT_API_URL
from custom_components.osoenergy.const import DOMAIN, SCAN_INTERVAL
from simulator import Simulator
from simulator.osoenergy import API_KEY, EMAIL, OSOEnergyVendor

from .conftest import S200, S300, sim_post

DEVICE_ALL = "GET /osoenergy/1/Device/All"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the messages logged at ERROR or above (e.g. duplicate unique ids)."""
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


async def _poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 0) -> None:
    freezer.tick(timedelta(seconds=seconds) if seconds else SCAN_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_setup_and_unload(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Setup fetches the account once; unload works."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert simulator.log.count("osoenergy", DEVICE_ALL) == 1
    assert simulator.log.count("osoenergy") == 1
    assert hass.states.get("water_heater.bathroom_heater") is not None
    assert hass.states.get("water_heater.basement_heater") is not None
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED


async def test_core_style_entry_loads(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """An entry created by the core integration ({api_key}, unique id = email) loads unchanged,
    on the real API URL, and keeps core's unique ids."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="test_user_email@domain.com",
        unique_id="test_user_email@domain.com",
        data={"api_key": "secret_api_key"},
    )
    entry.add_to_hass(hass)
    payload = [
        {
            "deviceId": "osoenergy_water_heater",
            "deviceName": "TEST DEVICE",
            "deviceType": "SAGA S200",
            "connectionState": {"connectionState": "Connected"},
            "control": {
                "heater": "on",
                "mode": "auto",
                "currentTemperature": 60,
                "targetTemperature": 60,
                "targetTemperatureLow": 57,
                "targetTemperatureHigh": 63,
                "minTemperature": 10,
                "maxTemperature": 75,
            },
            "optimizationOption": "OSO",
            "profile": [10] + [60] * 23,
            "isInPowerSave": False,
        }
    ]
    with aioresponses() as mock:
        mock.get(f"{DEFAULT_API_URL}/1/Device/All", payload=payload)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    state = hass.states.get("water_heater.test_device")
    assert state is not None
    assert state.state == "eco"
    assert state.attributes["temperature"] == 60
    assert state.attributes["target_temp_high"] == 63
    assert state.attributes["min_temp"] == 10
    assert state.attributes["away_mode"] == STATE_OFF
    assert entity_registry.async_get("water_heater.test_device").unique_id == (
        "osoenergy_water_heater"
    )
    assert (
        entity_registry.async_get("sensor.test_device_heater_mode").unique_id
        == "osoenergy_water_heater_heater_mode"
    )
    assert (
        entity_registry.async_get("binary_sensor.test_device_heating").unique_id
        == "osoenergy_water_heater_heating"
    )
    # No tank sensors are reported, so none is created (as core).
    assert hass.states.get("sensor.test_device_temperature_top") is None
    # The constant tank volume is disabled by default.
    volume = entity_registry.async_get("sensor.test_device_volume")
    assert volume.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("status", [401, 403])
async def test_setup_auth_failure_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry, status: int
) -> None:
    simulator.faults.inject("osoenergy", "/1/Device/All", status=status)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.parametrize("fault", [{"status": 503}, {"malformed": True}])
async def test_setup_cloud_failure_is_not_ready(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry, fault: dict
) -> None:
    """A 5xx or a broken body is a retry, never a reauth prompt."""
    simulator.faults.inject("osoenergy", "/1/Device/All", **fault)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert not hass.config_entries.flow.async_progress()


async def test_one_request_per_interval(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """All entities of both heaters are fed by one GET /1/Device/All per interval."""
    simulator.log.reset()
    for _ in range(60):
        simulator.clock.advance(SCAN_INTERVAL.total_seconds())
        await _poll(hass, freezer)
    assert simulator.log.count("osoenergy") == 60
    assert simulator.log.count("osoenergy", DEVICE_ALL) == 60
    # One hour of simulated heating warmed the S200 up.
    state = hass.states.get("sensor.bathroom_heater_temperature_middle")
    assert float(state.state) > 52


async def test_unavailable_and_recovery(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    fault = simulator.faults.inject("osoenergy", "/1/Device/All", status=500)
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.bathroom_heater").state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.bathroom_heater_connectivity").state == (
        STATE_UNAVAILABLE
    )
    simulator.faults.remove(fault.id)
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.bathroom_heater").state != STATE_UNAVAILABLE


async def test_auth_failure_while_polling(
    hass: HomeAssistant,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    oso.expired.add(API_KEY)
    await _poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_rate_limit_backs_off(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A 429 stretches the interval past Retry-After; success restores it."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject(
        "osoenergy", "/1/Device/All", status=429, headers={"Retry-After": "600"}, remaining=1
    )
    await _poll(hass, freezer)
    assert coordinator.update_interval == timedelta(seconds=601)
    assert hass.states.get("water_heater.bathroom_heater").state == STATE_UNAVAILABLE
    simulator.log.reset()
    await _poll(hass, freezer, 300)
    assert simulator.log.count("osoenergy") == 0
    await _poll(hass, freezer, 301)
    assert simulator.log.count("osoenergy") == 1
    assert coordinator.update_interval == SCAN_INTERVAL
    assert hass.states.get("water_heater.bathroom_heater").state != STATE_UNAVAILABLE


async def test_rate_limit_holds_requested_refreshes(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A refresh requested during the Retry-After wait sends nothing; after it, it does."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject(
        "osoenergy", "/1/Device/All", status=429, headers={"Retry-After": "30"}, remaining=1
    )
    await _poll(hass, freezer)
    # Retry-After shorter than the interval: the normal interval (60 s) applies.
    assert coordinator.update_interval == SCAN_INTERVAL
    simulator.log.reset()
    freezer.tick(timedelta(seconds=20))
    await coordinator.async_refresh()
    assert simulator.log.count("osoenergy") == 0
    assert not coordinator.last_update_success
    freezer.tick(timedelta(seconds=11))
    await coordinator.async_refresh()
    assert simulator.log.count("osoenergy") == 1
    assert coordinator.last_update_success


async def test_rate_limit_without_retry_after(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A 429 that does not say how long holds every request back for 5 minutes (longer than
    the interval), refreshes asked for meanwhile included; the next poll comes right after."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject("osoenergy", "/1/Device/All", status=429, remaining=1)
    await _poll(hass, freezer)
    assert not coordinator.last_update_success
    assert coordinator.update_interval == timedelta(minutes=5, seconds=1)
    simulator.log.reset()
    freezer.tick(timedelta(minutes=4))
    await coordinator.async_refresh()
    assert simulator.log.count("osoenergy") == 0
    assert coordinator.last_exception.translation_key == "rate_limited"
    assert coordinator.last_exception.translation_placeholders == {"seconds": "60"}
    await _poll(hass, freezer, 61)
    assert simulator.log.count("osoenergy") == 1
    assert coordinator.last_update_success
    assert coordinator.update_interval == SCAN_INTERVAL


@pytest.mark.parametrize(
    ("fault", "key"),
    [({"status": 503}, "cannot_connect"), ({"malformed": True}, "api_error")],
)
async def test_failures_in_a_row_back_off(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    fault: dict,
    key: str,
) -> None:
    """One failed poll keeps the interval; each further one in a row doubles it, up to
    15 minutes; the first answer restores the interval. Never a reauth."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject("osoenergy", "/1/Device/All", **fault)
    simulator.log.reset()
    intervals = []
    for _ in range(6):
        await _poll(hass, freezer, coordinator.update_interval.total_seconds())
        intervals.append(coordinator.update_interval.total_seconds())
        assert coordinator.last_exception.translation_key == key
    assert intervals == [60, 120, 240, 480, 900, 900]
    # One request per (stretched) interval, none in between.
    assert simulator.log.count("osoenergy", DEVICE_ALL) == 6
    assert hass.states.get("water_heater.bathroom_heater").state == STATE_UNAVAILABLE
    assert not hass.config_entries.flow.async_progress()
    simulator.faults.clear()
    await _poll(hass, freezer, 900)
    assert coordinator.last_update_success
    assert coordinator.update_interval == SCAN_INTERVAL
    assert hass.states.get("water_heater.bathroom_heater").state != STATE_UNAVAILABLE


async def test_disconnected_heater_is_unavailable(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    await sim_post(simulator, f"/_sim/osoenergy/heaters/{S300}/disconnect")
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.basement_heater").state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.basement_heater_temperature_top").state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.basement_heater_connectivity").state == STATE_OFF
    assert hass.states.get("water_heater.bathroom_heater").state != STATE_UNAVAILABLE
    await sim_post(simulator, f"/_sim/osoenergy/heaters/{S300}/connect")
    await _poll(hass, freezer)
    assert hass.states.get("binary_sensor.basement_heater_connectivity").state == STATE_ON
    assert hass.states.get("water_heater.basement_heater").state != STATE_UNAVAILABLE


async def test_heaters_added_and_removed_without_reload(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await sim_post(
        simulator,
        "/_sim/osoenergy/heaters",
        {"deviceId": "oso-new", "deviceName": "Garage heater", "deviceType": "SAGA S300"},
    )
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.garage_heater") is not None
    assert hass.states.get("sensor.garage_heater_heater_mode") is not None
    new_device = device_registry.async_get_device_by_identifier(
        (DOMAIN, "oso-new"), init_integration.entry_id
    )
    assert new_device is not None
    assert new_device.model == "SAGA S300"
    assert new_device.manufacturer == "OSO Energy"

    # A heater missing once is unavailable; missing twice in a row, it is removed.
    del oso.heaters[S200]
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.bathroom_heater").state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.bathroom_heater_heater_mode").state == STATE_UNAVAILABLE
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, S200), init_integration.entry_id)
        is not None
    )
    await _poll(hass, freezer)
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, S200), init_integration.entry_id)
        is None
    )
    assert entity_registry.async_get("water_heater.bathroom_heater") is None
    assert hass.states.get("water_heater.bathroom_heater") is None
    assert hass.states.get("water_heater.basement_heater") is not None
    assert init_integration.state is ConfigEntryState.LOADED

    # The heater comes back: its entities are created again.
    oso.reset()
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.bathroom_heater") is not None
    assert not _errors(caplog)


async def test_heater_missing_once_is_not_added_twice(
    hass: HomeAssistant,
    *,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A heater missing from one answer keeps its entities, and gets no second set back."""
    entities = len(er.async_entries_for_config_entry(entity_registry, init_integration.entry_id))
    states = len(hass.states.async_all())
    heater = oso.heaters.pop(S200)
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.bathroom_heater").state == STATE_UNAVAILABLE
    oso.heaters[S200] = heater
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.bathroom_heater").state != STATE_UNAVAILABLE
    assert not _errors(caplog)
    assert len(hass.states.async_all()) == states
    assert (
        len(er.async_entries_for_config_entry(entity_registry, init_integration.entry_id))
        == entities
    )


async def test_remove_stale_device(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Only devices whose heater left the account can be deleted by the user."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    live = device_registry.async_get_device_by_identifier((DOMAIN, S200), init_integration.entry_id)
    stale = device_registry.async_get_or_create(
        config_entry_id=init_integration.entry_id, identifiers={(DOMAIN, "gone")}
    )
    for device, success in ((live, False), (stale, True)):
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove",
                "device_id": device.id,
            }
        )
        response = await client.receive_json()
        assert response["success"] is success


async def test_remove_device_of_heater_missing_once(
    hass: HomeAssistant,
    *,
    hass_ws_client: WebSocketGenerator,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The user may remove the device of a heater the last answer did not list (before the
    integration removes it itself); if the cloud lists the heater again, it gets its device
    and entities back at once, each once."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    entities = len(er.async_entries_for_config_entry(entity_registry, init_integration.entry_id))
    heater = oso.heaters.pop(S200)
    await _poll(hass, freezer)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, S200), init_integration.entry_id
    )
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove",
            "device_id": device.id,
        }
    )
    response = await client.receive_json()
    assert response["success"] is True
    await hass.async_block_till_done()
    assert device_registry.async_get(device.id) is None
    assert hass.states.get("water_heater.bathroom_heater") is None
    oso.heaters[S200] = heater
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.bathroom_heater").state != STATE_UNAVAILABLE
    assert (
        len(er.async_entries_for_config_entry(entity_registry, init_integration.entry_id))
        == entities
    )
    assert not _errors(caplog)


async def test_remove_device_while_not_loaded(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
    config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """While setup is retrying nothing is known about the account: removal is allowed."""
    assert await async_setup_component(hass, "config", {})
    simulator.faults.inject("osoenergy", "/1/Device/All", status=503)
    config_entry.add_to_hass(hass)
    device = device_registry.async_get_or_create(
        config_entry_id=config_entry.entry_id, identifiers={(DOMAIN, S200)}
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove",
            "device_id": device.id,
        }
    )
    response = await client.receive_json()
    assert response["success"] is True
    assert device_registry.async_get(device.id) is None


async def test_one_empty_answer_removes_nothing(
    hass: HomeAssistant,
    *,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An odd empty device list makes entities unavailable, but does not delete devices
    (nor add their entities a second time when the heaters are back)."""
    states = len(hass.states.async_all())
    heaters = dict(oso.heaters)
    oso.heaters.clear()
    await _poll(hass, freezer)
    assert hass.states.get("water_heater.basement_heater").state == STATE_UNAVAILABLE
    oso.heaters.update(heaters)
    await _poll(hass, freezer)
    await _poll(hass, freezer)
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, S200), init_integration.entry_id)
        is not None
    )
    assert hass.states.get("water_heater.basement_heater").state != STATE_UNAVAILABLE
    assert not _errors(caplog)
    assert len(hass.states.async_all()) == states


async def test_heaters_removed_while_stopped_are_cleaned_up(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A device whose heater left the account while Home Assistant was down counts as
    missing once at setup: it is removed when the next answer lacks it too."""
    config_entry.add_to_hass(hass)
    gone = device_registry.async_get_or_create(
        config_entry_id=config_entry.entry_id, identifiers={(DOMAIN, "oso-gone")}
    )
    entity_registry.async_get_or_create(
        "water_heater", DOMAIN, "oso-gone", config_entry=config_entry, device_id=gone.id
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, "oso-gone"), config_entry.entry_id)
        is not None
    )
    await _poll(hass, freezer)
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, "oso-gone"), config_entry.entry_id)
        is None
    )
    assert entity_registry.async_get_entity_id("water_heater", DOMAIN, "oso-gone") is None
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, S200), config_entry.entry_id)
        is not None
    )
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, S300), config_entry.entry_id)
        is not None
    )


async def test_empty_answer_at_setup_removes_nothing(
    hass: HomeAssistant,
    *,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An empty first answer after a restart, then the heaters again: every device stays,
    and the heaters get their entities once."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    states = len(hass.states.async_all())
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    heaters = dict(oso.heaters)
    oso.heaters.clear()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("water_heater.bathroom_heater").state == STATE_UNAVAILABLE
    oso.heaters.update(heaters)
    await _poll(hass, freezer)
    await _poll(hass, freezer)
    for heater in (S200, S300):
        assert (
            device_registry.async_get_device_by_identifier((DOMAIN, heater), config_entry.entry_id)
            is not None
        )
    assert hass.states.get("water_heater.bathroom_heater").state != STATE_UNAVAILABLE
    assert len(hass.states.async_all()) == states
    assert not _errors(caplog)


async def test_renamed_heater_renames_device(
    hass: HomeAssistant,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A heater renamed in the OSO app renames its device (a user's own name is kept)."""
    oso.heaters[S200].name = "Kitchen heater"
    await _poll(hass, freezer)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, S200), init_integration.entry_id
    )
    assert device.name == "Kitchen heater"
    state = hass.states.get("water_heater.bathroom_heater")
    assert state.attributes["friendly_name"] == "Kitchen heater"
    device_registry.async_update_device(device.id, name_by_user="Mine")
    oso.heaters[S200].name = "Other name"
    await _poll(hass, freezer)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, S200), init_integration.entry_id
    )
    assert (device.name, device.name_by_user) == ("Other name", "Mine")


async def test_migrate_base_url_to_api_url(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """An entry of version 1.1 stored a custom API URL as ``base_url``: it loads, and now
    stores it as ``api_url`` (same value, same unique id) in version 1.2."""
    url = simulator.url("osoenergy")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        unique_id=EMAIL,
        version=1,
        minor_version=1,
        data={"api_key": API_KEY, "base_url": url},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 2)
    assert entry.data == {"api_key": API_KEY, "api_url": url}
    assert entry.unique_id == EMAIL
    # The simulator (the migrated URL) answered, not the real cloud.
    assert simulator.log.count("osoenergy", DEVICE_ALL) == 1
    assert hass.states.get("water_heater.bathroom_heater") is not None


async def test_migrate_entry_without_old_keys(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A core entry (version 1.1, only the key) gets the new version and keeps its data."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=EMAIL, unique_id=EMAIL, data={"api_key": "core key"}
    )
    entry.add_to_hass(hass)
    with aioresponses() as mock:
        mock.get(f"{DEFAULT_API_URL}/1/Device/All", payload=[])
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 2)
    assert entry.data == {"api_key": "core key"}
    await hass.config_entries.async_unload(entry.entry_id)


async def test_newer_minor_version_loads(hass: HomeAssistant, simulator: Simulator) -> None:
    """A newer minor version only adds optional keys: this version loads it unchanged."""
    data = {"api_key": API_KEY, "api_url": simulator.url("osoenergy"), "future": True}
    entry = MockConfigEntry(
        domain=DOMAIN, title=EMAIL, unique_id=EMAIL, version=1, minor_version=3, data=data
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 3)
    assert entry.data == data


async def test_newer_major_version_is_refused(hass: HomeAssistant, simulator: Simulator) -> None:
    """An entry of a future major version is not loaded (nor changed) by this version."""
    data = {"api_key": API_KEY, "base_url": simulator.url("osoenergy")}
    entry = MockConfigEntry(
        domain=DOMAIN, title=EMAIL, unique_id=EMAIL, version=2, minor_version=1, data=data
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    # Home Assistant checks the major version itself; so does async_migrate_entry.
    assert not await async_migrate_entry(hass, entry)
    assert entry.data == data
    assert (entry.version, entry.minor_version) == (2, 1)
    assert simulator.log.count("osoenergy") == 0
