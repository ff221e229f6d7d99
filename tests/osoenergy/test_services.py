"""Actions: profile conversion (incl. DST days in US/Pacific), V40 min, turn on/off, away."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
import voluptuous as vol

from custom_components.osoenergy.const import DOMAIN, SCAN_INTERVAL
from custom_components.osoenergy.profile import (
    HourConflictError,
    merge_local,
    to_local,
    to_utc,
    utc_hour,
)
from simulator import Simulator
from simulator.osoenergy import OSOEnergyVendor

from .conftest import S200, S300

BATHROOM = "water_heater.bathroom_heater"
BASEMENT = "water_heater.basement_heater"
PACIFIC = ZoneInfo("US/Pacific")
OSLO = ZoneInfo("Europe/Oslo")


def test_utc_hour_follows_dst() -> None:
    """The offset in force at each local hour of the day is used."""
    winter, summer = date(2026, 1, 15), date(2026, 7, 1)
    assert utc_hour(1, winter, PACIFIC) == 9
    assert utc_hour(1, summer, PACIFIC) == 8
    # Spring forward (2026-03-08, 02:00 -> 03:00): before the switch PST, after it PDT.
    spring = date(2026, 3, 8)
    assert [utc_hour(h, spring, PACIFIC) for h in range(6)] == [8, 9, 10, 10, 11, 12]
    # Fall back (2026-11-01, 02:00 -> 01:00): 01:00 is taken in PDT (the first one).
    autumn = date(2026, 11, 1)
    assert [utc_hour(h, autumn, PACIFIC) for h in range(4)] == [7, 8, 10, 11]
    # Europe/Oslo: 2026-03-29 02:00 -> 03:00.
    assert [utc_hour(h, date(2026, 3, 29), OSLO) for h in range(5)] == [23, 0, 1, 1, 2]
    # Europe/Oslo: 2026-10-25 03:00 -> 02:00; the 25-hour day starts and ends at 22 UTC.
    oslo_autumn = date(2026, 10, 25)
    assert [utc_hour(h, oslo_autumn, OSLO) for h in (0, 1, 2, 3, 23)] == [22, 23, 0, 2, 22]
    assert utc_hour(23, autumn, PACIFIC) == utc_hour(0, autumn, PACIFIC) == 7


@pytest.mark.parametrize(
    ("day", "tz", "first", "second", "utc"),
    [
        (date(2026, 10, 25), OSLO, 0, 23, 22),
        (date(2026, 11, 1), PACIFIC, 0, 23, 7),
        # Spring: the hour that does not exist shares its UTC hour with the next one.
        (date(2026, 3, 29), OSLO, 2, 3, 1),
        (date(2026, 3, 8), PACIFIC, 2, 3, 10),
    ],
)
def test_hours_on_one_utc_hour(day: date, tz: ZoneInfo, first: int, second: int, utc: int) -> None:
    """Two local hours on one UTC hour: different values are refused, equal ones are fine."""
    profile = [60.0] * 24
    with pytest.raises(HourConflictError) as err:
        merge_local(profile, {first: 40, second: 50, 12: 45}, day, tz)
    assert (err.value.first, err.value.second, err.value.utc) == (first, second, utc)
    merged = merge_local(profile, {first: 40, second: 40}, day, tz)
    assert merged[utc] == 40
    assert merged.count(40) == 1
    assert to_utc({first: 40, second: 40}, day, tz) == {utc: 40}


def test_profile_round_trip_and_core_example() -> None:
    """Core's example: at 2024-10-10 00:00 UTC, local 01:00 PDT is UTC index 8."""
    profile = [10.0] + [60.0] * 23
    day = datetime(2024, 10, 10, tzinfo=UTC).astimezone(PACIFIC).date()
    local = to_local(profile, day, PACIFIC)
    assert local == [60.0] * 17 + [10.0] + [60.0] * 6
    merged = merge_local(profile, {1: 45}, day, PACIFIC)
    assert merged == [10.0] + [60.0] * 7 + [45] + [60.0] * 15
    assert profile == [10.0] + [60.0] * 23  # not mutated


