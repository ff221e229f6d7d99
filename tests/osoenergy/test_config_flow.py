"""Config flow tests: user, reauth and reconfigure against the simulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aioresponses import aioresponses
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData, section
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.osoenergy.api import DEFAULT_API_URL
from custom_components.osoenergy.const import DOMAIN
from simulator import Simulator
from simulator.osoenergy import API_KEY, EMAIL, OTHER_API_KEY, OSOEnergyVendor

TRANSLATIONS = (
    Path(__file__).parents[2] / "custom_components" / "osoenergy" / "translations" / "en.json"
)


def _suggested(schema: vol.Schema) -> dict[str, Any]:
    """Return the suggested values of a form, the advanced section's nested."""
    values: dict[str, Any] = {}
    for marker, value in schema.schema.items():
        if isinstance(value, section):
            values[str(marker)] = _suggested(value.schema)
        elif marker.description and "suggested_value" in marker.description:
            values[str(marker)] = marker.description["suggested_value"]
    return values


def _advanced(schema: vol.Schema) -> section:
    """Return the advanced section of a form and check it is collapsed."""
    assert list(schema.schema) == ["api_key", "advanced"]
    advanced = schema.schema["advanced"]
    assert isinstance(advanced, section)
    assert advanced.options == {"collapsed": True}
    return advanced


def _default_url(schema: vol.Schema) -> str:
    """Return the default of the API URL field in the advanced section."""
    (marker,) = _advanced(schema).schema.schema
    assert str(marker) == "api_url"
    return str(marker.default())


async def test_user_flow_default_url(hass: HomeAssistant) -> None:
    """The API URL waits in a collapsed section with the real URL; submitted untouched (or
    without a value in the section at all), data is exactly what core stores."""
    for section_input in ({"api_url": DEFAULT_API_URL}, {}):
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {}
        assert _default_url(result["data_schema"]) == DEFAULT_API_URL
        assert _suggested(result["data_schema"]) == {"advanced": {}}
        with aioresponses() as mock:
            mock.get(f"{DEFAULT_API_URL}/1/User/Details", payload={"email": "a@b.c"})
            mock.get(f"{DEFAULT_API_URL}/1/Device/All", payload=[])
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"],
                {"api_key": "valid subscription key", "advanced": section_input},
            )
            await hass.async_block_till_done()
            request = next(iter(mock.requests.values()))[0]
            headers = request.kwargs["headers"]
            assert headers["Ocp-Apim-Subscription-Key"] == "valid subscription key"
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == "a@b.c"
        assert result["data"] == {"api_key": "valid subscription key"}
        assert result["result"].unique_id == "a@b.c"
        assert (result["result"].version, result["result"].minor_version) == (1, 2)
        await hass.config_entries.async_remove(result["result"].entry_id)


async def test_user_flow_custom_url(hass: HomeAssistant, simulator: Simulator) -> None:
    """A custom API URL is stored; errors are shown, keep what was typed, and the user can
    recover."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    _advanced(result["data_schema"])
    url = simulator.url("osoenergy")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "wrong", "advanced": {"api_url": url}}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert _suggested(result["data_schema"]) == {"api_key": "wrong", "advanced": {"api_url": url}}
    # The section keeps its real default underneath what the user typed.
    assert _default_url(result["data_schema"]) == DEFAULT_API_URL

    simulator.faults.inject("osoenergy", "/1/User/Details", status=503, remaining=1)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY, "advanced": {"api_url": url}}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert _suggested(result["data_schema"]) == {"api_key": API_KEY, "advanced": {"api_url": url}}

    simulator.faults.inject("osoenergy", "/1/User/Details", malformed=True, remaining=1)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY, "advanced": {"api_url": url}}
    )
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY, "advanced": {"api_url": url + "/"}}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == EMAIL
    assert result["data"] == {"api_key": API_KEY, "api_url": url}
    await hass.async_block_till_done()


async def test_user_flow_needs_the_section(hass: HomeAssistant) -> None:
    """The section is part of the form (HA's frontend always sends it with its defaults)."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(result["flow_id"], {"api_key": "k"})


@pytest.mark.parametrize("status", [401, 403])
async def test_user_flow_key_refused(hass: HomeAssistant, status: int) -> None:
    """401 and 403 are both an invalid key."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    with aioresponses() as mock:
        mock.get(f"{DEFAULT_API_URL}/1/User/Details", status=status)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"api_key": "expired", "advanced": {"api_url": DEFAULT_API_URL}}
        )
    assert result["errors"] == {"base": "invalid_auth"}


async def test_user_flow_already_configured(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    """The same account cannot be added twice."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"api_key": API_KEY, "advanced": {"api_url": simulator.url("osoenergy")}},
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
    assert entry.data == {"api_key": "renewed-key", "api_url": init_integration.data["api_url"]}
    await hass.async_block_till_done()


async def test_reconfigure(
    hass: HomeAssistant, oso: OSOEnergyVendor, init_integration: MockConfigEntry
) -> None:
    """Reconfigure changes key and URL of the same account only."""
    entry = init_integration
    url = entry.data["api_url"]
    oso.keys["second-key"] = EMAIL
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    # The section holds the entry's URL; the key is never pre-filled.
    assert _default_url(result["data_schema"]) == url
    assert _suggested(result["data_schema"]) == {"advanced": {}}

    typed = url + "/"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "nonsense", "advanced": {"api_url": typed}}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    # The typed URL is kept, the typed key is not.
    assert _suggested(result["data_schema"]) == {"advanced": {"api_url": typed}}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": OTHER_API_KEY, "advanced": {"api_url": url}}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "second-key", "advanced": {"api_url": typed}}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {"api_key": "second-key", "api_url": url}
    await hass.async_block_till_done()


