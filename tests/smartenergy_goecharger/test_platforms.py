"""Entities: snapshots, values, controls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from aiohttp import ClientTimeout
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.smartenergy_goecharger.api import GoeAuthError, GoeStatus
from custom_components.smartenergy_goecharger.button import control_values
from custom_components.smartenergy_goecharger.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL, vendor

SET = "GET /goecharger/{serial}/api/set"
STATUS = "GET /goecharger/{serial}/api/status"
BUTTON = "button.driveway_wallbox_control"
NUMBER = "number.driveway_charging_current"
PHASE = "select.driveway_phase_mode"
FORCE = "select.driveway_force_state"


async def _refresh(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 30
) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "platforms",
    [
        [Platform.SENSOR],
        [Platform.BINARY_SENSOR],
        [Platform.BUTTON],
        [Platform.NUMBER],
        [Platform.SELECT],
    ],
    indirect=True,
)
async def test_snapshots(
    hass: HomeAssistant,
    platforms: None,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, loaded_entry.entry_id)


async def test_device(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    device = device_registry.async_get_device_by_identifier((DOMAIN, SERIAL), loaded_entry.entry_id)
    assert device is not None
    assert device.name == "Driveway"
    assert device.manufacturer == "go-e"
    assert device.model == "go-eCharger_V4 (22 kW)"
    assert device.sw_version == "56.11"
    assert device.serial_number == SERIAL


@pytest.mark.parametrize(("fwv", "sw_version"), [(56.11, "56.11"), (60, "60"), (None, None)])
async def test_device_firmware_as_number(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
    *,
    fwv: float | None,
    sw_version: str | None,
) -> None:
    """DeviceInfo values are strings even when the charger sends its firmware as a number."""
    vendor(simulator).chargers[SERIAL].extra.update({"fwv": fwv, "typ": 4})
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    device = device_registry.async_get_device_by_identifier((DOMAIN, SERIAL), config_entry.entry_id)
    assert device is not None
    assert device.sw_version == sw_version
    assert device.model == "4 (22 kW)"


async def test_rarely_used_disabled_by_default(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    for entity_id in ("sensor.driveway_voltage_l1", "sensor.driveway_wi_fi_signal"):
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get("sensor.driveway_charging_power").state == "11040.0"


async def test_button_stop_authenticate_start(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    await hass.services.async_call(BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: BUTTON}, True)
    assert charger.frc == 1
    assert hass.states.get("sensor.driveway_car_charging_status").state == "complete"
    await hass.services.async_call(BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: BUTTON}, True)
    assert charger.frc == 2
    # access control: without a transaction the press authenticates (trx=0)
    charger.frc = 0
    charger.trx = None
    await _refresh(hass, freezer)
    assert hass.states.get("sensor.driveway_car_charging_status").state == "waiting"
    await hass.services.async_call(BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: BUTTON}, True)
    assert charger.trx == 0
    assert hass.states.get("sensor.driveway_car_charging_status").state == "charging"


async def test_button_restarts_when_car_state_stays_charging(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Firmware that keeps car=2 after a stop (go-e #60): the next press starts again."""
    session = async_get_clientsession(hass)
    async with session.post(
        f"{simulator.base_url}/_sim/goecharger/{SERIAL}/quirks",
        json={"stays_charging_when_stopped": True},
    ) as response:
        assert await response.json() == {"serial": SERIAL, "stays_charging_when_stopped": True}
    charger = vendor(simulator).chargers[SERIAL]
    await hass.services.async_call(BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: BUTTON}, True)
    assert charger.frc == 1
    assert hass.states.get("sensor.driveway_car_charging_status").state == "charging"
    assert hass.states.get("sensor.driveway_car_charging_allowed").state == "off"
    assert hass.states.get("sensor.driveway_charging_power").state == "0.0"
    await hass.services.async_call(BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: BUTTON}, True)
    assert charger.frc == 2
    assert hass.states.get("sensor.driveway_car_charging_allowed").state == "on"
    # charging again: the next press stops
    await hass.services.async_call(BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: BUTTON}, True)
    assert charger.frc == 1