async def test_get_profile(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, init_integration: MockConfigEntry
) -> None:
    """The UTC profile (00-05 UTC = 55 degC) comes back indexed by local hour."""
    freezer.move_to("2026-01-15T12:00:00+00:00")
    response = await hass.services.async_call(
        DOMAIN,
        "get_profile",
        {ATTR_ENTITY_ID: [BASEMENT, BATHROOM]},
        blocking=True,
        return_response=True,
    )
    assert response == {
        BASEMENT: {"profile": [70.0] * 16 + [55.0] * 6 + [70.0] * 2},
        BATHROOM: {"profile": [65.0] * 24},
    }
    freezer.move_to("2026-07-01T12:00:00+00:00")
    response = await hass.services.async_call(
        DOMAIN, "get_profile", {ATTR_ENTITY_ID: BASEMENT}, blocking=True, return_response=True
    )
    assert response == {BASEMENT: {"profile": [70.0] * 17 + [55.0] * 6 + [70.0]}}


async def test_set_profile_on_dst_day(
    hass: HomeAssistant,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """On the spring-forward day 00:00 local is 08 UTC but 05:00 local is 12 UTC."""
    freezer.move_to("2026-03-08T20:00:00+00:00")
    await hass.services.async_call(
        DOMAIN,
        "set_profile",
        {ATTR_ENTITY_ID: BATHROOM, "hour_00": 40, "hour_05": "50", "hour_23": 75},
        blocking=True,
    )
    expected = [65.0] * 24
    expected[8], expected[12], expected[6] = 40.0, 50.0, 75.0
    assert oso.heaters[S200].profile == expected
    # Only the targeted heater changed.
    assert oso.heaters[S300].profile == [55.0] * 6 + [70.0] * 18


async def test_set_profile_on_fall_back_day(
    hass: HomeAssistant,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """The 25-hour day ending DST (2026-11-01 in US/Pacific): 00:00 PDT and 23:00 PST are
    both 07 UTC, the repeated 01:00 is the first (PDT, 08 UTC), and 09 UTC has no local hour."""
    freezer.move_to("2026-11-01T20:00:00+00:00")
    simulator.log.reset()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_profile",
            {ATTR_ENTITY_ID: BATHROOM, "hour_00": 40, "hour_23": 50},
            blocking=True,
        )
    assert err.value.translation_key == "profile_hours_conflict"
    assert err.value.translation_placeholders == {"first": "00:00", "second": "23:00"}
    assert simulator.log.count("osoenergy") == 0
    assert oso.heaters[S200].profile == [65.0] * 24

    await hass.services.async_call(
        DOMAIN,
        "set_profile",
        {ATTR_ENTITY_ID: BATHROOM, "hour_00": 40, "hour_01": 45, "hour_02": 50, "hour_23": 40},
        blocking=True,
    )
    expected = [65.0] * 24
    expected[7], expected[8], expected[10] = 40.0, 45.0, 50.0
    assert oso.heaters[S200].profile == expected
    await hass.async_block_till_done()
    response = await hass.services.async_call(
        DOMAIN, "get_profile", {ATTR_ENTITY_ID: BATHROOM}, blocking=True, return_response=True
    )
    local = response[BATHROOM]["profile"]
    assert (local[0], local[1], local[2], local[23]) == (40.0, 45.0, 50.0, 40.0)


async def test_set_profile_bad_input(
    hass: HomeAssistant, oso: OSOEnergyVendor, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN, "set_profile", {ATTR_ENTITY_ID: BATHROOM, "hour_01": 80}, blocking=True
        )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "set_profile", {ATTR_ENTITY_ID: BATHROOM}, blocking=True
        )
    assert err.value.translation_key == "no_hours"
    assert oso.heaters[S200].profile == [65.0] * 24


