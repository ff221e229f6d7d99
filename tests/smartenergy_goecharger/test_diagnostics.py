"""Diagnostics redact the token, serial, URL and names."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from .conftest import SERIAL, TOKEN


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    result = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    text = json.dumps(result)
    assert TOKEN not in text
    assert SERIAL not in text
    assert "127.0.0.1" not in text
    assert result["status"]["car_state"] == "charging"
    assert result == snapshot(
        exclude=props("entry_id", "created_at", "modified_at", "last_modified")
    )
