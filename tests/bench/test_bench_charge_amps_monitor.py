"""Benchmarks of Charge Amps Monitor against the in-process simulator (issue 7, part 1).

Home Assistant's clock (``freezer``) and the simulator's clock move together, poll by poll, at
the default interval of 60 s. The account holds N Halo charge points (a three-phase charging
connector and a single-phase Schuko socket each), set through the simulator's control routes
(``DELETE``/``POST /_sim/chargeamps/chargers``). "Charging" starts at 12:00 UTC, when both
connectors of every Halo charge; "idle" starts at 20:00 UTC, when none does.

"Existing" is the seed integration (MarkBovee/ha-addons ``charge_amps_monitor``), whose code
makes its requests this way: one ``POST .../owned`` per interval (60 s by default) for the
whole account, like ours; a login whenever its token is within 300 s of the ``expiresIn`` the
login answered (3600 s here), i.e. one login per 3300 s; one more login at
every setup (each HA start or reload, since the token lives only in memory) besides the one of
the config flow; every entity written at every poll (coordinator default ``always_update``),
with 2 entities per charge point and 10 per connector, all enabled. Its figures are computed
from that pattern and the answer sizes measured here.

The integration has no actions (it only monitors), so there is no "with writes" scenario; the
only things a user does to it are reloads/restarts and option changes, measured as logins.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import math

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_SCAN_INTERVAL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.charge_amps_monitor.api import TOKEN_MARGIN
from custom_components.charge_amps_monitor.const import (
    CONF_API_URL,
    CONF_HOST_NAME,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
)
from simulator import Simulator
from simulator.chargeamps import ACCOUNT_EMAIL, ACCOUNT_PASSWORD, TOKEN_LIFETIME

from .conftest import (
    Recorder,
    StateWrites,
    advance,
    cpu_seconds,
    entry_states,
    timed_setup,
)

INTEGRATION = "charge_amps_monitor"
VENDOR = "chargeamps"
OWNED = "POST /chargeamps/api/users/chargepoints/owned"
LOGIN = "POST /chargeamps/api/auth/login"
HOUR = 3600
DAY = 24 * HOUR
STEP = DEFAULT_SCAN_INTERVAL
POLLS_PER_HOUR = HOUR // STEP
CHARGING_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
IDLE_AT = datetime(2026, 1, 15, 20, 0, tzinfo=UTC)

# The seed's pattern.
SEED_LOGIN_EVERY = TOKEN_LIFETIME - 300  # expiresIn minus its 300 s margin
SEED_LOGINS_PER_HOUR = HOUR / SEED_LOGIN_EVERY
SEED_ENTITIES_PER_CHARGER = 2 + 10 * 2  # charger status + online; 10 per connector, 2 connectors
SEED_NOTE = (
    "seed: one owned-list request per 60 s and a login every 3300 s (token 3600 s, renewed "
    "300 s early)"
)


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from custom_components."""


async def _account(simulator: Simulator, chargers: int) -> None:
    """Give the simulated account ``chargers`` Halo charge points, through its control routes."""
    control = f"{simulator.url(VENDOR).rsplit('/', 1)[0]}/_sim/{VENDOR}"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{control}/state") as response:
            existing = (await response.json())["chargers"]
        for charger in existing:
            async with session.delete(f"{control}/chargers/{charger}") as response:
                assert response.status == 200
        for index in range(chargers):
            async with session.post(
                f"{control}/chargers",
                json={"product": "Halo", "id": f"24{index:08d}H", "name": f"Halo {index}"},
            ) as response:
                assert response.status == 201
    simulator.log.reset()