async def test_set_profile_within_the_heaters_limits(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """set_profile holds each heater to the range it reports, as set_temperature does:
    a translated validation error, and nothing sent."""
    oso.heaters[S200].min_temperature = 20
    oso.heaters[S200].max_temperature = 70
    freezer.tick(SCAN_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(BATHROOM).attributes["max_temp"] == 70
    simulator.log.reset()
    for hours, bad in (
        ({"hour_01": 60, "hour_07": 72}, ("07:00", "72")),
        ({"hour_03": 15}, ("03:00", "15")),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, "set_profile", {ATTR_ENTITY_ID: BATHROOM, **hours}, blocking=True
            )
        assert err.value.translation_key == "profile_out_of_range"
        assert err.value.translation_placeholders == {
            "entity_id": BATHROOM,
            "hour": bad[0],
            "temperature": bad[1],
            "min": "20",
            "max": "70",
        }
    assert simulator.log.count("osoenergy") == 0
    assert oso.heaters[S200].profile == [65.0] * 24
    # The limits themselves are fine; another heater keeps its own (10-75 degC) range.
    await hass.services.async_call(
        DOMAIN,
        "set_profile",
        {ATTR_ENTITY_ID: BATHROOM, "hour_04": 20, "hour_05": 70},
        blocking=True,
    )
    assert sorted(oso.heaters[S200].profile)[:1] == [20.0]
    assert max(oso.heaters[S200].profile) == 70.0
    await hass.services.async_call(
        DOMAIN, "set_profile", {ATTR_ENTITY_ID: BASEMENT, "hour_04": 72}, blocking=True
    )
    assert 72.0 in oso.heaters[S300].profile


async def test_profile_unavailable(
    hass: HomeAssistant,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    oso.heaters[S200].extra["profile"] = None
    freezer.tick(SCAN_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "get_profile", {ATTR_ENTITY_ID: BATHROOM}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "profile_unavailable"


async def test_set_v40_min(
    hass: HomeAssistant,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Targets may be devices; the device's own range is enforced before any request."""
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, S200), init_integration.entry_id
    )
    await hass.services.async_call(
        DOMAIN, "set_v40_min", {"device_id": device.id, "v40_min": 300}, blocking=True
    )
    assert oso.heaters[S200].v40_min == 300
    assert simulator.log.count("osoenergy", "PUT /osoenergy/1/Device/{device_id}/V40Min/{value}")
    await hass.async_block_till_done()
    assert hass.states.get("sensor.bathroom_heater_mixed_water_at_40degc").state == "300.0"

    simulator.log.reset()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "set_v40_min", {ATTR_ENTITY_ID: BATHROOM, "v40_min": 400}, blocking=True
        )
    assert err.value.translation_key == "v40_min_out_of_range"
    assert err.value.translation_placeholders == {
        "entity_id": BATHROOM,
        "value": "400",
        "min": "200",
        "max": "350",
    }
    assert simulator.log.count("osoenergy") == 0
    assert oso.heaters[S200].v40_min == 300

    # Each targeted heater is checked against its own range: the S300 (300-550 L) takes 400 L,
    # the S200 refuses it and is not written.
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_v40_min",
            {ATTR_ENTITY_ID: [BASEMENT, BATHROOM], "v40_min": 400},
            blocking=True,
        )
    assert err.value.translation_placeholders["entity_id"] == BATHROOM
    assert oso.heaters[S300].v40_min == 400
    assert oso.heaters[S200].v40_min == 300
    assert (
        simulator.log.count("osoenergy", "PUT /osoenergy/1/Device/{device_id}/V40Min/{value}") == 1
    )
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN, "set_v40_min", {ATTR_ENTITY_ID: BATHROOM, "v40_min": 600}, blocking=True
        )


@pytest.mark.parametrize(("service", "forced"), [("turn_on", "on"), ("turn_off", "off")])
@pytest.mark.parametrize("until", [True, False])
async def test_turn_on_off(
    hass: HomeAssistant,
    *,
    oso: OSOEnergyVendor,
    init_integration: MockConfigEntry,
    service: str,
    forced: str,
    until: bool,
) -> None:
    await hass.services.async_call(
        DOMAIN, service, {ATTR_ENTITY_ID: BASEMENT, "until_temp_limit": until}, blocking=True
    )
    heater = oso.heaters[S300]
    assert heater.forced == forced
    assert heater.forced_limit is until


