"""Config flow: user, reauth, reconfigure and options."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smartenergy_goecharger.const import (
    CONF_API_TOKEN,
    CONF_SCAN_INTERVAL,
    CONF_SERIAL,
    CONF_URL,
    DOMAIN,
)
from simulator import Simulator

from .conftest import IDLE_SERIAL, IDLE_TOKEN, SERIAL, TOKEN, vendor

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


async def _user_flow(hass: HomeAssistant, *, advanced: bool = True) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER, "show_advanced_options": advanced}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return str(result["flow_id"])


async def test_user_flow_advanced(hass: HomeAssistant, simulator: Simulator) -> None:
    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            CONF_NAME: " Garage ",
            CONF_SERIAL: SERIAL,
            CONF_API_TOKEN: TOKEN,
            CONF_URL: f"{simulator.url('goecharger')}/{SERIAL}/",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Garage"
    assert result["data"] == {
        CONF_NAME: "Garage",
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: TOKEN,
        CONF_URL: f"{simulator.url('goecharger')}/{SERIAL}",
    }
    assert result["options"] == {CONF_SCAN_INTERVAL: 30}
    assert result["result"].unique_id == SERIAL


async def test_user_flow_default_cloud_url(hass: HomeAssistant, simulator: Simulator) -> None:
    """Without advanced mode there is no URL field and the default is not stored."""
    with patch(f"{FLOW}.DEFAULT_BASE_URL", _url(simulator)):
        flow_id = await _user_flow(hass, advanced=False)
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_NAME: "Carport", CONF_SERIAL: IDLE_SERIAL, CONF_API_TOKEN: IDLE_TOKEN}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        CONF_NAME: "Carport",
        CONF_SERIAL: IDLE_SERIAL,
        CONF_API_TOKEN: IDLE_TOKEN,
    }


@pytest.mark.parametrize(
    ("change", "setup", "errors"),
    [
        ({CONF_SERIAL: "51215"}, None, {CONF_SERIAL: "invalid_serial"}),
        ({CONF_SERIAL: "05121a"}, None, {CONF_SERIAL: "invalid_serial"}),
        ({CONF_URL: "ftp://example.com"}, None, {CONF_URL: "invalid_url"}),
        ({CONF_URL: "example"}, None, {CONF_URL: "invalid_url"}),
        ({CONF_API_TOKEN: "wrong"}, None, {"base": "invalid_auth"}),
        ({}, "offline", {"base": "offline"}),
        ({}, "cloud_api", {"base": "offline"}),
        ({}, "error", {"base": "cannot_connect"}),
        ({CONF_URL: "http://127.0.0.1:1/{serial}"}, None, {"base": "cannot_connect"}),
        # a local URL answering for another charger
        (
            {CONF_URL: f"/{IDLE_SERIAL}", CONF_API_TOKEN: IDLE_TOKEN},
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
        CONF_NAME: "Garage",
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: TOKEN,
        CONF_URL: _url(simulator),
    }
    bad = {**good, **change}
    if bad[CONF_URL].startswith("/"):
        bad[CONF_URL] = simulator.url("goecharger") + bad[CONF_URL]
    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, bad)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    charger.offline = False
    charger.cloud_api = True
    result = await hass.config_entries.flow.async_configure(flow_id, good)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_unknown_error(hass: HomeAssistant, simulator: Simulator) -> None:
    flow_id = await _user_flow(hass)
    with patch(f"{FLOW}.GoeChargerClient.async_get_status", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            flow_id,
            {CONF_NAME: "G", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, CONF_URL: _url(simulator)},
        )
    assert result["errors"] == {"base": "unknown"}


async def test_user_flow_already_configured(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_NAME: "G", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, CONF_URL: _url(simulator)},
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
    assert config_entry.data[CONF_URL] == _url(simulator)


async def test_reconfigure(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass, show_advanced_options=True)
    assert result["step_id"] == "reconfigure"
    new_url = f"{simulator.url('goecharger')}/{SERIAL}"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: "bad", CONF_URL: new_url}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, CONF_URL: new_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data == {
        CONF_NAME: "Garage",
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: TOKEN,
        CONF_URL: new_url,
    }


async def test_reconfigure_other_charger(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass, show_advanced_options=True)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_SERIAL: IDLE_SERIAL, CONF_API_TOKEN: IDLE_TOKEN, CONF_URL: _url(simulator)},
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


async def test_reconfigure_keeps_url_outside_advanced_mode(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass, show_advanced_options=False)
    assert CONF_URL not in result["data_schema"].schema
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN}
    )
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[CONF_URL] == _url(simulator)


def _local_entry_without_serial(simulator: Simulator) -> MockConfigEntry:
    """A migrated 0.6.0 entry with a local URL that never answered: no serial, no unique id."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="c",
        version=2,
        data={
            CONF_NAME: "c",
            CONF_SERIAL: "",
            CONF_API_TOKEN: "wrong",
            CONF_URL: f"{simulator.url('goecharger')}/{SERIAL}",
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
    result = await entry.start_reconfigure_flow(hass, show_advanced_options=False)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_SERIAL] == SERIAL
    assert entry.data[CONF_URL] == f"{simulator.url('goecharger')}/{SERIAL}"


async def test_reconfigure_entry_without_unique_id_already_configured(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    entry = _local_entry_without_serial(simulator)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass, show_advanced_options=False)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_SERIAL] == ""


def _placeholders_in_step(step: str) -> set[str]:
    """Return the placeholders the English texts of a config flow step use."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["config"]["step"][step]
    texts = [strings.get("title", ""), strings.get("description", "")]
    texts += strings.get("data_description", {}).values()
    return {name for text in texts for name in re.findall(r"\{(\w+)\}", text)}


async def test_forms_provide_every_placeholder(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    """The frontend fails to render a text whose placeholder the form does not provide."""
    config_entry.add_to_hass(hass)
    results = {
        "user": await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER, "show_advanced_options": True}
        ),
        "reauth_confirm": await config_entry.start_reauth_flow(hass),
        "reconfigure": await config_entry.start_reconfigure_flow(hass, show_advanced_options=True),
    }
    for step, result in results.items():
        assert result["step_id"] == step
        assert _placeholders_in_step(step) <= set(result["description_placeholders"] or {}), step
    assert results["user"]["description_placeholders"]["serial"] == "{serial}"


@pytest.mark.parametrize(
    ("friendly_name", "title"), [("Carport wallbox", "Carport wallbox"), (" ", f"go-e {SERIAL}")]
)
async def test_user_flow_blank_name(
    hass: HomeAssistant, simulator: Simulator, friendly_name: str, title: str
) -> None:
    """A blank name falls back to the charger's friendly name (fna), then to the serial."""
    vendor(simulator).chargers[SERIAL].name = friendly_name
    flow_id = await _user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_NAME: "  ", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, CONF_URL: _url(simulator)},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["data"][CONF_NAME] == title
