"""Benchmarks of Ohme against the in-process simulator (issue 7, part 1).

Home Assistant's clock (``freezer``, which also moves the client's monotonic token clock) and
the simulator's clock move together, poll by poll (30 s, the charge session interval).

Ohme accounts hold one charger (the integration, like core's, uses the first one), so every
figure is at scale 1: there is no 10 or 100 to measure.

"Existing" is core ohme 2025.4.4 (ohme library 1.5.1), which requests every 30 s
``GET /v1/chargeSessions`` + ``GET /v1/chargeSessions/nextSessionInfo`` (whatever the charge
state), every 30 minutes ``GET /v1/users/me/account``, a request refresh (both session calls
again) after every write, a token refresh every 45 minutes and one login at setup. Its bytes
are computed from the same simulator's answer sizes: the measured average of each endpoint
times core's count of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ohme.const import CONF_API_URL, DOMAIN, SESSION_INTERVAL
from simulator import Simulator
from simulator.ohme import EMAIL, PASSWORD, OhmeVendor
from tests.conftest import SIM_START

from .conftest import (
    Recorder,
    StateWrites,
    advance,
    cpu_seconds,
    entry_states,
    timed_setup,
)

INTEGRATION = "ohme"
HOUR = 3600
DAY = 24 * HOUR
STEP = int(SESSION_INTERVAL.total_seconds())
POLLS_PER_HOUR = HOUR // STEP

LOGIN = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"
REFRESH = "POST /ohme/securetoken/v1/token"
SESSIONS = "GET /ohme/v1/chargeSessions"
NEXT = "GET /ohme/v1/chargeSessions/nextSessionInfo"
ACCOUNT = "GET /ohme/v1/users/me/account"
PATCH_RULE = "PATCH /ohme/v2/users/me/charge-rules/{rule_id}"
SUMMARY = "GET /ohme/v1/chargeSessions/summary/users/{user_id}"

# Core: 2 requests per 30 s + 1 per 30 min.
EXISTING_PER_HOUR = 2 * POLLS_PER_HOUR + HOUR // 1800
EXISTING_REFRESHES_PER_DAY = DAY // 2700  # token refresh every 45 minutes
EXISTING_NOTE = (
    "core: GET chargeSessions + GET nextSessionInfo every 30 s, GET account every 30 min "
    f"= {EXISTING_PER_HOUR}/h"
)
SCALE_NOTE = "one charger per Ohme account: scale 1 only"
# Core 2025.4.4 entities on its charge session coordinator (data None, so every poll writes
# them all): 7 sensors, approve button, 2 numbers, charge mode select, target time; on the
# 30-minute device info coordinator: 4 switches and the vehicle select.
EXISTING_SESSION_ENTITIES = 7 + 1 + 2 + 1 + 1
EXISTING_ACCOUNT_ENTITIES = 4 + 1
EXISTING_WRITES_PER_HOUR = (
    EXISTING_SESSION_ENTITIES * POLLS_PER_HOUR + EXISTING_ACCOUNT_ENTITIES * HOUR // 1800
)
EXISTING_WRITES_NOTE = (
    f"core: {EXISTING_SESSION_ENTITIES} entities written every 30 s (coordinator data is "
    f"None, so every poll updates them), {EXISTING_ACCOUNT_ENTITIES} every 30 min"
)

TARGET = "number.ohme_home_pro_target_percentage"
STATUS = "sensor.ohme_home_pro_status"


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from custom_components."""


def _vendor(simulator: Simulator) -> OhmeVendor:
    vendor = simulator.vendor("ohme")
    assert isinstance(vendor, OhmeVendor)
    return vendor


