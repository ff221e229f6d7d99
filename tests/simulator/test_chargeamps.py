"""Fidelity tests of the simulated Charge Amps my.charge.space web API."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import pytest

from custom_components.charge_amps_monitor.api import ChargeAmpsAuthError, ChargeAmpsClient
from simulator import Simulator
from simulator.chargeamps import (
    ACCOUNT_EMAIL,
    ACCOUNT_PASSWORD,
    AURA_ID,
    HALO_ID,
    TOKEN_CAP,
    ChargeAmpsVendor,
    read_jwt,
)

LOGIN = "/api/auth/login"
OWNED = "/api/users/chargepoints/owned?expand=ocppConfig"
CREDENTIALS = {"email": ACCOUNT_EMAIL, "password": ACCOUNT_PASSWORD, "hostName": "my.charge.space"}


def _vendor(simulator: Simulator) -> ChargeAmpsVendor:
    vendor = simulator.vendor("chargeamps")
    assert isinstance(vendor, ChargeAmpsVendor)
    return vendor


async def _post(
    simulator: Simulator,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    *,
    data: str | None = None,
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{simulator.url('chargeamps')}{path}",
            json=body if data is None else None,
            data=data,
            headers=headers,
        ) as response,
    ):
        text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text


async def _control(
    simulator: Simulator, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method, f"{simulator.base_url}/_sim/chargeamps{path}", json=body
        ) as response,
    ):
        text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text


async def _token(simulator: Simulator) -> str:
    status, body = await _post(simulator, LOGIN, CREDENTIALS)
    assert status == 200
    return str(body["token"])


async def _owned(simulator: Simulator, token: str) -> tuple[int, Any]:
    return await _post(simulator, OWNED, [], {"Authorization": f"Bearer {token}"})


async def test_login_issues_real_jwt(simulator: Simulator) -> None:
    status, body = await _post(simulator, LOGIN, {**CREDENTIALS, "email": ACCOUNT_EMAIL.upper()})
    assert status == 200
    header, payload, signature = body["token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["iat"] == int(simulator.clock.timestamp())
    assert claims["unique_name"] == ACCOUNT_EMAIL
    assert body["user"]["id"] == claims["sub"]
    assert body["expiresIn"] == 3600
    assert read_jwt(body["token"]) == claims
    assert read_jwt(f"{header}.{payload}.AAAA") is None
    assert read_jwt("not-a-jwt") is None
    assert read_jwt(f"{header}.!!!.{signature}") is None
    assert _vendor(simulator).logins == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"email": ACCOUNT_EMAIL, "password": "wrong"}, 401),
        ({"email": "other@example.com", "password": ACCOUNT_PASSWORD}, 401),
        ({"email": ACCOUNT_EMAIL}, 400),
        ([], 400),
    ],
)
async def test_login_refused(simulator: Simulator, body: Any, status: int) -> None:
    assert (await _post(simulator, LOGIN, body))[0] == status
    assert _vendor(simulator).logins == 0


async def test_login_invalid_json(simulator: Simulator) -> None:
    assert (await _post(simulator, LOGIN, data="{nope"))[0] == 400


async def test_owned_list(simulator: Simulator) -> None:
    token = await _token(simulator)
    status, body = await _owned(simulator, token)
    assert status == 200
    assert [cp["id"] for cp in body] == [HALO_ID, AURA_ID]
    halo, aura = body
    assert (halo["productName"], aura["productName"]) == ("Halo", "Aura")
    assert halo["chargePointStatus"] == 1
    # 12:00 UTC: the Halo charges on both connectors; the Schuko reports one phase only.
    cable, schuko = halo["connectors"]
    assert (cable["ocppStatus"], cable["isCharging"], cable["current3"]) == (3, True, 16.0)
    assert "voltage2" not in schuko and "current3" not in schuko
    assert schuko["current1"] == 8.0
    left, right = aura["connectors"]
    assert (left["ocppStatus"], left["current1"]) == (1, 0.0)
    assert right["ocppStatus"] == 3


async def test_owned_requires_valid_token(simulator: Simulator) -> None:
    assert (await _post(simulator, OWNED, []))[0] == 401
    assert (await _post(simulator, OWNED, [], {"Authorization": "Basic abc"}))[0] == 401
    assert (await _owned(simulator, "a.b.c"))[0] == 401
    token = await _token(simulator)
    simulator.clock.advance(3599)
    assert (await _owned(simulator, token))[0] == 200
    simulator.clock.advance(1)
    assert (await _owned(simulator, token))[0] == 401


async def test_token_cap_evicts_oldest(simulator: Simulator) -> None:
    first = await _token(simulator)
    for _ in range(TOKEN_CAP - 1):
        await _token(simulator)
    assert (await _owned(simulator, first))[0] == 200
    latest = await _token(simulator)
    assert (await _owned(simulator, first))[0] == 401
    assert (await _owned(simulator, latest))[0] == 200


async def test_state_evolves_over_the_day(simulator: Simulator) -> None:
    vendor = _vendor(simulator)
    halo = vendor.charge_points[HALO_ID].connectors[0]
    t = simulator.clock.timestamp()
    # 16 A x 3 phases x 230 V for one hour.
    assert halo.energy_kwh(t + 3600) - halo.energy_kwh(t) == pytest.approx(11.04)
    # A whole day adds the day's energy: 4 h at 11.04 kW.
    assert halo.energy_kwh(t + 86400) - halo.energy_kwh(t) == pytest.approx(44.16)
    statuses = [
        vendor.charge_points[AURA_ID].as_json(
            t + h * 3600, offline=False, form="string", as_strings=False
        )["connectors"][1]["ocppStatus"]
        for h in (-3, -2, -1, 0, 1, 2)
    ]
    assert statuses == ["Preparing", "Charging", "Charging", "Charging", "Finishing", "Available"]
    left = vendor.charge_points[AURA_ID].as_json(
        t + 7 * 3600, offline=False, form="string", as_strings=False
    )["connectors"][0]
    assert left["ocppStatus"] == "Charging"
    assert vendor.charge_points[AURA_ID].connectors[0].segment(t + 19 * 3600) is not None


async def test_control_forms_offline_chargers(simulator: Simulator) -> None:
    token = await _token(simulator)
    status, state = await _control(
        simulator, "POST", "/form", {"status": "string", "numbers_as_strings": True}
    )
    assert status == 200
    assert state["status_form"] == "string"
    assert (await _control(simulator, "POST", "/form", {"status": "roman"}))[0] == 400
    assert (await _control(simulator, "POST", "/form", [1]))[0] == 400

    assert (await _control(simulator, "POST", "/offline", {"charger": HALO_ID}))[0] == 200
    assert (await _control(simulator, "POST", "/offline", {"charger": "nope"}))[0] == 404
    _, body = await _owned(simulator, token)
    halo, aura = body
    assert halo["chargePointStatus"] == "Offline"
    assert halo["connectors"][0]["ocppStatus"] == "Unavailable"
    assert halo["isCharging"] is False
    assert aura["chargePointStatus"] == "Online"
    assert aura["connectors"][1]["ocppStatus"] == "Charging"
    assert aura["connectors"][1]["current1"] == "16.0"
    await _control(simulator, "POST", "/offline", {"charger": HALO_ID, "offline": False})
    _, body = await _owned(simulator, token)
    assert body[0]["chargePointStatus"] == "Online"

    status, state = await _control(
        simulator, "POST", "/chargers", {"product": "Aura", "name": "Drive"}
    )
    assert status == 201
    new_id = state["id"]
    assert new_id in state["chargers"]
    assert (await _control(simulator, "POST", "/chargers", {"id": new_id}))[0] == 409
    assert (await _control(simulator, "POST", "/chargers", {"product": "Luna"}))[0] == 400
    _, body = await _owned(simulator, token)
    assert body[-1]["name"] == "Drive"
    assert len(body[-1]["connectors"]) == 2
    assert (await _control(simulator, "DELETE", f"/chargers/{new_id}"))[0] == 200
    assert (await _control(simulator, "DELETE", f"/chargers/{new_id}"))[0] == 404
    assert (await _control(simulator, "POST", "/chargers", "x"))[0] == 400

    # Add two, remove the first, add again: every added charger gets a free id of its own,
    # also when one was given the id the next one would have had.
    ids = []
    for _ in range(2):
        status, state = await _control(simulator, "POST", "/chargers", {})
        assert status == 201
        ids.append(state["id"])
    assert ids == ["2300000013H", "2300000014H"]
    assert (await _control(simulator, "DELETE", f"/chargers/{ids[0]}"))[0] == 200
    taken = "2300000015H"
    assert (await _control(simulator, "POST", "/chargers", {"id": taken}))[0] == 201
    status, state = await _control(simulator, "POST", "/chargers", {})
    assert status == 201
    assert state["id"] not in {new_id, *ids, taken}
    assert len(state["chargers"]) == 5
    for cp_id in (ids[1], taken, state["id"]):
        assert (await _control(simulator, "DELETE", f"/chargers/{cp_id}"))[0] == 200

    status, state = await _control(simulator, "GET", "/state")
    assert state["chargers"] == [HALO_ID, AURA_ID]
    assert state["logins"] == 1


async def test_control_account(simulator: Simulator) -> None:
    token = await _token(simulator)
    status, state = await _control(
        simulator,
        "POST",
        "/account",
        {"password": "new", "token_lifetime": 600, "revoke_tokens": True},
    )
    assert status == 200
    assert state["active_tokens"] == 0
    assert (await _owned(simulator, token))[0] == 401
    assert (await _post(simulator, LOGIN, CREDENTIALS))[0] == 401
    status, body = await _post(simulator, LOGIN, {**CREDENTIALS, "password": "new"})
    claims = read_jwt(body["token"])
    assert claims is not None
    assert claims["exp"] - claims["iat"] == 600

    simulator.reset()
    vendor = _vendor(simulator)
    assert (vendor.password, vendor.logins, vendor.token_lifetime) == (ACCOUNT_PASSWORD, 0, 3600)


async def test_dev_entries(simulator: Simulator) -> None:
    (entry,) = _vendor(simulator).dev_entries("http://127.0.0.1:8765")
    assert entry.domain == "charge_amps_monitor"
    assert entry.steps == [
        {
            "email": ACCOUNT_EMAIL,
            "password": ACCOUNT_PASSWORD,
            "advanced": {
                "host_name": "my.charge.space",
                "api_url": "http://127.0.0.1:8765/chargeamps",
                "scan_interval": 60,
            },
        }
    ]


async def test_client_against_simulator_logins_per_day(simulator: Simulator) -> None:
    """The real client, polling every 60 s for a simulated day, logs in once per token."""
    async with aiohttp.ClientSession() as session:
        client = ChargeAmpsClient(
            session,
            ACCOUNT_EMAIL,
            ACCOUNT_PASSWORD,
            api_url=simulator.url("chargeamps"),
            clock=simulator.clock.timestamp,
        )
        for _ in range(1440):
            points = await client.async_get_charge_points()
            simulator.clock.advance(60)
        assert len(points) == 2
        vendor = _vendor(simulator)
        # Renewed 300 s before the 3600 s expiry: one login per 3300 s, 27 in a day.
        assert vendor.logins == 27
        assert (
            simulator.log.count("chargeamps", "POST /chargeamps/api/users/chargepoints/owned")
            == 1440
        )
        assert {r.status for r in simulator.log.recent} == {200}
        assert vendor.last_login["origin"] == "https://my.charge.space"
        assert vendor.last_login["hostName"] == "my.charge.space"

        vendor.password = "changed"
        vendor.active_tokens.clear()
        with pytest.raises(ChargeAmpsAuthError):
            await client.async_get_charge_points()
