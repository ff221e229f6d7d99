"""Tests of the config flow (user, advanced, reauth, reconfigure, options)."""

from __future__ import annotations

from collections.abc import Generator
import time
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.charge_amps_monitor.const import (
    CONF_BASE_URL,
    CONF_HOST_NAME,
    CONF_TOKEN_VALID_UNTIL,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
)
from simulator import Simulator
from simulator.chargeamps import ACCOUNT_EMAIL, ACCOUNT_PASSWORD, ChargeAmpsVendor, read_jwt

CREDENTIALS = {CONF_EMAIL: ACCOUNT_EMAIL, CONF_PASSWORD: ACCOUNT_PASSWORD}


@pytest.fixture(autouse=True)
def mock_setup_entry() -> Generator[AsyncMock]:
    """Do not set the entry up after the flow."""
    with patch(
        "custom_components.charge_amps_monitor.async_setup_entry", return_value=True
    ) as mock:
        yield mock


@pytest.fixture
def sim_url(simulator: Simulator) -> Generator[str]:
    """Point the default base URL of the flow at the simulator."""
    url = simulator.url("chargeamps")
    with patch("custom_components.charge_amps_monitor.config_flow.DEFAULT_BASE_URL", url):
        yield url


def advanced(url: str, **extra: Any) -> dict[str, Any]:
    return {CONF_HOST_NAME: "my.charge.space", CONF_BASE_URL: url, CONF_UPDATE_INTERVAL: 60} | extra


async def start(hass: HomeAssistant, *, show_advanced: bool) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER, "show_advanced_options": show_advanced}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return dict(result)


async def test_user_flow(hass: HomeAssistant, sim_url: str, vendor: ChargeAmpsVendor) -> None:
    result = await start(hass, show_advanced=False)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_EMAIL: " Demo@ChargeAmps.example ", CONF_PASSWORD: ACCOUNT_PASSWORD},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Demo@ChargeAmps.example"
    data = dict(result["data"])
    token = data.pop(CONF_TOKEN)
    assert read_jwt(token)["jti"] in vendor.active_tokens
    assert data.pop(CONF_TOKEN_VALID_UNTIL) > time.time()
    assert data == {
        CONF_EMAIL: "Demo@ChargeAmps.example",
        CONF_PASSWORD: ACCOUNT_PASSWORD,
        CONF_HOST_NAME: "my.charge.space",
        CONF_BASE_URL: sim_url,
    }
    assert result["options"] == {CONF_UPDATE_INTERVAL: 60}
    assert result["result"].unique_id == ACCOUNT_EMAIL
    assert vendor.logins == 1


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"status": 500}, "cannot_connect"),
        ({"malformed": True}, "cannot_connect"),
        (None, "invalid_auth"),
    ],
)
async def test_user_flow_errors_recover(
    hass: HomeAssistant,
    sim_url: str,
    simulator: Simulator,
    fault: dict[str, Any] | None,
    error: str,
) -> None:
    result = await start(hass, show_advanced=False)
    user_input = dict(CREDENTIALS)
    if fault is None:
        user_input[CONF_PASSWORD] = "wrong"
    else:
        simulator.faults.inject("chargeamps", "/api/auth/login", remaining=1, **fault)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_unknown_error(hass: HomeAssistant, sim_url: str) -> None:
    result = await start(hass, show_advanced=False)
    with patch(
        "custom_components.charge_amps_monitor.config_flow.ChargeAmpsClient.async_login",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_advanced_flow(
    hass: HomeAssistant, simulator: Simulator, vendor: ChargeAmpsVendor
) -> None:
    url = simulator.url("chargeamps")
    result = await start(hass, show_advanced=True)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    # The credentials are not checked yet: the base URL they are checked against comes next.
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "advanced"
    assert vendor.logins == 0
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        advanced(f" {url}/ ", **{CONF_UPDATE_INTERVAL: 120, CONF_HOST_NAME: " my.charge.space "}),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] | {CONF_TOKEN: None, CONF_TOKEN_VALID_UNTIL: None} == {
        **CREDENTIALS,
        CONF_HOST_NAME: "my.charge.space",
        CONF_BASE_URL: url,
        CONF_TOKEN: None,
        CONF_TOKEN_VALID_UNTIL: None,
    }
    assert result["options"] == {CONF_UPDATE_INTERVAL: 120}
    assert vendor.logins == 1
    assert vendor.last_login["hostName"] == "my.charge.space"


