"""Tests of the sensor and binary sensor platforms."""

from __future__ import annotations

import json
from unittest.mock import patch

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.charge_amps_monitor.const import DOMAIN
from simulator import Simulator
from simulator.chargeamps import HALO_ID, ChargeAmpsVendor

HALO = "sensor.garage"
AURA = "sensor.carport"


async def setup(hass: HomeAssistant, entry: MockConfigEntry, platforms: list[Platform]) -> None:
    with patch("custom_components.charge_amps_monitor.PLATFORMS", platforms):
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.BINARY_SENSOR])
async def test_platform_snapshot(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    await setup(hass, mock_config_entry, [platform])
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


def states_of(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    registry = er.async_get(hass)
    return {
        e.unique_id: hass.states.get(e.entity_id).state  # type: ignore[union-attr]
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if hass.states.get(e.entity_id) is not None
    }


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_integer_and_string_forms_agree(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    """Integer codes (as documented) and the names the live API sends give the same states."""
    await setup(hass, mock_config_entry, [Platform.SENSOR, Platform.BINARY_SENSOR])
    integer_states = states_of(hass, mock_config_entry)
    assert vendor.status_form == "integer"

    vendor.status_form = "string"
    vendor.numbers_as_strings = True
    await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert states_of(hass, mock_config_entry) == integer_states

    # Spot checks at 12:00 UTC: Halo charging on both connectors, Aura left idle, right charging.
    assert integer_states["2211072179M_charger_status"] == "online"
    assert integer_states["2211072179M_online"] == STATE_ON
    assert integer_states["2211072179M_c1_connector_status"] == "charging"
    assert integer_states["2211072179M_c1_charging"] == STATE_ON
    assert integer_states["2306150042A_c1_connector_status"] == "available"
    assert integer_states["2306150042A_c1_charging"] == STATE_OFF
    assert integer_states["2306150042A_c1_power"] == "0.0"
    # The Schuko socket reports one phase: it has no entities for the others.
    assert integer_states["2211072179M_c2_current_l1"] == "8.0"
    assert "2211072179M_c2_current_l2" not in integer_states
    assert "2211072179M_c2_voltage_l3" not in integer_states
    assert float(integer_states["2211072179M_c2_power"]) == pytest.approx(8 * 232.5, abs=30)


async def test_unknown_statuses(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    vendor: ChargeAmpsVendor,
    simulator: Simulator,
) -> None:
    """Values the integration does not know become unknown, not errors."""
    now = simulator.clock.timestamp()
    payload = [
        cp.as_json(now, offline=False, form="string", as_strings=False)
        for cp in vendor.charge_points.values()
    ]
    payload[0]["chargePointStatus"] = "Rebooting"
    payload[0]["connectors"][0]["ocppStatus"] = "Occupied"
    simulator.faults.inject(
        "chargeamps", "/api/users/chargepoints/owned", status=200, body=json.dumps(payload)
    )
    await setup(hass, mock_config_entry, [Platform.SENSOR, Platform.BINARY_SENSOR])
    assert hass.states.get("sensor.garage_charger_status").state == STATE_UNKNOWN
    assert hass.states.get("binary_sensor.garage_online").state == STATE_UNKNOWN
    assert hass.states.get("sensor.garage_connector_1_status").state == STATE_UNKNOWN
    # isCharging still says what the connector does.
    assert hass.states.get("binary_sensor.garage_connector_1_charging").state == STATE_ON
    assert hass.states.get("sensor.carport_connector_1_status").state == "available"
    assert STATE_UNAVAILABLE not in {
        s.state for s in hass.states.async_all() if s.entity_id.startswith("sensor.garage")
    }


PHASE_KEYS = [f"{kind}_l{phase}" for phase in (1, 2, 3) for kind in ("current", "voltage")]


def phase_entities(hass: HomeAssistant, connector: int) -> dict[str, str]:
    """Return the phase entities of a Halo connector: unique-id key -> entity id."""
    registry = er.async_get(hass)
    found = {}
    for key in PHASE_KEYS:
        entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"{HALO_ID}_c{connector}_{key}")
        if entity_id is not None:
            found[key] = entity_id
    return found


async def test_single_phase_connector(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    """A single-phase connector gets entities for its one phase, not L2/L3 stuck at unknown.

    A phase that starts reporting gets its entities at the next poll, without a reload, and
    entities of earlier versions keep their unique and entity ids.
    """
    registry = er.async_get(hass)
    mock_config_entry.add_to_hass(hass)
    # Left by an earlier version, which created every phase of every connector.
    old = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{HALO_ID}_c2_current_l2",
        config_entry=mock_config_entry,
        suggested_object_id="garage_connector_2_current_l2",
    )
    await setup(hass, mock_config_entry, [Platform.SENSOR])

    # The three-phase charging cable: every phase, with the unique ids they always had.
    assert phase_entities(hass, 1) == {
        key: f"sensor.garage_connector_1_{key}" for key in PHASE_KEYS
    }
    assert hass.states.get("sensor.garage_connector_1_current_l3").state == "16.0"
    # The Schuko socket reports L1 only: no entity for L2 and L3 is created (current_l2 is
    # the earlier version's registry entry).
    assert set(phase_entities(hass, 2)) == {"current_l1", "voltage_l1", "current_l2"}
    assert hass.states.get("sensor.garage_connector_2_current_l1").state == "8.0"
    assert hass.states.get("sensor.garage_connector_2_current_l3") is None
    # The entity of an earlier version is not provided while the phase is not reported, but
    # kept (with the user's settings) for when it is.
    assert hass.states.get(old.entity_id) is None
    assert registry.async_get(old.entity_id) is not None

    # The socket starts reporting a second phase: its entities come with the next poll.
    schuko = vendor.charge_points[HALO_ID].connectors[1]
    assert (schuko.connector_id, schuko.phases) == (2, 1)
    schuko.phases = 2
    await mock_config_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert set(phase_entities(hass, 2)) == {"current_l1", "voltage_l1", "current_l2", "voltage_l2"}
    assert phase_entities(hass, 2)["current_l2"] == old.entity_id
    assert hass.states.get(old.entity_id).state == "8.0"
    # Voltages stay disabled by default, as on three-phase connectors.
    voltage = registry.async_get(phase_entities(hass, 2)["voltage_l2"])
    assert voltage is not None
    assert voltage.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get("sensor.garage_connector_2_current_l3") is None
