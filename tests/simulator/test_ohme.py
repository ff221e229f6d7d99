"""Fidelity of the simulated Ohme cloud: auth wire format, endpoints, state over time."""

from __future__ import annotations

from collections.abc import AsyncGenerator
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
    ct = await api.json("GET", f"/v1/chargeDevices/{SERIAL}/advancedSettings")
    assert ct["clampConnected"] is True
    assert (await api.call("GET", "/v1/chargeDevices/other/advancedSettings")).status == 404


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
    await api.json("PATCH", rule_path, params={"persist": "true"}, json={"targetPercent": 45})
    assert (await api.call("POST", f"/v1/chargeSessions/{SERIAL}/stop")).status == 200
    assert vendor.mode == "STOPPED"
    assert (await api.json("GET", "/v1/chargeSessions"))[0]["suspendedRule"] is not None
    assert (await api.call("POST", f"/v1/chargeSessions/{SERIAL}/resume")).status == 200
    assert vendor.mode == "SMART_CHARGE"
    assert (await api.call("PUT", max_path, params={"enabled": "false"})).status == 200
    await api.json("PATCH", rule_path, params=params, json={"targetPercent": 30})
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
    assert (await api.call("GET", advanced)).status == 200
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
