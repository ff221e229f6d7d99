"""Entity writes against the simulated cloud: the state changes at once and in the cloud."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator
from simulator.ohme import OhmeVendor

from .conftest import Advance, setup_entry

TARGET = "number.ohme_home_pro_target_percentage"
PRECONDITION = "number.ohme_home_pro_preconditioning_duration"
SOC = "number.ohme_home_pro_vehicle_state_of_charge"
MODE = "select.ohme_home_pro_charger_mode"
VEHICLE = "select.ohme_home_pro_vehicle"
APPROVE = "button.ohme_home_pro_approve_charge"
TARGET_TIME = "time.ohme_home_pro_target_time"
RESUME = "POST /ohme/v1/chargeSessions/{serial}/resume"
MAX_CHARGE = "PUT /ohme/v2/charge-devices/{serial}/charge-sessions/active/{serial2}/max-charge"


async def _call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any
) -> None:
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def _plugged_in(hass: HomeAssistant, entry: MockConfigEntry, advance: Advance) -> None:
    await setup_entry(hass, entry)
    await advance(630)
    assert hass.states.get(MODE).state == "smart_charge"


async def test_target_percentage_unplugged(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, simulator: Simulator
) -> None:
    """Unplugged, the next-session rule is changed and shown at once."""
    await setup_entry(hass, mock_entry)
    assert hass.states.get(TARGET).state == "80"
    before = simulator.log.count("ohme", "GET /ohme/v1/chargeSessions")
    await _call(hass, "number", "set_value", TARGET, value=65)
    assert hass.states.get(TARGET).state == "65"
    assert vendor.rule["targetPercent"] == 65
    assert simulator.log.count("ohme", "PATCH /ohme/v2/users/me/charge-rules/{rule_id}") == 1
    assert simulator.log.count("ohme", "GET /ohme/v1/chargeSessions") == before


async def test_targets_while_charging(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """While plugged in, the applied rule is changed (target, time, preconditioning)."""
    await _plugged_in(hass, mock_entry, advance)
    await _call(hass, "number", "set_value", TARGET, value=90)
    assert hass.states.get(TARGET).state == "90"
    assert vendor.needed == pytest.approx(20000)
    await _call(hass, "number", "set_value", PRECONDITION, value=20)
    assert hass.states.get(PRECONDITION).state == "20"
    assert vendor.rule["preconditioningEnabled"] is True
    assert vendor.rule["preconditionLengthMins"] == 20
    await _call(hass, "number", "set_value", PRECONDITION, value=0)
    assert hass.states.get(PRECONDITION).state == "0"
    assert vendor.rule["preconditioningEnabled"] is False
    await _call(hass, "time", "set_value", TARGET_TIME, time="08:30:00")
    assert hass.states.get(TARGET_TIME).state == "08:30:00"
    assert vendor.rule["targetTime"] == 8 * 3600 + 30 * 60
    await advance(30)
    assert hass.states.get(TARGET).state == "90"
    assert hass.states.get(TARGET_TIME).state == "08:30:00"


async def test_charge_modes(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """Max charge, pause and smart charge reach the cloud and show at once."""
    await _plugged_in(hass, mock_entry, advance)
    await _call(hass, "select", "select_option", MODE, option="max_charge")
    assert hass.states.get(MODE).state == "max_charge"
    assert vendor.mode == "MAX_CHARGE"
    await _call(hass, "select", "select_option", MODE, option="paused")
    assert hass.states.get(MODE).state == "paused"
    assert hass.states.get("sensor.ohme_home_pro_status").state == "paused"
    assert vendor.mode == "STOPPED"
    await _call(hass, "select", "select_option", MODE, option="smart_charge")
    assert vendor.mode == "SMART_CHARGE"
    await advance(30)
    assert hass.states.get(MODE).state == "smart_charge"


async def test_smart_charge_after_pause_resumes(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    vendor: OhmeVendor,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """From Paused, Smart charge resumes the charge; Max charge still uses max charge."""
    await _plugged_in(hass, mock_entry, advance)
    await _call(hass, "select", "select_option", MODE, option="paused")
    await _call(hass, "select", "select_option", MODE, option="smart_charge")
    assert hass.states.get(MODE).state == "smart_charge"
    assert hass.states.get("sensor.ohme_home_pro_status").state != "paused"
    assert vendor.mode == "SMART_CHARGE"
    assert simulator.log.count("ohme", RESUME) == 1
    assert simulator.log.count("ohme", MAX_CHARGE) == 0
    await _call(hass, "select", "select_option", MODE, option="paused")
    await _call(hass, "select", "select_option", MODE, option="max_charge")
    assert hass.states.get(MODE).state == "max_charge"
    assert vendor.mode == "MAX_CHARGE"
    assert simulator.log.count("ohme", MAX_CHARGE) == 1
    await _call(hass, "select", "select_option", MODE, option="smart_charge")
    assert simulator.log.count("ohme", RESUME) == 1  # not paused: max charge off
    assert simulator.log.count("ohme", MAX_CHARGE) == 2
    await advance(30)
    assert hass.states.get(MODE).state == "smart_charge"


async def test_vehicle_select(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor
) -> None:
    """Selecting a vehicle makes it the account's current car."""
    await setup_entry(hass, mock_entry)
    state = hass.states.get(VEHICLE)
    assert state.state == "Nissan Leaf (2018-)"
    assert state.attributes["options"] == ["Nissan Leaf (2018-)", "Tesla Model 3 (2019-)"]
    await _call(hass, "select", "select_option", VEHICLE, option="Tesla Model 3 (2019-)")
    assert hass.states.get(VEHICLE).state == "Tesla Model 3 (2019-)"
    assert vendor.car["id"] == "car-tesla"


