"""Entities: snapshots per platform, the water-heater state mapping, enums, writes."""

from __future__ import annotations

import logging
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.components.water_heater import (
    ATTR_AWAY_MODE,
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_AWAY_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.osoenergy.api import OSOEnergyDevice
from custom_components.osoenergy.const import SCAN_INTERVAL
from custom_components.osoenergy.water_heater import OSOEnergyWaterHeater, current_operation
from simulator import Simulator
from simulator.osoenergy import API_KEY, OSOEnergyVendor

from .conftest import S200, S300

DEVICE_ALL = "GET /osoenergy/1/Device/All"
BATHROOM = "water_heater.bathroom_heater"
BASEMENT = "water_heater.basement_heater"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "platform", [Platform.WATER_HEATER, Platform.SENSOR, Platform.BINARY_SENSOR, Platform.SWITCH]
)
async def test_platform_snapshot(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    config_entry.add_to_hass(hass)
    with patch("custom_components.osoenergy.PLATFORMS", [platform]):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


def _device(heater: str | None, mode: str | None, optimization: str | None) -> OSOEnergyDevice:
    return OSOEnergyDevice.from_json(
        {
            "deviceId": "d",
            "control": {"heater": heater, "mode": mode},
            "optimizationOption": optimization,
        }
    )


@pytest.mark.parametrize(
    ("heater", "mode", "optimization", "expected"),
    [
        ("off", "auto", "OSO", "off"),
        ("off", "ExtraEnergy", "OSO", "off"),
        ("on", "auto", "OSO", "eco"),
        ("on", "off", "OSO", "off"),
        ("on", "PowerSave", "OSO", "off"),
        ("on", "ExtraEnergy", "OSO", "high_demand"),
        ("on", "manual", "OSO", "electric"),
        ("on", "Legionella", "OSO", "electric"),
        ("on", "Voltage", "OSO", "electric"),
        ("on", "FFR", "OSO", "electric"),
        ("on", "auto", "GridCompany", "electric"),
        ("on", "auto", "Nettleie", "electric"),
        ("on", "auto", None, "electric"),
        ("on", "off", "Advanced", "off"),
        ("on", "PowerSave", "SmartCompany", "off"),
        ("on", "ExtraEnergy", "Off", "high_demand"),
        # A missing mode reads as "off", as the OSO library and core read it.
        ("on", None, "OSO", "off"),
        ("on", None, None, "off"),
        (None, "auto", "OSO", "eco"),
    ],
)
def test_state_mapping(
    heater: str | None, mode: str | None, optimization: str | None, expected: str
) -> None:
    """Off while the element is off; else by mode: off/power save -> off, extra energy ->
    high demand, auto with OSO's optimization -> eco, anything else -> electric."""
    assert current_operation(_device(heater, mode, optimization)) == expected


async def _refresh(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(SCAN_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_unknown_enum_values(
    hass: HomeAssistant,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Nettleie is known; values nobody knows yet are unknown instead of errors."""
    oso.heaters[S200].extra["optimizationOption"] = "Nettleie"
    await _refresh(hass, freezer)
    assert hass.states.get("sensor.bathroom_heater_optimization_mode").state == "nettleie"
    assert hass.states.get(BATHROOM).state == "electric"
    oso.heaters[S200].extra["optimizationOption"] = "SomethingNew"
    oso.heaters[S200].extra["control"] = {"heater": "on", "mode": "Turbo"}
    await _refresh(hass, freezer)
    assert hass.states.get("sensor.bathroom_heater_optimization_mode").state == STATE_UNKNOWN
    assert hass.states.get("sensor.bathroom_heater_heater_mode").state == STATE_UNKNOWN
    assert hass.states.get(BATHROOM).state == "electric"


@pytest.mark.parametrize(
    ("native", "legacy"),
    [
        ("native_temperature_unit", "temperature_unit"),
        ("native_current_temperature", "current_temperature"),
        ("native_target_temperature", "target_temperature"),
        ("native_target_temperature_low", "target_temperature_low"),
        ("native_target_temperature_high", "target_temperature_high"),
    ],
)
async def test_water_heater_native_members(
    hass: HomeAssistant, init_integration: MockConfigEntry, native: str, legacy: str
) -> None:
    """The water heater provides each native member (read by HA 2026.11) and, in the same
    class, the old name as its alias (read by older versions): no version warns, all agree."""
    assert native in vars(OSOEnergyWaterHeater)
    assert legacy in vars(OSOEnergyWaterHeater)
    assert "_attr_temperature_unit" not in vars(OSOEnergyWaterHeater)
    entity = hass.data["entity_components"]["water_heater"].get_entity(BATHROOM)
    assert isinstance(entity, OSOEnergyWaterHeater)
    assert getattr(entity, legacy) == getattr(entity, native) is not None


async def test_set_temperature(
    hass: HomeAssistant, oso: OSOEnergyVendor, init_integration: MockConfigEntry
) -> None:
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        SERVICE_SET_TEMPERATURE,
        {ATTR_ENTITY_ID: BATHROOM, ATTR_TEMPERATURE: 45.7},
        blocking=True,
    )
    assert oso.heaters[S200].profile == [45.0] * 24
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(BATHROOM).attributes[ATTR_TEMPERATURE] == 45

    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            WATER_HEATER_DOMAIN,
            SERVICE_SET_TEMPERATURE,
            {ATTR_ENTITY_ID: BATHROOM, ATTR_TEMPERATURE: 80},
            blocking=True,
        )
    assert err.value.translation_key == "temperature_out_of_range"
    assert oso.heaters[S200].profile == [45.0] * 24


async def test_turn_on_off(
    hass: HomeAssistant, oso: OSOEnergyVendor, init_integration: MockConfigEntry
) -> None:
    """Built-in turn_on/turn_off force heating until the temperature limit."""
    await hass.services.async_call(
        WATER_HEATER_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: BASEMENT}, blocking=True
    )
    heater = oso.heaters[S300]
    assert (heater.forced, heater.forced_limit) == ("off", True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(BASEMENT).state == "off"
    assert hass.states.get("sensor.basement_heater_heater_mode").state == "powersave"

    await hass.services.async_call(
        WATER_HEATER_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: BASEMENT}, blocking=True
    )
    assert (heater.forced, heater.forced_limit) == ("on", True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(BASEMENT).state == "high_demand"


async def test_away_mode(
    hass: HomeAssistant, oso: OSOEnergyVendor, init_integration: MockConfigEntry
) -> None:
    for away, expected in ((True, "on"), (False, "off")):
        await hass.services.async_call(
            WATER_HEATER_DOMAIN,
            SERVICE_SET_AWAY_MODE,
            {ATTR_ENTITY_ID: BATHROOM, ATTR_AWAY_MODE: away},
            blocking=True,
        )
        assert oso.heaters[S200].power_save is away
        await hass.async_block_till_done(wait_background_tasks=True)
        assert hass.states.get(BATHROOM).attributes[ATTR_AWAY_MODE] == expected
        assert hass.states.get("binary_sensor.bathroom_heater_power_save").state == expected


async def test_high_demand_switch(
    hass: HomeAssistant,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    init_integration: MockConfigEntry,
) -> None:
    switch = "switch.bathroom_heater_high_demand_mode"
    for service, expected in ((SERVICE_TURN_ON, "on"), (SERVICE_TURN_OFF, "off")):
        simulator.log.reset()
        await hass.services.async_call(
            SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: switch}, blocking=True
        )
        assert oso.heaters[S200].extra_energy is (expected == "on")
        await hass.async_block_till_done(wait_background_tasks=True)
        assert hass.states.get(switch).state == expected
        assert hass.states.get("binary_sensor.bathroom_heater_extra_energy").state == expected
        # With the trailing slash, as OSO's Homey client (its one user) sends it.
        method = "POST" if expected == "on" else "DELETE"
        endpoint = f"{method} /osoenergy/1/Device/{{device_id}}/HighDemand/"
        assert simulator.log.count("osoenergy", endpoint) == 1


async def test_rejected_write_raises(
    hass: HomeAssistant, oso: OSOEnergyVendor, init_integration: MockConfigEntry
) -> None:
    """A 400 from the cloud is a translated error carrying the cloud's message."""
    oso.heaters[S200].power_save = True
    with pytest.raises(HomeAssistantError, match="cannot be forced on") as err:
        await hass.services.async_call(
            WATER_HEATER_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: BATHROOM}, blocking=True
        )
    assert err.value.translation_key == "rejected"
    assert oso.heaters[S200].forced is None


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        ({"status": 503}, "cannot_connect"),
        ({"status": 404}, "api_error"),
    ],
)
async def test_failed_write_raises(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    fault: dict,
    key: str,
) -> None:
    simulator.faults.inject("osoenergy", "/1/Device/*/HighDemand/", remaining=1, **fault)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON,
            {ATTR_ENTITY_ID: "switch.basement_heater_high_demand_mode"},
            blocking=True,
        )
    assert err.value.translation_key == key