async def test_turn_away_mode_on(
    hass: HomeAssistant,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    init_integration: MockConfigEntry,
) -> None:
    await hass.services.async_call(
        DOMAIN, "turn_away_mode_on", {ATTR_ENTITY_ID: BATHROOM, "duration_days": 7}, blocking=True
    )
    assert oso.heaters[S200].power_save
    path = next(r.path for r in simulator.log.recent if "HolidayMode" in r.path)
    start, end = path.split("/")[-2:]
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    assert delta.days == 7
    await hass.async_block_till_done()
    assert hass.states.get(BATHROOM).attributes["away_mode"] == "on"
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN,
            "turn_away_mode_on",
            {ATTR_ENTITY_ID: BATHROOM, "duration_days": 0},
            blocking=True,
        )


async def test_actions_exist_once_a_heater_is_set_up(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """The water heater platform registers the actions (once, for every entry)."""
    assert not hass.services.has_service(DOMAIN, "turn_on")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    services = hass.services.async_services_for_domain(DOMAIN)
    assert set(services) == {
        "get_profile",
        "set_profile",
        "set_v40_min",
        "turn_on",
        "turn_off",
        "turn_away_mode_on",
    }


@pytest.mark.parametrize(
    "target",
    [
        {ATTR_ENTITY_ID: "sensor.bathroom_heater_heater_mode"},
        {ATTR_ENTITY_ID: "water_heater.nowhere"},
        {"area_id": "nowhere"},
    ],
)
async def test_targets_that_are_no_oso_water_heater(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    target: dict,
) -> None:
    """Anything but an OSO water heater is not targeted: nothing is sent, Home Assistant
    logs the missing target, and get_profile answers that nothing matched."""
    simulator.log.reset()
    await hass.services.async_call(
        DOMAIN, "turn_on", {**target, "until_temp_limit": False}, blocking=True
    )
    assert simulator.log.count("osoenergy") == 0
    assert "are missing or not currently available" in caplog.text
    with pytest.raises(HomeAssistantError, match="did not match any entities"):
        await hass.services.async_call(
            DOMAIN, "get_profile", target, blocking=True, return_response=True
        )


async def test_only_oso_water_heaters_answer(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A target mixing an OSO water heater and other entities answers for the heater."""
    response = await hass.services.async_call(
        DOMAIN,
        "get_profile",
        {ATTR_ENTITY_ID: [BATHROOM, "sensor.bathroom_heater_heater_mode"]},
        blocking=True,
        return_response=True,
    )
    assert list(response) == [BATHROOM]


async def test_unavailable_heater_or_unloaded_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """An unavailable heater (offline, or missing from the last answer) and the heaters of
    an unloaded entry are skipped, as by every entity action; the actions stay registered."""
    oso.heaters[S200].connected = False
    del oso.heaters[S300]
    freezer.tick(SCAN_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.log.reset()
    await hass.services.async_call(
        DOMAIN,
        "turn_on",
        {ATTR_ENTITY_ID: [BATHROOM, BASEMENT], "until_temp_limit": False},
        blocking=True,
    )
    assert simulator.log.count("osoenergy") == 0

    await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.services.has_service(DOMAIN, "turn_on")
    await hass.services.async_call(
        DOMAIN, "turn_on", {ATTR_ENTITY_ID: BASEMENT, "until_temp_limit": False}, blocking=True
    )
    with pytest.raises(HomeAssistantError, match="did not match any entities"):
        await hass.services.async_call(
            DOMAIN, "get_profile", {ATTR_ENTITY_ID: BASEMENT}, blocking=True, return_response=True
        )
    assert simulator.log.count("osoenergy") == 0


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("turn_on", {"until_temp_limit": True}),
        ("set_profile", {"hour_12": 50}),
    ],
)
async def test_action_refused_by_the_cloud(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    init_integration: MockConfigEntry,
    action: str,
    data: dict,
) -> None:
    """A command the cloud refuses fails with a translated error (the cloud's message)."""
    oso.heaters[S200].power_save = True
    simulator.faults.inject("osoenergy", "/1/Device/*/Profile", status=503, remaining=1)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, action, {ATTR_ENTITY_ID: BATHROOM, **data}, blocking=True
        )
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == ("rejected" if action == "turn_on" else "cannot_connect")
    assert oso.heaters[S200].forced is None
    assert oso.heaters[S200].profile == [65.0] * 24
