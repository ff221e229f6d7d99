"""Config flow: user, reauth, reconfigure and options."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData, section
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.smartenergy_goecharger.api import DEFAULT_BASE_URL
from custom_components.smartenergy_goecharger.config_flow import SECTION_ADVANCED
from custom_components.smartenergy_goecharger.const import (
    CONF_API_TOKEN,
    CONF_API_URL,
    CONF_SERIAL,
    DOMAIN,
)
from simulator import Simulator

from .conftest import IDLE_SERIAL, IDLE_TOKEN, SERIAL, TOKEN, entry_data, vendor

FLOW = "custom_components.smartenergy_goecharger.config_flow"
TRANSLATIONS = (
    Path(__file__).parents[2] / "custom_components/smartenergy_goecharger/translations/en.json"
)


@pytest.fixture(autouse=True)
def no_setup() -> Any:
    """Do not set the entry up after the flow."""
    with patch("custom_components.smartenergy_goecharger.async_setup_entry", return_value=True):
        yield


def _url(simulator: Simulator) -> str:
    return f"{simulator.url('goecharger')}/{{serial}}"


def _advanced(url: str) -> dict[str, dict[str, str]]:
    """Return the collapsed section's input, nested as the frontend submits it."""
    return {SECTION_ADVANCED: {CONF_API_URL: url}}


def _form_fields(result: Any) -> dict[str, Any]:
    """Return the form's fields by key: top level and, prefixed "advanced.", the section."""
    fields: dict[str, Any] = {}
    for key, value in result["data_schema"].schema.items():
        if isinstance(value, section):
            fields[str(key)] = key
            for inner in value.schema.schema:
                fields[f"{key}.{inner}"] = inner
        else:
            fields[str(key)] = key
    return fields


def _shown(result: Any) -> dict[str, Any]:
    """Return what the form pre-fills: suggested values, else defaults."""
    shown: dict[str, Any] = {}
    for name, marker in _form_fields(result).items():
        suggested = (marker.description or {}).get("suggested_value")
        if suggested is not None:
            shown[name] = suggested
        elif callable(marker.default):
            shown[name] = marker.default()
    return shown