@pytest.mark.parametrize(
    ("status", "values"),
    [
        ({"car": 2, "frc": 0, "alw": True}, {"frc": 1}),
        ({"car": 2, "frc": 2, "alw": True}, {"frc": 1}),
        ({"car": 2, "frc": 1, "alw": False}, {"frc": 2}),
        ({"car": 2, "frc": 1}, {"frc": 2}),
        ({"car": 2, "frc": 0, "alw": False}, {"frc": 2}),
        ({"car": 2}, {"frc": 1}),
        ({"car": 4, "frc": 1, "alw": False}, {"frc": 2}),
        ({"car": 3, "modelStatus": 2}, {"trx": 0}),
        ({"car": 1}, None),
    ],
)
def test_button_control_values(status: dict[str, Any], values: dict[str, Any] | None) -> None:
    assert control_values(GoeStatus.from_json(status)) == values


async def test_button_without_car(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    charger.unplug()
    await _refresh(hass, freezer)
    assert hass.states.get(BUTTON).state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.driveway_car_connected").state == "off"
    # a press that reaches the entity anyway (state not yet refreshed) is refused
    entity = hass.data["entity_components"][BUTTON_DOMAIN].get_entity(BUTTON)
    with pytest.raises(ServiceValidationError) as err:
        await entity.async_press()
    assert err.value.translation_key == "no_car"


async def test_number(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    state = hass.states.get(NUMBER)
    assert state.state == "16.0"
    assert state.attributes["min"] == 6
    assert state.attributes["max"] == 32
    await hass.services.async_call(
        NUMBER_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: NUMBER, ATTR_VALUE: 10}, True
    )
    assert vendor(simulator).chargers[SERIAL].amp == 10
    assert hass.states.get(NUMBER).state == "10.0"
    assert simulator.log.count("goecharger", SET) == 1


async def test_number_rejected_by_charger(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    vendor(simulator).chargers[SERIAL].ama = 20  # the charger's limit changed since the poll
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            NUMBER_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: NUMBER, ATTR_VALUE: 25}, True
        )
    assert err.value.translation_key == "rejected"
    assert "exceeds range 6 to 20" in str(err.value.translation_placeholders)
    assert vendor(simulator).chargers[SERIAL].amp == 16


async def test_selects(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    assert hass.states.get(PHASE).state == "auto"
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: PHASE, ATTR_OPTION: "one_phase"},
        True,
    )
    assert charger.psm == 1
    assert hass.states.get("sensor.driveway_number_of_connected_phases").state == "1"
    assert hass.states.get(FORCE).state == "neutral"
    await hass.services.async_call(
        SELECT_DOMAIN, SERVICE_SELECT_OPTION, {ATTR_ENTITY_ID: FORCE, ATTR_OPTION: "off"}, True
    )
    assert charger.frc == 1
    assert hass.states.get("sensor.driveway_car_charging_allowed").state == "off"
    assert hass.states.get("sensor.driveway_current_charging_speed_max").state == "0"


