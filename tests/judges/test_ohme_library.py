"""Judge: Ohme's own Python library, ``ohme`` 1.9.2 (ohmepy), against the simulated Ohme cloud.

ohmepy is what HA core's ohme integration runs on: its reading of Ohme's API is independent
of ours. Every operation it offers runs here against the in-process simulator: login, token
refresh, every read (account, charge session, next-session rule, charge summary) with every
property derived from them, and every write (target via PATCH, the schedule via PUT, max
charge, pause, resume, approve, price cap, charger settings, solar mode, vehicle, state of
charge). The library only accepts HTTP 200 (it raises ``ApiException`` otherwise) and parses
GET and PATCH answers as JSON, so each call succeeding is the first check; the second is that
its results, and the simulator's state after each write, are what the simulator holds. Any
divergence fails here.

ohmepy has no base URL parameter: its URLs are f-strings on ``https://api.ohme.io`` and
Google's two hosts. The test gives it a session that sends the very same requests to the
simulator (and fails on any other host). Its clock (``time()``, the token's age) follows the
simulated clock; its one-second pauses after settings writes are skipped. It is never imported
by the integration or the simulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import ohme
from ohme import ApiException, AuthException, ChargerMode, ChargerStatus, OhmeApiClient
from ohme.models import SummaryGranularity
import pytest

from simulator import Simulator
from simulator.ohme import (
    EMAIL,
    PASSWORD,
    RULE_ID,
    SERIAL,
    USER_ID,
    OhmeVendor,
)
from tests.conftest import SIM_START

LOGIN = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"
REFRESH = "POST /ohme/securetoken/v1/token"
HOSTS = {  # ohmepy's hosts -> where the simulator serves them
    "https://api.ohme.io/": "/ohme/",
    "https://www.googleapis.com/": "/ohme/",
    "https://securetoken.googleapis.com/": "/ohme/securetoken/",
}
LEAF = "Nissan Leaf (2018-)"
TESLA = "Tesla Model 3 (2019-)"


class SimulatorSession:
    """The session ohmepy is given: its requests, unchanged, sent to the simulator."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._base_url = base_url
        self.urls: list[str] = []

    def _url(self, url: str) -> str:
        for host, path in HOSTS.items():
            if url.startswith(host):
                self.urls.append(url)
                return f"{self._base_url}{path}{url.removeprefix(host)}"
        msg = f"ohmepy called a host the judge does not know: {url}"
        raise AssertionError(msg)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._session.post(self._url(url), **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        return self._session.request(method, self._url(url), **kwargs)


@pytest.fixture
def vendor(simulator: Simulator) -> OhmeVendor:
    vendor = simulator.vendor("ohme")
    assert isinstance(vendor, OhmeVendor)
    return vendor


@pytest.fixture
async def client(
    simulator: Simulator, freezer: FrozenDateTimeFactory, monkeypatch: pytest.MonkeyPatch
) -> AsyncGenerator[OhmeApiClient]:
    """ohmepy on the simulator, its clocks on the simulated clock."""
    freezer.move_to(SIM_START)
    monkeypatch.setattr(ohme.ohme, "time", simulator.clock.timestamp)

    async def no_pause(_: float) -> None:
        """ohmepy waits a second after settings writes ("the API is slow to update")."""

    monkeypatch.setattr(
        ohme.ohme, "asyncio", SimpleNamespace(timeout=asyncio.timeout, sleep=no_pause)
    )
    async with aiohttp.ClientSession() as session:
        redirect = SimulatorSession(session, simulator.base_url)
        library = OhmeApiClient(EMAIL, PASSWORD, session=redirect)  # type: ignore[arg-type]
        yield library
    assert {url.split("/")[2] for url in redirect.urls} <= {
        "api.ohme.io",
        "www.googleapis.com",
        "securetoken.googleapis.com",
    }


def advance(simulator: Simulator, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move the simulated clock and the wall clock (slot times) together."""
    simulator.clock.advance(seconds)
    freezer.tick(seconds)


def _merged_slots(vendor: OhmeVendor) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[float, float]] = []
    for start, end in vendor.slots:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [(datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC)) for a, b in merged]


async def test_login_refresh_and_refused_credentials(
    client: OhmeApiClient,
    simulator: Simulator,
    vendor: OhmeVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Login and the 45-minute refresh as ohmepy does them; Google's refusals as it expects."""
    wrong = OhmeApiClient(EMAIL, "wrong", session=client._session)
    with pytest.raises(AuthException):
        await wrong.async_login()
    assert await client.async_login() is True
    assert client._user_id == USER_ID
    assert await client.async_update_device_info() is True
    assert simulator.log.count("ohme", LOGIN) == 2
    advance(simulator, freezer, 2699)
    await client.async_get_charge_session()
    assert simulator.log.count("ohme", REFRESH) == 0
    advance(simulator, freezer, 1)
    await client.async_get_charge_session()  # 45 minutes old: refreshed first, then used
    assert simulator.log.count("ohme", REFRESH) == 1
    assert simulator.log.count("ohme", LOGIN) == 2
    advance(simulator, freezer, 3000)  # past the refreshed token's hour as well
    await client.async_update_device_info()
    assert simulator.log.count("ohme", REFRESH) == 2
    vendor.refresh_tokens.clear()  # Google no longer knows the refresh token
    advance(simulator, freezer, 2700)
    with pytest.raises(AuthException):
        await client.async_get_charge_session()
    vendor.password = "changed"
    with pytest.raises(AuthException):
        await client.async_login()


async def test_reads_match_the_cloud(
    client: OhmeApiClient,
    simulator: Simulator,
    vendor: OhmeVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Account, session, next rule and every derived property, unplugged then charging."""
    await client.async_login()
    await client.async_update_device_info()
    assert client.serial == SERIAL
    assert client.device_info == {
        "name": "Ohme Home Pro",
        "model": "Home Pro",
        "sw_version": "v2.65",
    }
    for capability in ("buttonsLockable", "pluginsRequireApprovalMode", "stealth", "solar"):
        assert client.is_capable(capability), capability
    assert client.configuration_value("stealthEnabled") is True
    assert client.configuration_value("buttonsLocked") is False
    assert client.solar_enabled is False
    assert (client.cap_available, client.cap_enabled) == (True, False)
    assert client.vehicles == [LEAF, TESLA]
    assert client.current_vehicle == LEAF

    await client.async_get_charge_session()  # unplugged
    assert client.available is True
    assert client.status is ChargerStatus.UNPLUGGED
    assert client.mode is None
    assert client.max_charge is False
    assert (client.power.watts, client.power.amps, client.power.volts) == (0, 0, None)
    assert client.battery == round(vendor.soc["car-leaf"]) == 40
    assert client.energy == 0
    assert client.target_soc == vendor.rule["targetPercent"] == 80
    assert client.target_time == (7, 0)
    assert client.preconditioning == 0
    assert client.slots == []
    assert client.next_slot_start is None

    advance(simulator, freezer, 630)  # plugged in: smart charge, slots planned
    await client.async_get_charge_session()
    assert client.status is ChargerStatus.PLUGGED_IN
    assert client.mode is ChargerMode.SMART_CHARGE
    assert client.target_soc == vendor.applied_rule["targetPercent"]
    assert [(s.start, s.end) for s in client.slots] == _merged_slots(vendor)
    assert sum(s.energy for s in client.slots) == len(vendor.slots) * 3.5  # 30 min at 7 kW
    assert client.next_slot_start == _merged_slots(vendor)[0][0]
    assert len(client.slots_full) == len(vendor.slots)

    advance(simulator, freezer, 1200)  # in the first slot
    await client.async_update_device_info()
    await client.async_get_charge_session()
    assert client.status is ChargerStatus.CHARGING
    assert (client.power.watts, client.power.amps, client.power.volts) == (7000, 30.43, 230)
    assert client.battery == round(vendor.soc["car-leaf"])
    assert client.energy == round(vendor.soc["car-leaf"] * 400)  # batterySoc.wh of a 40 kWh car
    assert client.next_slot_end == _merged_slots(vendor)[0][1]


async def test_charge_summary(
    client: OhmeApiClient,
    simulator: Simulator,
    vendor: OhmeVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The summary in HOUR and DAY buckets: what the simulated charger delivered."""
    await client.async_login()
    start = int(simulator.clock.timestamp() * 1000)
    advance(simulator, freezer, 5 * 3600)
    await client.async_login()  # the first token is over an hour old
    end = int(simulator.clock.timestamp() * 1000)
    summary = await client.async_get_charge_summary(start, end, SummaryGranularity.HOUR)
    assert summary["granularity"] is SummaryGranularity.HOUR
    assert len(summary["stats"]) == 5
    for stat in summary["stats"]:
        wh, _ = vendor.delivered_between(stat["startTime"] / 1000, stat["endTime"] / 1000)
        assert stat["energyChargedTotalWh"] == round(wh)
        assert stat["ownerUserId"] == USER_ID
    wh, _ = vendor.delivered_between(start / 1000, end / 1000)
    assert wh > 10_000
    assert summary["totalStats"]["energyChargedTotalWh"] == round(wh)
    daily = await client.async_get_charge_summary()  # ohmepy's defaults: the last 24 h, DAY
    assert daily["granularity"] is SummaryGranularity.DAY
    assert daily["totalStats"]["energyChargedTotalWh"] == round(wh)
    assert vendor.summary_queries[-1].startswith(f"endTs={end}&granularity=DAY&startTs=")


async def test_writes_reach_the_cloud(
    client: OhmeApiClient,
    simulator: Simulator,
    vendor: OhmeVendor,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every write ohmepy offers is accepted, and changes what the simulator holds."""
    await client.async_login()
    await client.async_update_device_info()
    await client.async_get_charge_session()

    # Unplugged: the session's rule has no id, so ohmepy patches the next-session rule.
    assert await client.async_set_target(target_percent=75) is True
    assert vendor.rule["targetPercent"] == 75
    assert await client.async_update_schedule(
        target_percent=70, target_time=(6, 15), pre_condition=True, pre_condition_length=25
    )
    assert (vendor.rule["targetPercent"], vendor.rule["targetTime"]) == (70, 6 * 3600 + 900)
    assert (vendor.rule["preconditioningEnabled"], vendor.rule["preconditionLengthMins"]) == (
        True,
        25,
    )
    await client.async_get_charge_session()
    assert (client.target_soc, client.target_time, client.preconditioning) == (70, (6, 15), 25)

    # Plugged in: the session's own rule (a rule id of its own), the schedule untouched.
    advance(simulator, freezer, 630)
    await client.async_get_charge_session()
    assert vendor.session_rule is not None
    schedule = dict(vendor.rule)
    assert await client.async_set_target(
        target_percent=90, target_time=(8, 30), pre_condition_length=20
    )
    assert vendor.session_rule["targetPercent"] == 90
    assert vendor.session_rule["targetTime"] == 8 * 3600 + 30 * 60
    assert vendor.session_rule["preconditionLengthMins"] == 20
    assert vendor.rule == schedule
    await client.async_get_charge_session()
    assert (client.target_soc, client.target_time, client.preconditioning) == (90, (8, 30), 20)
    assert await client.async_set_target(pre_condition_length=0)
    assert vendor.session_rule["preconditioningEnabled"] is False

    # Charge modes: max charge on and off; pausing is refused (as Ohme does today) ...
    await client.async_set_mode(ChargerMode.MAX_CHARGE)
    assert vendor.mode == "MAX_CHARGE"
    await client.async_get_charge_session()
    assert client.max_charge is True
    assert client.mode is ChargerMode.MAX_CHARGE
    await client.async_set_mode("smart_charge")
    assert vendor.mode == "SMART_CHARGE"
    with pytest.raises(ApiException, match="/stop, 403"):
        await client.async_set_mode(ChargerMode.PAUSED)
    assert vendor.mode == "SMART_CHARGE"
    # ... and allowed again, as before November 2025.
    vendor.pause_refusal = None
    assert await client.async_pause_charge() is True
    assert vendor.mode == "STOPPED"
    await client.async_get_charge_session()
    assert client.status is ChargerStatus.PAUSED
    assert client.mode is ChargerMode.PAUSED
    assert client.target_soc == 90  # the suspended rule's
    assert await client.async_resume_charge() is True
    assert vendor.mode == "SMART_CHARGE"
    assert await client.async_max_charge(True) is True
    assert vendor.mode == "MAX_CHARGE"
    assert await client.async_max_charge(False) is True

    # Price cap, charger settings, solar mode.
    assert await client.async_change_price_cap(enabled=True, cap=12.5) is True
    assert vendor.user_settings["chargeSettings"][0] == {
        "enabled": True,
        "value": 12.5,
        "svalue1": None,
        "svalue2": None,
        "type": "MAX_PRICE",
    }
    assert await client.async_set_configuration_value({"buttonsLocked": True}) is True
    assert vendor.optional_settings["buttonsLocked"] is True
    assert await client.async_set_solar_mode(True) is True
    assert vendor.optional_settings["solarMode"] == "ZERO_EXPORT"
    await client.async_update_device_info()
    assert client.cap_enabled is True
    assert client.configuration_value("buttonsLocked") is True
    assert client.solar_enabled is True
    assert await client.async_set_solar_mode(False) is True
    assert vendor.optional_settings["solarMode"] == "IGNORE"

    # Another car mid-session: its own state of charge, not the first car's.
    leaf = round(vendor.soc["car-leaf"])
    assert await client.async_set_vehicle(TESLA) is True
    assert vendor.car["id"] == "car-tesla"
    assert await client.async_set_vehicle("Trabant 601") is False
    await client.async_update_device_info()
    await client.async_get_charge_session()
    assert client.current_vehicle == TESLA
    assert client.battery == 55
    assert client.vehicles == [TESLA, LEAF]
    assert round(vendor.soc["car-leaf"]) == leaf
    assert await client.async_set_state_of_charge(60) is True
    assert vendor.soc["car-tesla"] == 60

    # Approval: a plug-in that waits for it.
    vendor.optional_settings["pluginsRequireApproval"] = True
    vendor.unplug()
    vendor.plug()
    await client.async_get_charge_session()
    assert client.status is ChargerStatus.PENDING_APPROVAL
    assert await client.async_approve_charge() is True
    assert vendor.mode == "SMART_CHARGE"


async def test_errors_as_the_library_reads_them(
    client: OhmeApiClient, simulator: Simulator
) -> None:
    """Spring error bodies, read by ohmepy's error path; a stale rule id is Ohme's 404."""
    await client.async_login()
    await client.async_update_device_info()
    await client.async_get_charge_session()
    client._next_session = {**client._next_session, "id": "rule-gone"}
    with pytest.raises(ApiException) as err:
        await client.async_set_target(target_percent=50)
    assert "404" in str(err.value)
    assert "ChargeRuleDB" in str(err.value)
    assert '"path":"/v2/users/me/charge-rules/rule-gone"' in str(err.value).replace(" ", "")
    assert client._next_session["id"] != RULE_ID
    # ohmepy <= 1.5 read advancedSettings; Ohme refuses it to everyone since 2025-11-18.
    with pytest.raises(ApiException, match="advancedSettings, 401"):
        await client._make_request("GET", f"/v1/chargeDevices/{SERIAL}/advancedSettings")
    async with client as same:
        assert same is client