async def test_reconfigure_core_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    """A core-style entry (default URL) keeps core's data when the section is left alone,
    and can be pointed at another URL and back."""
    entry = MockConfigEntry(domain=DOMAIN, title=EMAIL, unique_id=EMAIL, data={"api_key": "k"})
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert _default_url(result["data_schema"]) == DEFAULT_API_URL
    with aioresponses() as mock:
        mock.get(f"{DEFAULT_API_URL}/1/User/Details", payload={"email": EMAIL})
        mock.get(f"{DEFAULT_API_URL}/1/Device/All", payload=[])
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"api_key": "new", "advanced": {"api_url": DEFAULT_API_URL}}
        )
        await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {"api_key": "new"}

    url = simulator.url("osoenergy")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY, "advanced": {"api_url": url}}
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {"api_key": API_KEY, "api_url": url}

    result = await entry.start_reconfigure_flow(hass)
    assert _default_url(result["data_schema"]) == url
    with aioresponses() as mock:
        mock.get(f"{DEFAULT_API_URL}/1/User/Details", payload={"email": EMAIL})
        mock.get(f"{DEFAULT_API_URL}/1/Device/All", payload=[])
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"api_key": "k", "advanced": {"api_url": DEFAULT_API_URL + "/"}}
        )
        await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {"api_key": "k"}


@pytest.mark.parametrize("status", [401, 403])
async def test_key_must_open_the_heaters(
    hass: HomeAssistant, simulator: Simulator, status: int
) -> None:
    """A key that reads the account but that GET /1/Device/All (every poll needs it)
    refuses is refused here, with the form as typed, instead of failing at the first poll."""
    url = simulator.url("osoenergy")
    fault = simulator.faults.inject("osoenergy", "/1/Device/All", status=status)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    typed = {"api_key": API_KEY, "advanced": {"api_url": url}}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], typed)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert _suggested(result["data_schema"]) == typed
    assert simulator.log.count("osoenergy", "GET /osoenergy/1/User/Details") == 1
    simulator.faults.remove(fault.id)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], typed)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_reauth_with_a_key_the_heaters_refuse(
    hass: HomeAssistant,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    init_integration: MockConfigEntry,
) -> None:
    """Reauth does not accept a key that GET /1/Device/All refuses: accepting it would reload
    into the next reauth, a loop."""
    oso.keys["half-key"] = EMAIL
    simulator.faults.inject("osoenergy", "/1/Device/All", status=403, remaining=1)
    result = await init_integration.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "half-key"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert init_integration.data["api_key"] == API_KEY


async def test_second_flow_for_the_same_account(hass: HomeAssistant, simulator: Simulator) -> None:
    """A second flow for an account another flow is setting up aborts with
    ``already_in_progress``, which has an English string (Home Assistant before 2026 shows
    the integration's own; without it the raw key showed)."""
    first = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER, "unique_id": EMAIL}
    )
    assert first["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"api_key": API_KEY, "advanced": {"api_url": simulator.url("osoenergy")}},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_in_progress"
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    assert strings["config"]["abort"]["already_in_progress"].endswith(".")
