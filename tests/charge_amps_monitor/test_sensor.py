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

from simulator import Simulator
from simulator.chargeamps import ChargeAmpsVendor

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
    # The Schuko socket reports one phase: the others are unknown, not zero.
    assert integer_states["2211072179M_c2_current_l1"] == "8.0"
    assert integer_states["2211072179M_c2_current_l2"] == STATE_UNKNOWN
    assert integer_states["2211072179M_c2_voltage_l3"] == STATE_UNKNOWN
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
