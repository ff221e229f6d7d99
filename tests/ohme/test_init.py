"""Setup, unload, core-entry compatibility and setup failures."""

from __future__ import annotations

import re

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.ohme.const import DOMAIN
from simulator import Simulator
from simulator.core import SimClock
from simulator.ohme import EMAIL, PASSWORD, SERIAL, OhmeVendor

from .conftest import setup_entry

ADVANCED = "GET /ohme/v1/chargeDevices/{serial}/advancedSettings"
LOGIN = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"


async def test_setup_and_unload(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The entry loads, creates one device per charger and unloads."""
    await setup_entry(hass, mock_entry)
    assert mock_entry.state is ConfigEntryState.LOADED
    (device,) = dr.async_entries_for_config_entry(device_registry, mock_entry.entry_id)
    assert device.identifiers == {(DOMAIN, SERIAL)}
    assert device.manufacturer == "Ohme"
    assert device.model == "Home Pro"
    assert device.name == "Ohme Home Pro"
    assert device.serial_number == SERIAL
    assert device.sw_version == "v2.65"
    assert await hass.config_entries.async_unload(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_entry.state is ConfigEntryState.NOT_LOADED


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_core_entry_loads_with_real_urls(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    entity_registry: er.EntityRegistry,
) -> None:
    """An entry created by HA core's ohme ({email, password}, v1, no unique_id) loads as is.

    Without an API URL the client talks to the real Google and Ohme hosts (mocked here with
    the simulator's JSON), and the unique_ids are core's ``<serial>_<key>``.
    """
    vendor = OhmeVendor(SimClock(frozen=True))
    aioclient_mock.post(
        "https://www.googleapis.com/identitytoolkit/v3/relyingparty/verifyPassword",
        json={"idToken": "id-1", "refreshToken": "refresh-1", "localId": "user"},
    )
    aioclient_mock.get("https://api.ohme.io/v1/users/me/account", json=vendor.account_json())
    aioclient_mock.get("https://api.ohme.io/v1/chargeSessions", json=vendor.session_json())
    aioclient_mock.get(
        "https://api.ohme.io/v1/chargeSessions/nextSessionInfo", json={"rule": vendor.rule}
    )
    aioclient_mock.get(
        re.compile(r"^https://api\.ohme\.io/v1/chargeSessions/summary/users/user\?endTs=\d+"),
        json={"stats": [], "granularity": "HOUR"},
    )
    entry = MockConfigEntry(
        domain=DOMAIN, title=EMAIL, version=1, data={"email": EMAIL, "password": PASSWORD}
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id is None
    login = aioclient_mock.mock_calls[0]
    assert login[0] == "POST"
    assert str(login[1]).endswith(f"verifyPassword?key={vendor_key()}")
    assert login[2] == {"email": EMAIL, "password": PASSWORD, "returnSecureToken": "True"}
    assert aioclient_mock.mock_calls[1][3]["Authorization"] == "Firebase id-1"
    assert entity_registry.async_get_entity_id("sensor", DOMAIN, f"{SERIAL}_energy")
    assert entity_registry.async_get_entity_id("number", DOMAIN, f"{SERIAL}_target_percentage")
    # login, account, session, next rule, and the energy delivered sensor's first read
    assert len(aioclient_mock.mock_calls) == 5


def vendor_key() -> str:
    """Return Ohme's public Google API key."""
    from custom_components.ohme.api import GOOGLE_API_KEY

    return GOOGLE_API_KEY


async def test_setup_wrong_password_starts_reauth(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor
) -> None:
    """Refused credentials at setup start the reauth flow."""
    vendor.password = "changed"
    await setup_entry(hass, mock_entry)
    assert mock_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.parametrize("path", ["/v1/users/me/account", "/v1/chargeSessions"])
async def test_setup_cloud_failure_retries(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, path: str
) -> None:
    """A cloud failure at setup means retry later."""
    simulator.faults.inject("ohme", path, status=503)
    await setup_entry(hass, mock_entry)
    assert mock_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_without_charger(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An account without a charger cannot be set up."""
    simulator.faults.inject("ohme", "/v1/users/me/account", status=200, body='{"cars": null}')
    await setup_entry(hass, mock_entry)
    assert mock_entry.state is ConfigEntryState.SETUP_ERROR


async def test_ct_current_removed_on_upgrade(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """The CT current sensor of earlier versions leaves the registry; advancedSettings is not read.

    Ohme refuses advancedSettings to every account since 2025-11-18 (the simulator does too):
    the upgraded entry sets up with one login, no reauth flow and no request to it.
    """
    mock_entry.add_to_hass(hass)
    old = entity_registry.async_get_or_create(
        "sensor", DOMAIN, f"{SERIAL}_ct_current", config_entry=mock_entry
    )
    kept = entity_registry.async_get_or_create(
        "sensor", DOMAIN, f"{SERIAL}_power", config_entry=mock_entry
    )
    await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_entry.state is ConfigEntryState.LOADED
    assert entity_registry.async_get(old.entity_id) is None
    assert entity_registry.async_get(kept.entity_id) is not None
    assert hass.states.get(kept.entity_id).state == "0.0"
    assert hass.config_entries.flow.async_progress() == []
    assert simulator.log.count("ohme", ADVANCED) == 0
    assert simulator.log.count("ohme", LOGIN) == 1