async def _setup(hass: HomeAssistant, simulator: Simulator) -> tuple[MockConfigEntry, float]:
    """Set the entry up; return it and the seconds until every entity was available."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=ACCOUNT_EMAIL,
        unique_id=ACCOUNT_EMAIL,
        data={
            CONF_EMAIL: ACCOUNT_EMAIL,
            CONF_PASSWORD: ACCOUNT_PASSWORD,
            CONF_HOST_NAME: "my.charge.space",
            CONF_API_URL: simulator.url(VENDOR),
        },
        options={CONF_SCAN_INTERVAL: STEP},
        minor_version=2,
    )
    elapsed = await timed_setup(hass, entry)
    states = entry_states(hass, entry)
    assert states
    assert all(state != STATE_UNAVAILABLE for state in states.values())
    return entry, elapsed


def _start(simulator: Simulator, freezer: FrozenDateTimeFactory, when: datetime) -> None:
    """Put both clocks at ``when`` (UTC)."""
    freezer.move_to(when)
    simulator.clock.set(when)


async def _run(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory, seconds: int
) -> None:
    """Run ``seconds`` of simulated time poll by poll."""
    for _ in range(seconds // STEP):
        await advance(hass, simulator, freezer, STEP, fire_ahead=1)


def _seed_requests(seconds: float) -> float:
    """Requests of the seed's pattern in a steady-state period of ``seconds``."""
    return seconds / STEP + seconds / SEED_LOGIN_EVERY


@pytest.mark.parametrize("chargers", [1, 10, 100])
async def test_scale(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
    state_writes: Callable[[], StateWrites],
    chargers: int,
) -> None:
    """Setup time, one update (CPU, state writes) and a charging hour at N charge points."""
    _start(simulator, freezer, CHARGING_AT)
    await _account(simulator, chargers)
    scale = f"charging, {chargers} charge point{'s' if chargers > 1 else ''}"

    entry, setup_seconds = await _setup(hass, simulator)
    entities = len(entry_states(hass, entry))
    assert simulator.log.count(VENDOR, LOGIN) == 1
    assert simulator.log.count(VENDOR, OWNED) == 1
    bench.row(
        INTEGRATION,
        scale,
        "setup to all entities available",
        round(setup_seconds * 1000, 1),
        "ms",
        note=f"{entities} enabled entities; a login and one owned-list request",
    )

    coordinator = entry.runtime_data.coordinator

    async def one_update() -> None:
        freezer.tick(timedelta(seconds=STEP))
        simulator.clock.advance(STEP)
        await coordinator.async_refresh()
        await hass.async_block_till_done()

    cpu = await cpu_seconds(one_update, repeat=5)
    bench.row(
        INTEGRATION,
        scale,
        "CPU of one update + state writes",
        round(cpu * 1000, 2),
        "ms",
        note="median of 5; includes the in-process simulator serving the answer",
    )
    with state_writes() as writes:
        await one_update()
    assert writes.count == entities
    bench.row(
        INTEGRATION,
        scale,
        "state writes per poll",
        writes.count,
        "",
        existing=SEED_ENTITIES_PER_CHARGER * chargers,
        note=(
            f"ours: every enabled entity once per poll ({entities // chargers} per Halo: the "
            "per-phase voltages are disabled by default); seed: all "
            f"{SEED_ENTITIES_PER_CHARGER} entities of a two-connector charger at every poll"
        ),
    )

    simulator.log.reset()
    await _run(hass, simulator, freezer, HOUR)
    requests = simulator.log.count(VENDOR)
    polls = simulator.log.count(VENDOR, OWNED)
    assert polls == POLLS_PER_HOUR
    assert requests - polls == simulator.log.count(VENDOR, LOGIN) <= 1
    body = simulator.log.bytes_out[VENDOR] / requests
    bench.row(
        INTEGRATION,
        scale,
        "requests per simulated hour",
        requests,
        "",
        existing=round(_seed_requests(HOUR), 1),
        note=(
            "one owned-list request a minute for the whole account, a login when the token "
            f"is within 5 min of its expiry (here {requests - polls} this hour); {SEED_NOTE}"
        ),
    )
    bench.row(
        INTEGRATION,
        scale,
        "bytes received per simulated hour",
        round(simulator.log.bytes_out[VENDOR] / 1000, 1),
        "kB",
        existing=round(_seed_requests(HOUR) * body / 1000, 1),
        note=f"response bodies, {body:,.0f} B per answer; seed: the same answers",
    )
    assert all(state != STATE_UNAVAILABLE for state in entry_states(hass, entry).values())