@pytest.mark.parametrize(
    ("entity_id", "check"),
    [
        ("switch.ohme_home_pro_lock_buttons", lambda v: v.optional_settings["buttonsLocked"]),
        (
            "switch.ohme_home_pro_require_approval",
            lambda v: v.optional_settings["pluginsRequireApproval"],
        ),
        (
            "switch.ohme_home_pro_solar_boost",
            lambda v: v.optional_settings["solarMode"] == "ZERO_EXPORT",
        ),
        (
            "switch.ohme_home_pro_price_cap",
            lambda v: v.user_settings["chargeSettings"][0]["enabled"],
        ),
    ],
)
async def test_switches(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    vendor: OhmeVendor,
    entity_id: str,
    check: Any,
) -> None:
    """Switches turn on and off in the cloud and show it without waiting for a poll."""
    await setup_entry(hass, mock_entry)
    assert hass.states.get(entity_id).state == "off"
    await _call(hass, "switch", "turn_on", entity_id)
    assert hass.states.get(entity_id).state == "on"
    assert check(vendor)
    await _call(hass, "switch", "turn_off", entity_id)
    assert hass.states.get(entity_id).state == "off"
    assert not check(vendor)


async def test_sleep_switch(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor
) -> None:
    """Sleep when inactive starts on in the simulator and turns off."""
    await setup_entry(hass, mock_entry)
    entity_id = "switch.ohme_home_pro_sleep_when_inactive"
    assert hass.states.get(entity_id).state == "on"
    await _call(hass, "switch", "turn_off", entity_id)
    assert vendor.optional_settings["stealthEnabled"] is False


