"""Energy delivered: a monotonic total from Ohme's hourly charge summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.ohme.api import ChargeStat, ChargeSummary, OhmeAuthError
from custom_components.ohme.const import DOMAIN
from custom_components.ohme.energy import (
    HOUR_MS,
    KEEP_MS,
    MAX_SPAN_MS,
    DeliveredEnergy,
    EnergyMeter,
    floor_hour,
)
from simulator import Simulator
from simulator.ohme import SERIAL, OhmeVendor

from .conftest import Advance, setup_entry

DELIVERED = "sensor.ohme_home_pro_energy_delivered"
STATUS = "sensor.ohme_home_pro_status"
SUMMARY = "GET /ohme/v1/chargeSessions/summary/users/{user_id}"
T0 = 1_768_478_400_000  # 2026-01-15 12:00 UTC in epoch ms


def _summary(*buckets: tuple[int, float]) -> ChargeSummary:
    return ChargeSummary(
        granularity="HOUR",
        stats=tuple(ChargeStat(start_ms=s, end_ms=s + HOUR_MS, energy_wh=wh) for s, wh in buckets),
    )


# -- the total, without Home Assistant ----------------------------------------------------


def test_total_counts_each_bucket_once_with_its_highest_value() -> None:
    """Re-reading a bucket never adds it twice; a lower figure later never lowers the total."""
    energy = DeliveredEnergy.start(T0 + 600_000)  # 12:10, the current hour holds 500 Wh
    energy.apply(_summary((T0, 500)), T0 + 600_000)
    assert energy.total_wh == 0  # delivered before counting started
    energy.apply(_summary((T0, 2000)), T0 + 1_800_000)
    energy.apply(_summary((T0, 2000)), T0 + 1_900_000)
    assert energy.total_wh == 1500
    energy.apply(_summary((T0, 1900), (T0 + HOUR_MS, 700)), T0 + HOUR_MS + 600_000)
    assert energy.total_wh == 2200
    energy.apply(_summary((T0 - HOUR_MS, 9999)), T0 + HOUR_MS + 600_000)  # before the window
    assert energy.total_wh == 2200


def test_settle_folds_finished_hours_and_keeps_the_current_one() -> None:
    """After a charge the finished hours are final; the current hour can still grow."""
    energy = DeliveredEnergy(window_start_ms=T0)
    energy.apply(_summary((T0, 1000), (T0 + HOUR_MS, 300)), T0 + HOUR_MS + 60_000)
    energy.settle(T0 + HOUR_MS + 60_000)
    assert energy.base_wh == 1000
    assert energy.buckets == {T0 + HOUR_MS: 300}
    assert energy.window_start_ms == T0 + HOUR_MS
    energy.apply(_summary((T0 + HOUR_MS, 800)), T0 + HOUR_MS + 1_800_000)  # charging again
    assert energy.total_wh == 1800


def test_old_buckets_fold_and_the_query_span_is_capped() -> None:
    """Buckets older than a day are folded; one request never asks for more than 31 days."""
    energy = DeliveredEnergy(window_start_ms=T0)
    now = T0 + KEEP_MS + 2 * HOUR_MS
    energy.apply(_summary((T0, 100), (now - HOUR_MS, 50)), now)
    assert energy.buckets == {now - HOUR_MS: 50}
    assert energy.base_wh == 100
    assert energy.window_start_ms == floor_hour(now) - KEEP_MS
    assert energy.query_start_ms(now + 40 * KEEP_MS) == floor_hour(now + 40 * KEEP_MS) - MAX_SPAN_MS


@pytest.mark.parametrize(
    "stored",
    [
        None,
        [],
        {"base_wh": "1", "window_start_ms": T0, "buckets": {}},
        {"base_wh": 1.0, "window_start_ms": T0, "buckets": []},
        {"base_wh": 1.0, "window_start_ms": T0, "buckets": {"x": 1}},
        {"base_wh": 1.0, "window_start_ms": T0, "buckets": {str(T0): float("nan")}},
        {"base_wh": float("inf"), "window_start_ms": T0, "buckets": {}},
    ],
)
def test_stored_state_is_checked(stored: object) -> None:
    """What is restored must be a sound total, or it is not used."""
    assert DeliveredEnergy.from_dict(stored) is None


def test_stored_state_round_trip() -> None:
    energy = DeliveredEnergy(base_wh=12.5, window_start_ms=T0, buckets={T0: 3.0})
    assert DeliveredEnergy.from_dict(energy.as_dict()) == energy


def test_request_policy() -> None:
    """Every 15 minutes while charging, at once and 15 minutes after it stops, else never."""
    meter = EnergyMeter()
    now = datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert not meter.due(now, charging=True)  # not ready: the sensor did not restore yet
    meter.energy = DeliveredEnergy.start(T0)
    assert meter.due(now, charging=False)  # catch up after a start
    meter.answered(_summary(), now, charging=False)
    minutes = [m for m in range(0, 180, 1) if _poll(meter, now, m, charging=10 <= m < 70)]
    assert minutes == [15, 30, 45, 60, 70, 85]
    meter.unanswered(now + timedelta(minutes=200), refused=False)
    assert not meter.due(now + timedelta(minutes=210), charging=False)
    assert meter.due(now + timedelta(minutes=215), charging=False)  # a failure is retried
    meter.unanswered(now + timedelta(minutes=215), refused=True)
    assert not meter.available
    assert not meter.due(now + timedelta(hours=10), charging=False)
    assert not meter.due(now + timedelta(minutes=216), charging=True)
    assert meter.due(now + timedelta(minutes=215, hours=6), charging=True)


def _poll(meter: EnergyMeter, start: datetime, minute: int, *, charging: bool) -> bool:
    now = start + timedelta(minutes=minute)
    if meter.due(now, charging):
        meter.answered(_summary(), now, charging)
        return True
    return False


# -- the sensor against the simulated cloud -----------------------------------------------


def _delivered_kwh(vendor: OhmeVendor) -> float:
    vendor.sync()
    return sum((b - a) * watts / 3600 for a, b, watts in vendor.charge_log) / 1000


async def test_sensor_attributes(
    hass: HomeAssistant, mock_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """kWh, energy, total_increasing: what the Energy dashboard offers as a device."""
    await setup_entry(hass, mock_entry)
    state = hass.states.get(DELIVERED)
    assert state.state == "0.0"
    assert state.attributes["unit_of_measurement"] == "kWh"
    assert state.attributes["device_class"] == SensorDeviceClass.ENERGY
    assert state.attributes["state_class"] == SensorStateClass.TOTAL_INCREASING
    assert state.attributes["friendly_name"] == "Ohme Home Pro Energy delivered"
    entity = entity_registry.async_get(DELIVERED)
    assert entity.unique_id == f"{SERIAL}_energy_delivered"


async def test_total_follows_the_charger_across_sessions(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: OhmeVendor,
    advance: Advance,
) -> None:
    """A day of charges: the total equals what the charger delivered and never goes down.

    Two sessions, a new session without an unplug, idle hours in between; the summary is
    read every 15 minutes while the car charges and not at all while nothing charges.
    """
    await setup_entry(hass, mock_entry)
    values: list[float] = []
    idle_reads = idle_blocks = 0
    for block in range(6 * 24):  # 24 hours in blocks of 10 minutes
        before = simulator.log.count("ohme", SUMMARY)
        unplugged = hass.states.get(STATUS).state == "unplugged"
        for _ in range(20):
            await advance(30)
            values.append(float(hass.states.get(DELIVERED).state))
        if unplugged and hass.states.get(STATUS).state == "unplugged" and block:
            idle_blocks += 1
            idle_reads += simulator.log.count("ohme", SUMMARY) - before
        if block == 6 * 4:  # after 4 hours Ohme starts another session, without an unplug
            vendor.new_session()
    assert values == sorted(values)
    assert values[-1] == pytest.approx(_delivered_kwh(vendor), abs=0.002)
    assert _delivered_kwh(vendor) > 30  # several charges happened
    assert idle_blocks > 20
    assert idle_reads == 0


async def test_requests_per_hour_charging_and_idle(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: OhmeVendor,
    advance: Advance,
) -> None:
    """At most 4 summary requests in an hour of charging, none in an idle unplugged hour."""
    vendor.plug_at = 4e9
    await setup_entry(hass, mock_entry)
    await advance(30)  # the catch-up read after the start
    simulator.log.reset()
    for _ in range(120):
        await advance(30)
    assert simulator.log.count("ohme", SUMMARY) == 0
    vendor.plug()
    await advance(900)  # the first slot starts 15 minutes after plug-in
    simulator.log.reset()
    for _ in range(120):
        await advance(30)
        assert hass.states.get(STATUS).state == "charging"
    assert 3 <= simulator.log.count("ohme", SUMMARY) <= 4


async def test_restart_restores_and_adds_what_came_meanwhile(  # noqa: PLR0917
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    vendor: OhmeVendor,
    simulator: Simulator,
    advance: Advance,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unloaded while the car charges: back, the total adds the energy of the gap only."""
    await setup_entry(hass, mock_entry)
    await advance(630 + 900 + 1200)  # 20 minutes into the first slot
    await advance(30)
    counted = float(hass.states.get(DELIVERED).state)
    assert counted > 0
    delivered_at_unload = _delivered_kwh(vendor)
    assert await hass.config_entries.async_unload(mock_entry.entry_id)
    await hass.async_block_till_done()
    simulator.clock.advance(3600)  # an hour of charging while Home Assistant is away
    freezer.tick(3600)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # Restored, not restarted, and the hour of charging meanwhile read at once: the sensor
    # started before the first charge, so its total is everything the charger delivered.
    gap = _delivered_kwh(vendor) - delivered_at_unload
    assert gap > 3
    after = float(hass.states.get(DELIVERED).state)
    assert after > counted + 3
    assert after == pytest.approx(_delivered_kwh(vendor), abs=0.002)  # all of it, once


