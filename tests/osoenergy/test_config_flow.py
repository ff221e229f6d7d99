"""Config flow tests: user, reauth and reconfigure against the simulator."""

from __future__ import annotations

from aioresponses import aioresponses
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.osoenergy.api import DEFAULT_BASE_URL
from custom_components.osoenergy.const import DOMAIN
from simulator import Simulator
from simulator.osoenergy import API_KEY, EMAIL, OTHER_API_KEY, OSOEnergyVendor


async def test_user_flow_default_url(hass: HomeAssistant) -> None:
    """Without advanced mode only the key is asked; data is exactly what core stores."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {}
    assert list(result["data_schema"].schema) == ["api_key"]
    with aioresponses() as mock:
        mock.get(f"{DEFAULT_BASE_URL}/1/User/Details", payload={"email": "a@b.c"})
        mock.get(f"{DEFAULT_BASE_URL}/1/Device/All", payload=[])
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"api_key": "valid subscription key"}
        )
        await hass.async_block_till_done()
        request = next(iter(mock.requests.values()))[0]
        assert request.kwargs["headers"]["Ocp-Apim-Subscription-Key"] == "valid subscription key"
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "a@b.c"
    assert result["data"] == {"api_key": "valid subscription key"}
    assert result["result"].unique_id == "a@b.c"


async def test_user_flow_advanced(hass: HomeAssistant, simulator: Simulator) -> None:
    """Advanced mode offers the API URL; errors are shown and the user can recover."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER, "show_advanced_options": True}
    )
    assert list(result["data_schema"].schema) == ["api_key", "base_url"]
    url = simulator.url("osoenergy")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "wrong", "base_url": url}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    simulator.faults.inject("osoenergy", "/1/User/Details", status=503, remaining=1)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY, "base_url": url}
    )
    assert result["errors"] == {"base": "cannot_connect"}

    simulator.faults.inject("osoenergy", "/1/User/Details", malformed=True, remaining=1)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY, "base_url": url}
    )
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY, "base_url": url + "/"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == EMAIL
    assert result["data"] == {"api_key": API_KEY, "base_url": url}
    await hass.async_block_till_done()


@pytest.mark.parametrize("status", [401, 403])
async def test_user_flow_key_refused(hass: HomeAssistant, status: int) -> None:
    """401 and 403 are both an invalid key."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    with aioresponses() as mock:
        mock.get(f"{DEFAULT_BASE_URL}/1/User/Details", status=status)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"api_key": "expired"}
        )
    assert result["errors"] == {"base": "invalid_auth"}


async def test_user_flow_already_configured(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    """The same account cannot be added twice."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER, "show_advanced_options": True}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY, "base_url": simulator.url("osoenergy")}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(
    hass: HomeAssistant,
    oso: OSOEnergyVendor,
    init_integration: MockConfigEntry,
) -> None:
    """A new key of the same account replaces the old one; another account is refused."""
    entry = init_integration
    oso.keys["renewed-key"] = EMAIL
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["account"] == EMAIL

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "nonsense"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": OTHER_API_KEY}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data["api_key"] == API_KEY

    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "renewed-key"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data == {"api_key": "renewed-key", "base_url": init_integration.data["base_url"]}
    await hass.async_block_till_done()


async def test_reconfigure(
    hass: HomeAssistant, oso: OSOEnergyVendor, init_integration: MockConfigEntry
) -> None:
    """Reconfigure changes key and URL of the same account only."""
    entry = init_integration
    url = entry.data["base_url"]
    oso.keys["second-key"] = EMAIL
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    # The entry uses a custom URL, so the field is shown even without advanced mode.
    assert list(result["data_schema"].schema) == ["api_key", "base_url"]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "nonsense", "base_url": url}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": OTHER_API_KEY, "base_url": url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "second-key", "base_url": url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {"api_key": "second-key", "base_url": url}
    await hass.async_block_till_done()


async def test_reconfigure_core_entry(hass: HomeAssistant) -> None:
    """A core-style entry (default URL) is reconfigured with the key only."""
    entry = MockConfigEntry(domain=DOMAIN, title="a@b.c", unique_id="a@b.c", data={"api_key": "k"})
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert list(result["data_schema"].schema) == ["api_key"]
    with aioresponses() as mock:
        mock.get(f"{DEFAULT_BASE_URL}/1/User/Details", payload={"email": "a@b.c"})
        mock.get(f"{DEFAULT_BASE_URL}/1/Device/All", payload=[])
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"api_key": "new"}
        )
        await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {"api_key": "new"}
