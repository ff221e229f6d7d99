"""Diagnostics: useful content, no credentials or personal data."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.ohme.diagnostics import async_get_config_entry_diagnostics
from simulator.ohme import EMAIL, PASSWORD, SERIAL, OhmeVendor

from .conftest import Advance, setup_entry


async def test_diagnostics(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    advance: Advance,
    snapshot: SnapshotAssertion,
    vendor: OhmeVendor,
) -> None:
    """Diagnostics show the coordinators' data, redacted (car names too, models kept)."""
    vendor.cars[1]["name"] = "Grandma's runabout"
    await setup_entry(hass, mock_entry)
    await advance(630)
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_entry)
    text = json.dumps(diagnostics, default=str)
    for secret in (EMAIL, PASSWORD, SERIAL, "sim-user-0001", "Grandma"):
        assert secret not in text
    diagnostics["entry"]["data"].pop("api_url")
    assert diagnostics == snapshot
