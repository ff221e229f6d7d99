"""Tests of the Ohme config flow (user, reauth, reconfigure)."""

from __future__ import annotations

from unittest.mock import AsyncMock, MagicMock, patch

from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.ohme.const import CONF_API_URL, DOMAIN
from simulator import Simulator
from simulator.ohme import EMAIL, PASSWORD, OhmeVendor

pytestmark = pytest.mark.usefixtures("simulator")


def _client() -> MagicMock:
    client = MagicMock()
    client.async_login = AsyncMock()
    client.async_get_account = AsyncMock(return_value=MagicMock(charger=object()))
    return client


def _advanced(url: str) -> dict[str, dict[str, str]]:
    """Return the collapsed "advanced" section's input with an API URL."""
    return {"advanced": {CONF_API_URL: url}}


def _section(result: ConfigFlowResult) -> section:
    """Return the "advanced" section of a form and check that it starts collapsed."""
    schema = result["data_schema"]
    assert schema is not None
    value = next(v for k, v in schema.schema.items() if k == "advanced")
    assert isinstance(value, section)
    assert value.options["collapsed"] is True
    return value


def _fields(schema: vol.Schema) -> dict[str, vol.Marker]:
    """Return the markers of a schema by key."""
    return {str(key): key for key in schema.schema}


def _suggested(marker: vol.Marker) -> object:
    """Return the suggested value of a form field (None when there is none)."""
    return (marker.description or {}).get("suggested_value")


async def _start(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    url = _fields(_section(result).schema)[CONF_API_URL]
    assert url.default() == "https://api.ohme.io"
    return result["flow_id"]


async def test_user_flow(hass: HomeAssistant, api_url: str) -> None:
    """A valid account creates an entry named after the email; a custom URL is stored."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": f" {EMAIL} ", "password": PASSWORD, **_advanced(api_url)}
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
@pytest.mark.parametrize(
    "advanced",
    [
        {},  # the section left alone: its default fills in
        {CONF_API_URL: "https://api.ohme.io"},  # what the frontend sends for it
        {CONF_API_URL: "https://api.ohme.io/"},
    ],
)
async def test_user_flow_default_url_not_stored(
    hass: HomeAssistant, advanced: dict[str, str]
) -> None:
    """The default flow needs no expert input and stores core-compatible data."""
    flow_id = await _start(hass)
    client = _client()
    with patch("custom_components.ohme.config_flow.create_client", return_value=client) as create:
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"email": EMAIL, "password": PASSWORD, "advanced": advanced}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {"email": EMAIL, "password": PASSWORD}
    assert create.call_args.args[1] == {"email": EMAIL, "password": PASSWORD}
    client.async_login.assert_awaited_once()


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
        flow_id, {"email": EMAIL, "password": password, **_advanced(api_url + url_suffix)}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    fields = _fields(result["data_schema"])
    assert _suggested(fields["email"]) == EMAIL
    assert _suggested(_fields(_section(result).schema)[CONF_API_URL]) == api_url + url_suffix
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL, "password": PASSWORD, **_advanced(api_url)}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_connection_refused(hass: HomeAssistant) -> None:
    """A closed port is cannot_connect."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL, "password": PASSWORD, **_advanced("http://127.0.0.1:1")}
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_flow_unexpected_error(hass: HomeAssistant, api_url: str) -> None:
    """An unexpected exception is reported as unknown, not a crash."""
    flow_id = await _start(hass)
    with patch(
        "custom_components.ohme.api.OhmeClient.async_login", side_effect=RuntimeError("boom")
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"email": EMAIL, "password": PASSWORD, **_advanced(api_url)}
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
        flow_id, {"email": EMAIL, "password": PASSWORD, **_advanced(api_url)}
    )
    assert result["errors"] == {"base": "no_charger"}


