"""Benchmarks of OSO Energy against the in-process simulator (issue 7, part 1).

Home Assistant's clock (``freezer``) and the simulator's clock move together, poll by poll.
The account holds N heaters of the same kind (SAGA S200, three tank temperature sensors) so
that the figures scale cleanly; N is set through the simulated vendor's own state.

"Existing" is core osoenergy 2025.4.4, which works like this: no coordinator, every entity
polls through its own ``async_update`` (water heater every 60 s, sensors and binary sensors
every 30 s); the library refetches ``GET /1/Device/All`` for the
whole account at most once per 30 s, and once more right after each successful write. Core
creates per heater 1 water heater + 9 sensors (heater mode, optimization mode, power, tapping
capacity, capacity mixed water 40, V40 min, V40 level min, V40 level max, volume) + one sensor
per reported tank temperature (3 on these heaters) + 3 binary sensors = 16 entities.
"""

from __future__ import annotations

from collections.abc import Callable

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.osoenergy.const import DOMAIN, SCAN_INTERVAL
from simulator import Simulator
from simulator.osoenergy import API_KEY, EMAIL, MODELS, Heater, OSOEnergyVendor
from tests.conftest import SIM_START

from .conftest import (
    Recorder,
    StateWrites,
    advance,
    cpu_seconds,
    entry_states,
    timed_setup,
)

INTEGRATION = "osoenergy"
DEVICE_ALL = "GET /osoenergy/1/Device/All"
HOUR = 3600
POLLS_PER_HOUR = HOUR // int(SCAN_INTERVAL.total_seconds())

# Core's request pattern: one account-wide fetch per 30 s (library throttle), whatever N is.
EXISTING_POLLS_PER_HOUR = HOUR // 30
# Core's state writes per heater per minute: the water heater once, the 9 + 3 sensors and
# the 3 binary sensors twice (30 s scan interval), each write even when nothing changed.
EXISTING_WRITES_PER_HEATER_MINUTE = 1 + 2 * (9 + 3) + 2 * 3
EXISTING_NOTE = (
    "core: per-entity polling (16 entities per heater: 1 water heater, 12 sensors, "
    "3 binary sensors), the library refetches the account at most once per 30 s"
)


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from custom_components."""


def _account(simulator: Simulator, heaters: int, *, heating: bool = False) -> OSOEnergyVendor:
    """Give the simulated account ``heaters`` SAGA S200 heaters, idle or heating."""
    oso = simulator.vendor("osoenergy")
    assert isinstance(oso, OSOEnergyVendor)
    oso.heaters.clear()
    for index in range(heaters):
        heater = Heater(
            device_id=f"oso-bench-{index:04d}",
            name=f"Heater {index}",
            device_type="SAGA S200",
            # Idle: at the profile's target; heating: cold water, one hour from the target.
            temperature=20.0 if heating else 65.0,
            profile=[65.0] * 24,
            v40_min=float(MODELS["SAGA S200"][1]),
        )
        heater.heating = heating
        oso.heaters[heater.device_id] = heater
    oso.sync()
    return oso


async def _setup(hass: HomeAssistant, simulator: Simulator) -> tuple[MockConfigEntry, float]:
    """Set the entry up; return it and the seconds until every entity was available."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        unique_id=EMAIL,
        data={"api_key": API_KEY, "api_url": simulator.url("osoenergy")},
    )
    elapsed = await timed_setup(hass, entry)
    states = entry_states(hass, entry)
    assert states
    assert all(state != STATE_UNAVAILABLE for state in states.values())
    return entry, elapsed