async def test_idle_and_charging_hours(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
    state_writes: Callable[[], StateWrites],
) -> None:
    """One charge point: an idle hour (20:00 UTC) and a charging hour (12:00 UTC next day)."""
    _start(simulator, freezer, IDLE_AT)
    await _account(simulator, 1)
    entry, _ = await _setup(hass, simulator)
    entities = len(entry_states(hass, entry))
    for scenario, start in (
        ("idle, 1 charge point", None),
        ("charging, 1 charge point", IDLE_AT + timedelta(hours=16)),
    ):
        if start is not None:
            await _run(hass, simulator, freezer, int((start - IDLE_AT).total_seconds()) - HOUR)
        simulator.log.reset()
        with state_writes() as writes:
            await _run(hass, simulator, freezer, HOUR)
        status = hass.states.get("sensor.halo_0_connector_1_status")
        assert status is not None
        assert status.state == ("available" if start is None else "charging")
        requests = simulator.log.count(VENDOR)
        assert simulator.log.count(VENDOR, OWNED) == POLLS_PER_HOUR
        if start is None:  # while charging, requests and bytes are rows of test_scale
            bench.row(
                INTEGRATION,
                scenario,
                "requests per simulated hour",
                requests,
                "",
                existing=round(_seed_requests(HOUR), 1),
                note=SEED_NOTE,
            )
            bench.row(
                INTEGRATION,
                scenario,
                "bytes received per simulated hour",
                round(simulator.log.bytes_out[VENDOR] / 1000, 1),
                "kB",
                existing=round(
                    _seed_requests(HOUR) * simulator.log.bytes_out[VENDOR] / requests / 1000, 1
                ),
                note="response bodies; seed: the same answers",
            )
        bench.row(
            INTEGRATION,
            scenario,
            "state writes per simulated hour",
            writes.count,
            "",
            existing=SEED_ENTITIES_PER_CHARGER * POLLS_PER_HOUR,
            note=(
                f"{entities} enabled entities written at each poll (the voltages change every "
                f"poll, so nothing is skipped); seed: {SEED_ENTITIES_PER_CHARGER} entities "
                "at each poll"
            ),
        )


async def test_logins_per_day(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
) -> None:
    """A simulated day at one charge point; then reloads, which cost the seed a login each."""
    _start(simulator, freezer, IDLE_AT)
    await _account(simulator, 1)
    entry, _ = await _setup(hass, simulator)
    simulator.log.reset()
    await _run(hass, simulator, freezer, DAY)
    logins = simulator.log.count(VENDOR, LOGIN)
    renew_every = TOKEN_LIFETIME - min(TOKEN_MARGIN, TOKEN_LIFETIME / 10)
    # The setup's login is not counted: one renewal per 3300 s after it.
    assert logins == math.floor(DAY / renew_every)
    assert simulator.log.count(VENDOR, OWNED) == DAY // STEP
    assert {r.status for r in simulator.log.recent} == {200}  # never a refused token
    bench.row(
        INTEGRATION,
        "idle, 1 charge point, 24 h",
        "logins per simulated day",
        logins,
        "",
        existing=math.floor(DAY / SEED_LOGIN_EVERY),
        note=(
            "token re-used until its JWT exp minus 5 min (exp - iat = 3600 s here), so one "
            "login per 3300 s, the same cadence as the seed's expiresIn - 300 s; a longer-lived "
            "token would mean fewer logins for ours (it reads exp) but not for the seed if "
            "expiresIn is absent (it then assumes 3600 s)"
        ),
    )
    bench.row(
        INTEGRATION,
        "idle, 1 charge point, 24 h",
        "requests per simulated day",
        simulator.log.count(VENDOR),
        "",
        existing=round(_seed_requests(DAY)),
        note=SEED_NOTE,
    )

    # Six reloads (restarts, a changed option in the seed's case) in an hour.
    simulator.log.reset()
    for _ in range(6):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        await _run(hass, simulator, freezer, 10 * 60)
    reload_logins = simulator.log.count(VENDOR, LOGIN)
    assert reload_logins <= 1  # at most the regular renewal
    bench.row(
        INTEGRATION,
        "6 reloads in 1 h, 1 charge point",
        "logins",
        reload_logins,
        "",
        existing=6 + round(SEED_LOGINS_PER_HOUR),
        note=(
            "ours saves the token with the entry and resumes it at setup (the login count "
            "is the regular renewal at most); the seed keeps it in memory and logs in at "
            "every setup, plus its hourly renewal. Logins matter: the account keeps only a "
            "few tokens, extra logins sign the phone app out"
        ),
    )
