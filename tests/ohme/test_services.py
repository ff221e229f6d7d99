"""The list_charge_slots and set_price_cap actions."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.ohme.const import DOMAIN
from simulator import Simulator
from simulator.ohme import OhmeVendor

from .conftest import Advance, setup_entry


async def _slots(hass: HomeAssistant, entry_id: str) -> dict:
    return await hass.services.async_call(
        DOMAIN, "list_charge_slots", {"config_entry": entry_id}, blocking=True, return_response=True
    )


async def test_list_charge_slots(
    hass: HomeAssistant, mock_entry: MockConfigEntry, advance: Advance
) -> None:
    """Slots are merged, in local time with a time zone, in kW and kWh; none when unplugged."""
    # Berlin is UTC+1 in January: the slots start at 12:25 UTC, i.e. 13:25 local time.
    await hass.config.async_set_time_zone("Europe/Berlin")
    await setup_entry(hass, mock_entry)
    assert await _slots(hass, mock_entry.entry_id) == {"slots": []}
    await advance(630)
    assert await _slots(hass, mock_entry.entry_id) == {
        "slots": [
            {
                "start": "2026-01-15T13:25:00+01:00",
                "end": "2026-01-15T14:55:00+01:00",
                "power": 7.0,
                "energy": 10.5,
            },
            {
                "start": "2026-01-15T15:55:00+01:00",
                "end": "2026-01-15T16:55:00+01:00",
                "power": 7.0,
                "energy": 7.0,
            },
        ]
    }
    assert hass.states.get("sensor.ohme_home_pro_charge_slots").state == "13:25-14:55, 15:55-16:55"


async def test_list_charge_slots_bad_entry(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Unknown and unloaded entries are refused with translated errors."""
    await setup_entry(hass, mock_entry)
    with pytest.raises(ServiceValidationError) as err:
        await _slots(hass, "not-an-entry")
    assert err.value.translation_key == "invalid_config_entry"
    await hass.config_entries.async_unload(mock_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _slots(hass, mock_entry.entry_id)
    assert err.value.translation_key == "unloaded_config_entry"


async def test_set_price_cap(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor
) -> None:
    """The price cap value is written to the account settings."""
    await setup_entry(hass, mock_entry)
    await hass.services.async_call(
        DOMAIN,
        "set_price_cap",
        {"config_entry": mock_entry.entry_id, "price_cap": 12.5},
        blocking=True,
    )
    assert vendor.user_settings["chargeSettings"][0]["value"] == 12.5
    assert mock_entry.runtime_data.account.data.price_cap == 12.5


async def test_set_price_cap_unavailable_on_dsr_tariffs(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, simulator: Simulator
) -> None:
    """Where Ohme manages the price (DSR tariff) the cap is refused, not written."""
    vendor.tariff = {"dsrTariff": True}
    await setup_entry(hass, mock_entry)
    assert hass.states.get("switch.ohme_home_pro_price_cap") is None
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_price_cap",
            {"config_entry": mock_entry.entry_id, "price_cap": 12.5},
            blocking=True,
        )
    assert err.value.translation_key == "price_cap_unavailable"
    assert simulator.log.count("ohme", "PUT /ohme/v1/users/me/settings") == 0
    assert simulator.log.count("ohme", "GET /ohme/v1/users/me/settings") == 0
    assert vendor.user_settings["chargeSettings"][0]["value"] == 25


async def test_set_price_cap_bad_input(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor
) -> None:
    """A negative or non-numeric cap is refused and changes nothing."""
    await setup_entry(hass, mock_entry)
    for bad in (-1, "cheap"):
        with pytest.raises(vol.Invalid):
            await hass.services.async_call(
                DOMAIN,
                "set_price_cap",
                {"config_entry": mock_entry.entry_id, "price_cap": bad},
                blocking=True,
            )
    assert vendor.user_settings["chargeSettings"][0]["value"] == 25


async def test_set_price_cap_cloud_failure(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A cloud failure becomes a translated HomeAssistantError."""
    await setup_entry(hass, mock_entry)
    simulator.faults.inject("ohme", "/v1/users/me/settings", status=503)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_price_cap",
            {"config_entry": mock_entry.entry_id, "price_cap": 10},
            blocking=True,
        )
    assert err.value.translation_key == "cannot_connect"
    assert err.value.translation_placeholders == {
        "error": "Ohme API error: /v1/users/me/settings answered HTTP 503"
    }


async def test_set_price_cap_settings_without_cap(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Settings without a price cap are reported, not crashed on."""
    await setup_entry(hass, mock_entry)
    simulator.faults.inject("ohme", "/v1/users/me/settings", status=200, body="{}")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_price_cap",
            {"config_entry": mock_entry.entry_id, "price_cap": 10},
            blocking=True,
        )
    assert err.value.translation_key == "api_error"
    assert err.value.translation_placeholders == {"error": "Ohme settings have no price cap"}
