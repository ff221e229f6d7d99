"""The five actions with good and bad input."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.smartenergy_goecharger.const import DOMAIN
from simulator import Simulator

from .conftest import IDLE_SERIAL, IDLE_TOKEN, SERIAL, entry_data, vendor

SET = "GET /goecharger/{serial}/api/set"


async def _call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> None:
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


async def test_start_charging_with_current(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    charger.frc = 1
    simulator.log.reset()
    await _call(hass, "start_charging", {"device_name": "Driveway", "charging_power": "12"})
    assert (charger.amp, charger.frc) == (12, 2)
    # one set request carrying both keys, then one status read
    assert simulator.log.count("goecharger", SET) == 1
    assert simulator.log.count("goecharger") == 2
    assert hass.states.get("sensor.driveway_car_charging_status").state == "charging"


async def test_start_stop_by_serial_and_entry_id(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    await _call(hass, "stop_charging", {"device_name": SERIAL})
    assert charger.frc == 1
    assert hass.states.get("sensor.driveway_car_charging_allowed").state == "off"
    await _call(hass, "start_charging", {"device_name": loaded_entry.entry_id})
    assert (charger.amp, charger.frc) == (16, 2)
    await _call(hass, "stop_charging", {"device_name": " driveway "})
    assert charger.frc == 1


async def test_change_charging_power(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    await _call(hass, "change_charging_power", {"device_name": "Driveway", "charging_power": 8})
    assert vendor(simulator).chargers[SERIAL].amp == 8
    assert hass.states.get("number.driveway_charging_current").state == "8.0"


@pytest.mark.parametrize("current", [5, 33])
async def test_current_out_of_range(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator, current: int
) -> None:
    simulator.log.reset()
    for service in ("change_charging_power", "start_charging"):
        with pytest.raises(ServiceValidationError) as err:
            await _call(hass, service, {"device_name": "Driveway", "charging_power": current})
        assert err.value.translation_key == "current_out_of_range"
        assert err.value.translation_placeholders == {
            "current": str(current),
            "min": "6",
            "max": "32",
        }
    assert simulator.log.count("goecharger") == 0
    assert vendor(simulator).chargers[SERIAL].amp == 16


@pytest.mark.parametrize(("phase", "expected"), [("1", (1, "1")), (2, (2, "3")), (0, (0, "3"))])
async def test_set_phase(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    phase: Any,
    expected: tuple[int, str],
) -> None:
    psm, pnp = expected
    await _call(hass, "set_phase", {"device_name": "Driveway", "phase": phase})
    assert vendor(simulator).chargers[SERIAL].psm == psm
    assert hass.states.get("sensor.driveway_number_of_connected_phases").state == pnp


@pytest.mark.parametrize("status", [None, "None", "null", ""])
async def test_set_transaction_none_then_zero(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator, status: Any
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    await _call(hass, "set_transaction", {"device_name": "Driveway", "status": status})
    assert charger.trx is None
    assert hass.states.get("sensor.driveway_car_charging_status").state == "waiting"
    await _call(hass, "set_transaction", {"device_name": "Driveway", "status": "0"})
    assert charger.trx == 0
    assert hass.states.get("sensor.driveway_car_charging_status").state == "charging"


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("set_phase", {"phase": 3}),
        ("set_phase", {"phase": "three"}),
        ("set_transaction", {"status": 1}),
        ("set_transaction", {"status": "x"}),
        ("change_charging_power", {}),
        ("change_charging_power", {"charging_power": "a lot"}),
        ("start_charging", {"charging_power": -1}),
    ],
)
async def test_schema_errors(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    service: str,
    data: dict[str, Any],
) -> None:
    simulator.log.reset()
    with pytest.raises(vol.Invalid):
        await _call(hass, service, {"device_name": "Driveway", **data})
    assert simulator.log.count("goecharger") == 0


async def test_unknown_charger(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "stop_charging", {"device_name": "Kitchen"})
    assert err.value.translation_key == "unknown_charger"
    assert err.value.translation_placeholders == {"device_name": "Kitchen"}


async def test_charger_not_loaded(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "stop_charging", {"device_name": "Driveway"})
    assert err.value.translation_key == "charger_not_loaded"


async def test_charger_offline_at_startup(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An entry in setup retry (charger offline) is an offline wallbox, not a user error."""
    vendor(simulator).chargers[SERIAL].offline = True
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "stop_charging", {"device_name": "Driveway"})
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "charger_unavailable"
    assert err.value.translation_placeholders == {"device_name": "Driveway"}


