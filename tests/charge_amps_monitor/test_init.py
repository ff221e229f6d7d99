"""Tests of setup, polling, back-off, reauth, options and dynamic devices."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
import time
from typing import Any
from unittest.mock import patch

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_EMAIL,
    CONF_PASSWORD,
    CONF_SCAN_INTERVAL,
    CONF_TOKEN,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.charge_amps_monitor import (
    async_migrate_entry,
    async_remove_config_entry_device,
)
from custom_components.charge_amps_monitor.api import ChargeAmpsClient
from custom_components.charge_amps_monitor.const import (
    CONF_API_URL,
    CONF_HOST_NAME,
    CONF_TOKEN_ACCEPTED,
    CONF_TOKEN_VALID_UNTIL,
    DOMAIN,
)
from simulator import Simulator
from simulator.chargeamps import (
    ACCOUNT_EMAIL,
    ACCOUNT_PASSWORD,
    AURA_ID,
    HALO_ID,
    ChargeAmpsVendor,
    make_aura,
    read_jwt,
)

OWNED = "POST /chargeamps/api/users/chargepoints/owned"
LOGIN = "POST /chargeamps/api/auth/login"


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: Simulator, seconds: float
) -> None:
    """Let ``seconds`` pass for Home Assistant and the simulated cloud alike."""
    freezer.tick(timedelta(seconds=seconds))
    simulator.clock.advance(seconds)
    # Timers are due within a second of the interval (the coordinator adds a random offset).
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=1))
    await hass.async_block_till_done(wait_background_tasks=True)


def owned_count(simulator: Simulator) -> int:
    return simulator.log.count("chargeamps", OWNED)


def device_of(
    hass: HomeAssistant, entry: MockConfigEntry, charger_id: str
) -> dr.DeviceEntry | None:
    """Return the entry's device of a charger."""
    return dr.async_get(hass).async_get_device_by_identifier((DOMAIN, charger_id), entry.entry_id)


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=60)
    assert owned_count(simulator) == 1
    assert simulator.log.count("chargeamps", LOGIN) == 1
    assert hass.states.get("sensor.garage_charger_status").state == "online"

    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    halo = next(d for d in devices if (DOMAIN, HALO_ID) in d.identifiers)
    assert (halo.manufacturer, halo.model, halo.name, halo.serial_number) == (
        "Charge Amps",
        "Halo",
        "Garage",
        HALO_ID,
    )
    assert len(devices) == 2

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_setup_auth_failed_starts_reauth(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    vendor.password = "changed"
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = mock_config_entry.async_get_active_flows(hass, {SOURCE_REAUTH})
    assert len(list(flows)) == 1


@pytest.mark.parametrize("fault", [{"status": 503}, {"malformed": True}, {"status": 404}])
async def test_setup_not_ready(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator, fault: dict
) -> None:
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", **fault)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_cloud_failure_backs_off_and_heals(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    fault = simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=502)
    await tick(hass, freezer, simulator, 60)
    assert owned_count(simulator) == 2
    assert hass.states.get("sensor.garage_connector_1_power").state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.garage_charger_status").state == STATE_UNAVAILABLE
    # One failure keeps the interval: a short outage heals at the next normal poll.
    assert coordinator.update_interval == timedelta(seconds=60)
    await tick(hass, freezer, simulator, 60)
    assert owned_count(simulator) == 3
    assert coordinator.update_interval == timedelta(seconds=120)

    # Next try only after 120 s; a third failure doubles again.
    await tick(hass, freezer, simulator, 60)
    assert owned_count(simulator) == 3
    await tick(hass, freezer, simulator, 60)
    assert owned_count(simulator) == 4
    assert coordinator.update_interval == timedelta(seconds=240)

    simulator.faults.clear()
    await tick(hass, freezer, simulator, 240)
    assert owned_count(simulator) == 5
    assert fault.hits == 3
    # Healed: entities are back and the interval is normal again.
    assert hass.states.get("sensor.garage_charger_status").state == "online"
    assert coordinator.update_interval == timedelta(seconds=60)
    assert coordinator.backoff.failures == 0


async def test_short_outage_heals_at_the_next_normal_poll(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A timeout once: the next poll comes at the usual interval and brings everything back."""
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=504, remaining=1)
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("sensor.garage_charger_status").state == STATE_UNAVAILABLE
    await tick(hass, freezer, simulator, 60)
    assert owned_count(simulator) == 3
    assert hass.states.get("sensor.garage_charger_status").state == "online"


async def test_backoff_cap(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=500)
    seen: list[float] = []
    wait = 60.0
    for _ in range(6):
        await tick(hass, freezer, simulator, wait)
        assert coordinator.update_interval is not None
        wait = coordinator.update_interval.total_seconds()
        seen.append(wait)
    # The interval, then doubling per further failure, capped at 15 minutes; one request per try.
    assert seen == [60, 120, 240, 480, 900, 900]
    assert owned_count(simulator) == 7
    error = coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    assert error.translation_key == "cannot_connect"
    # Cleared during a long outage: back at the next try, at most 15 minutes later.
    simulator.faults.clear()
    await tick(hass, freezer, simulator, 900)
    assert hass.states.get("sensor.garage_charger_status").state == "online"
    assert coordinator.update_interval == timedelta(seconds=60)


async def test_backoff_never_shortens_a_long_interval(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    coordinator.set_interval(timedelta(seconds=3600))
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=500)
    for _ in range(3):
        await coordinator.async_refresh()
        assert coordinator.update_interval == timedelta(seconds=3600)


async def test_rate_limit_honours_retry_after(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject(
        "chargeamps",
        "/api/users/chargepoints/owned",
        status=429,
        headers={"Retry-After": "900"},
        remaining=1,
    )
    await tick(hass, freezer, simulator, 60)
    # The scheduled try comes a second after Retry-After (the poll timer may fire early).
    assert coordinator.update_interval == timedelta(seconds=901)
    assert hass.states.get("sensor.garage_charger_status").state == STATE_UNAVAILABLE
    error = coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    assert (error.translation_key, error.translation_placeholders) == (
        "rate_limited",
        {"seconds": "900"},
    )
    # A refresh asked for by the user is not sent either, not even just before the end.
    freezer.tick(timedelta(seconds=100))
    await coordinator.async_refresh()
    error = coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    assert (error.translation_key, error.translation_placeholders) == (
        "rate_limited",
        {"seconds": "800"},
    )
    assert coordinator.update_interval == timedelta(seconds=801)
    for _ in range(13):
        await tick(hass, freezer, simulator, 60)
    freezer.tick(timedelta(seconds=18.5))
    await coordinator.async_refresh()
    assert owned_count(simulator) == 2  # nothing sent while Retry-After runs
    await tick(hass, freezer, simulator, 2.5)
    assert owned_count(simulator) == 3
    assert hass.states.get("sensor.garage_charger_status").state == "online"


async def test_rate_limit_without_retry_after_waits_five_minutes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 that does not say how long: no request for 5 minutes, then the normal interval."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=429, remaining=1)
    await tick(hass, freezer, simulator, 60)
    assert owned_count(simulator) == 2
    assert coordinator.update_interval == timedelta(seconds=301)
    error = coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    assert error.translation_placeholders == {"seconds": "300"}
    for _ in range(4):
        await tick(hass, freezer, simulator, 60)
        await coordinator.async_refresh()
    assert owned_count(simulator) == 2  # nothing sent for 5 minutes, even when asked
    await tick(hass, freezer, simulator, 61)
    assert owned_count(simulator) == 3
    assert hass.states.get("sensor.garage_charger_status").state == "online"
    assert coordinator.update_interval == timedelta(seconds=60)


@pytest.mark.parametrize(
    ("fault", "key", "error"),
    [
        ({"status": 503}, "cannot_connect", "/api/users/chargepoints/owned answered 503"),
        ({"status": 404}, "api_error", "/api/users/chargepoints/owned answered 404"),
        ({"malformed": True}, "api_error", "/api/users/chargepoints/owned answered malformed JSON"),
    ],
)
async def test_poll_errors_are_translated(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    fault: dict[str, Any],
    key: str,
    error: str,
) -> None:
    """A failed poll says what went wrong with the shared translation keys, in English."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", **fault)
    await coordinator.async_refresh()
    failure = coordinator.last_exception
    assert isinstance(failure, UpdateFailed)
    assert (failure.translation_domain, failure.translation_key) == (DOMAIN, key)
    assert failure.translation_placeholders == {"error": error}
    message = {"cannot_connect": "Could not reach the cloud", "api_error": "The cloud answered"}
    # Home Assistant drops the final full stop of a translated message.
    assert str(failure).startswith(message[key])
    assert str(failure).removesuffix(".").endswith(f"({error})")
    assert not list(init_integration.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_connection_error(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await simulator.stop()
    await tick(hass, freezer, simulator, 60)
    coordinator = init_integration.runtime_data.coordinator
    assert not coordinator.last_update_success
    # Stopping the simulator takes long enough for a second try on the test loop's clock.
    failures = coordinator.backoff.failures
    assert failures >= 1
    assert coordinator.update_interval == timedelta(seconds=60 * 2 ** (failures - 1))
    assert hass.states.get("sensor.garage_charger_status").state == STATE_UNAVAILABLE


async def test_revoked_token_relogs_in_transparently(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    vendor.active_tokens.clear()
    await tick(hass, freezer, simulator, 60)
    assert vendor.logins == 2
    assert owned_count(simulator) == 3  # refused, then retried once
    assert hass.states.get("sensor.garage_charger_status").state == "online"


@pytest.mark.parametrize("status", [401, 403])
async def test_list_refusing_fresh_tokens_is_no_reauth(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    freezer: FrozenDateTimeFactory,
    status: int,
) -> None:
    """The list refuses every token while the login works: unavailable, no reauth, no loop.

    The token it had accepted is renewed once; the renewed token, refused too, is not renewed
    again for the list: the polls that follow ask the list only (backing off), and no login.
    """
    entry = init_integration
    coordinator = entry.runtime_data.coordinator
    simulator.faults.inject(
        "chargeamps", "/api/users/chargepoints/owned", status=status, body="Forbidden"
    )
    await tick(hass, freezer, simulator, 60)
    assert vendor.logins == 2  # the setup's, and one renewal
    assert hass.states.get("sensor.garage_charger_status").state == STATE_UNAVAILABLE
    assert not list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert entry.state is ConfigEntryState.LOADED
    error = coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    assert error.translation_key == "endpoint_refused"
    assert f"HTTP {status}" in str(error)
    assert entry.data[CONF_TOKEN_ACCEPTED] is False

    # Five more polls, backing off, in 30 minutes (within the renewed token's lifetime).
    polls = owned_count(simulator)
    waits: list[float] = []
    for _ in range(5):
        assert coordinator.update_interval is not None
        waits.append(coordinator.update_interval.total_seconds())
        await tick(hass, freezer, simulator, waits[-1])
    assert waits == [60, 120, 240, 480, 900]
    assert owned_count(simulator) - polls == 5  # one request per (backed-off) poll
    assert vendor.logins == 2
    assert simulator.log.count("chargeamps", LOGIN) == 2
    assert not list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))

    # The list answers again: the same token works, no login, everything is back.
    simulator.faults.clear()
    await tick(hass, freezer, simulator, 900)
    assert hass.states.get("sensor.garage_charger_status").state == "online"
    assert vendor.logins == 2
    assert entry.data[CONF_TOKEN_ACCEPTED] is True
    assert coordinator.update_interval == timedelta(seconds=60)


async def test_setup_while_the_list_refuses(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
) -> None:
    """The list refuses the token the setup's login issued: setup retried, never a reauth.

    Neither the retries nor a restart log in again for the list's refusal (the token is saved
    as not accepted yet); once the list answers, the entry loads with that same token.
    """
    fault = simulator.faults.inject(
        "chargeamps", "/api/users/chargepoints/owned", status=403, body="Forbidden"
    )
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.reason is not None
    assert "HTTP 403" in mock_config_entry.reason
    assert not list(mock_config_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert vendor.logins == 1
    assert mock_config_entry.data[CONF_TOKEN_ACCEPTED] is False
    for _ in range(3):  # setup retries (and restarts) resume the saved token
        assert not await hass.config_entries.async_reload(mock_config_entry.entry_id)
        assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert fault.hits == 4
    assert vendor.logins == 1

    simulator.faults.clear()
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert vendor.logins == 1
    assert mock_config_entry.data[CONF_TOKEN_ACCEPTED] is True
    assert hass.states.get("sensor.garage_charger_status").state == "online"


async def test_changed_password_starts_reauth(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    vendor.active_tokens.clear()
    vendor.password = "changed"
    await tick(hass, freezer, simulator, 60)
    flows = list(init_integration.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert len(flows) == 1
    assert hass.states.get("sensor.garage_charger_status").state == STATE_UNAVAILABLE
    # Polling stops: no more login attempts with the refused password.
    logins = simulator.log.count("chargeamps", LOGIN)
    await tick(hass, freezer, simulator, 600)
    assert simulator.log.count("chargeamps", LOGIN) == logins


async def test_offline_charger(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    vendor.offline.add(HALO_ID)
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("sensor.garage_charger_status").state == "offline"
    assert hass.states.get("binary_sensor.garage_online").state == STATE_OFF
    assert hass.states.get("sensor.garage_connector_1_power").state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.garage_connector_2_charging").state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.carport_connector_2_status").state == "charging"

    vendor.offline.discard(HALO_ID)
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("binary_sensor.garage_online").state == STATE_ON
    assert hass.states.get("sensor.garage_connector_1_status").state == "charging"


async def test_values_evolve(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    energy = float(hass.states.get("sensor.garage_connector_1_total_consumption").state)
    await tick(hass, freezer, simulator, 60)
    # 16 A on three phases at 230 V for one minute.
    new_energy = float(hass.states.get("sensor.garage_connector_1_total_consumption").state)
    assert new_energy - energy == pytest.approx(11.04 / 60, abs=0.002)
    # At 16:00 the Halo's car is full.
    await tick(hass, freezer, simulator, 4 * 3600)
    assert hass.states.get("sensor.garage_connector_1_status").state == "suspended_ev"
    assert hass.states.get("binary_sensor.garage_connector_1_charging").state == STATE_OFF


async def test_options_apply_without_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = init_integration
    coordinator = entry.runtime_data.coordinator
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(result["flow_id"], {CONF_SCAN_INTERVAL: 300})
    await hass.async_block_till_done()
    assert entry.runtime_data.coordinator is coordinator  # not reloaded
    assert coordinator.update_interval == timedelta(seconds=300)
    polls = owned_count(simulator)
    for _ in range(4):
        await tick(hass, freezer, simulator, 60)
    assert owned_count(simulator) == polls
    await tick(hass, freezer, simulator, 61)
    assert owned_count(simulator) == polls + 1
    assert simulator.log.count("chargeamps", LOGIN) == 1

    # Saving the same interval again does nothing.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(result["flow_id"], {CONF_SCAN_INTERVAL: 300})
    await hass.async_block_till_done()
    assert owned_count(simulator) == polls + 1


async def test_no_update_listener(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    vendor: ChargeAmpsVendor,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Saving a token changes entry.data only; reauth reloads without any warning."""
    entry = init_integration
    assert entry.update_listeners == []
    coordinator = entry.runtime_data.coordinator
    vendor.active_tokens.clear()
    await coordinator.async_refresh()  # a refused token: a new login, saved to entry.data
    assert read_jwt(entry.data[CONF_TOKEN])["jti"] == vendor.active_tokens[-1]
    assert entry.runtime_data.coordinator is coordinator
    assert coordinator.update_interval == timedelta(seconds=60)

    vendor.password = "new-password"
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "new-password"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator is not coordinator  # reloaded
    assert "update listener" not in caplog.text
    assert "deprecated" not in caplog.text


async def test_options_while_not_loaded(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Options saved while setup is retrying are used once the entry is set up."""
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=503)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 120}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {CONF_SCAN_INTERVAL: 120}
    simulator.faults.clear()
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert mock_config_entry.runtime_data.coordinator.update_interval == timedelta(seconds=120)


async def test_options_during_backoff(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=500)
    await tick(hass, freezer, simulator, 60)
    await tick(hass, freezer, simulator, 60)
    coordinator.set_interval(timedelta(seconds=30))
    # The running back-off is kept; the new interval applies once the cloud heals.
    assert coordinator.update_interval == timedelta(seconds=120)
    simulator.faults.clear()
    await tick(hass, freezer, simulator, 120)
    assert coordinator.update_interval == timedelta(seconds=30)


async def test_chargers_added_and_removed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = init_integration
    entities = er.async_get(hass)
    before = len(er.async_entries_for_config_entry(entities, entry.entry_id))

    vendor = simulator.vendor("chargeamps")
    assert isinstance(vendor, ChargeAmpsVendor)
    vendor.charge_points["2401010001A"] = make_aura("2401010001A", "Guest bay")
    await tick(hass, freezer, simulator, 60)
    assert device_of(hass, entry, "2401010001A") is not None
    assert hass.states.get("sensor.guest_bay_connector_2_power") is not None
    after_add = len(er.async_entries_for_config_entry(entities, entry.entry_id))
    # As many entities as the Aura already there (the same model, reporting the same values).
    aura_entities = [
        e
        for e in er.async_entries_for_config_entry(entities, entry.entry_id)
        if e.unique_id.startswith(AURA_ID)
    ]
    assert after_add - before == len(aura_entities) == 22

    del vendor.charge_points[AURA_ID]
    await tick(hass, freezer, simulator, 60)
    # Missing from one answer: kept, unavailable; missing from the next one too: removed.
    assert device_of(hass, entry, AURA_ID) is not None
    assert hass.states.get("sensor.carport_charger_status").state == STATE_UNAVAILABLE
    await tick(hass, freezer, simulator, 60)
    assert device_of(hass, entry, AURA_ID) is None
    assert hass.states.get("sensor.carport_charger_status") is None
    assert len(er.async_entries_for_config_entry(entities, entry.entry_id)) == before

    # A charger that comes back gets its entities again, with the same unique ids.
    vendor.charge_points[AURA_ID] = make_aura(AURA_ID, "Carport")
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("sensor.carport_charger_status").state == "online"
    assert entities.async_get_entity_id("sensor", DOMAIN, f"{AURA_ID}_c2_power") is not None
    assert simulator.log.count("chargeamps", LOGIN) == 1


async def test_only_charger_removed_and_returned(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The answer that removes a charger can equal the one before: it still comes back."""
    del vendor.charge_points[AURA_ID]
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    entities = er.async_get(hass)
    unique_ids = {
        e.unique_id for e in er.async_entries_for_config_entry(entities, mock_config_entry.entry_id)
    }
    assert hass.states.get("sensor.garage_charger_status").state == "online"

    # Two empty lists in a row: the second one equals the first, so no listener is called.
    halo = vendor.charge_points.pop(HALO_ID)
    await tick(hass, freezer, simulator, 60)
    await tick(hass, freezer, simulator, 60)
    assert device_of(hass, mock_config_entry, HALO_ID) is None
    assert hass.states.get("sensor.garage_charger_status") is None
    assert not er.async_entries_for_config_entry(entities, mock_config_entry.entry_id)

    vendor.charge_points[HALO_ID] = halo
    await tick(hass, freezer, simulator, 60)
    assert device_of(hass, mock_config_entry, HALO_ID) is not None
    assert hass.states.get("sensor.garage_charger_status").state == "online"
    assert hass.states.get("sensor.garage_connector_1_power") is not None
    assert {
        e.unique_id for e in er.async_entries_for_config_entry(entities, mock_config_entry.entry_id)
    } == unique_ids


async def test_device_removed_by_user_comes_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A charger whose device the user deleted while it was missing gets entities again."""
    entry = init_integration
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    unique_ids = {e.unique_id for e in er.async_entries_for_config_entry(entities, entry.entry_id)}
    aura = vendor.charge_points.pop(AURA_ID)
    halo = vendor.charge_points[HALO_ID]
    halo.connectors.clear()  # no evolving values: the answers below do not change
    await tick(hass, freezer, simulator, 60)
    device = device_of(hass, entry, AURA_ID)
    assert device is not None
    # What Home Assistant does when the user deletes the device.
    assert await async_remove_config_entry_device(hass, entry, device)
    devices.async_remove_device(device.id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.carport_charger_status") is None
    await tick(hass, freezer, simulator, 60)
    assert entry.runtime_data.coordinator.devices.missing == set()

    vendor.charge_points[AURA_ID] = aura
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("sensor.carport_charger_status").state == "online"
    assert hass.states.get("sensor.carport_connector_2_power") is not None
    assert {
        e.unique_id for e in er.async_entries_for_config_entry(entities, entry.entry_id)
    } == unique_ids


@pytest.mark.parametrize("body", ["[]", "partial"])
async def test_one_empty_or_partial_answer_keeps_devices(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    body: str,
) -> None:
    """A transient empty or partial owned list does not delete the user's devices."""
    entry = init_integration
    entities = er.async_get(hass)
    unique_ids = {e.unique_id for e in er.async_entries_for_config_entry(entities, entry.entry_id)}
    if body == "partial":
        aura = vendor.charge_points.pop(AURA_ID)
    else:
        simulator.faults.inject(
            "chargeamps", "/api/users/chargepoints/owned", status=200, body=body, remaining=1
        )
    await tick(hass, freezer, simulator, 60)
    assert device_of(hass, entry, AURA_ID) is not None
    assert hass.states.get("sensor.carport_charger_status").state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.carport_connector_1_power").state == STATE_UNAVAILABLE
    if body == "partial":
        assert hass.states.get("sensor.garage_charger_status").state == "online"
        vendor.charge_points[AURA_ID] = aura
    else:
        assert device_of(hass, entry, HALO_ID) is not None
        assert hass.states.get("sensor.garage_charger_status").state == STATE_UNAVAILABLE

    # The next full answer brings everything back, with the same entities and no duplicates.
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("sensor.carport_charger_status").state == "online"
    assert hass.states.get("sensor.garage_charger_status").state == "online"
    assert {
        e.unique_id for e in er.async_entries_for_config_entry(entities, entry.entry_id)
    } == unique_ids
    assert entry.runtime_data.coordinator.devices.missing == set()
    assert "does not generate unique IDs" not in caplog.text

    # A failed poll between two answers that lack a charger does not reset the count.
    del vendor.charge_points[AURA_ID]
    await tick(hass, freezer, simulator, 60)
    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=500, remaining=1)
    await tick(hass, freezer, simulator, 60)
    assert device_of(hass, entry, AURA_ID) is not None
    await tick(hass, freezer, simulator, 60)
    assert device_of(hass, entry, AURA_ID) is None
    assert device_of(hass, entry, HALO_ID) is not None


async def test_connector_lost_and_regained(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    vendor: ChargeAmpsVendor,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    halo = vendor.charge_points[HALO_ID]
    schuko = halo.connectors.pop()
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("sensor.garage_connector_2_power").state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.garage_connector_1_power").state != STATE_UNAVAILABLE
    halo.connectors.append(schuko)
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("sensor.garage_connector_2_power").state != STATE_UNAVAILABLE
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{HALO_ID}_c1_power") == (
        "sensor.garage_connector_1_power"
    )

    # A connector the charger did not have before gets its entities without a reload; the
    # others keep their unique ids.
    halo.connectors.append(replace(schuko, connector_id=3, name="Extra"))
    await tick(hass, freezer, simulator, 60)
    assert hass.states.get("sensor.garage_connector_3_status").state == "charging"
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{HALO_ID}_c2_power") == (
        "sensor.garage_connector_2_power"
    )


async def test_remove_device(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    devices = dr.async_get(hass)
    halo = device_of(hass, init_integration, HALO_ID)
    assert halo is not None
    assert not await async_remove_config_entry_device(hass, init_integration, halo)
    stale = devices.async_get_or_create(
        config_entry_id=init_integration.entry_id, identifiers={(DOMAIN, "gone")}
    )
    assert await async_remove_config_entry_device(hass, init_integration, stale)


async def _ws_remove(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, device: dr.DeviceEntry
) -> bool:
    """Delete a device the way the device page does; return whether it was allowed."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "config/device_registry/remove", "device_id": device.id}
    )
    response = await client.receive_json()
    return bool(response["success"])


async def test_remove_device_from_device_page(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, init_integration: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "config", {})
    halo = device_of(hass, init_integration, HALO_ID)
    assert halo is not None
    assert not await _ws_remove(hass, hass_ws_client, halo)
    stale = dr.async_get(hass).async_get_or_create(
        config_entry_id=init_integration.entry_id, identifiers={(DOMAIN, "gone")}
    )
    assert await _ws_remove(hass, hass_ws_client, stale)
    assert device_of(hass, init_integration, "gone") is None
    assert device_of(hass, init_integration, HALO_ID) is not None


async def test_remove_device_while_not_loaded(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """While setup is retrying nothing is known about the account: removal is allowed.

    A charger still on the account gets its device back, with the same entities, once the
    entry is set up.
    """
    assert await async_setup_component(hass, "config", {})
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    entities = er.async_get(hass)
    power = entities.async_get_entity_id("sensor", DOMAIN, f"{HALO_ID}_c1_power")
    assert power == "sensor.garage_connector_1_power"

    simulator.faults.inject("chargeamps", "/api/users/chargepoints/owned", status=503)
    assert not await hass.config_entries.async_reload(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    halo = device_of(hass, mock_config_entry, HALO_ID)
    assert halo is not None
    assert await _ws_remove(hass, hass_ws_client, halo)
    assert device_of(hass, mock_config_entry, HALO_ID) is None
    assert entities.async_get_entity_id("sensor", DOMAIN, f"{HALO_ID}_c1_power") is None

    simulator.faults.clear()
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert device_of(hass, mock_config_entry, HALO_ID) is not None
    assert hass.states.get(power) is not None
    assert entities.async_get_entity_id("sensor", DOMAIN, f"{HALO_ID}_c1_power") == power


async def test_logins_per_simulated_day(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One login per token lifetime: a day of polling every 5 minutes needs 27 logins."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_SCAN_INTERVAL: 300})
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(288):
        await tick(hass, freezer, simulator, 300)
    polls = owned_count(simulator)
    assert polls == 289
    # Tokens live 3600 s and are renewed 300 s early: ceil(86400 / 3300) = 27 logins a day.
    assert vendor.logins == 27
    # No request was refused: the token is renewed before it expires.
    assert {r.status for r in simulator.log.recent} == {200}
    assert hass.states.get("sensor.garage_charger_status").state == "online"


async def test_flow_and_setup_log_in_once(
    hass: HomeAssistant, simulator: Simulator, vendor: ChargeAmpsVendor
) -> None:
    """The token of the flow's credential check is the one the entry starts with."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_EMAIL: ACCOUNT_EMAIL,
            CONF_PASSWORD: ACCOUNT_PASSWORD,
            "advanced": {
                CONF_HOST_NAME: "my.charge.space",
                CONF_API_URL: simulator.url("chargeamps"),
                CONF_SCAN_INTERVAL: 60,
            },
        },
    )
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert vendor.logins == 1
    assert owned_count(simulator) == 1

    # A restart within the token's lifetime does not log in either.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert vendor.logins == 1
    assert owned_count(simulator) == 2


async def test_login_saves_token(
    hass: HomeAssistant, init_integration: MockConfigEntry, vendor: ChargeAmpsVendor
) -> None:
    token = init_integration.data[CONF_TOKEN]
    assert read_jwt(token)["jti"] == vendor.active_tokens[-1]
    assert init_integration.data[CONF_TOKEN_VALID_UNTIL] == (
        init_integration.runtime_data.client.token_valid_until
    )


@pytest.mark.parametrize("case", [(-10, False), (600, True)], ids=["expired", "refused"])
async def test_saved_token_expired_or_refused(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: ChargeAmpsVendor,
    case: tuple[float, bool],
) -> None:
    """A saved token past its time is not sent; a refused one costs one login, then works."""
    valid_for, revoked = case
    async with aiohttp.ClientSession() as session:
        client = ChargeAmpsClient(
            session, ACCOUNT_EMAIL, ACCOUNT_PASSWORD, api_url=simulator.url("chargeamps")
        )
        await client.async_login()
    assert client.token is not None
    if revoked:
        vendor.active_tokens.clear()
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        data={
            **mock_config_entry.data,
            CONF_TOKEN: client.token,
            CONF_TOKEN_VALID_UNTIL: time.time() + valid_for,
        },
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert vendor.logins == 2
    assert owned_count(simulator) == (2 if revoked else 1)
    assert mock_config_entry.data[CONF_TOKEN] != client.token


async def test_migrate_entry_of_version_1_1(
    hass: HomeAssistant, simulator: Simulator, vendor: ChargeAmpsVendor
) -> None:
    """An entry saved by version 1.1 loads with its keys renamed and its values kept."""
    url = simulator.url("chargeamps")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=ACCOUNT_EMAIL,
        unique_id=ACCOUNT_EMAIL,
        version=1,
        minor_version=1,
        data={
            CONF_EMAIL: ACCOUNT_EMAIL,
            CONF_PASSWORD: ACCOUNT_PASSWORD,
            CONF_HOST_NAME: "sim.example",
            "base_url": url,
        },
        options={"update_interval": 120},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 2)
    data = dict(entry.data)
    assert data.pop(CONF_TOKEN)
    assert data.pop(CONF_TOKEN_VALID_UNTIL)
    assert data.pop(CONF_TOKEN_ACCEPTED) is True
    assert data == {
        CONF_EMAIL: ACCOUNT_EMAIL,
        CONF_PASSWORD: ACCOUNT_PASSWORD,
        CONF_HOST_NAME: "sim.example",
        CONF_API_URL: url,
    }
    assert entry.options == {CONF_SCAN_INTERVAL: 120}
    # The renamed values are the ones used: the simulator's URL and host, every 120 s.
    assert entry.runtime_data.client.api_url == url
    assert vendor.last_login["hostName"] == "sim.example"
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=120)
    assert owned_count(simulator) == 1
    assert hass.states.get("sensor.garage_charger_status").state == "online"


async def test_migrate_entry_without_the_old_keys(hass: HomeAssistant) -> None:
    """A version 1.1 entry that never stored a URL or an interval keeps using the defaults."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=ACCOUNT_EMAIL,
        minor_version=1,
        data={CONF_EMAIL: ACCOUNT_EMAIL, CONF_PASSWORD: ACCOUNT_PASSWORD},
        options={},
    )
    entry.add_to_hass(hass)
    # Not set up further: without a URL it would ask the real service.
    with patch("custom_components.charge_amps_monitor.async_setup_entry", return_value=True):
        assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.minor_version == 2
    assert entry.data == {CONF_EMAIL: ACCOUNT_EMAIL, CONF_PASSWORD: ACCOUNT_PASSWORD}
    assert entry.options == {}


async def test_migrate_refuses_a_newer_major_version(hass: HomeAssistant) -> None:
    """An entry of a future major version is left alone and not set up."""
    data = {CONF_EMAIL: ACCOUNT_EMAIL, CONF_PASSWORD: ACCOUNT_PASSWORD, "base_url": "x"}
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=ACCOUNT_EMAIL,
        version=2,
        minor_version=1,
        data=data,
        options={"update_interval": 120},
    )
    entry.add_to_hass(hass)
    with patch(
        "custom_components.charge_amps_monitor.async_setup_entry", return_value=True
    ) as setup_entry:
        assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert setup_entry.call_count == 0
    # Home Assistant may refuse it before asking the integration, which refuses it too.
    assert not await async_migrate_entry(hass, entry)
    assert (entry.version, entry.minor_version) == (2, 1)
    assert entry.data == data
    assert entry.options == {"update_interval": 120}
