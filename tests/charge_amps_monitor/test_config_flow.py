"""Tests of the config flow (user with its advanced section, reauth, reconfigure, options)."""

from __future__ import annotations

from collections.abc import Generator, Mapping
import time
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_SCAN_INTERVAL, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData, section
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.charge_amps_monitor.config_flow import SECTION_ADVANCED
from custom_components.charge_amps_monitor.const import (
    CONF_API_URL,
    CONF_HOST_NAME,
    CONF_TOKEN_ACCEPTED,
    CONF_TOKEN_VALID_UNTIL,
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
    with patch("custom_components.charge_amps_monitor.config_flow.DEFAULT_API_URL", url):
        yield url


def advanced(url: str, **extra: Any) -> dict[str, Any]:
    return {CONF_HOST_NAME: "my.charge.space", CONF_API_URL: url, CONF_SCAN_INTERVAL: 60} | extra


def form(email: str = ACCOUNT_EMAIL, password: str = ACCOUNT_PASSWORD, **section: Any) -> dict:
    """Return the user form's input with the advanced section as the frontend sends it."""
    return {CONF_EMAIL: email, CONF_PASSWORD: password, SECTION_ADVANCED: section}


def suggested(result: Mapping[str, Any]) -> dict[str, Any]:
    """Return the suggested values of a form, the advanced section's nested."""
    values: dict[str, Any] = {}
    for key, value in result["data_schema"].schema.items():
        if isinstance(value, section):
            values[str(key)] = {
                str(k): k.description["suggested_value"]
                for k in value.schema.schema
                if k.description and "suggested_value" in k.description
            }
        elif key.description and "suggested_value" in key.description:
            values[str(key)] = key.description["suggested_value"]
    return values


async def start(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return dict(result)


async def test_user_form(hass: HomeAssistant) -> None:
    """One form: credentials, and the expert settings in a collapsed section with defaults."""
    result = await start(hass)
    schema = result["data_schema"].schema
    assert [str(key) for key in schema] == [CONF_EMAIL, CONF_PASSWORD, SECTION_ADVANCED]
    advanced_section = schema[SECTION_ADVANCED]
    assert isinstance(advanced_section, section)
    assert advanced_section.options == {"collapsed": True}
    defaults = {str(key): key.default() for key in advanced_section.schema.schema}
    assert defaults == {
        CONF_HOST_NAME: "my.charge.space",
        CONF_API_URL: "https://my.charge.space",
        CONF_SCAN_INTERVAL: 60,
    }
    # An untouched section validates to its defaults.
    assert result["data_schema"](form())[SECTION_ADVANCED] == defaults


async def test_user_flow(hass: HomeAssistant, sim_url: str, vendor: ChargeAmpsVendor) -> None:
    """A user who does not open the section submits once and is done."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(" Demo@ChargeAmps.example ")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Demo@ChargeAmps.example"
    data = dict(result["data"])
    token = data.pop(CONF_TOKEN)
    assert read_jwt(token)["jti"] in vendor.active_tokens
    assert data.pop(CONF_TOKEN_VALID_UNTIL) > time.time()
    # The charge point list has not answered to this token yet.
    assert data.pop(CONF_TOKEN_ACCEPTED) is False
    assert data == {
        CONF_EMAIL: "Demo@ChargeAmps.example",
        CONF_PASSWORD: ACCOUNT_PASSWORD,
        CONF_HOST_NAME: "my.charge.space",
        CONF_API_URL: sim_url,
    }
    assert result["options"] == {CONF_SCAN_INTERVAL: 60}
    assert result["result"].unique_id == ACCOUNT_EMAIL
    # Saved with the keys of version 1.2: nothing to migrate.
    assert (result["result"].version, result["result"].minor_version) == (1, 2)
    assert vendor.logins == 1
    assert vendor.last_login["hostName"] == "my.charge.space"


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
    result = await start(hass)
    user_input = form()
    if fault is None:
        user_input[CONF_PASSWORD] = "wrong"
    else:
        simulator.faults.inject("chargeamps", "/api/auth/login", remaining=1, **fault)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form())
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_unknown_error(hass: HomeAssistant, sim_url: str) -> None:
    result = await start(hass)
    with patch(
        "custom_components.charge_amps_monitor.config_flow.ChargeAmpsClient.async_login",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], form())
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form())
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_advanced_flow(
    hass: HomeAssistant, simulator: Simulator, vendor: ChargeAmpsVendor
) -> None:
    """The credentials are checked against the base URL and host of the section."""
    url = simulator.url("chargeamps")
    result = await start(hass)
    # The default base URL (the real service) is never contacted.
    with patch(
        "custom_components.charge_amps_monitor.config_flow.DEFAULT_API_URL", "http://127.0.0.1:9"
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            form(
                **advanced(
                    f" {url}/ ", **{CONF_SCAN_INTERVAL: 120, CONF_HOST_NAME: " sim.example:8443 "}
                )
            ),
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] | {CONF_TOKEN: None, CONF_TOKEN_VALID_UNTIL: None} == {
        **CREDENTIALS,
        CONF_HOST_NAME: "sim.example:8443",
        CONF_API_URL: url,
        CONF_TOKEN: None,
        CONF_TOKEN_VALID_UNTIL: None,
        CONF_TOKEN_ACCEPTED: False,
    }
    assert result["options"] == {CONF_SCAN_INTERVAL: 120}
    assert vendor.logins == 1
    assert vendor.last_login["hostName"] == "sim.example:8443"


async def test_advanced_flow_errors(
    hass: HomeAssistant, simulator: Simulator, vendor: ChargeAmpsVendor
) -> None:
    url = simulator.url("chargeamps")
    result = await start(hass)
    flow_id = result["flow_id"]

    result = await hass.config_entries.flow.async_configure(
        flow_id, form(**advanced("ftp://example"))
    )
    assert result["step_id"] == "user"
    assert result["errors"] == {SECTION_ADVANCED: "invalid_url"}
    # The form comes back with what was typed (but not the password), section included.
    assert suggested(result) == {
        CONF_EMAIL: ACCOUNT_EMAIL,
        SECTION_ADVANCED: advanced("ftp://example"),
    }

    result = await hass.config_entries.flow.async_configure(
        flow_id, form(**advanced("http://[::1"))
    )
    assert result["errors"] == {SECTION_ADVANCED: "invalid_url"}

    # The API host is sent as hostName and in Origin/Referer: it must be a bare host name.
    for host in ("", "   ", "https://my.charge.space", "my charge.space", "[::1", "host:port"):
        result = await hass.config_entries.flow.async_configure(
            flow_id, form(**advanced(url, **{CONF_HOST_NAME: host}))
        )
        assert result["step_id"] == "user"
        assert result["errors"] == {SECTION_ADVANCED: "invalid_host"}, host
    assert vendor.logins == 0

    # A wrong base URL: the service is not there.
    result = await hass.config_entries.flow.async_configure(
        flow_id, form(**advanced(f"{url}/nowhere"))
    )
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "cannot_connect"}
    assert suggested(result)[SECTION_ADVANCED][CONF_API_URL] == f"{url}/nowhere"

    # Refused credentials are checked against the chosen base URL too.
    vendor.password = "changed"
    result = await hass.config_entries.flow.async_configure(flow_id, form(**advanced(url)))
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, form(password="changed", **advanced(url))
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == "changed"
    assert result["data"][CONF_API_URL] == url


async def test_scan_interval_range(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await start(hass)
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            form(**advanced(simulator.url("chargeamps"), **{CONF_SCAN_INTERVAL: 5})),
        )


async def test_already_configured(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form("DEMO@chargeamps.example", "x")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert vendor.logins == 0


async def test_second_flow_for_the_same_account(
    hass: HomeAssistant, sim_url: str, vendor: ChargeAmpsVendor
) -> None:
    """A second setup of an account whose first setup is still open aborts, translated."""
    first = await start(hass)
    first = await hass.config_entries.flow.async_configure(first["flow_id"], form(password="wrong"))
    assert first["errors"] == {"base": "invalid_auth"}  # still open, waiting for the password
    second = await start(hass)
    second = await hass.config_entries.flow.async_configure(
        second["flow_id"], form(ACCOUNT_EMAIL.upper())
    )
    assert second["type"] is FlowResultType.ABORT
    assert second["reason"] == "already_in_progress"
    assert vendor.logins == 0
    # The first one still completes.
    first = await hass.config_entries.flow.async_configure(first["flow_id"], form())
    assert first["type"] is FlowResultType.CREATE_ENTRY


async def test_every_abort_reason_is_translated(hass: HomeAssistant) -> None:
    """Each reason a flow can abort with has an English text (no raw key in the UI)."""
    translations = await async_get_translations(hass, "en", "config", [DOMAIN])
    for reason in (
        "already_configured",
        "already_in_progress",
        "reauth_successful",
        "reconfigure_successful",
        "wrong_account",
    ):
        text = translations.get(f"component.{DOMAIN}.config.abort.{reason}")
        assert text, reason
        assert text.endswith("."), reason


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


def reconfigure_input(
    url: str,
    email: str = ACCOUNT_EMAIL,
    password: str = ACCOUNT_PASSWORD,
    host_name: str = "my.charge.space",
) -> dict[str, Any]:
    return {
        CONF_EMAIL: email,
        CONF_PASSWORD: password,
        SECTION_ADVANCED: {CONF_HOST_NAME: host_name, CONF_API_URL: url},
    }


async def test_reconfigure(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
) -> None:
    mock_config_entry.add_to_hass(hass)
    url = simulator.url("chargeamps")
    vendor.password = "new-password"
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    schema = result["data_schema"].schema
    assert [str(key) for key in schema] == [CONF_EMAIL, CONF_PASSWORD, SECTION_ADVANCED]
    assert schema[SECTION_ADVANCED].options == {"collapsed": True}
    # Pre-filled with the entry's values, never with the password.
    assert suggested(result) == {
        CONF_EMAIL: ACCOUNT_EMAIL,
        SECTION_ADVANCED: {CONF_HOST_NAME: "my.charge.space", CONF_API_URL: url},
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], reconfigure_input(url, password="wrong")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        reconfigure_input(url, email=ACCOUNT_EMAIL.upper(), password="new-password"),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_PASSWORD] == "new-password"
    assert mock_config_entry.data[CONF_EMAIL] == ACCOUNT_EMAIL.upper()
    assert mock_config_entry.data[CONF_API_URL] == url
    assert mock_config_entry.options == {CONF_SCAN_INTERVAL: 60}


async def test_reconfigure_advanced(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    mock_config_entry.add_to_hass(hass)
    url = simulator.url("chargeamps")
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], reconfigure_input("not a url")
    )
    assert result["errors"] == {SECTION_ADVANCED: "invalid_url"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], reconfigure_input("not a url", host_name=" ")
    )
    assert result["errors"] == {SECTION_ADVANCED: "invalid_host"}
    # What was typed comes back, not the entry's values.
    assert suggested(result) == {
        CONF_EMAIL: ACCOUNT_EMAIL,
        SECTION_ADVANCED: {CONF_HOST_NAME: " ", CONF_API_URL: "not a url"},
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], reconfigure_input(f"{url}/", host_name=" my.charge.space:443 ")
    )
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_API_URL] == url
    assert mock_config_entry.data[CONF_HOST_NAME] == "my.charge.space:443"


async def test_reconfigure_entry_without_endpoint(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An entry without host name and base URL is offered the defaults."""
    entry = MockConfigEntry(domain=DOMAIN, unique_id=ACCOUNT_EMAIL, data=CREDENTIALS)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert suggested(result)[SECTION_ADVANCED] == {
        CONF_HOST_NAME: "my.charge.space",
        CONF_API_URL: "https://my.charge.space",
    }


async def test_reconfigure_wrong_account(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], reconfigure_input("https://my.charge.space", "someone@else.example")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert mock_config_entry.data[CONF_EMAIL] == ACCOUNT_EMAIL
    assert vendor.logins == 0


async def test_options_flow(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 300}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {CONF_SCAN_INTERVAL: 300}


async def test_options_flow_range(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    with pytest.raises(InvalidData, match="scan_interval"):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_SCAN_INTERVAL: 5}
        )
    assert mock_config_entry.options == {CONF_SCAN_INTERVAL: 60}
