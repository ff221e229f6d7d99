"""Tests of the diagnostics."""

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

from simulator.chargeamps import ACCOUNT_EMAIL, ACCOUNT_PASSWORD, AURA_ID, HALO_ID


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    text = json.dumps(result)
    for secret in (ACCOUNT_EMAIL, ACCOUNT_PASSWORD, HALO_ID, AURA_ID, "Garage"):
        assert secret not in text
    assert result["client"]["logins"] == 1
    assert len(result["charge_points"]) == 2
    result["client"]["api_url"] = "<simulator>"
    result["entry"]["data"]["api_url"] = "<simulator>"
    assert result == snapshot(
        exclude=props("entry_id", "created_at", "modified_at", "token_valid_until")
    )