async def test_approve_button(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """The approve button is only available while a charge waits for approval."""
    vendor.optional_settings["pluginsRequireApproval"] = True
    await setup_entry(hass, mock_entry)
    assert hass.states.get(APPROVE).state == STATE_UNAVAILABLE
    await advance(630)
    assert hass.states.get("sensor.ohme_home_pro_status").state == "pending_approval"
    assert hass.states.get(APPROVE).state != STATE_UNAVAILABLE
    await _call(hass, "button", "press", APPROVE)
    assert vendor.mode == "SMART_CHARGE"
    assert hass.states.get(APPROVE).state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.ohme_home_pro_status").state == "plugged_in"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_state_of_charge_input(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """The vehicle SoC can be told to Ohme while a vehicle is plugged in."""
    await setup_entry(hass, mock_entry)
    assert hass.states.get(SOC).state == STATE_UNAVAILABLE
    await advance(630)
    assert hass.states.get(SOC).state == "40"
    await _call(hass, "number", "set_value", SOC, value=50)
    assert hass.states.get(SOC).state == "50"
    assert vendor.soc["car-leaf"] == 50
    assert hass.states.get("sensor.ohme_home_pro_vehicle_battery").state == "50"


async def test_write_failure_changes_nothing(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, vendor: OhmeVendor
) -> None:
    """A cloud failure raises a translated error and the state stays as it was."""
    await setup_entry(hass, mock_entry)
    simulator.faults.inject("ohme", "/v2/users/me/charge-rules/*", status=500)
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "number", "set_value", TARGET, value=30)
    assert err.value.translation_key == "api_failed"
    assert hass.states.get(TARGET).state == "80"
    assert vendor.rule["targetPercent"] == 80


async def test_write_with_refused_credentials_starts_reauth(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor
) -> None:
    """If Ohme refuses the credentials during a write, reauth starts."""
    await setup_entry(hass, mock_entry)
    vendor.password = "changed"
    vendor.id_tokens.clear()
    vendor.refresh_tokens.clear()
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "switch", "turn_on", "switch.ohme_home_pro_lock_buttons")
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_no_rule_to_change(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Without any charge rule the write is refused with a clear message."""
    simulator.faults.inject(
        "ohme", "/v1/chargeSessions/nextSessionInfo", status=200, body='{"rule": null}'
    )
    await setup_entry(hass, mock_entry)
    assert hass.states.get(TARGET).state == "unknown"
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "number", "set_value", TARGET, value=30)
    assert err.value.translation_key == "no_rule"


async def test_rule_id_fetched_when_missing(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, vendor: OhmeVendor
) -> None:
    """If the cached next rule has no id, it is fetched again before the write."""
    fault = simulator.faults.inject(
        "ohme",
        "/v1/chargeSessions/nextSessionInfo",
        status=200,
        body='{"rule": {"targetPercent": 70}}',
    )
    await setup_entry(hass, mock_entry)
    assert hass.states.get(TARGET).state == "70"
    simulator.faults.remove(fault.id)
    await _call(hass, "number", "set_value", TARGET, value=75)
    assert vendor.rule["targetPercent"] == 75
    assert hass.states.get(TARGET).state == "75"


async def test_targets_while_paused_come_from_the_suspended_rule(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """While paused, the target shown is the suspended rule's."""
    await _plugged_in(hass, mock_entry, advance)
    await _call(hass, "select", "select_option", MODE, option="paused")
    vendor.rule["targetPercent"] = 55
    await advance(30)
    assert hass.states.get("sensor.ohme_home_pro_status").state == "paused"
    assert hass.states.get(TARGET).state == "55"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_state_of_charge_without_vehicle(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """Without a vehicle on the account the SoC cannot be sent."""
    await _plugged_in(hass, mock_entry, advance)
    account = mock_entry.runtime_data.account
    account.async_set_updated_data(replace(account.data, cars=()))
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "number", "set_value", SOC, value=50)
    assert err.value.translation_key == "no_vehicle"
    assert simulator.log.count("ohme", "PUT /ohme/v1/car/{car_id}/state-of-charge") == 0


async def test_targets_while_charging_without_applied_rule(  # noqa: PLR0917
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    vendor: OhmeVendor,
    simulator: Simulator,
    advance: Advance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``appliedRule: null`` during a charge: the targets come from the next-session rule."""
    await _plugged_in(hass, mock_entry, advance)
    sessions = vendor.session_json
    monkeypatch.setattr(
        vendor, "session_json", lambda: [{**s, "appliedRule": None} for s in sessions()]
    )
    await advance(30)
    assert hass.states.get("sensor.ohme_home_pro_status").state == "plugged_in"
    assert hass.states.get(TARGET).state == "80"
    assert hass.states.get(TARGET_TIME).state == "07:00:00"
    assert hass.states.get(PRECONDITION).state == "0"
    # Started during such a charge, the rule is fetched too; then every 5 minutes, not 30 s.
    await hass.config_entries.async_reload(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(TARGET).state == "80"
    simulator.log.reset()
    for _ in range(10):
        await advance(30)
    assert simulator.log.count("ohme", "GET /ohme/v1/chargeSessions/nextSessionInfo") == 1
    await _call(hass, "number", "set_value", TARGET, value=60)
    assert hass.states.get(TARGET).state == "60"
    assert vendor.rule["targetPercent"] == 60