async def _run_hour(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    action: Callable[[int], object] | None = None,
) -> None:
    """Run one simulated hour poll by poll; ``action(minute)`` may act every minute."""
    step = int(SCAN_INTERVAL.total_seconds())
    for minute in range(HOUR // step):
        if action is not None:
            coro = action(minute)
            if coro is not None:
                await coro  # type: ignore[misc]
        await advance(hass, simulator, freezer, step)


@pytest.mark.parametrize("heaters", [1, 10, 100])
async def test_scale(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
    state_writes: Callable[[], StateWrites],
    heaters: int,
) -> None:
    """Setup time, one update (CPU, state writes) and an idle hour at N heaters."""
    freezer.move_to(SIM_START)
    _account(simulator, heaters)
    scale = f"idle, {heaters} heater{'s' if heaters > 1 else ''}"

    entry, setup_seconds = await _setup(hass, simulator)
    entities = len(entry_states(hass, entry))
    assert simulator.log.count("osoenergy") == 1
    bench.row(
        INTEGRATION,
        scale,
        "setup to all entities available",
        round(setup_seconds * 1000, 1),
        "ms",
        note=f"{entities} entities, one request",
    )

    coordinator = entry.runtime_data.coordinator

    async def one_update() -> None:
        freezer.tick(SCAN_INTERVAL)
        simulator.clock.advance(SCAN_INTERVAL.total_seconds())
        await coordinator.async_refresh()
        await hass.async_block_till_done()

    cpu = await cpu_seconds(one_update, repeat=5)
    bench.row(
        INTEGRATION,
        scale,
        "CPU of one update",
        round(cpu * 1000, 2),
        "ms",
        note="median of 5; includes the in-process simulator serving the answer",
    )
    simulator.log.reset()
    with state_writes() as writes:
        await _run_hour(hass, simulator, freezer)
    # An answer equal to the one before writes nothing (idle heaters hold their state here);
    # one that changes writes each entity once.
    assert writes.count <= entities * POLLS_PER_HOUR
    assert writes.count % entities == 0
    bench.row(
        INTEGRATION,
        scale,
        "state writes per simulated hour",
        writes.count,
        "",
        existing=EXISTING_WRITES_PER_HEATER_MINUTE * heaters * 60,
        note=(
            "ours: each enabled entity is written once per answer that differs from the one "
            f"before ({entities // heaters} entities per heater: core's less the volume sensor, "
            "off by default, plus consumed energy, connectivity and the extra-energy switch); "
            f"{EXISTING_NOTE}, so {EXISTING_WRITES_PER_HEATER_MINUTE} writes per heater a "
            "minute (1 + 2 x 12 + 2 x 3), each even when nothing changed"
        ),
    )
    requests = simulator.log.count("osoenergy")
    assert requests == simulator.log.count("osoenergy", DEVICE_ALL) == POLLS_PER_HOUR
    body = simulator.log.bytes_out["osoenergy"] / requests
    bench.row(
        INTEGRATION,
        scale,
        "requests per simulated hour",
        requests,
        "",
        existing=EXISTING_POLLS_PER_HOUR,
        note=f"one GET /1/Device/All a minute for the whole account; {EXISTING_NOTE}",
    )
    bench.row(
        INTEGRATION,
        scale,
        "bytes received per simulated hour",
        round(simulator.log.bytes_out["osoenergy"] / 1000, 1),
        "kB",
        existing=round(EXISTING_POLLS_PER_HOUR * body / 1000, 1),
        note=(
            f"response bodies; {body:,.0f} B per answer; existing: the same answer "
            f"{EXISTING_POLLS_PER_HOUR} times an hour"
        ),
    )
    assert all(state != STATE_UNAVAILABLE for state in entry_states(hass, entry).values())


async def test_heating_and_writes(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
    state_writes: Callable[[], StateWrites],
) -> None:
    """One heater heating for an hour, then an hour with a command every 10 minutes."""
    freezer.move_to(SIM_START)
    _account(simulator, 1, heating=True)
    await _setup(hass, simulator)
    water_heater = "water_heater.heater_0"
    assert hass.states.get(water_heater) is not None

    simulator.log.reset()
    with state_writes() as writes:
        await _run_hour(hass, simulator, freezer)
    requests = simulator.log.count("osoenergy")
    assert requests == POLLS_PER_HOUR
    assert hass.states.get("binary_sensor.heater_0_heating").state == "on"  # type: ignore[union-attr]
    bench.row(
        INTEGRATION,
        "heating, 1 heater",
        "requests per simulated hour",
        requests,
        "",
        existing=EXISTING_POLLS_PER_HOUR,
        note=f"the water warms up all hour; {EXISTING_NOTE}",
    )
    bench.row(
        INTEGRATION,
        "heating, 1 heater",
        "bytes received per simulated hour",
        round(simulator.log.bytes_out["osoenergy"] / 1000, 1),
        "kB",
        existing=round(
            EXISTING_POLLS_PER_HOUR * simulator.log.bytes_out["osoenergy"] / requests / 1000, 1
        ),
        note="response bodies",
    )
    bench.row(
        INTEGRATION,
        "heating, 1 heater",
        "state writes per simulated hour",
        writes.count,
        "",
        existing=EXISTING_WRITES_PER_HEATER_MINUTE * POLLS_PER_HOUR,
        note=f"{EXISTING_NOTE}",
    )

    # A command every 10 minutes: the target temperature alternates between 60 and 61 degC.
    commands = 0

    async def command(minute: int) -> None:
        nonlocal commands
        if minute % 10:
            return
        commands += 1
        await hass.services.async_call(
            "water_heater",
            "set_temperature",
            {"entity_id": water_heater, "temperature": 60 + commands % 2},
            blocking=True,
        )

    simulator.log.reset()
    await _run_hour(hass, simulator, freezer, command)
    writes_sent = simulator.log.count("osoenergy", "PUT /osoenergy/1/Device/{device_id}/Profile")
    requests = simulator.log.count("osoenergy")
    assert commands == writes_sent == 6
    assert simulator.log.count("osoenergy", DEVICE_ALL) == requests - writes_sent
    bench.row(
        INTEGRATION,
        "writes, 1 heater",
        "requests per simulated hour",
        requests,
        "",
        existing=EXISTING_POLLS_PER_HOUR + 2 * commands,
        note=(
            f"{commands} set_temperature commands (one every 10 min), each followed by one "
            f"immediate refresh; existing: {EXISTING_POLLS_PER_HOUR} throttled polls + each "
            "write + the library's refetch after it"
        ),
    )
    body = simulator.log.bytes_out["osoenergy"] / simulator.log.count("osoenergy", DEVICE_ALL)
    bench.row(
        INTEGRATION,
        "writes, 1 heater",
        "bytes sent + received per simulated hour",
        round(
            (simulator.log.bytes_out["osoenergy"] + simulator.log.bytes_in["osoenergy"]) / 1000,
            1,
        ),
        "kB",
        existing=round(
            (simulator.log.bytes_in["osoenergy"] + (EXISTING_POLLS_PER_HOUR + commands) * body)
            / 1000,
            1,
        ),
        note=(
            "request and response bodies (a write answers 200 with an empty body); existing: "
            "the same writes, and the state answer once per poll and per refetch"
        ),
    )


async def test_logins_per_day(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
) -> None:
    """A simulated day at one heater: no login, no key validation, only polls."""
    freezer.move_to(SIM_START)
    _account(simulator, 1)
    await _setup(hass, simulator)
    simulator.log.reset()
    for _ in range(24):
        await _run_hour(hass, simulator, freezer)
    assert simulator.log.count("osoenergy", "GET /osoenergy/1/User/Details") == 0
    assert simulator.log.count("osoenergy") == 24 * POLLS_PER_HOUR
    bench.row(
        INTEGRATION,
        "idle, 1 heater, 24 h",
        "logins per simulated day",
        0,
        "",
        existing=0,
        note=(
            "OSO has no login or token: the subscription key header goes with every request; "
            "GET /1/User/Details (key check) only in the config flow, in core too"
        ),
    )
    bench.row(
        INTEGRATION,
        "idle, 1 heater, 24 h",
        "requests per simulated day",
        simulator.log.count("osoenergy"),
        "",
        existing=24 * EXISTING_POLLS_PER_HOUR,
        note=EXISTING_NOTE,
    )
