"""Tests of the Ohme config flow (user, reauth, reconfigure)."""

from __future__ import annotations

from unittest.mock import AsyncMock, MagicMock, patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ohme.const import CONF_API_URL, DOMAIN
from simulator import Simulator
from simulator.ohme import EMAIL, PASSWORD, OhmeVendor

pytestmark = pytest.mark.usefixtures("simulator")


def _client() -> MagicMock:
    client = MagicMock()
    client.async_login = AsyncMock()
    client.async_get_account = AsyncMock(return_value=MagicMock(charger=object()))
    return client


async def _start(hass: HomeAssistant, advanced: bool = True) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER, "show_advanced_options": advanced}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result["flow_id"]


async def test_user_flow(hass: HomeAssistant, api_url: str) -> None:
    """A valid account creates an entry named after the email."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": f" {EMAIL} ", "password": PASSWORD, CONF_API_URL: api_url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == EMAIL
    assert result["data"] == {"email": EMAIL, "password": PASSWORD, CONF_API_URL: api_url}
    assert result["result"].unique_id is None


@pytest.fixture
def no_setup() -> object:
    """Do not set up entries that point at the real Ohme cloud."""
    with patch("custom_components.ohme.async_setup_entry", return_value=True) as mock:
        yield mock


@pytest.mark.usefixtures("no_setup")
async def test_user_flow_default_url_not_stored(hass: HomeAssistant) -> None:
    """Without Advanced mode there is no URL field and core-compatible data is stored."""
    flow_id = await _start(hass, advanced=False)
    with patch("custom_components.ohme.config_flow.create_client", return_value=_client()):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"email": EMAIL, "password": PASSWORD}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {"email": EMAIL, "password": PASSWORD}


@pytest.mark.parametrize(
    ("url_suffix", "password", "error"),
    [
        ("", "wrong", "invalid_auth"),
        ("/nowhere", PASSWORD, "cannot_connect"),
    ],
)
async def test_user_flow_errors_then_recover(
    hass: HomeAssistant, api_url: str, url_suffix: str, password: str, error: str
) -> None:
    """Bad credentials and unreachable URLs show errors; fixing them creates the entry."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL, "password": password, CONF_API_URL: api_url + url_suffix}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL, "password": PASSWORD, CONF_API_URL: api_url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_connection_refused(hass: HomeAssistant) -> None:
    """A closed port is cannot_connect."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL, "password": PASSWORD, CONF_API_URL: "http://127.0.0.1:1"}
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_flow_unexpected_error(hass: HomeAssistant, api_url: str) -> None:
    """An unexpected exception is reported as unknown, not a crash."""
    flow_id = await _start(hass)
    with patch(
        "custom_components.ohme.api.OhmeClient.async_login", side_effect=RuntimeError("boom")
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"email": EMAIL, "password": PASSWORD, CONF_API_URL: api_url}
        )
    assert result["errors"] == {"base": "unknown"}


async def test_user_flow_no_charger(
    hass: HomeAssistant, api_url: str, simulator: Simulator
) -> None:
    """An account without a charger cannot be added."""
    flow_id = await _start(hass)
    simulator.faults.inject(
        "ohme", "/v1/users/me/account", status=200, body='{"chargeDevices": []}', remaining=1
    )
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL, "password": PASSWORD, CONF_API_URL: api_url}
    )
    assert result["errors"] == {"base": "no_charger"}


async def test_user_flow_already_configured(
    hass: HomeAssistant, api_url: str, mock_entry: MockConfigEntry
) -> None:
    """The same account (any letter case) cannot be added twice."""
    mock_entry.add_to_hass(hass)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL.upper(), "password": PASSWORD, CONF_API_URL: api_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor) -> None:
    """Reauth asks for the password of the same email and updates it."""
    mock_entry.add_to_hass(hass)
    vendor.password = "new-password"
    result = await mock_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["email"] == EMAIL
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "new-password"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_entry.data["password"] == "new-password"
    assert mock_entry.data["email"] == EMAIL


async def test_reconfigure(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, api_url: str
) -> None:
    """Reconfigure changes the password and, in Advanced mode, the API URL."""
    mock_entry.add_to_hass(hass)
    vendor.password = "changed"
    result = await mock_entry.start_reconfigure_flow(hass, show_advanced_options=True)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "nope", CONF_API_URL: api_url}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "changed", CONF_API_URL: api_url + "/"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_entry.data == {"email": EMAIL, "password": "changed", CONF_API_URL: api_url + "/"}


@pytest.mark.usefixtures("no_setup")
async def test_reconfigure_back_to_default_url(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Choosing the default URL again drops it from the entry data."""
    mock_entry.add_to_hass(hass)
    result = await mock_entry.start_reconfigure_flow(hass, show_advanced_options=True)
    with patch("custom_components.ohme.config_flow.create_client", return_value=_client()):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"password": "pw", CONF_API_URL: "https://api.ohme.io/"}
        )
    assert result["reason"] == "reconfigure_successful"
    assert mock_entry.data == {"email": EMAIL, "password": "pw"}
