"""Polling against the simulated cloud: progression, outages, tokens, reauth, back-off, cost."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ohme.api import ChargeSession, OhmeConnectionError
from custom_components.ohme.coordinator import _new_session
from simulator import Simulator
from simulator.ohme import OhmeVendor

from .conftest import Advance, setup_entry

STATUS = "sensor.ohme_home_pro_status"
ENERGY = "sensor.ohme_home_pro_session_energy_estimate"
SUMMARY = "GET /ohme/v1/chargeSessions/summary/users/{user_id}"
POWER = "sensor.ohme_home_pro_power"
LOGIN = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"
REFRESH = "POST /ohme/securetoken/v1/token"
SESSIONS = "GET /ohme/v1/chargeSessions"
NEXT = "GET /ohme/v1/chargeSessions/nextSessionInfo"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_session_progresses(
    hass: HomeAssistant, mock_entry: MockConfigEntry, advance: Advance
) -> None:
    """Unplugged -> plugged in -> charging in slots -> finished, on the simulated clock."""
    await setup_entry(hass, mock_entry)
    assert hass.states.get(STATUS).state == "unplugged"
    assert hass.states.get(ENERGY).state == "0.0"
    assert hass.states.get("select.ohme_home_pro_charger_mode").state == STATE_UNAVAILABLE
    await advance(630)
    assert hass.states.get(STATUS).state == "plugged_in"
    assert hass.states.get("select.ohme_home_pro_charger_mode").state == "smart_charge"
    assert hass.states.get("sensor.ohme_home_pro_charge_slots").state != "unknown"
    start = hass.states.get("sensor.ohme_home_pro_next_charge_slot_start").state
    assert start == "2026-01-15T12:25:00+00:00"
    assert hass.states.get("binary_sensor.ohme_home_pro_charge_slot_active").state == "off"
    await advance(930)
    assert hass.states.get(STATUS).state == "charging"
    assert hass.states.get(POWER).state == "7.0"
    assert hass.states.get("binary_sensor.ohme_home_pro_charge_slot_active").state == "on"
    energy = float(hass.states.get(ENERGY).state)
    assert energy > 0
    for _ in range(8):
        await advance(1800)
    assert hass.states.get(STATUS).state == "finished"
    assert float(hass.states.get(ENERGY).state) >= 16.0  # 40 % of a 40 kWh battery
    assert hass.states.get("sensor.ohme_home_pro_vehicle_battery").state == "80"


async def test_unavailable_and_recovery(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """A failing cloud makes entities unavailable; they recover by themselves."""
    await setup_entry(hass, mock_entry)
    fault = simulator.faults.inject("ohme", "/v1/chargeSessions", status=502)
    await advance(30)
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
    assert hass.states.get("switch.ohme_home_pro_lock_buttons").state == "off"
    simulator.faults.remove(fault.id)
    await advance(30)
    assert hass.states.get(STATUS).state == "unplugged"


async def test_malformed_answer_is_an_outage(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """Malformed JSON is handled like an outage; the error says the answer was wrong."""
    await setup_entry(hass, mock_entry)
    simulator.faults.inject("ohme", "/v1/chargeSessions", malformed=True, remaining=1)
    await advance(30)
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
    error = mock_entry.runtime_data.session.last_exception
    assert error.translation_key == "api_error"
    assert error.translation_placeholders == {
        "error": "Ohme answered malformed JSON for /v1/chargeSessions"
    }
    await advance(30)
    assert hass.states.get(STATUS).state == "unplugged"


async def test_offline_charger_is_unavailable(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """When Ohme reports the charger offline every entity is unavailable."""
    lock = "switch.ohme_home_pro_lock_buttons"
    await setup_entry(hass, mock_entry)
    reported = hass.states.get(lock).last_reported
    await advance(30)
    # An account entity is not rewritten by every session poll, only when availability changes.
    assert hass.states.get(lock).last_reported == reported
    vendor.online = False
    await advance(30)
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
    assert hass.states.get(lock).state == STATE_UNAVAILABLE
    vendor.online = True
    await advance(30)
    assert hass.states.get(STATUS).state == "unplugged"
    assert hass.states.get(lock).state == "off"


async def test_token_refresh_without_relogin(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """The ID token is refreshed before it is 45 minutes old, without a new login."""
    await setup_entry(hass, mock_entry)
    assert simulator.log.count("ohme", LOGIN) == 1
    for _ in range(2 * 50):
        await advance(30)
    assert simulator.log.count("ohme", LOGIN) == 1
    assert simulator.log.count("ohme", REFRESH) == 1
    assert hass.states.get(STATUS).state != STATE_UNAVAILABLE


async def test_401_renews_the_token(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    vendor: OhmeVendor,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """A rejected ID token is renewed with the refresh token; a revoked one by a new login."""
    await setup_entry(hass, mock_entry)
    vendor.id_tokens.clear()
    await advance(30)
    assert simulator.log.count("ohme", REFRESH) == 1
    assert simulator.log.count("ohme", LOGIN) == 1
    assert hass.states.get(STATUS).state == "unplugged"
    vendor.id_tokens.clear()
    vendor.refresh_tokens.clear()
    await advance(30)
    assert simulator.log.count("ohme", REFRESH) == 2
    assert simulator.log.count("ohme", LOGIN) == 2
    assert hass.states.get(STATUS).state == "unplugged"


async def test_persistent_401_starts_reauth(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """When the new login is refused too, the reauth flow starts."""
    await setup_entry(hass, mock_entry)
    vendor.password = "changed-elsewhere"
    vendor.id_tokens.clear()
    vendor.refresh_tokens.clear()
    await advance(30)
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert mock_entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize("status", [401, 403])
async def test_endpoint_refusal_is_an_outage_not_a_reauth(  # noqa: PLR0917
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    simulator: Simulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """The login works but the poll's endpoint refuses the new token: unavailable, no reauth.

    One token renewal in all (not one per poll), no password login after setup, and the
    entities come back by themselves when the endpoint answers again. The message gives the
    status; the path is in the debug log.
    """
    await setup_entry(hass, mock_entry)
    coordinator = mock_entry.runtime_data.session
    body = f'{{"status":{status},"error":"Unauthorized","message":"Unauthorised"}}'
    fault = simulator.faults.inject("ohme", "/v1/chargeSessions", status=status, body=body)
    for _ in range(4):
        await advance(coordinator.update_interval.total_seconds())
    assert fault.hits == 5  # the first poll renewed the token and asked again
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
    assert coordinator.last_exception.translation_key == "endpoint_refused"
    assert coordinator.last_exception.translation_placeholders == {"status": str(status)}
    assert f"Ohme refuses /v1/chargeSessions to this account (HTTP {status})" in caplog.text
    assert hass.config_entries.flow.async_progress() == []
    assert mock_entry.state is ConfigEntryState.LOADED
    assert simulator.log.count("ohme", LOGIN) == 1
    assert simulator.log.count("ohme", REFRESH) == 1
    assert "re-authenticate" not in caplog.text.lower()
    simulator.faults.remove(fault.id)
    await advance(coordinator.update_interval.total_seconds())
    assert hass.states.get(STATUS).state == "unplugged"
    assert simulator.log.count("ohme", LOGIN) == 1


async def test_failures_in_a_row_stretch_the_interval(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """One failure keeps 30 s; each further one doubles it, up to 15 minutes; success resets.

    Each failure is a poll that reached the cloud; the error says what it was.
    """
    await setup_entry(hass, mock_entry)
    coordinator = mock_entry.runtime_data.session
    fault = simulator.faults.inject("ohme", "/v1/chargeSessions", status=502)
    intervals = []
    for _ in range(7):
        await advance(coordinator.update_interval.total_seconds())
        intervals.append(coordinator.update_interval.total_seconds())
    assert intervals == [30, 60, 120, 240, 480, 900, 900]
    assert fault.hits == 7
    assert coordinator.last_exception.translation_key == "cannot_connect"  # 5xx: an outage
    assert coordinator.last_exception.translation_placeholders == {
        "error": "Ohme API error: /v1/chargeSessions answered HTTP 502"
    }
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
    simulator.faults.remove(fault.id)
    await advance(900)
    assert coordinator.update_interval == timedelta(seconds=30)
    assert hass.states.get(STATUS).state == "charging"  # the simulated car plugged in meanwhile


async def test_unreachable_cloud_is_cannot_connect(
    hass: HomeAssistant, mock_entry: MockConfigEntry, advance: Advance
) -> None:
    """A network error or timeout says the cloud could not be reached."""
    await setup_entry(hass, mock_entry)
    coordinator = mock_entry.runtime_data.session
    with patch.object(
        coordinator.client,
        "async_get_charge_session",
        side_effect=OhmeConnectionError("Cannot reach Ohme (/v1/chargeSessions): TimeoutError()"),
    ):
        await advance(30)
    assert coordinator.last_exception.translation_key == "cannot_connect"
    assert coordinator.last_exception.translation_placeholders == {
        "error": "Cannot reach Ohme (/v1/chargeSessions): TimeoutError()"
    }
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
    await advance(30)
    assert hass.states.get(STATUS).state == "unplugged"


async def test_account_failures_keep_its_interval(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """The 30-minute account poll is longer than the back-off cap: failures keep it."""
    await setup_entry(hass, mock_entry)
    account = mock_entry.runtime_data.account
    fault = simulator.faults.inject("ohme", "/v1/users/me/account", status=500)
    for _ in range(3):
        await advance(1800)
        assert account.update_interval == timedelta(minutes=30)
    assert fault.hits == 3
    assert not account.last_update_success
    assert mock_entry.runtime_data.session.update_interval == timedelta(seconds=30)
    simulator.faults.remove(fault.id)
    await advance(1800)
    assert account.last_update_success


async def test_rate_limit_backs_off(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """HTTP 429: no request at all until Retry-After, the next poll just after it, then 30 s.

    A refresh asked for meanwhile (an automation's update_entity) fails at once with the
    seconds left, without a request.
    """
    await setup_entry(hass, mock_entry)
    coordinator = mock_entry.runtime_data.session
    simulator.faults.inject(
        "ohme", "/v1/chargeSessions", status=429, headers={"Retry-After": "300"}, remaining=1
    )
    await advance(30)
    assert coordinator.update_interval == timedelta(seconds=301)  # one second of slack
    assert coordinator.last_exception.translation_key == "rate_limited"
    assert coordinator.last_exception.translation_placeholders == {"seconds": "300"}
    before = simulator.log.count("ohme")
    await advance(100)
    await coordinator.async_refresh()
    assert coordinator.last_exception.translation_key == "rate_limited"
    assert coordinator.last_exception.translation_placeholders == {"seconds": "200"}
    assert coordinator.update_interval == timedelta(seconds=201)
    await advance(199)
    assert simulator.log.count("ohme") == before
    await advance(2)
    assert simulator.log.count("ohme", SESSIONS) > 0
    assert coordinator.update_interval == timedelta(seconds=30)
    assert hass.states.get(STATUS).state == "unplugged"


async def test_rate_limit_without_retry_after(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """Without Retry-After the wait is five minutes, or the interval where that is longer."""
    await setup_entry(hass, mock_entry)
    simulator.faults.inject("ohme", "/v1/chargeSessions", status=429, remaining=1)
    await advance(30)
    assert mock_entry.runtime_data.session.update_interval == timedelta(minutes=5, seconds=1)
    await advance(301)
    assert mock_entry.runtime_data.session.update_interval == timedelta(seconds=30)
    account = mock_entry.runtime_data.account
    simulator.faults.inject("ohme", "/v1/users/me/account", status=429, remaining=1)
    await advance(1800 - 331)
    assert account.last_exception.translation_key == "rate_limited"
    assert account.update_interval == timedelta(minutes=30, seconds=1)


@pytest.mark.parametrize("plugged_in", [False, True])
async def test_requests_per_hour(  # noqa: PLR0917
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: OhmeVendor,
    advance: Advance,
    plugged_in: bool,
) -> None:
    """Count what one hour costs: fewer requests than core (2 per 30 s + 1 per 30 min).

    Plugged in, the car charges from the 15th minute: the energy delivered sensor reads
    the charge summary every 15 minutes then; unplugged, never.
    """
    if not plugged_in:
        vendor.plug_at = 4e9  # far beyond the hour measured
    await setup_entry(hass, mock_entry)
    if plugged_in:
        await advance(600)
    simulator.log.reset()
    for _ in range(120):
        await advance(30)
    total = simulator.log.count("ohme")
    endpoints = simulator.log.as_dict(0)["by_vendor"]["ohme"]["endpoints"]
    print(f"ohme requests in one simulated hour ({plugged_in=}): {total} {endpoints}")
    assert simulator.log.count("ohme", SESSIONS) == 120
    assert simulator.log.count("ohme", NEXT) == (0 if plugged_in else 12)
    assert simulator.log.count("ohme", LOGIN) == 0
    assert simulator.log.count("ohme", SUMMARY) == (4 if plugged_in else 0)
    assert total <= (127 if plugged_in else 135)  # core: 2 per 30 s + 1 per 30 min = 242


async def test_next_rule_failure_keeps_the_session(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """A failing nextSessionInfo leaves the targets unknown, not every entity unavailable."""
    simulator.faults.inject("ohme", "/v1/chargeSessions/nextSessionInfo", status=404)
    await setup_entry(hass, mock_entry)
    assert hass.states.get(STATUS).state == "unplugged"
    assert hass.states.get("number.ohme_home_pro_target_percentage").state == "unknown"
    simulator.faults.clear()
    await advance(300)
    assert hass.states.get("number.ohme_home_pro_target_percentage").state == "80"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_energy_restarts_with_a_new_session(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    vendor: OhmeVendor,
    simulator: Simulator,
    advance: Advance,
) -> None:
    """A new session without an unplug restarts the energy at once (new ``sessionId``)."""
    await setup_entry(hass, mock_entry)
    await advance(630)
    for _ in range(9):
        await advance(1800)
    assert hass.states.get(STATUS).state == "finished"
    assert float(hass.states.get(ENERGY).state) == pytest.approx(16.0)
    vendor.rule["targetPercent"] = 100
    session = async_get_clientsession(hass)
    async with session.post(f"{simulator.base_url}/_sim/ohme/new-session") as resp:
        state = await resp.json()
    assert state["mode"] == "SMART_CHARGE"
    await advance(30)
    assert hass.states.get(STATUS).state == "plugged_in"
    assert hass.states.get(ENERGY).state == "0.0"
    await advance(1800)
    assert hass.states.get(STATUS).state == "charging"
    assert 0 < float(hass.states.get(ENERGY).state) < 16.0


@pytest.mark.parametrize(
    ("before", "after", "new"),
    [("s1", "s2", True), ("s1", "s1", False), (None, "s2", False), ("s1", None, False)],
)
def test_new_session_needs_both_ids(before: str | None, after: str | None, new: bool) -> None:
    """Without a session id on either side the running maximum is kept (no false reset)."""
    previous = ChargeSession(session_id=before, mode_raw="FINISHED_CHARGE")
    session = ChargeSession(session_id=after, mode_raw="SMART_CHARGE")
    assert _new_session(previous, session) is new
