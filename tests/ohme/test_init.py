"""Setup, unload, core-entry compatibility and setup failures."""

from __future__ import annotations

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

from .conftest import Advance, setup_entry

CT = "sensor.ohme_home_pro_ct_current"
ADVANCED = "GET /ohme/v1/chargeDevices/{serial}/advancedSettings"


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
        f"https://api.ohme.io/v1/chargeDevices/{SERIAL}/advancedSettings",
        json={"clampConnected": True, "clampAmps": 4.5, "online": True},
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
    assert hass.states.get("sensor.ohme_home_pro_ct_current").state == "4.5"


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


async def test_no_ct_sensor_when_advanced_settings_fail(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Chargers whose advancedSettings fail simply get no CT sensor (and no CT polling)."""
    simulator.faults.inject("ohme", "/v1/chargeDevices/*/advancedSettings", status=404)
    await setup_entry(hass, mock_entry)
    assert mock_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.ohme_home_pro_ct_current") is None
    assert mock_entry.runtime_data.ct is None


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_ct_probe_retried_after_a_transient_failure(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    entity_registry: er.EntityRegistry,
) -> None:
    """A CT probe that failed at setup is retried with the next account poll."""
    simulator.faults.inject("ohme", "/v1/chargeDevices/*/advancedSettings", status=503, remaining=2)
    await setup_entry(hass, mock_entry)
    assert mock_entry.runtime_data.ct is None
    assert hass.states.get(CT) is None
    await advance(1800)  # still failing: tried again with the next poll
    assert mock_entry.runtime_data.ct is None
    assert mock_entry.runtime_data.account.ct_probe is not None
    await advance(1800)
    assert mock_entry.runtime_data.ct is not None
    assert mock_entry.runtime_data.account.ct_probe is None
    entity = entity_registry.async_get(CT)
    assert entity is not None
    assert entity.unique_id == f"{SERIAL}_ct_current"
    assert float(hass.states.get(CT).state) > 0
    probes = simulator.log.count("ohme", ADVANCED)
    await advance(60)
    assert simulator.log.count("ohme", ADVANCED) == probes + 1  # the sensor polls every minute


async def test_ct_probe_not_retried_when_refused(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """A charger that refuses advancedSettings (HTTP 4xx) is not probed again."""
    simulator.faults.inject("ohme", "/v1/chargeDevices/*/advancedSettings", status=404)
    await setup_entry(hass, mock_entry)
    await advance(1800)
    assert mock_entry.runtime_data.account.ct_probe is None
    assert simulator.log.count("ohme", ADVANCED) == 1
