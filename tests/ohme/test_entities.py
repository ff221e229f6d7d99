"""Entity writes against the simulated cloud: the state changes at once and in the cloud."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ohme.api import Car, ChargeSession, OhmeConnectionError
from custom_components.ohme.select import vehicle_labels
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
    """While plugged in, the session's own rule is changed (target, time, preconditioning).

    The simulator gives each session a rule of its own (ids differ from the schedule's):
    patching the schedule would leave this charge as it was.
    """
    await _plugged_in(hass, mock_entry, advance)
    schedule = dict(vendor.rule)
    assert vendor.session_rule is not None
    assert vendor.session_rule["id"] != schedule["id"]
    await _call(hass, "number", "set_value", TARGET, value=90)
    assert hass.states.get(TARGET).state == "90"
    assert vendor.session_rule["targetPercent"] == 90
    assert vendor.needed == pytest.approx(20000)
    await _call(hass, "number", "set_value", PRECONDITION, value=20)
    assert hass.states.get(PRECONDITION).state == "20"
    assert vendor.session_rule["preconditioningEnabled"] is True
    assert vendor.session_rule["preconditionLengthMins"] == 20
    await _call(hass, "number", "set_value", PRECONDITION, value=0)
    assert hass.states.get(PRECONDITION).state == "0"
    assert vendor.session_rule["preconditioningEnabled"] is False
    await _call(hass, "time", "set_value", TARGET_TIME, time="08:30:00")
    assert hass.states.get(TARGET_TIME).state == "08:30:00"
    assert vendor.session_rule["targetTime"] == 8 * 3600 + 30 * 60
    assert vendor.rule == schedule  # the next charges keep the schedule
    await advance(30)
    assert hass.states.get(TARGET).state == "90"
    assert hass.states.get(TARGET_TIME).state == "08:30:00"


async def test_target_rule_follows_the_sessions(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """Each session's own rule id, then the schedule's once unplugged (as ohmepy chooses).

    A session's rule id is unknown to Ohme once the session is over (the simulator answers
    404 "ChargeRuleDB ... not found" then), so a stale id would fail these writes.
    """
    await _plugged_in(hass, mock_entry, advance)
    assert vendor.session_rule is not None
    first = vendor.session_rule["id"]
    vendor.new_session()
    await advance(30)
    assert vendor.session_rule["id"] != first
    await _call(hass, "number", "set_value", TARGET, value=85)
    assert vendor.session_rule["targetPercent"] == 85
    vendor.unplug()
    await advance(30)
    assert hass.states.get("sensor.ohme_home_pro_status").state == "unplugged"
    await _call(hass, "number", "set_value", TARGET, value=70)
    assert vendor.rule["targetPercent"] == 70
    assert hass.states.get(TARGET).state == "70"


async def test_charge_modes(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """Max charge, pause and smart charge reach the cloud and show at once."""
    vendor.pause_refusal = None  # a cloud that still lets the charge pause
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
    vendor.pause_refusal = None
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


@pytest.mark.parametrize("status", [401, 403, 400, 404, 500])
async def test_pause_refused_by_ohme(  # noqa: PLR0917
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    vendor: OhmeVendor,
    simulator: Simulator,
    advance: Advance,
    status: int,
) -> None:
    """Ohme blocks pausing (how is not public): a clear error, no reauth, nothing changes."""
    vendor.pause_refusal = status
    await _plugged_in(hass, mock_entry, advance)
    for _ in range(2):
        with pytest.raises(HomeAssistantError) as err:
            await _call(hass, "select", "select_option", MODE, option="paused")
        assert err.value.translation_key == "pause_refused"
        assert err.value.translation_placeholders == {"status": str(status)}
    assert vendor.mode == "SMART_CHARGE"
    assert hass.states.get(MODE).state == "smart_charge"
    await hass.async_block_till_done()
    assert hass.config_entries.flow.async_progress() == []
    assert (
        simulator.log.count("ohme", "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword")
        == 1
    )
    assert simulator.log.count("ohme", "POST /ohme/securetoken/v1/token") <= 1
    await _call(hass, "number", "set_value", TARGET, value=1)  # the community's workaround
    await advance(30)
    assert hass.states.get("sensor.ohme_home_pro_status").state == "finished"


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


async def test_vehicles_of_the_same_model(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor
) -> None:
    """Two cars of one model: two distinct options, and each selects its own car (by id)."""
    twin = {**vendor.cars[0], "id": "car-leaf-0002"}
    vendor.cars[1] = twin
    vendor.soc[twin["id"]] = 70.0
    await setup_entry(hass, mock_entry)
    options = hass.states.get(VEHICLE).attributes["options"]
    assert options == ["Nissan Leaf (2018-) #0002", "Nissan Leaf (2018-) #leaf"]
    assert hass.states.get(VEHICLE).state == "Nissan Leaf (2018-) #leaf"
    await _call(hass, "select", "select_option", VEHICLE, option=options[0])
    assert vendor.car["id"] == "car-leaf-0002"
    assert hass.states.get(VEHICLE).state == options[0]
    assert hass.states.get(VEHICLE).attributes["options"] == options  # the order stays


def test_vehicle_labels_when_ids_end_alike() -> None:
    """Ids that end alike fall back to the whole id; unique names stay as they are."""
    cars = (
        Car(id="a-0001", name="Leaf"),
        Car(id="b-0001", name="Leaf"),
        Car(id="c-0002", name="Zoe"),
    )
    assert vehicle_labels(cars) == {
        "a-0001": "Leaf #a-0001",
        "b-0001": "Leaf #b-0001",
        "c-0002": "Zoe",
    }


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_real_zeros_are_shown(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    vendor: OhmeVendor,
    advance: Advance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 0 % battery and 0 V are readings, not unknown (the account's 0 % too)."""
    vendor.soc["car-leaf"] = 0.0
    await setup_entry(hass, mock_entry)
    battery = "sensor.ohme_home_pro_vehicle_battery"
    assert hass.states.get(battery).state == "0"  # unplugged: the account's figure
    await advance(630)
    assert hass.states.get(battery).state == "0"
    assert hass.states.get(SOC).state == "0"
    sessions = vendor.session_json
    monkeypatch.setattr(
        vendor,
        "session_json",
        lambda: [{**s, "power": {"watt": 0, "amp": 0, "volt": 0}} for s in sessions()],
    )
    await advance(30)
    assert hass.states.get("sensor.ohme_home_pro_voltage").state == "0.0"