async def test_rejected_and_offline(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.faults.inject(
        "goecharger", "/*/api/set", status=422, body='{"frc": "frc: failed"}', remaining=1
    )
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "stop_charging", {"device_name": "Driveway"})
    assert err.value.translation_key == "rejected"
    vendor(simulator).chargers[SERIAL].offline = True
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "set_phase", {"device_name": "Driveway", "phase": 1})
    assert err.value.translation_key == "charger_offline"
    assert vendor(simulator).chargers[SERIAL].psm == 0


@pytest.mark.parametrize("status", [401, 403])
async def test_write_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator, status: int
) -> None:
    """/api/set refusing what /api/status accepts: a translated error, no reauth flow."""
    simulator.faults.inject("goecharger", "/*/api/set", status=status, remaining=1)
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "stop_charging", {"device_name": "Driveway"})
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "endpoint_refused"
    assert not hass.config_entries.flow.async_progress()
    assert loaded_entry.state is ConfigEntryState.LOADED
    await _call(hass, "stop_charging", {"device_name": "Driveway"})
    assert vendor(simulator).chargers[SERIAL].frc == 1


def _second_entry(
    simulator: Simulator, title: str, serial: str | None = IDLE_SERIAL
) -> MockConfigEntry:
    """Another entry: the idle charger, or (serial None) an unclaimed duplicate of SERIAL."""
    data = entry_data(simulator, IDLE_SERIAL, IDLE_TOKEN) if serial else entry_data(simulator)
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=serial,
        version=2,
        minor_version=2,
        data={**data, "name": title},
        options={CONF_SCAN_INTERVAL: 30},
    )


async def test_two_chargers_of_one_name_are_ambiguous(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A name two chargers share is refused, not sent to one of them; the serial is unique."""
    other = _second_entry(simulator, "Driveway")
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()
    chargers = vendor(simulator).chargers
    simulator.log.reset()
    for name in ("Driveway", " driveway "):
        with pytest.raises(ServiceValidationError) as err:
            await _call(hass, "stop_charging", {"device_name": name})
        assert err.value.translation_key == "ambiguous_charger"
        assert err.value.translation_placeholders == {
            "device_name": name.strip(),
            "chargers": f"{SERIAL}, {IDLE_SERIAL}",
        }
    assert simulator.log.count("goecharger") == 0
    assert (chargers[SERIAL].frc, chargers[IDLE_SERIAL].frc) == (0, 0)
    await _call(hass, "stop_charging", {"device_name": IDLE_SERIAL})
    assert (chargers[SERIAL].frc, chargers[IDLE_SERIAL].frc) == (0, 1)
    await _call(hass, "stop_charging", {"device_name": loaded_entry.entry_id})
    assert chargers[SERIAL].frc == 1


async def test_ambiguous_name_also_with_a_charger_that_is_not_loaded(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    other = _second_entry(simulator, "Driveway")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "stop_charging", {"device_name": "Driveway"})
    assert err.value.translation_key == "ambiguous_charger"


async def test_serial_prefers_the_entry_that_owns_the_charger(
    hass: HomeAssistant, simulator: Simulator, config_entry: MockConfigEntry
) -> None:
    """A migrated duplicate of the same charger (no unique id) does not shadow the owner."""
    duplicate = _second_entry(simulator, "old copy", serial=None)
    duplicate.add_to_hass(hass)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _call(hass, "stop_charging", {"device_name": SERIAL})
    assert vendor(simulator).chargers[SERIAL].frc == 1