async def _user_flow(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return str(result["flow_id"])


async def test_user_form_has_a_collapsed_advanced_section(hass: HomeAssistant) -> None:
    """The API URL is in the collapsed "advanced" section; the token is a password field."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    fields = _form_fields(result)
    assert list(fields) == [
        CONF_NAME,
        CONF_SERIAL,
        CONF_API_TOKEN,
        SECTION_ADVANCED,
        f"{SECTION_ADVANCED}.{CONF_API_URL}",
    ]
    advanced = result["data_schema"].schema[fields[SECTION_ADVANCED]]
    assert advanced.options == {"collapsed": True}
    # no name is pre-filled: left empty, the charger's own name is used
    assert _shown(result) == {f"{SECTION_ADVANCED}.{CONF_API_URL}": DEFAULT_BASE_URL}
    assert isinstance(fields[CONF_NAME], vol.Optional)
    assert isinstance(fields[CONF_SERIAL], vol.Required)
    token = result["data_schema"].schema[fields[CONF_API_TOKEN]]
    assert token.config["type"] == "password"


async def test_user_flow_custom_url(hass: HomeAssistant, simulator: Simulator) -> None:
    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            CONF_NAME: " Driveway ",
            CONF_SERIAL: SERIAL,
            CONF_API_TOKEN: TOKEN,
            **_advanced(f" {simulator.url('goecharger')}/{SERIAL}/ "),
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Driveway"
    assert result["data"] == {
        CONF_NAME: "Driveway",
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: TOKEN,
        CONF_API_URL: f"{simulator.url('goecharger')}/{SERIAL}",
    }
    assert result["options"] == {CONF_SCAN_INTERVAL: 30}
    assert result["result"].unique_id == SERIAL
    assert (result["result"].version, result["result"].minor_version) == (2, 2)


@pytest.mark.parametrize(
    "advanced",
    [
        {},  # the section left as it is: its default
        {CONF_API_URL: DEFAULT_BASE_URL},  # what the frontend submits
        {CONF_API_URL: ""},
    ],
)
async def test_user_flow_default_cloud_url(
    hass: HomeAssistant, simulator: Simulator, advanced: dict[str, str]
) -> None:
    """Nothing to enter in the section; the default URL is not stored."""
    with patch(f"{FLOW}.DEFAULT_BASE_URL", _url(simulator)):
        flow_id = await _user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            flow_id,
            {
                CONF_NAME: "Barn",
                CONF_SERIAL: IDLE_SERIAL,
                CONF_API_TOKEN: IDLE_TOKEN,
                SECTION_ADVANCED: {
                    k: _url(simulator) if v == DEFAULT_BASE_URL else v for k, v in advanced.items()
                },
            },
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        CONF_NAME: "Barn",
        CONF_SERIAL: IDLE_SERIAL,
        CONF_API_TOKEN: IDLE_TOKEN,
    }


@pytest.mark.parametrize(
    ("change", "setup", "errors"),
    [
        ({CONF_SERIAL: "51215"}, None, {CONF_SERIAL: "invalid_serial"}),
        ({CONF_SERIAL: "05121a"}, None, {CONF_SERIAL: "invalid_serial"}),
        ({CONF_API_URL: "ftp://example.com"}, None, {SECTION_ADVANCED: "invalid_url"}),
        ({CONF_API_URL: "example"}, None, {SECTION_ADVANCED: "invalid_url"}),
        ({CONF_API_TOKEN: "wrong"}, None, {"base": "invalid_auth"}),
        ({}, "offline", {"base": "offline"}),
        ({}, "cloud_api", {"base": "cloud_api_disabled"}),
        ({}, "error", {"base": "cannot_connect"}),
        ({CONF_API_URL: "http://127.0.0.1:1/{serial}"}, None, {"base": "cannot_connect"}),
        # a local URL answering for another charger
        (
            {CONF_API_URL: f"/{IDLE_SERIAL}", CONF_API_TOKEN: IDLE_TOKEN},
            None,
            {CONF_SERIAL: "invalid_serial"},
        ),
    ],
)
async def test_user_flow_errors_then_recover(
    hass: HomeAssistant,
    simulator: Simulator,
    change: dict[str, str],
    setup: str | None,
    errors: dict[str, str],
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    if setup == "offline":
        charger.offline = True
    elif setup == "cloud_api":
        charger.cloud_api = False
    elif setup == "error":
        simulator.faults.inject("goecharger", "/*/api/status", status=502, remaining=1)
    good = {
        CONF_NAME: "Driveway",
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: TOKEN,
        CONF_API_URL: _url(simulator),
    }
    bad = {**good, **change}
    if bad[CONF_API_URL].startswith("/"):
        bad[CONF_API_URL] = simulator.url("goecharger") + bad[CONF_API_URL]

    def form(values: dict[str, str]) -> dict[str, Any]:
        flat = dict(values)
        url = flat.pop(CONF_API_URL)
        return {**flat, **_advanced(url)}

    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(bad))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    # the form keeps what was entered, the section's URL too
    assert _shown(result) == {
        CONF_NAME: "Driveway",
        CONF_SERIAL: bad[CONF_SERIAL],
        CONF_API_TOKEN: bad[CONF_API_TOKEN],
        f"{SECTION_ADVANCED}.{CONF_API_URL}": bad[CONF_API_URL],
    }
    charger.offline = False
    charger.cloud_api = True
    result = await hass.config_entries.flow.async_configure(flow_id, form(good))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_requires_the_section(hass: HomeAssistant) -> None:
    """The section is a required key of the form (the frontend always submits it)."""
    flow_id = await _user_flow(hass)
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(
            flow_id, {CONF_NAME: "G", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN}
        )


async def test_user_flow_unknown_error(hass: HomeAssistant, simulator: Simulator) -> None:
    flow_id = await _user_flow(hass)
    with patch(f"{FLOW}.GoeChargerClient.async_get_status", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            flow_id,
            {
                CONF_NAME: "G",
                CONF_SERIAL: SERIAL,
                CONF_API_TOKEN: TOKEN,
                **_advanced(_url(simulator)),
            },
        )
    assert result["errors"] == {"base": "unknown"}


async def test_user_flow_already_configured(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_NAME: "G", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, **_advanced(_url(simulator))},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    vendor(simulator).chargers[SERIAL].token = "renewed"
    result = await config_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: " renewed "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.data[CONF_API_TOKEN] == "renewed"
    assert config_entry.data[CONF_API_URL] == _url(simulator)


async def test_reconfigure(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    # the same collapsed section, pre-filled with the entry's values, but never its token
    fields = _form_fields(result)
    assert list(fields) == [
        CONF_SERIAL,
        CONF_API_TOKEN,
        SECTION_ADVANCED,
        f"{SECTION_ADVANCED}.{CONF_API_URL}",
    ]
    assert result["data_schema"].schema[fields[SECTION_ADVANCED]].options == {"collapsed": True}
    assert result["data_schema"].schema[fields[CONF_API_TOKEN]].config["type"] == "password"
    assert _shown(result) == {
        CONF_SERIAL: SERIAL,
        f"{SECTION_ADVANCED}.{CONF_API_URL}": _url(simulator),
    }
    assert TOKEN not in str(result)
    new_url = f"{simulator.url('goecharger')}/{SERIAL}"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: "bad", **_advanced(new_url)}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    # what was entered stays
    assert _shown(result) == {
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: "bad",
        f"{SECTION_ADVANCED}.{CONF_API_URL}": new_url,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: f" {TOKEN} ", **_advanced(new_url)}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data == {
        CONF_NAME: "Driveway",
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: TOKEN,
        CONF_API_URL: new_url,
    }


@pytest.mark.parametrize("token", [None, "", "  "])
async def test_reconfigure_empty_token_keeps_the_stored_one(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry, token: str | None
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    user_input: dict[str, Any] = {CONF_SERIAL: SERIAL, **_advanced(_url(simulator))}
    if token is not None:
        user_input[CONF_API_TOKEN] = token
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data == entry_data(simulator)


async def test_reconfigure_error_does_not_show_the_stored_token(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, **_advanced("ftp://example.com")}
    )
    assert result["errors"] == {SECTION_ADVANCED: "invalid_url"}
    assert _shown(result) == {
        CONF_SERIAL: SERIAL,
        f"{SECTION_ADVANCED}.{CONF_API_URL}": "ftp://example.com",
    }
    assert TOKEN not in str(result)
    assert config_entry.data == entry_data(simulator)


async def test_reconfigure_back_to_the_cloud(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    """Entering the default URL again removes the custom one from the entry."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    with patch(f"{FLOW}.DEFAULT_BASE_URL", _url(simulator)):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_SERIAL: SERIAL, **_advanced(_url(simulator))}
        )
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data == {CONF_NAME: "Driveway", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN}