async def test_unplugged_placeholder_battery_is_not_a_reading(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor
) -> None:
    """Unplugged, Ohme's session says 0 %: the account's figure for the car is shown."""
    await setup_entry(hass, mock_entry)
    assert vendor.session_json()[0]["batterySoc"]["percent"] == 0
    assert hass.states.get("sensor.ohme_home_pro_vehicle_battery").state == "40"


async def test_nan_and_infinity_never_reach_a_state(
    hass: HomeAssistant, mock_entry: MockConfigEntry, advance: Advance
) -> None:
    """NaN and infinities (stdlib json reads them) become unknown, never a state.

    Home Assistant's own session parses JSON with orjson, which refuses them (an outage);
    the client must not depend on that.
    """
    await setup_entry(hass, mock_entry)
    nan, inf = float("nan"), float("inf")
    answer = [
        {
            "sessionId": "s",
            "mode": "SMART_CHARGE",
            "chargerStatus": {"online": True},
            "power": {"watt": nan, "amp": inf, "volt": -inf},
            "batterySoc": {"wh": nan, "percent": inf},
            "car": {"batterySoc": {"percent": nan}},
            "appliedRule": {"id": "r", "targetPercent": inf, "targetTime": nan},
        }
    ]

    async def sessions() -> ChargeSession:
        return ChargeSession.from_json(answer)

    mock_entry.runtime_data.client.async_get_charge_session = sessions
    await advance(30)
    states = {
        state.entity_id: state.state
        for state in hass.states.async_all()
        if state.entity_id.startswith(("sensor.ohme", "number.ohme", "time.ohme"))
    }
    assert states["sensor.ohme_home_pro_status"] == "plugged_in"
    assert states["sensor.ohme_home_pro_power"] == "0.0"
    assert states["sensor.ohme_home_pro_voltage"] == "unknown"
    assert states[TARGET] == "unknown"
    assert states[TARGET_TIME] == "unknown"
    bad = [e for e, s in states.items() if s.lower() in {"nan", "inf", "-inf", "unavailable"}]
    assert bad == []


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
    assert err.value.translation_key == "cannot_connect"
    assert err.value.translation_placeholders["error"].startswith("Ohme API error: /v2/users/")
    assert err.value.translation_placeholders["error"].endswith(" answered HTTP 500")
    assert hass.states.get(TARGET).state == "80"
    assert vendor.rule["targetPercent"] == 80