async def test_write_rate_limited_holds_the_polls(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A command answered 429 fails with ``rate_limited``, and no request at all (poll or
    read-back) is sent until its Retry-After has passed."""
    simulator.faults.inject(
        "osoenergy", "/1/Device/*/HighDemand/", status=429, headers={"Retry-After": "120"}
    )
    simulator.log.reset()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON,
            {ATTR_ENTITY_ID: "switch.bathroom_heater_high_demand_mode"},
            blocking=True,
        )
    assert err.value.translation_key == "rate_limited"
    assert err.value.translation_placeholders == {"seconds": "120"}
    assert simulator.log.count("osoenergy") == 1
    await _refresh(hass, freezer)
    assert simulator.log.count("osoenergy") == 1
    freezer.tick(61)
    await init_integration.runtime_data.coordinator.async_refresh()
    assert simulator.log.count("osoenergy", DEVICE_ALL) == 1


async def test_write_with_expired_key_starts_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    init_integration: MockConfigEntry,
) -> None:
    """A command refused because the key expired: GET /1/Device/All, asked once, refuses it
    too, so the key is refused: one reauth flow."""
    oso.expired.add(API_KEY)
    simulator.log.reset()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            WATER_HEATER_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: BATHROOM}, blocking=True
        )
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert simulator.log.count("osoenergy", DEVICE_ALL) == 1
    assert simulator.log.count("osoenergy") == 2


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize(
    ("path", "domain", "service", "data"),
    [
        ("/1/Device/*/HighDemand/", SWITCH_DOMAIN, SERVICE_TURN_ON, {}),
        ("/1/Device/*/Profile", WATER_HEATER_DOMAIN, SERVICE_SET_TEMPERATURE, {"temperature": 50}),
        ("/1/Device/*/TurnOn*", WATER_HEATER_DOMAIN, SERVICE_TURN_ON, {}),
        (
            "/1/Device/*/HolidayMode/*",
            WATER_HEATER_DOMAIN,
            SERVICE_SET_AWAY_MODE,
            {"away_mode": True},
        ),
    ],
)
async def test_command_refused_by_its_endpoint(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    status: int,
    path: str,
    domain: str,
    service: str,
    data: dict,
) -> None:
    """A command endpoint refuses the key that GET /1/Device/All accepts: the command fails
    with a translated error naming the refusal; no reauth, the entry and its entities stay,
    and polling goes on with the same key."""
    entity_id = "switch.bathroom_heater_high_demand_mode" if domain == SWITCH_DOMAIN else BATHROOM
    simulator.faults.inject(
        "osoenergy", path, status=status, body='{"statusCode": 401, "message": "Access denied"}'
    )
    simulator.log.reset()
    for _ in range(2):
        with pytest.raises(HomeAssistantError) as err:
            await hass.services.async_call(
                domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
            )
        assert err.value.translation_key == "endpoint_refused"
        assert err.value.translation_placeholders == {"status": str(status)}
    await hass.async_block_till_done()
    assert not hass.config_entries.flow.async_progress()
    assert init_integration.state is ConfigEntryState.LOADED
    # Each refusal asked GET /1/Device/All once, which accepted the key.
    assert simulator.log.count("osoenergy", DEVICE_ALL) == 2
    assert simulator.log.count("osoenergy") == 4
    await _refresh(hass, freezer)
    assert hass.states.get(entity_id).state != STATE_UNAVAILABLE
    assert not hass.config_entries.flow.async_progress()


async def test_entity_names_are_distinct(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """No two entities of a heater share a name (the extra energy binary sensor and the
    high demand switch used to both be "Extra energy"); unique ids stay those of before."""
    for device_id in (S200, S300):
        names = [
            hass.states.get(entry.entity_id).attributes["friendly_name"]
            for entry in er.async_entries_for_config_entry(
                entity_registry, init_integration.entry_id
            )
            if entry.unique_id.startswith(device_id) and hass.states.get(entry.entity_id)
        ]
        assert len(names) == len(set(names)), sorted(names)
    switch = entity_registry.async_get("switch.bathroom_heater_high_demand_mode")
    assert switch.unique_id == f"{S200}_high_demand"
    binary = entity_registry.async_get("binary_sensor.bathroom_heater_extra_energy")
    assert binary.unique_id == f"{S200}_extra_energy"
    assert hass.states.get(switch.entity_id).attributes["friendly_name"] == (
        "Bathroom heater High demand mode"
    )
    assert hass.states.get(binary.entity_id).attributes["friendly_name"] == (
        "Bathroom heater Extra energy"
    )


async def test_nan_and_infinity_are_unknown(
    hass: HomeAssistant,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """NaN and infinity from the cloud never reach a state: the values are unknown."""
    heater = oso.heaters[S200]
    served = heater.as_json(oso.clock.timestamp())
    heater.extra["data"] = {
        **served["data"],
        "actualLoadKwh": float("nan"),
        "tappingCapacitykWh": float("inf"),
        "consumedPowerkWh": float("-inf"),
    }
    heater.extra["control"] = {
        **served["control"],
        "currentTemperature": float("nan"),
        "currentTemperatureTop": float("inf"),
        "targetTemperature": float("nan"),
    }
    heater.extra["v40Min"] = float("nan")
    await _refresh(hass, freezer)
    for entity_id in (
        "sensor.bathroom_heater_power",
        "sensor.bathroom_heater_tapping_capacity",
        "sensor.bathroom_heater_consumed_energy",
        "sensor.bathroom_heater_temperature_top",
        "sensor.bathroom_heater_mixed_water_at_40degc",
    ):
        assert hass.states.get(entity_id).state == STATE_UNKNOWN, entity_id
    attributes = hass.states.get(BATHROOM).attributes
    assert attributes["current_temperature"] is None
    assert attributes[ATTR_TEMPERATURE] is None
    # The other readings still come through.
    assert hass.states.get("sensor.bathroom_heater_temperature_middle").state not in (
        STATE_UNKNOWN,
        STATE_UNAVAILABLE,
    )


async def test_sensors_appear_when_values_appear(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A heater that reports nulls at startup gets its consumed-energy and tank sensors as
    soon as it reports values, without a reload, once each; they stay (unknown) if the
    values go away again."""
    heater = oso.heaters[S200]
    served = heater.as_json(oso.clock.timestamp())
    heater.extra["data"] = {**served["data"], "consumedPowerkWh": None}
    heater.extra["control"] = {
        **served["control"],
        **{f"currentTemperature{name}": None for name in ("One", "Low", "Mid", "Top")},
    }
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    dynamic = [
        "sensor.bathroom_heater_consumed_energy",
        "sensor.bathroom_heater_temperature_top",
        "sensor.bathroom_heater_temperature_middle",
        "sensor.bathroom_heater_temperature_bottom",
    ]
    for entity_id in dynamic:
        assert hass.states.get(entity_id) is None, entity_id
    assert hass.states.get("sensor.bathroom_heater_volume") is None  # disabled by default
    entities = len(er.async_entries_for_config_entry(entity_registry, config_entry.entry_id))

    # The values arrive: the next poll brings their sensors.
    heater.extra.clear()
    await _refresh(hass, freezer)
    for entity_id in dynamic:
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE), entity_id
    assert entity_registry.async_get(dynamic[0]).unique_id == f"{S200}_consumed_energy"
    # The heater has no one-wire sensor: still none.
    assert hass.states.get("sensor.bathroom_heater_temperature_one") is None
    after = len(er.async_entries_for_config_entry(entity_registry, config_entry.entry_id))
    assert after == entities + len(dynamic)

    # Nulls again: the sensors stay, unknown; values again: nothing is added twice.
    heater.extra["data"] = {**served["data"], "consumedPowerkWh": None}
    await _refresh(hass, freezer)
    assert hass.states.get(dynamic[0]).state == STATE_UNKNOWN
    heater.extra.clear()
    await _refresh(hass, freezer)
    assert len(er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)) == after
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