@pytest.mark.parametrize(
    ("fault", "key", "placeholders"),
    [
        (
            {"status": 404, "body": '{"success": false, "reason": "Data is outdated"}'},
            "charger_offline",
            {},
        ),
        ({"status": 403}, "endpoint_refused", {"status": "403"}),
        ({"status": 401}, "endpoint_refused", {"status": "401"}),
        (
            {"status": 422, "body": '{"frc": "frc: failed"}'},
            "rejected",
            {"error": "frc: frc: failed"},
        ),
        (
            {"status": 500},
            "cannot_connect",
            {"error": "/api/set: the go-e cloud answered HTTP 500"},
        ),
        ({"delay": 1}, "cannot_connect", {"error": "timeout talking to /api/set"}),
        (
            {"status": 404, "body": "Not Found"},
            "api_error",
            {"error": "/api/set: unexpected HTTP 404"},
        ),
    ],
)
async def test_control_errors(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    *,
    fault: dict[str, object],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Every client error of a write becomes one translated error; nothing is read back."""
    simulator.faults.inject("goecharger", "/*/api/set", remaining=1, **fault)
    simulator.log.reset()
    with (
        patch("custom_components.smartenergy_goecharger.api.REQUEST_TIMEOUT", ClientTimeout(0.2)),
        pytest.raises(HomeAssistantError) as err,
    ):
        await hass.services.async_call(
            SELECT_DOMAIN, SERVICE_SELECT_OPTION, {ATTR_ENTITY_ID: FORCE, ATTR_OPTION: "on"}, True
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert err.value.translation_placeholders == placeholders
    assert simulator.log.count("goecharger", STATUS) == 0  # no read-back
    assert not hass.config_entries.flow.async_progress()
    assert vendor(simulator).chargers[SERIAL].frc == 0


async def test_control_refused_token_starts_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Should a write ever report the token itself refused, reauth starts as for a poll.

    (/api/set refusing is ``endpoint_refused``; only /api/status judges the token today.)
    """
    coordinator = loaded_entry.runtime_data.coordinator
    with (
        patch.object(coordinator.client, "async_set", side_effect=GoeAuthError("refused")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await hass.services.async_call(
            SELECT_DOMAIN, SERVICE_SELECT_OPTION, {ATTR_ENTITY_ID: FORCE, ATTR_OPTION: "on"}, True
        )
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_control_rate_limited_holds_the_polls(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 429 to a write: a translated error, no request until Retry-After, the last state kept."""
    simulator.faults.inject(
        "goecharger", "/*/api/set", status=429, headers={"Retry-After": "120"}, remaining=1
    )
    simulator.log.reset()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SELECT_DOMAIN, SERVICE_SELECT_OPTION, {ATTR_ENTITY_ID: FORCE, ATTR_OPTION: "on"}, True
        )
    assert err.value.translation_key == "rate_limited"
    assert err.value.translation_placeholders == {"seconds": "120"}
    assert simulator.log.count("goecharger") == 1
    await _refresh(hass, freezer)  # the next poll sends nothing
    assert simulator.log.count("goecharger") == 1
    # No poll failed: the entities keep the last answer meanwhile.
    assert hass.states.get(FORCE).state == "neutral"
    await _refresh(hass, freezer, 89)  # 119 s after the write: still waiting
    assert simulator.log.count("goecharger") == 1
    await _refresh(hass, freezer, 6)
    assert simulator.log.count("goecharger", STATUS) == 1
    assert hass.states.get(FORCE).state == "neutral"


async def test_control_refused_write_is_no_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """/api/set refusing the token that /api/status accepts: the write fails, nothing else."""
    simulator.faults.inject("goecharger", "/*/api/set", status=401, remaining=1)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            NUMBER_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: NUMBER, ATTR_VALUE: 8}, True
        )
    assert err.value.translation_key == "endpoint_refused"
    await hass.async_block_till_done()
    assert not hass.config_entries.flow.async_progress()
    assert hass.states.get(NUMBER).state == "16.0"


async def test_unknown_codes_and_missing_keys(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    charger.err = 99
    charger.extra.update(
        {"car": 42, "modelStatus": 250, "nrg": None, "amp": None, "tma": None, "alw": None}
    )
    await _refresh(hass, freezer)
    assert hass.states.get("sensor.driveway_error").state == STATE_UNKNOWN
    assert hass.states.get("sensor.driveway_car_charging_status").state == STATE_UNKNOWN
    assert hass.states.get("sensor.driveway_charging_logic_reason").state == STATE_UNKNOWN
    assert hass.states.get("sensor.driveway_charging_power").state == STATE_UNKNOWN
    assert hass.states.get("sensor.driveway_temperature").state == STATE_UNKNOWN
    assert hass.states.get("binary_sensor.driveway_car_connected").state == STATE_UNKNOWN
    assert hass.states.get(NUMBER).state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.driveway_car_charging_allowed").state == STATE_UNKNOWN