async def test_reconfigure_other_charger(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_SERIAL: IDLE_SERIAL, CONF_API_TOKEN: IDLE_TOKEN, **_advanced(_url(simulator))},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_charger"
    assert config_entry.data[CONF_SERIAL] == SERIAL


async def test_options(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_SCAN_INTERVAL: 5}
        )
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_SCAN_INTERVAL: 60001}
        )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: "60"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options == {CONF_SCAN_INTERVAL: 60}


async def test_reconfigure_keeps_url_when_the_section_is_left_empty(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    """The section's default is the entry's current URL, not the cloud's."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, SECTION_ADVANCED: {}}
    )
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[CONF_API_URL] == _url(simulator)


async def test_reconfigure_cloud_entry_shows_the_default_url(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Cloud",
        unique_id=SERIAL,
        version=2,
        minor_version=2,
        data={CONF_NAME: "Cloud", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN},
        options={CONF_SCAN_INTERVAL: 30},
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert _shown(result) == {
        CONF_SERIAL: SERIAL,
        f"{SECTION_ADVANCED}.{CONF_API_URL}": DEFAULT_BASE_URL,
    }


def _local_entry_without_serial(simulator: Simulator) -> MockConfigEntry:
    """A migrated 0.6.0 entry with a local URL that never answered: no serial, no unique id."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="c",
        version=2,
        minor_version=2,
        data={
            CONF_NAME: "c",
            CONF_SERIAL: "",
            CONF_API_TOKEN: "wrong",
            CONF_API_URL: f"{simulator.url('goecharger')}/{SERIAL}",
        },
        options={CONF_SCAN_INTERVAL: 30},
    )


