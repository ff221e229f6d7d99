"""Fidelity of the simulated Ohme cloud: auth wire format, endpoints, state over time."""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
import json
from typing import Any

import aiohttp
import pytest

from simulator import Simulator
from simulator.ohme import API_KEY, EMAIL, PASSWORD, RULE_ID, SERIAL, OhmeVendor


class Api:
    """A tiny client speaking to the simulator like ohmepy does."""

    def __init__(self, session: aiohttp.ClientSession, sim: Simulator) -> None:
        self.session = session
        self.sim = sim
        self.base = sim.url("ohme")
        self.token = ""
        self.refresh = ""

    async def login(self, password: str = PASSWORD, key: str = API_KEY) -> aiohttp.ClientResponse:
        resp = await self.session.post(
            f"{self.base}/identitytoolkit/v3/relyingparty/verifyPassword",
            params={"key": key},
            data={"email": EMAIL, "password": password, "returnSecureToken": "True"},
        )
        if resp.status == 200:
            body = await resp.json()
            self.token, self.refresh = body["idToken"], body["refreshToken"]
        return resp

    async def call(self, method: str, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Firebase {self.token}", "Content-Type": "application/json"}
        return await self.session.request(method, f"{self.base}{path}", headers=headers, **kwargs)

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = await self.call(method, path, **kwargs)
        assert resp.status == 200, await resp.text()
        assert resp.content_type == "application/json"
        return await resp.json()


@pytest.fixture
async def api(simulator: Simulator) -> AsyncGenerator[Api]:
    async with aiohttp.ClientSession() as session:
        client = Api(session, simulator)
        assert (await client.login()).status == 200
        yield client


@pytest.fixture
def vendor(simulator: Simulator) -> OhmeVendor:
    vendor = simulator.vendor("ohme")
    assert isinstance(vendor, OhmeVendor)
    return vendor


async def test_login_errors(api: Api) -> None:
    """Wrong password, wrong key and JSON bodies are refused the way Google does."""
    resp = await api.login(password="wrong")
    assert resp.status == 400
    assert (await resp.json())["error"]["message"] == "INVALID_LOGIN_CREDENTIALS"
    resp = await api.login(key="nope")
    assert resp.status == 400
    resp = await api.session.post(
        f"{api.base}/identitytoolkit/v3/relyingparty/verifyPassword",
        params={"key": API_KEY},
        json={"email": EMAIL, "password": PASSWORD},
    )
    assert (await resp.json())["error"]["message"] == "MISSING_EMAIL"


async def test_refresh_and_expiry(api: Api, simulator: Simulator) -> None:
    """Tokens expire after an hour of simulated time; refresh tokens are single use."""
    url = f"{api.base}/securetoken/v1/token"
    form = {"grantType": "refresh_token", "refreshToken": api.refresh}
    resp = await api.session.post(url, params={"key": API_KEY}, data=form)
    body = await resp.json()
    assert set(body) >= {"id_token", "refresh_token", "expires_in", "user_id"}
    resp = await api.session.post(url, params={"key": API_KEY}, data=form)
    assert (await resp.json())["error"]["message"] == "INVALID_REFRESH_TOKEN"
    resp = await api.session.post(url, params={"key": "x"}, data=form)
    assert resp.status == 400
    resp = await api.session.post(
        url, params={"key": API_KEY}, data={"grantType": "password", "refreshToken": "x"}
    )
    assert (await resp.json())["error"]["message"] == "INVALID_GRANT_TYPE"
    api.token = body["id_token"]
    assert (await api.call("GET", "/v1/users/me/account")).status == 200
    simulator.clock.advance(3601)
    resp = await api.call("GET", "/v1/users/me/account")
    assert resp.status == 401
    api.token = "garbage"
    assert (await api.call("GET", "/v1/chargeSessions")).status == 401


async def test_account_and_session_shapes(api: Api) -> None:
    """The account and the unplugged session look like the captured fixtures."""
    account = await api.json("GET", "/v1/users/me/account")
    assert account["chargeDevices"][0]["id"] == SERIAL
    assert [car["id"] for car in account["cars"]] == ["car-leaf", "car-tesla"]
    assert account["userSettings"]["chargeSettings"][0]["type"] == "MAX_PRICE"
    sessions = await api.json("GET", "/v1/chargeSessions")
    assert sessions[0]["mode"] == "DISCONNECTED"
    assert sessions[0]["power"] is None
    assert sessions[0]["appliedRule"]["id"] is None
    assert (await api.json("GET", "/v1/chargeSessions/nextSessionInfo"))["rule"]["id"] == RULE_ID
    assert (await api.call("GET", "/v1/chargeDevices/other/advancedSettings")).status == 404


async def test_advanced_settings_refused_since_2025_11_18(api: Api, simulator: Simulator) -> None:
    """advancedSettings answers 401 to a valid token, with Ohme's body; a control restores it."""
    path = f"/v1/chargeDevices/{SERIAL}/advancedSettings"
    resp = await api.call("GET", path)
    assert resp.status == 401
    body = await resp.json()
    assert {k: body[k] for k in ("status", "error", "message", "path")} == {
        "status": 401,
        "error": "Unauthorized",
        "message": "Unauthorised",
        "path": path,
    }
    assert body["timestamp"] == "2026-01-15T12:00:00.000+00:00"
    assert (await api.call("GET", "/v1/users/me/account")).status == 200  # the token is fine
    ctl = f"{simulator.base_url}/_sim/ohme/advanced-settings"
    assert (await api.session.post(ctl, json={"allowed": "yes"})).status == 400
    state = await (await api.session.post(ctl, json={"allowed": True})).json()
    assert state["advanced_settings"] is True
    ct = await api.json("GET", path)
    assert ct["clampConnected"] is True
    await api.session.post(ctl, json={"allowed": False})
    assert (await api.call("GET", path)).status == 401


async def test_session_evolves(api: Api, simulator: Simulator) -> None:
    """Plug in after ten minutes, charge in slots, finish, unplug, plug in again."""
    simulator.clock.advance(600)
    session = (await api.json("GET", "/v1/chargeSessions"))[0]
    assert session["mode"] == "SMART_CHARGE"
    assert session["power"]["watt"] == 0
    assert len(session["allSessionSlots"]) == 5
    simulator.clock.advance(1000)
    session = (await api.json("GET", "/v1/chargeSessions"))[0]
    assert session["power"]["watt"] == 7000
    simulator.clock.advance(86400)
    await api.login()
    session = (await api.json("GET", "/v1/chargeSessions"))[0]
    assert session["mode"] in {"SMART_CHARGE", "FINISHED_CHARGE", "DISCONNECTED"}


async def test_writes(api: Api, vendor: OhmeVendor, simulator: Simulator) -> None:
    """Every write endpoint changes the state; bad input changes nothing."""
    rule_path = f"/v2/users/me/charge-rules/{RULE_ID}"
    params = {"persist": "true", "recalculateSession": "true"}
    assert (await api.json("PATCH", rule_path, params=params, json={"targetPercent": 60}))[
        "targetPercent"
    ] == 60
    for bad in ({"targetPercent": 101}, {"targetTime": -1}, {"preconditioning": 3}, {}):
        assert (await api.call("PATCH", rule_path, params=params, json=bad)).status == 400
    resp = await api.call("PATCH", "/v2/users/me/charge-rules/other", json={"targetPercent": 1})
    assert resp.status == 404
    assert "ChargeRuleDB" in (await resp.json())["message"]
    max_path = f"/v2/charge-devices/{SERIAL}/charge-sessions/active/{SERIAL}/max-charge"
    assert (await api.call("PUT", max_path, params={"enabled": "true"})).status == 400
    simulator.clock.advance(600)
    assert (await api.call("PUT", max_path, params={"enabled": "maybe"})).status == 400
    assert (await api.call("PUT", max_path, params={"enabled": "true"})).status == 200
    assert vendor.mode == "MAX_CHARGE"
    session = (await api.json("GET", "/v1/chargeSessions"))[0]
    assert len(session["allSessionSlots"]) == 1
    session_rule = f"/v2/users/me/charge-rules/{session['appliedRule']['id']}"
    await api.json("PATCH", session_rule, params={"persist": "true"}, json={"targetPercent": 45})
    vendor.pause_refusal = None
    assert (await api.call("POST", f"/v1/chargeSessions/{SERIAL}/stop")).status == 200
    assert vendor.mode == "STOPPED"
    assert (await api.json("GET", "/v1/chargeSessions"))[0]["suspendedRule"] is not None
    assert (await api.call("POST", f"/v1/chargeSessions/{SERIAL}/resume")).status == 200
    assert vendor.mode == "SMART_CHARGE"
    assert (await api.call("PUT", max_path, params={"enabled": "false"})).status == 200
    await api.json("PATCH", rule_path, params=params, json={"targetPercent": 30})
    assert vendor.mode == "SMART_CHARGE"  # the schedule changes the next sessions only
    await api.json("PATCH", session_rule, params=params, json={"targetPercent": 30})
    assert vendor.mode == "FINISHED_CHARGE"
    assert (
        await api.call("PUT", f"/v1/chargeSessions/{SERIAL}/approve", params={"approve": "true"})
    ).status == 400
    settings = await api.json("GET", "/v1/users/me/settings")
    settings["chargeSettings"][0]["value"] = -1
    assert (await api.call("PUT", "/v1/users/me/settings", json=settings)).status == 400
    assert (await api.call("PUT", "/v1/users/me/settings", json={})).status == 400
    settings["chargeSettings"][0]["value"] = 12
    assert (await api.call("PUT", "/v1/users/me/settings", json=settings)).status == 200
    app = f"/v1/chargeDevices/{SERIAL}/appSettings"
    assert (await api.call("PUT", app, json={"nope": True})).status == 400
    assert (await api.call("PUT", app, json={"solarMode": "SUN"})).status == 400
    assert (await api.call("PUT", app, json={"buttonsLocked": True})).status == 200
    assert vendor.optional_settings["buttonsLocked"] is True
    assert (await api.call("PUT", "/v1/car/car-x/select")).status == 404
    assert (await api.call("PUT", "/v1/car/car-tesla/select")).status == 200
    assert vendor.car["id"] == "car-tesla"
    soc = "/v1/car/car-tesla/state-of-charge"
    assert (await api.call("PUT", soc, json={"currentChargePercent": 120})).status == 400
    assert (await api.call("PUT", "/v1/car/x/state-of-charge", json={})).status == 404
    assert (await api.call("PUT", soc, data="not json")).status == 400
    assert (await api.call("PUT", soc, json={"currentChargePercent": 20})).status == 200
    assert vendor.soc["car-tesla"] == 20


async def test_unauthorised_writes(api: Api) -> None:
    """Every endpoint wants a valid token."""
    api.token = "bad"
    for method, path in (
        ("PATCH", f"/v2/users/me/charge-rules/{RULE_ID}"),
        ("POST", f"/v1/chargeSessions/{SERIAL}/stop"),
        ("PUT", f"/v1/chargeSessions/{SERIAL}/approve"),
        ("GET", "/v1/users/me/settings"),
        ("PUT", "/v1/users/me/settings"),
        ("PUT", f"/v1/chargeDevices/{SERIAL}/appSettings"),
        ("PUT", "/v1/car/car-leaf/select"),
        ("PUT", "/v1/car/car-leaf/state-of-charge"),
        ("GET", "/v1/chargeSessions/nextSessionInfo"),
    ):
        assert (await api.call(method, path)).status == 401, path


async def test_approval_and_control(api: Api, vendor: OhmeVendor, simulator: Simulator) -> None:
    """With approval required the plug-in waits; the control API plugs, unplugs, goes offline."""
    vendor.optional_settings["pluginsRequireApproval"] = True
    ctl = f"{simulator.base_url}/_sim/ohme"
    state = await (await api.session.post(f"{ctl}/plug")).json()
    assert state["mode"] == "PENDING_APPROVAL"
    approve = f"/v1/chargeSessions/{SERIAL}/approve"
    assert (await api.call("PUT", approve, params={"approve": "true"})).status == 200
    assert vendor.mode == "SMART_CHARGE"
    assert (await (await api.session.post(f"{ctl}/unplug")).json())["mode"] == "DISCONNECTED"
    assert (await (await api.session.post(f"{ctl}/offline")).json())["online"] is False
    session = (await api.json("GET", "/v1/chargeSessions"))[0]
    assert session["chargerStatus"]["online"] is False
    assert (await (await api.session.post(f"{ctl}/online")).json())["online"] is True
    assert (await api.session.post(f"{ctl}/password", json={})).status == 400
    await api.session.post(f"{ctl}/password", json={"password": "new"})
    assert (await api.call("GET", "/v1/chargeSessions")).status == 401
    assert (await api.login(password="new")).status == 200
    await api.session.post(f"{ctl}/revoke")
    assert (await api.call("GET", "/v1/chargeSessions")).status == 401
    assert (await (await api.session.get(f"{ctl}/state")).json())["mode"] == "DISCONNECTED"


async def test_token_expiry_and_vanishing_charger(api: Api, simulator: Simulator) -> None:
    """Expired ID tokens are refused while refresh tokens still work; the charger can vanish."""
    ctl = f"{simulator.base_url}/_sim/ohme"
    await api.session.post(f"{ctl}/expire")
    assert (await api.call("GET", "/v1/chargeSessions")).status == 401
    resp = await api.session.post(
        f"{api.base}/securetoken/v1/token",
        params={"key": API_KEY},
        data={"grantType": "refresh_token", "refreshToken": api.refresh},
    )
    api.token = (await resp.json())["id_token"]
    assert len(await api.json("GET", "/v1/chargeSessions")) == 1
    state = await (await api.session.post(f"{ctl}/unlink")).json()
    assert state["linked"] is False
    assert await api.json("GET", "/v1/chargeSessions") == []
    assert (await api.json("GET", "/v1/users/me/account"))["chargeDevices"] == []
    advanced = f"/v1/chargeDevices/{SERIAL}/advancedSettings"
    assert (await api.call("GET", advanced)).status == 404
    assert (await (await api.session.post(f"{ctl}/link")).json())["linked"] is True
    assert (await api.call("GET", advanced)).status == 401  # refused to every account
    assert len((await api.json("GET", "/v1/users/me/account"))["chargeDevices"]) == 1


async def test_reset_and_dev_entry(vendor: OhmeVendor) -> None:
    """Reset restores the initial state; the dev entry points at the simulator."""
    vendor.rule["targetPercent"] = 10
    vendor.reset()
    assert vendor.rule["targetPercent"] == 80
    (entry,) = vendor.dev_entries("http://sim:1")
    assert entry.domain == "ohme"
    assert entry.steps == [
        {"email": EMAIL, "password": PASSWORD, "advanced": {"api_url": "http://sim:1/ohme"}}
    ]


async def test_session_rules(api: Api, vendor: OhmeVendor, simulator: Simulator) -> None:
    """Each session has its own rule id; an unknown id answers Ohme's 404 "ChargeRuleDB"."""
    params = {"persist": "true", "recalculateSession": "true"}
    unplugged = (await api.json("GET", "/v1/chargeSessions"))[0]
    assert unplugged["appliedRule"]["id"] is None
    simulator.clock.advance(600)
    first = (await api.json("GET", "/v1/chargeSessions"))[0]["appliedRule"]
    assert first["id"] not in (None, RULE_ID)
    assert first["targetPercent"] == vendor.rule["targetPercent"]
    vendor.new_session()
    second = (await api.json("GET", "/v1/chargeSessions"))[0]["appliedRule"]
    assert second["id"] not in (None, RULE_ID, first["id"])
    resp = await api.call(
        "PATCH",
        f"/v2/users/me/charge-rules/{first['id']}",
        params=params,
        json={"targetPercent": 1},
    )
    assert resp.status == 404
    body = await resp.json()
    assert body["message"] == (
        f"Entity of type: 'ChargeRuleDB' with hashKey: 'sim-user-0001' and "
        f"rangeKey: '{first['id']}' not found"
    )
    assert body["path"] == f"/v2/users/me/charge-rules/{first['id']}"
    assert set(body) == {"timestamp", "status", "error", "message", "path"}
    await api.json(
        "PATCH",
        f"/v2/users/me/charge-rules/{second['id']}",
        params=params,
        json={"targetPercent": 90},
    )
    assert (await api.json("GET", "/v1/chargeSessions"))[0]["appliedRule"]["targetPercent"] == 90
    assert (await api.json("GET", "/v1/chargeSessions/nextSessionInfo"))["rule"][
        "targetPercent"
    ] == 80
    vendor.unplug()
    resp = await api.call(
        "PATCH",
        f"/v2/users/me/charge-rules/{second['id']}",
        params=params,
        json={"targetPercent": 1},
    )
    assert resp.status == 404


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
async def test_pause_refused_by_default(
    api: Api, vendor: OhmeVendor, simulator: Simulator, status: int
) -> None:
    """``stop`` answers 403 by default; a control picks another status or lets it pause."""
    simulator.clock.advance(600)
    stop = f"/v1/chargeSessions/{SERIAL}/stop"
    resp = await api.call("POST", stop)
    assert resp.status == 403
    assert (await resp.json())["message"] == "Access Denied"
    ctl = f"{simulator.base_url}/_sim/ohme/pause"
    assert (await api.session.post(ctl, json={"status": 200})).status == 400
    assert (await api.session.post(ctl, data="x")).status == 400
    state = await (await api.session.post(ctl, json={"status": status})).json()
    assert state["pause_refusal"] == status
    resp = await api.call("POST", stop)
    assert resp.status == status
    assert (await resp.json())["path"] == stop
    assert vendor.mode == "SMART_CHARGE"
    await api.session.post(ctl, json={"allowed": True})
    assert (await api.call("POST", stop)).status == 200
    assert vendor.mode == "STOPPED"


async def test_select_car_mid_session_keeps_its_own_soc(
    api: Api, vendor: OhmeVendor, simulator: Simulator
) -> None:
    """Choosing another car mid-session does not give it the first car's state of charge."""
    simulator.clock.advance(600 + 900 + 1800)  # plugged in, one 30-minute slot at 7 kW
    vendor.sync()
    leaf = vendor.soc["car-leaf"]
    assert leaf > 40
    assert (await api.call("PUT", "/v1/car/car-tesla/select")).status == 200
    session = (await api.json("GET", "/v1/chargeSessions"))[0]
    assert session["car"]["id"] == "car-tesla"
    assert session["car"]["batterySoc"]["percent"] == 55
    account = await api.json("GET", "/v1/users/me/account")
    assert [c["batterySoc"]["percent"] for c in account["cars"]] == [55, round(leaf)]
    simulator.clock.advance(1800)
    vendor.sync()
    assert vendor.soc["car-tesla"] > 55
    assert vendor.soc["car-leaf"] == leaf


async def test_charge_summary(api: Api, vendor: OhmeVendor, simulator: Simulator) -> None:
    """The summary serves what the charger delivered per UTC hour, in epoch milliseconds."""
    path = "/v1/chargeSessions/summary/users/sim-user-0001"
    start_ms = int(simulator.clock.timestamp() * 1000)
    simulator.clock.advance(4 * 3600)  # plugged in at 12:10, slots from 12:25
    await api.login()
    end_ms = int(simulator.clock.timestamp() * 1000)
    query = {"endTs": str(end_ms), "granularity": "HOUR", "startTs": str(start_ms)}
    summary = await api.json("GET", path, params=query)
    assert vendor.summary_queries[-1] == f"endTs={end_ms}&granularity=HOUR&startTs={start_ms}"
    assert summary["granularity"] == "HOUR"
    hours = [(s["startTime"], s["endTime"]) for s in summary["stats"]]
    assert hours == [(start_ms + h * 3_600_000, start_ms + (h + 1) * 3_600_000) for h in range(4)]
    delivered = [s["energyChargedTotalWh"] for s in summary["stats"]]
    for stat in summary["stats"]:
        wh, seconds = vendor.delivered_between(stat["startTime"] / 1000, stat["endTime"] / 1000)
        assert stat["energyChargedTotalWh"] == round(wh)
        assert stat["activeChargeMs"] == int(seconds * 1000)
    assert delivered[0] == round(7000 * 35 / 60)  # 12:25-13:00 at 7 kW
    assert summary["totalStats"]["energyChargedTotalWh"] == pytest.approx(sum(delivered), abs=2)
    stat = summary["stats"][0]
    assert stat["ownerUserId"] == "sim-user-0001"
    assert stat["deviceId"] == SERIAL
    assert set(stat["costStats"]["moneyCostTotal"]) == {"currencyCode", "amount"}
    assert set(stat) >= {"carbonStats", "batteryStats", "solarEnergyChargedWh", "location"}
    for bad in (
        {"endTs": str(end_ms), "granularity": "MONTH", "startTs": str(start_ms)},
        {"endTs": str(start_ms), "granularity": "DAY", "startTs": str(end_ms)},
        {"endTs": "soon", "granularity": "DAY", "startTs": str(start_ms)},
        {"granularity": "DAY"},
    ):
        assert (await api.call("GET", path, params=bad)).status == 400
    other = await api.call("GET", "/v1/chargeSessions/summary/users/someone", params=query)
    assert other.status == 403
    api.token = "expired"
    assert (await api.call("GET", path, params=query)).status == 401


async def test_charge_summary_days_are_london_days(
    api: Api, vendor: OhmeVendor, simulator: Simulator
) -> None:
    """DAY buckets start at midnight in London: the spring-forward day lasts 23 hours."""
    simulator.clock.set(datetime(2026, 3, 27, 12, tzinfo=UTC))
    vendor.reset()
    await api.login()
    start = datetime(2026, 3, 28, 0, tzinfo=UTC)  # midnight GMT
    end = datetime(2026, 3, 30, 23, tzinfo=UTC)  # midnight BST
    simulator.clock.set(end)
    query = {
        "endTs": str(int(end.timestamp() * 1000)),
        "granularity": "DAY",
        "startTs": str(int(start.timestamp() * 1000)),
    }
    await api.login()
    summary = await api.json("GET", "/v1/chargeSessions/summary/users/sim-user-0001", params=query)
    lengths = [(s["endTime"] - s["startTime"]) / 3_600_000 for s in summary["stats"]]
    assert lengths == [24, 23, 24]  # 28th (GMT), 29th (clocks go forward), 30th (BST)
    total = sum(s["energyChargedTotalWh"] for s in summary["stats"])
    wh, _ = vendor.delivered_between(start.timestamp(), end.timestamp())
    assert total == pytest.approx(wh, abs=3)
    assert wh > 10_000


async def test_put_charge_rule(api: Api, vendor: OhmeVendor, simulator: Simulator) -> None:
    """``PUT /v1/chargeRules/<id>`` takes the whole rule (the schedule or the session's)."""
    rule = (await api.json("GET", "/v1/chargeSessions/nextSessionInfo"))["rule"]
    rule.update(targetPercent=65, targetTime=6 * 3600, preconditioningEnabled=True)
    resp = await api.call("PUT", f"/v1/chargeRules/{RULE_ID}", json=rule)
    assert resp.status == 200
    assert vendor.rule["targetPercent"] == 65
    assert vendor.rule["targetTime"] == 6 * 3600
    assert vendor.rule["preconditioningEnabled"] is True
    for bad in (
        {**rule, "targetPercent": 101},
        {**rule, "targetPercent": True},
        {**rule, "targetTime": 86400},
        {**rule, "preconditioningEnabled": "yes"},
        {**rule, "id": "another"},
    ):
        assert (await api.call("PUT", f"/v1/chargeRules/{RULE_ID}", json=bad)).status == 400
    assert (await api.call("PUT", "/v1/chargeRules/unknown", json=rule)).status == 404
    simulator.clock.advance(600)
    session_rule = (await api.json("GET", "/v1/chargeSessions"))[0]["appliedRule"]
    session_rule["targetPercent"] = 50
    resp = await api.call("PUT", f"/v1/chargeRules/{session_rule['id']}", json=session_rule)
    assert resp.status == 200
    assert vendor.needed == pytest.approx((50 - 40) / 100 * 40000)


async def test_put_session_rule_of_older_libraries(
    api: Api, vendor: OhmeVendor, simulator: Simulator
) -> None:
    """``PUT /v1/chargeSessions/<serial>/rule?...`` (ohmepy <= 1.6) changes the session."""
    path = f"/v1/chargeSessions/{SERIAL}/rule"
    target_ts = str(int(datetime(2026, 1, 16, 7, 30, tzinfo=UTC).timestamp() * 1000))
    query = {
        "enableMaxPrice": "true",
        "targetTs": target_ts,
        "enablePreconditioning": "true",
        "toPercent": "70",
        "preconditionLengthMins": "20",
    }
    assert (await api.call("PUT", path, params=query)).status == 400  # no session yet
    simulator.clock.advance(600)
    assert (await api.call("PUT", path, params=query)).status == 200
    assert vendor.session_rule is not None
    assert vendor.session_rule["targetPercent"] == 70
    assert vendor.session_rule["targetTime"] == 7 * 3600 + 30 * 60  # London time in January
    assert vendor.session_rule["preconditioningEnabled"] is True
    assert vendor.session_rule["preconditionLengthMins"] == 20
    assert vendor.user_settings["chargeSettings"][0]["enabled"] is True
    assert vendor.rule["targetPercent"] == 80
    for bad in ({**query, "toPercent": "x"}, {**query, "enableMaxPrice": "maybe"}, {}):
        assert (await api.call("PUT", path, params=bad)).status == 400
    assert (await api.call("PUT", path, params={"maxCharge": "true"})).status == 200
    assert vendor.mode == "MAX_CHARGE"
    assert (await api.call("PUT", path, params={"maxCharge": "false"})).status == 200
    assert vendor.mode == "SMART_CHARGE"
    assert (await api.call("PUT", path, params={"maxCharge": "x"})).status == 400


async def test_firebase_style_token(api: Api) -> None:
    """The ID token is a JWT whose base64url payload carries Firebase's claims."""
    header, payload, _ = api.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["user_id"] == claims["sub"] == "sim-user-0001"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["firebase"]["sign_in_provider"] == "password"
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"] == "RS256"