@pytest.mark.parametrize("status", [400, 422])
async def test_write_values_refused(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, status: int
) -> None:
    """Ohme refusing a write's values (400/422) says the command was refused."""
    await setup_entry(hass, mock_entry)
    simulator.faults.inject("ohme", "/v1/chargeDevices/*/appSettings", status=status)
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "switch", "turn_on", "switch.ohme_home_pro_lock_buttons")
    assert err.value.translation_key == "rejected"
    assert err.value.translation_placeholders == {
        "error": f"Ohme API error: /v1/chargeDevices/OHME-SIM-0001/appSettings answered HTTP {status}"
    }
    assert hass.states.get("switch.ohme_home_pro_lock_buttons").state == "off"


async def test_write_cannot_connect(hass: HomeAssistant, mock_entry: MockConfigEntry) -> None:
    """A write that cannot reach Ohme says so and changes nothing."""
    await setup_entry(hass, mock_entry)
    client = mock_entry.runtime_data.client
    with (
        patch.object(client, "async_select_car", side_effect=OhmeConnectionError("timeout")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _call(hass, "select", "select_option", VEHICLE, option="Tesla Model 3 (2019-)")
    assert err.value.translation_key == "cannot_connect"
    assert err.value.translation_placeholders == {"error": "timeout"}
    assert hass.states.get(VEHICLE).state == "Nissan Leaf (2018-)"


async def test_write_rate_limited_holds_every_request(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """A write answered 429 says how long to wait; no request at all goes out until then."""
    await setup_entry(hass, mock_entry)
    simulator.faults.inject(
        "ohme",
        "/v1/chargeDevices/*/appSettings",
        status=429,
        headers={"Retry-After": "120"},
        remaining=1,
    )
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "switch", "turn_on", "switch.ohme_home_pro_lock_buttons")
    assert err.value.translation_key == "rate_limited"
    assert err.value.translation_placeholders == {"seconds": "120"}
    before = simulator.log.count("ohme")
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "switch", "turn_on", "switch.ohme_home_pro_lock_buttons")
    assert err.value.translation_key == "rate_limited"
    await mock_entry.runtime_data.account.async_refresh()
    for _ in range(3):
        await advance(30)
    assert simulator.log.count("ohme") == before
    await advance(40)
    await _call(hass, "switch", "turn_on", "switch.ohme_home_pro_lock_buttons")
    assert hass.states.get("switch.ohme_home_pro_lock_buttons").state == "on"
    assert simulator.log.count("ohme", "GET /ohme/v1/chargeSessions") > 0


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


@pytest.mark.parametrize("status", [401, 403])
async def test_write_refused_by_the_endpoint_is_not_a_reauth(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, status: int
) -> None:
    """An endpoint refusing a working login fails the write cleanly: no reauth, no login."""
    await setup_entry(hass, mock_entry)
    simulator.faults.inject("ohme", "/v1/chargeDevices/*/appSettings", status=status)
    for _ in range(3):
        with pytest.raises(HomeAssistantError) as err:
            await _call(hass, "switch", "turn_on", "switch.ohme_home_pro_lock_buttons")
        assert err.value.translation_key == "endpoint_refused"
        assert err.value.translation_placeholders == {"status": str(status)}
    await hass.async_block_till_done()
    assert hass.config_entries.flow.async_progress() == []
    assert hass.states.get("switch.ohme_home_pro_lock_buttons").state == "off"
    login = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"
    assert simulator.log.count("ohme", login) == 1
    assert simulator.log.count("ohme", "POST /ohme/securetoken/v1/token") == 1


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
    vendor.pause_refusal = None
    await _plugged_in(hass, mock_entry, advance)
    await _call(hass, "select", "select_option", MODE, option="paused")
    assert vendor.session_rule is not None
    vendor.session_rule["targetPercent"] = 55
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
    """``appliedRule: null`` during a charge: the last applied rule, else the next-session rule.

    As ohmepy does: writes go to the rule of the last answer that had one (this session's),
    and only without any to the schedule.
    """
    await _plugged_in(hass, mock_entry, advance)
    sessions = vendor.session_json
    monkeypatch.setattr(
        vendor, "session_json", lambda: [{**s, "appliedRule": None} for s in sessions()]
    )
    assert vendor.session_rule is not None
    vendor.session_rule["targetPercent"] = 75  # the session's rule differs from the schedule
    await advance(30)
    assert hass.states.get("sensor.ohme_home_pro_status").state == "plugged_in"
    assert hass.states.get(TARGET).state == "80"  # the last applied rule, as last answered
    assert hass.states.get(TARGET_TIME).state == "07:00:00"
    assert hass.states.get(PRECONDITION).state == "0"
    await _call(hass, "number", "set_value", TARGET, value=90)
    assert vendor.session_rule["targetPercent"] == 90
    assert vendor.rule["targetPercent"] == 80
    assert hass.states.get(TARGET).state == "90"
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