async def test_reauth_entry_without_serial(hass: HomeAssistant, simulator: Simulator) -> None:
    """The serial comes from the charger's answer; the form has no serial field."""
    entry = _local_entry_without_serial(simulator)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "still wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_SERIAL] == SERIAL
    assert entry.data[CONF_API_TOKEN] == TOKEN


async def test_reauth_entry_without_serial_charger_without_serial(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    vendor(simulator).chargers[SERIAL].extra["sse"] = None
    entry = _local_entry_without_serial(simulator)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: TOKEN}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_SERIAL] == ""


async def test_reconfigure_entry_without_unique_id(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    entry = _local_entry_without_serial(simulator)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, SECTION_ADVANCED: {}}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_SERIAL] == SERIAL
    assert entry.data[CONF_API_URL] == f"{simulator.url('goecharger')}/{SERIAL}"


async def test_reconfigure_entry_without_unique_id_already_configured(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    entry = _local_entry_without_serial(simulator)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, SECTION_ADVANCED: {}}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_SERIAL] == ""


def _placeholders_in_step(step: str) -> set[str]:
    """Return the placeholders the English texts of a config flow step use."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["config"]["step"][step]
    texts = [strings.get("title", ""), strings.get("description", "")]
    texts += strings.get("data_description", {}).values()
    for section_strings in strings.get("sections", {}).values():
        texts += [section_strings.get("name", ""), section_strings.get("description", "")]
        texts += section_strings.get("data_description", {}).values()
    return {name for text in texts for name in re.findall(r"\{(\w+)\}", text)}


async def test_forms_provide_every_placeholder(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    """The frontend fails to render a text whose placeholder the form does not provide."""
    config_entry.add_to_hass(hass)
    results = {
        "user": await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER}),
        "reauth_confirm": await config_entry.start_reauth_flow(hass),
        "reconfigure": await config_entry.start_reconfigure_flow(hass),
    }
    for step, result in results.items():
        assert result["step_id"] == step
        assert _placeholders_in_step(step) <= set(result["description_placeholders"] or {}), step
    assert results["user"]["description_placeholders"]["serial"] == "{serial}"


@pytest.mark.parametrize(
    ("friendly_name", "title"), [("Barn wallbox", "Barn wallbox"), (" ", f"go-e {SERIAL}")]
)
async def test_user_flow_blank_name(
    hass: HomeAssistant, simulator: Simulator, friendly_name: str, title: str
) -> None:
    """A blank name falls back to the charger's friendly name (fna), then to the serial."""
    vendor(simulator).chargers[SERIAL].name = friendly_name
    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_NAME: "  ", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, **_advanced(_url(simulator))},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["data"][CONF_NAME] == title


@pytest.mark.parametrize(("friendly_name", "title"), [("Barn", "Barn"), ("", f"go-e {SERIAL}")])
async def test_user_flow_without_a_name(
    hass: HomeAssistant, simulator: Simulator, friendly_name: str, title: str
) -> None:
    """A cleared optional field is left out of what the frontend submits: fna, then serial."""
    vendor(simulator).chargers[SERIAL].name = friendly_name
    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, **_advanced(_url(simulator))}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["data"][CONF_NAME] == title


def _abort_reasons() -> dict[str, str]:
    return dict(json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["config"]["abort"])


async def test_second_flow_for_a_charger_being_added_is_already_in_progress(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """While the first flow's entry is set up, a second flow for the charger aborts.

    HA 2026.x resolves this reason from its own strings; older versions (2025.4) look it
    up in the integration's, so it must be translated there.
    """
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow_setup(*_: Any) -> bool:
        entered.set()
        await release.wait()
        return True

    user_input = {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, **_advanced(_url(simulator))}
    with patch("custom_components.smartenergy_goecharger.async_setup_entry", slow_setup):
        first = await _user_flow(hass)
        first_task = hass.async_create_task(
            hass.config_entries.flow.async_configure(first, user_input)
        )
        await entered.wait()
        second = await _user_flow(hass)
        result = await hass.config_entries.flow.async_configure(second, user_input)
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_in_progress"
        assert "already_in_progress" in _abort_reasons()
        release.set()
        assert (await first_task)["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
