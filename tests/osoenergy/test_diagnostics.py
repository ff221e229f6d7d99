"""Diagnostics: the state of every heater, with the key and the account redacted."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from simulator.osoenergy import API_KEY, EMAIL


async def test_diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, init_integration: MockConfigEntry
) -> None:
    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    text = str(result)
    assert API_KEY not in text
    assert EMAIL not in text
    assert result["entry"]["data"]["api_key"] == "**REDACTED**"
    assert result["entry"]["title"] == "**REDACTED**"
    assert result["last_update_success"] is True
    assert result["update_interval"] == 60
    assert [device["device_type"] for device in result["devices"]] == ["SAGA S200", "SAGA S300"]
    assert result["devices"][0]["current_temperature"] == 52.0