async def test_advanced_flow_errors(
    hass: HomeAssistant, simulator: Simulator, vendor: ChargeAmpsVendor
) -> None:
    url = simulator.url("chargeamps")
    result = await start(hass, show_advanced=True)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    flow_id = result["flow_id"]

    result = await hass.config_entries.flow.async_configure(flow_id, advanced("ftp://example"))
    assert result["step_id"] == "advanced"
    assert result["errors"] == {CONF_BASE_URL: "invalid_base_url"}

    result = await hass.config_entries.flow.async_configure(flow_id, advanced("http://[::1"))
    assert result["errors"] == {CONF_BASE_URL: "invalid_base_url"}

    # The API host is sent as hostName and in Origin/Referer: it must be a bare host name.
    for host in ("", "   ", "https://my.charge.space", "my charge.space", "[::1", "host:port"):
        result = await hass.config_entries.flow.async_configure(
            flow_id, advanced(url, **{CONF_HOST_NAME: host})
        )
        assert result["step_id"] == "advanced"
        assert result["errors"] == {CONF_HOST_NAME: "invalid_host"}, host
    assert vendor.logins == 0

    # A wrong base URL: the service is not there.
    result = await hass.config_entries.flow.async_configure(flow_id, advanced(f"{url}/nowhere"))
    assert result["step_id"] == "advanced"
    assert result["errors"] == {"base": "cannot_connect"}

    # Refused credentials go back to the credentials step.
    vendor.password = "changed"
    result = await hass.config_entries.flow.async_configure(flow_id, advanced(url))
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_EMAIL: ACCOUNT_EMAIL, CONF_PASSWORD: "changed"}
    )
    assert result["step_id"] == "advanced"
    result = await hass.config_entries.flow.async_configure(flow_id, advanced(url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == "changed"


async def test_already_configured(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await start(hass, show_advanced=False)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL: "DEMO@chargeamps.example", CONF_PASSWORD: "x"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert vendor.logins == 0


async def test_reauth(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    mock_config_entry.add_to_hass(hass)
    vendor.password = "new-password"
    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["email"] == ACCOUNT_EMAIL
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: ACCOUNT_PASSWORD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "new-password"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_config_entry.data[CONF_PASSWORD] == "new-password"
    assert mock_config_entry.data[CONF_EMAIL] == ACCOUNT_EMAIL
    # The token of the successful check is saved for the reload.
    assert read_jwt(mock_config_entry.data[CONF_TOKEN])["jti"] == vendor.active_tokens[-1]


async def test_reconfigure(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    mock_config_entry.add_to_hass(hass)
    vendor.password = "new-password"
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert set(result["data_schema"].schema) == {CONF_EMAIL, CONF_PASSWORD}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL: ACCOUNT_EMAIL, CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL: ACCOUNT_EMAIL.upper(), CONF_PASSWORD: "new-password"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_PASSWORD] == "new-password"
    assert mock_config_entry.data[CONF_EMAIL] == ACCOUNT_EMAIL.upper()


async def test_reconfigure_advanced(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    mock_config_entry.add_to_hass(hass)
    url = simulator.url("chargeamps")
    result = await mock_config_entry.start_reconfigure_flow(hass, show_advanced_options=True)
    assert set(result["data_schema"].schema) == {
        CONF_EMAIL,
        CONF_PASSWORD,
        CONF_HOST_NAME,
        CONF_BASE_URL,
    }
    user_input = {**CREDENTIALS, CONF_HOST_NAME: "my.charge.space", CONF_BASE_URL: "not a url"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["errors"] == {CONF_BASE_URL: "invalid_base_url"}
    user_input[CONF_HOST_NAME] = " "
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["errors"] == {
        CONF_HOST_NAME: "invalid_host",
        CONF_BASE_URL: "invalid_base_url",
    }
    user_input[CONF_HOST_NAME] = "my.charge.space:443"
    user_input[CONF_BASE_URL] = f"{url}/"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_BASE_URL] == url


async def test_reconfigure_wrong_account(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL: "someone@else.example", CONF_PASSWORD: "x"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert mock_config_entry.data[CONF_EMAIL] == ACCOUNT_EMAIL


async def test_options_flow(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_UPDATE_INTERVAL: 300}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {CONF_UPDATE_INTERVAL: 300}


async def test_options_flow_range(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    with pytest.raises(InvalidData, match="update_interval"):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_UPDATE_INTERVAL: 5}
        )
    assert mock_config_entry.options == {CONF_UPDATE_INTERVAL: 60}