async def _setup(hass: HomeAssistant, simulator: Simulator) -> tuple[MockConfigEntry, float]:
    """Set the entry up; return it and the seconds until every entity was available."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        version=1,
        data={"email": EMAIL, "password": PASSWORD, CONF_API_URL: simulator.url("ohme")},
    )
    elapsed = await timed_setup(hass, entry)
    states = entry_states(hass, entry)
    assert states
    assert states[STATUS] != STATE_UNAVAILABLE
    return entry, elapsed


async def _run(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    polls: int = POLLS_PER_HOUR,
    action: Callable[[int], Awaitable[None] | None] | None = None,
) -> None:
    """Run ``polls`` session polls; ``action(poll)`` may act before each one."""
    for poll in range(polls):
        if action is not None and (coro := action(poll)) is not None:
            await coro
        await advance(hass, simulator, freezer, STEP)


def _average_bytes(simulator: Simulator) -> dict[str, float]:
    """Return the average answer size of each endpoint in the (recent) request log."""
    sizes: dict[str, list[int]] = {}
    for request in simulator.log.recent:
        sizes.setdefault(request.endpoint, []).append(request.bytes_out)
    return {endpoint: sum(s) / len(s) for endpoint, s in sizes.items()}


def _next_rule_bytes(vendor: OhmeVendor) -> int:
    """Return the size of a nextSessionInfo answer (aiohttp's json_response encoding)."""
    return len(json.dumps({"rule": dict(vendor.rule)}).encode())


@pytest.mark.parametrize("charging", [False, True], ids=["unplugged", "charging"])
async def test_steady_state(
    hass: HomeAssistant,
    *,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
    state_writes: Callable[[], StateWrites],
    charging: bool,
) -> None:
    """Setup time, one update (CPU, state writes), then one hour unplugged or charging."""
    freezer.move_to(SIM_START)
    vendor = _vendor(simulator)
    if not charging:
        vendor.plug_at = 4e9  # far beyond the hour measured
    scenario = "charging" if charging else "unplugged"

    entry, setup_seconds = await _setup(hass, simulator)
    entities = entry_states(hass, entry)
    setup_requests = simulator.log.count("ohme")
    if not charging:
        bench.row(
            INTEGRATION,
            "setup",
            "setup to all entities available",
            round(setup_seconds * 1000, 1),
            "ms",
            note=(
                f"{len(entities)} entities; {setup_requests} requests (login, account, charge "
                f"session, next-session rule, charge summary for energy delivered); {SCALE_NOTE}"
            ),
        )
    if charging:
        await advance(hass, simulator, freezer, 630)  # plugged in, smart charging in slots
        assert hass.states.get(STATUS).state in {"plugged_in", "charging"}  # type: ignore[union-attr]

    coordinator = entry.runtime_data.session

    async def one_update() -> None:
        freezer.tick(SESSION_INTERVAL)
        simulator.clock.advance(STEP)
        await coordinator.async_refresh()
        await hass.async_block_till_done()

    cpu = await cpu_seconds(one_update, repeat=5)
    bench.row(
        INTEGRATION,
        scenario,
        "CPU of one update + state writes",
        round(cpu * 1000, 2),
        "ms",
        note=(
            "charge session coordinator, median of 5; includes the in-process simulator "
            f"serving the answer; {SCALE_NOTE}"
        ),
    )
    with state_writes() as writes:
        await one_update()
    session_entities = sum(
        1
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if entity.disabled_by is None
        and not entity.entity_id.startswith("switch.")
        and entity.entity_id != "select.ohme_home_pro_vehicle"
    )
    assert writes.count == session_entities
    bench.row(
        INTEGRATION,
        scenario,
        "state writes per session poll",
        writes.count,
        "",
        existing=EXISTING_SESSION_ENTITIES,
        note=(
            "every enabled entity on the charge session poll is written each poll (slot "
            "entities depend on the time; 3 more than core: next slot start/end, slot active "
            "and energy delivered, less the session energy estimate, disabled by default);"
            " the switches and vehicle select only when the account poll changes them or "
            f"the charger's availability changes; {EXISTING_WRITES_NOTE}; {SCALE_NOTE}"
        ),
    )

    simulator.log.reset()
    with state_writes() as writes:
        await _run(hass, simulator, freezer)
    requests = simulator.log.count("ohme")
    assert simulator.log.count("ohme", SESSIONS) == POLLS_PER_HOUR
    assert simulator.log.count("ohme", NEXT) == (0 if charging else HOUR // 300)
    assert simulator.log.count("ohme", ACCOUNT) == HOUR // 1800
    assert simulator.log.count("ohme", LOGIN) == 0
    summaries = simulator.log.count("ohme", SUMMARY)
    assert summaries == (4 if charging else 0)
    assert requests <= (127 if charging else 135)
    refreshes = simulator.log.count("ohme", REFRESH)
    bench.row(
        INTEGRATION,
        scenario,
        "requests per simulated hour",
        requests,
        "",
        existing=EXISTING_PER_HOUR,
        note=(
            f"{POLLS_PER_HOUR} chargeSessions, "
            f"{simulator.log.count('ohme', NEXT)} nextSessionInfo (only while no charge is in "
            f"progress, at most every 5 min), {HOUR // 1800} account, {summaries} charge "
            f"summary (energy delivered), {refreshes} token refresh; {EXISTING_NOTE} "
            "(+ a token refresh every 45 min in both)"
        ),
    )
    bench.row(
        INTEGRATION,
        scenario,
        "energy delivered: summary requests per simulated hour",
        summaries,
        "",
        note=(
            "GET chargeSessions/summary (HOUR buckets): every 15 min while power flows, at once "
            "and 15 min after a charge stops, never while nothing charges; core has no such "
            "sensor"
        ),
    )
    sizes = _average_bytes(simulator)
    existing_bytes = (
        POLLS_PER_HOUR * (sizes[SESSIONS] + _next_rule_bytes(vendor))
        + HOUR // 1800 * sizes[ACCOUNT]
    )
    received = simulator.log.bytes_out["ohme"]
    bench.row(
        INTEGRATION,
        scenario,
        "bytes received per simulated hour",
        round(received / 1000, 1),
        "kB",
        existing=round(existing_bytes / 1000, 1),
        note=(
            f"response bodies; chargeSessions {sizes[SESSIONS]:,.0f} B, account "
            f"{sizes[ACCOUNT]:,.0f} B, nextSessionInfo {_next_rule_bytes(vendor):,} B; "
            "existing: core's counts of the same answers"
        ),
    )
    bench.row(
        INTEGRATION,
        scenario,
        "state writes per simulated hour",
        writes.count,
        "",
        existing=EXISTING_WRITES_PER_HOUR,
        note=f"{EXISTING_WRITES_NOTE}; {SCALE_NOTE}",
    )
    assert entry_states(hass, entry)[STATUS] != STATE_UNAVAILABLE


async def test_writes(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
) -> None:
    """An hour of charging with the target percentage changed every 10 minutes."""
    freezer.move_to(SIM_START)
    vendor = _vendor(simulator)
    await _setup(hass, simulator)
    await advance(hass, simulator, freezer, 630)
    commands = 0

    async def command(poll: int) -> None:
        nonlocal commands
        if poll % 20:  # every 10 minutes
            return
        commands += 1
        await hass.services.async_call(
            "number",
            "set_value",
            {"entity_id": TARGET, "value": 90 + commands % 2},
            blocking=True,
        )

    simulator.log.reset()
    await _run(hass, simulator, freezer, action=command)
    requests = simulator.log.count("ohme")
    writes = simulator.log.count("ohme", PATCH_RULE)
    assert commands == writes == 6
    assert vendor.session_rule is not None
    assert vendor.session_rule["targetPercent"] == 90  # the last command set 90 + 6 % 2
    # No refresh after a write: the entity shows the new target from the write itself.
    assert simulator.log.count("ohme", SESSIONS) == POLLS_PER_HOUR
    existing = EXISTING_PER_HOUR + commands * 3
    bench.row(
        INTEGRATION,
        "charging + writes",
        "requests per simulated hour",
        requests,
        "",
        existing=existing,
        note=(
            f"number.set_value on the target percentage every 10 min ({commands} PATCH "
            "charge-rules, the rule id comes from the session: no extra read, no refresh "
            f"after it); existing: {EXISTING_PER_HOUR} + per write the PATCH and a requested "
            "refresh (chargeSessions + nextSessionInfo)"
        ),
    )
    sizes = _average_bytes(simulator)
    patch_in = simulator.log.bytes_in["ohme"]
    patch_out = sum(r.bytes_out for r in simulator.log.recent if r.endpoint == PATCH_RULE)
    existing_bytes = (
        (POLLS_PER_HOUR + commands) * (sizes[SESSIONS] + _next_rule_bytes(vendor))
        + HOUR // 1800 * sizes[ACCOUNT]
        + patch_in
        + patch_out
    )
    bench.row(
        INTEGRATION,
        "charging + writes",
        "bytes sent + received per simulated hour",
        round((simulator.log.bytes_out["ohme"] + patch_in) / 1000, 1),
        "kB",
        existing=round(existing_bytes / 1000, 1),
        note="request and response bodies; existing: the same writes and core's reads",
    )


async def test_logins_per_day(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    bench: Recorder,
) -> None:
    """A simulated day: no password login after setup, a token refresh every 45 minutes."""
    freezer.move_to(SIM_START)
    entry, _ = await _setup(hass, simulator)
    simulator.log.reset()
    await _run(hass, simulator, freezer, polls=DAY // STEP)
    logins = simulator.log.count("ohme", LOGIN)
    refreshes = simulator.log.count("ohme", REFRESH)
    assert logins == 0
    assert refreshes == EXISTING_REFRESHES_PER_DAY
    assert entry_states(hass, entry)[STATUS] != STATE_UNAVAILABLE
    bench.row(
        INTEGRATION,
        "24 h (charge, finish, unplug, plug in again)",
        "logins per simulated day",
        logins,
        "",
        existing=0,
        note="one password login at setup, none after; core likewise (login at setup only)",
    )
    bench.row(
        INTEGRATION,
        "24 h (charge, finish, unplug, plug in again)",
        "token refreshes per simulated day",
        refreshes,
        "",
        existing=EXISTING_REFRESHES_PER_DAY,
        note="the ID token is refreshed when 45 minutes old (it lives an hour), as in core",
    )
    bench.row(
        INTEGRATION,
        "24 h (charge, finish, unplug, plug in again)",
        "requests per simulated day",
        simulator.log.count("ohme"),
        "",
        existing=24 * EXISTING_PER_HOUR + EXISTING_REFRESHES_PER_DAY,
        note=f"{EXISTING_NOTE}, + {EXISTING_REFRESHES_PER_DAY} token refreshes",
    )