async def test_restart_from_stored_state(
    hass: HomeAssistant, mock_entry: MockConfigEntry, vendor: OhmeVendor, advance: Advance
) -> None:
    """A total stored by the last run continues; without its buckets, from its last state."""
    stored = DeliveredEnergy(base_wh=123_456.0, window_start_ms=T0, buckets={})
    mock_restore_cache_with_extra_data(
        hass, [(State(DELIVERED, "123.456"), {"delivered_energy": stored.as_dict()})]
    )
    await setup_entry(hass, mock_entry)
    assert hass.states.get(DELIVERED).state == "123.456"
    await advance(630 + 900 + 1800)
    await advance(1800)
    assert float(hass.states.get(DELIVERED).state) == pytest.approx(
        123.456 + _delivered_kwh(vendor), abs=0.002
    )


@pytest.mark.parametrize(("last", "shown"), [("42.5", "42.5"), ("unknown", "0.0"), ("-3", "0.0")])
async def test_restart_with_only_the_last_state(
    hass: HomeAssistant, mock_entry: MockConfigEntry, last: str, shown: str
) -> None:
    """Without stored buckets the total continues from the last (usable) state shown."""
    mock_restore_cache_with_extra_data(hass, [(State(DELIVERED, last), {})])
    await setup_entry(hass, mock_entry)
    assert hass.states.get(DELIVERED).state == shown


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 3, 28, 22, 0, tzinfo=UTC),  # spring forward at 01:00 UTC on the 29th
        datetime(2026, 10, 24, 22, 0, tzinfo=UTC),  # fall back at 01:00 UTC on the 25th
    ],
    ids=["spring_forward", "fall_back"],
)
async def test_midnight_and_daylight_saving(  # noqa: PLR0917
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    simulator: Simulator,
    vendor: OhmeVendor,
    freezer: FrozenDateTimeFactory,
    start: datetime,
) -> None:
    """Charging through London's midnight and a clock change: every Wh counted once."""
    await hass.config.async_set_time_zone("Europe/London")
    simulator.clock.set(start)
    freezer.move_to(start)
    vendor.reset()
    vendor.rule["targetPercent"] = 100
    await setup_entry(hass, mock_entry)
    values = []
    for _ in range(8 * 120):  # eight hours in 30-second polls
        simulator.clock.advance(30)
        freezer.tick(30)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        values.append(float(hass.states.get(DELIVERED).state))
    assert values == sorted(values)
    delivered = _delivered_kwh(vendor)
    assert delivered > 20
    assert values[-1] == pytest.approx(delivered, abs=0.002)