async def test_user_flow_already_configured(
    hass: HomeAssistant, api_url: str, mock_entry: MockConfigEntry
) -> None:
    """The same account (any letter case) cannot be added twice."""
    mock_entry.add_to_hass(hass)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL.upper(), "password": PASSWORD, **_advanced(api_url)}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_wrong_password_for_a_configured_account(
    hass: HomeAssistant, api_url: str, mock_entry: MockConfigEntry
) -> None:
    """The password is checked first: a wrong one says so, not "already configured"."""
    mock_entry.add_to_hass(hass)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"email": EMAIL, "password": "wrong", **_advanced(api_url)}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}


async def test_messages_are_sentences(hass: HomeAssistant) -> None:
    """Every error, abort and exception message ends with a full stop, in every flow.

    ``already_in_progress`` (a second flow for the same account) is translated too.
    """
    translations = await async_get_translations(hass, "en", "config", [DOMAIN])
    prefix = f"component.{DOMAIN}.config."
    messages = {
        key: value
        for key, value in translations.items()
        if key.startswith((f"{prefix}error.", f"{prefix}abort."))
    }
    assert f"{prefix}abort.already_in_progress" in messages
    exceptions = await async_get_translations(hass, "en", "exceptions", [DOMAIN])
    messages |= exceptions
    assert len(messages) > 15
    assert [key for key, text in messages.items() if not text.endswith(".")] == []


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
    """Reconfigure changes the password and, in the advanced section, the API URL."""
    mock_entry.add_to_hass(hass)
    vendor.password = "changed"
    result = await mock_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"]["email"] == EMAIL
    fields = _fields(result["data_schema"])
    assert set(fields) == {"password", "advanced"}
    assert _suggested(fields["password"]) is None  # the stored password is never pre-filled
    url = _fields(_section(result).schema)[CONF_API_URL]
    assert url.default() == api_url  # pre-filled with the entry's URL
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "nope", **_advanced(api_url + "/")}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    fields = _fields(result["data_schema"])
    assert _suggested(fields["password"]) is None
    assert _suggested(_fields(_section(result).schema)[CONF_API_URL]) == api_url + "/"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "changed", **_advanced(api_url + "/")}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_entry.data == {"email": EMAIL, "password": "changed", CONF_API_URL: api_url + "/"}


@pytest.mark.usefixtures("no_setup")
async def test_reconfigure_keeps_the_url_by_default(
    hass: HomeAssistant, mock_entry: MockConfigEntry, api_url: str
) -> None:
    """An untouched section keeps the entry's custom URL."""
    mock_entry.add_to_hass(hass)
    result = await mock_entry.start_reconfigure_flow(hass)
    with patch("custom_components.ohme.config_flow.create_client", return_value=_client()):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"password": "pw", "advanced": {}}
        )
    assert result["reason"] == "reconfigure_successful"
    assert mock_entry.data == {"email": EMAIL, "password": "pw", CONF_API_URL: api_url}


@pytest.mark.usefixtures("no_setup")
async def test_reconfigure_back_to_default_url(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Choosing the default URL again drops it from the entry data."""
    mock_entry.add_to_hass(hass)
    result = await mock_entry.start_reconfigure_flow(hass)
    with patch("custom_components.ohme.config_flow.create_client", return_value=_client()):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"password": "pw", **_advanced("https://api.ohme.io/")}
        )
    assert result["reason"] == "reconfigure_successful"
    assert mock_entry.data == {"email": EMAIL, "password": "pw"}


@pytest.mark.usefixtures("no_setup")
async def test_reconfigure_core_entry_default_url(hass: HomeAssistant) -> None:
    """A core-compatible entry offers the default URL and stays core-compatible."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=EMAIL, version=1, data={"email": EMAIL, "password": PASSWORD}
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    url = _fields(_section(result).schema)[CONF_API_URL]
    assert url.default() == "https://api.ohme.io"
    with patch("custom_components.ohme.config_flow.create_client", return_value=_client()):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"password": "pw", **_advanced("https://api.ohme.io")}
        )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {"email": EMAIL, "password": "pw"}