async def test_refused_summary_makes_the_sensor_unavailable(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """Ohme refusing the summary: only this sensor is unavailable; no reauth, no login."""
    simulator.faults.inject(
        "ohme", "/v1/chargeSessions/summary/users/*", status=401, body='{"status":401}'
    )
    await setup_entry(hass, mock_entry)
    await advance(30)
    assert hass.states.get(DELIVERED).state == STATE_UNAVAILABLE
    assert hass.states.get(STATUS).state == "unplugged"
    assert hass.config_entries.flow.async_progress() == []
    login = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"
    assert simulator.log.count("ohme", login) == 1


async def test_failed_summary_keeps_the_total_and_retries(
    hass: HomeAssistant, mock_entry: MockConfigEntry, simulator: Simulator, advance: Advance
) -> None:
    """A failing summary keeps the last total (available) and is read again 15 minutes later."""
    fault = simulator.faults.inject("ohme", "/v1/chargeSessions/summary/users/*", status=503)
    await setup_entry(hass, mock_entry)
    await advance(30)
    assert hass.states.get(DELIVERED).state == "0.0"
    assert fault.hits == 1
    simulator.faults.remove(fault.id)
    await advance(600)
    assert simulator.log.count("ohme", SUMMARY) == 1  # the failed one only
    await advance(300)
    assert simulator.log.count("ohme", SUMMARY) == 2


async def test_session_energy_renamed_and_kept(
    hass: HomeAssistant, mock_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The battery-based "Energy" keeps its id and entity_id; new installs get it disabled."""
    mock_entry.add_to_hass(hass)
    entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{SERIAL}_energy",
        config_entry=mock_entry,
        suggested_object_id="ohme_home_pro_energy",
    )
    await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get("sensor.ohme_home_pro_energy")
    assert state is not None
    assert state.attributes["friendly_name"] == "Ohme Home Pro Session energy estimate"
    assert hass.states.get(DELIVERED) is not None


async def test_session_energy_disabled_for_new_installs(
    hass: HomeAssistant, mock_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    await setup_entry(hass, mock_entry)
    entity = entity_registry.async_get("sensor.ohme_home_pro_session_energy_estimate")
    assert entity is not None
    assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_login_refused_at_the_first_summary_read_starts_reauth(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """The start-up read (a background task) meeting a refused login asks to sign in again.

    A poll would do the same; the task must not end with an unhandled error.
    """
    with patch(
        "custom_components.ohme.api.OhmeClient.async_get_charge_summary",
        side_effect=OhmeAuthError("refused"),
    ):
        await setup_entry(hass, mock_entry)
        await hass.async_block_till_done(wait_background_tasks=True)
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert hass.states.get(DELIVERED).state == "0.0"
