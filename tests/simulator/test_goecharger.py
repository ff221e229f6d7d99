"""Fidelity tests of the simulated go-e cloud."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest

from simulator import Simulator
from simulator.goecharger import GoeChargerVendor

SERIAL = "051215"
TOKEN = "sim-goe-051215"
IDLE = "072931"
IDLE_TOKEN = "sim-goe-072931"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _vendor(simulator: Simulator) -> GoeChargerVendor:
    goe = simulator.vendor("goecharger")
    assert isinstance(goe, GoeChargerVendor)
    return goe


async def _get(
    simulator: Simulator,
    path: str,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = AUTH,
) -> tuple[int, Any, aiohttp.typedefs.LooseHeaders]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{simulator.url('goecharger')}{path}", params=params, headers=headers
        ) as response,
    ):
        return response.status, await response.json(), response.headers


async def _control(simulator: Simulator, path: str, body: Any) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{simulator.base_url}/_sim/goecharger{path}", json=body) as response,
    ):
        return response.status, await response.json()


async def test_status_full_and_filtered(simulator: Simulator) -> None:
    status, full, headers = await _get(simulator, f"/{SERIAL}/api/status")
    assert status == 200
    assert full["car"] == 2
    assert full["pnp"] == 3
    assert full["nrg"][11] == pytest.approx(690 * 16)
    assert "Last-Modified" in headers
    status, filtered, _ = await _get(
        simulator, f"/{SERIAL}/api/status", {"filter": "car,amp,nosuchkey"}
    )
    assert status == 200
    assert filtered == {"car": 2, "amp": 16}


async def test_idle_charger(simulator: Simulator) -> None:
    status, data, _ = await _get(
        simulator, f"/{IDLE}/api/status", headers={"Authorization": f"Bearer {IDLE_TOKEN}"}
    )
    assert status == 200
    assert data["car"] == 1
    assert data["pnp"] == 0
    assert data["ama"] == 16
    assert data["trx"] is None


async def test_token_forms(simulator: Simulator) -> None:
    path = f"/{SERIAL}/api/status"
    assert (await _get(simulator, path, {"token": TOKEN}, headers=None))[0] == 200
    assert (await _get(simulator, path, headers={"Authorization": f"Basic {TOKEN}"}))[0] == 200
    encoded = base64.b64encode(f"user:{TOKEN}".encode()).decode()
    assert (await _get(simulator, path, headers={"Authorization": f"Basic {encoded}"}))[0] == 200
    status, body, _ = await _get(simulator, path, headers={"Authorization": "Bearer wrong"})
    assert status == 401
    assert body["success"] is False
    assert (await _get(simulator, path, headers=None))[0] == 401
    # another charger's token does not open this one
    assert (await _get(simulator, path, {"token": IDLE_TOKEN}, headers=None))[0] == 401


async def test_raw_basic_token_that_is_valid_base64(simulator: Simulator) -> None:
    """A raw token sent as "Basic" that happens to decode as base64 is still the token."""
    token = "dGVzdA=="  # base64 of "test"
    await _control(simulator, f"/{SERIAL}/token", {"token": token})
    path = f"/{SERIAL}/api/status"
    assert (await _get(simulator, path, headers={"Authorization": f"Basic {token}"}))[0] == 200
    encoded = base64.b64encode(f"user:{token}".encode()).decode()
    assert (await _get(simulator, path, headers={"Authorization": f"Basic {encoded}"}))[0] == 200
    assert (await _get(simulator, path, headers={"Authorization": "Basic dGVzdA"}))[0] == 401


async def test_unknown_serial(simulator: Simulator) -> None:
    status, body, _ = await _get(simulator, "/999999/api/status")
    assert status == 404
    assert body == {"success": False, "reason": "Unknown device"}


async def test_energy_grows_with_time(simulator: Simulator) -> None:
    _, before, _ = await _get(simulator, f"/{SERIAL}/api/status", {"filter": "wh,eto"})
    simulator.clock.advance(3600)
    _, after, _ = await _get(simulator, f"/{SERIAL}/api/status", {"filter": "wh,eto"})
    assert after["wh"] - before["wh"] == pytest.approx(690 * 16, abs=0.01)
    assert after["eto"] > before["eto"]
    # the car is full after its need is met: charging completes and energy stops growing
    simulator.clock.advance(86400)
    _, full, _ = await _get(simulator, f"/{SERIAL}/api/status", {"filter": "car,wh,pnp"})
    assert full["car"] == 4
    assert full["pnp"] == 0
    assert full["wh"] == pytest.approx(1136.361 + 40000, abs=0.01)


async def test_set_json_values_and_results(simulator: Simulator) -> None:
    status, body, _ = await _get(simulator, f"/{SERIAL}/api/set", {"amp": "10", "psm": "1"})
    assert status == 202
    assert body == {"amp": True, "psm": True}
    _, data, _ = await _get(simulator, f"/{SERIAL}/api/status", {"filter": "amp,psm,pnp,nrg"})
    assert data["amp"] == 10
    assert data["pnp"] == 1
    assert data["nrg"][11] == pytest.approx(2300)
    status, body, _ = await _get(simulator, f"/{SERIAL}/api/set", {"fna": '"Shed"', "amp": "5"})
    assert status == 202
    assert body["fna"] is True
    assert "exceeds range 6 to 32" in body["amp"]


@pytest.mark.parametrize(
    "params",
    [
        {"amp": "33"},
        {"amp": "16.5"},
        {"frc": "3"},
        {"psm": "true"},
        {"acs": "2"},
        {"trx": "11"},
        {"car": "1"},
        {"eto": "0"},
        {"fna": "unquoted"},
        {"fna": "12"},
        {"nosuchkey": "1"},
        {"fup": "1"},
        {"dwo": '"x"'},
        {"mca": "40"},
    ],
)
async def test_set_rejected(simulator: Simulator, params: dict[str, str]) -> None:
    status, body, _ = await _get(simulator, f"/{SERIAL}/api/set", params)
    assert status == 422
    key = next(iter(params))
    assert isinstance(body[key], str)
    assert "failed" in body[key]


async def test_set_other_keys(simulator: Simulator) -> None:
    params = {"dwo": "null", "fup": "true", "lmo": "4", "ama": "20", "cae": "true"}
    status, body, _ = await _get(simulator, f"/{SERIAL}/api/set", params)
    assert status == 202
    assert all(v is True for v in body.values())
    _, data, _ = await _get(simulator, f"/{SERIAL}/api/status", {"filter": "dwo,fup,lmo,ama"})
    assert data == {"dwo": None, "fup": True, "lmo": 4, "ama": 20}
    # amp above the new absolute maximum is refused
    assert (await _get(simulator, f"/{SERIAL}/api/set", {"amp": "25"}))[0] == 422


async def test_force_states_and_access_control(simulator: Simulator) -> None:
    path = f"/{SERIAL}/api/status"
    keys = {"filter": "car,alw,modelStatus,pnp"}
    await _get(simulator, f"/{SERIAL}/api/set", {"frc": "1"})
    _, data, _ = await _get(simulator, path, keys)
    assert data == {"car": 4, "alw": False, "modelStatus": 4, "pnp": 0}
    await _get(simulator, f"/{SERIAL}/api/set", {"frc": "2"})
    _, data, _ = await _get(simulator, path, keys)
    assert data == {"car": 2, "alw": True, "modelStatus": 3, "pnp": 3}
    # access control: without a transaction the car waits for authentication
    await _get(simulator, f"/{SERIAL}/api/set", {"trx": "null", "frc": "0"})
    _, data, _ = await _get(simulator, path, keys)
    assert data == {"car": 3, "alw": False, "modelStatus": 2, "pnp": 0}
    await _get(simulator, f"/{SERIAL}/api/set", {"trx": "0"})
    _, data, _ = await _get(simulator, path, keys)
    assert data["car"] == 2


async def test_unplug_resets_force_state_and_transaction(simulator: Simulator) -> None:
    await _get(simulator, f"/{SERIAL}/api/set", {"frc": "2"})
    status, body = await _control(simulator, f"/{SERIAL}/car", {"connected": False})
    assert (status, body) == (200, {"serial": SERIAL, "plugged": False})
    _, data, _ = await _get(simulator, f"/{SERIAL}/api/status", {"filter": "car,frc,trx,alw"})
    assert data == {"car": 1, "frc": 0, "trx": None, "alw": False}
    await _control(simulator, f"/{SERIAL}/car", {"connected": True, "need_wh": 1000})
    _, data, _ = await _get(simulator, f"/{SERIAL}/api/status", {"filter": "car,wh,modelStatus"})
    assert data == {"car": 3, "wh": 0.0, "modelStatus": 2}


async def test_offline_and_cloud_api_switches(simulator: Simulator) -> None:
    status, _ = await _control(simulator, f"/{SERIAL}/offline", {"offline": True})
    assert status == 200
    simulator.clock.advance(122)
    for path in ("/api/status", "/api/set"):
        status, body, _ = await _get(simulator, f"/{SERIAL}{path}", {"amp": "10"})
        assert status == 404
        assert body == {"success": False, "reason": "Data is outdated", "age": 122}
    await _control(simulator, f"/{SERIAL}/offline", {"offline": False})
    await _control(simulator, f"/{SERIAL}/cloud_api", {"enabled": False})
    status, _, _ = await _get(simulator, f"/{SERIAL}/api/status")
    assert status == 403
    await _control(simulator, f"/{SERIAL}/cloud_api", {"enabled": True})
    assert (await _get(simulator, f"/{SERIAL}/api/status"))[0] == 200


async def test_control_routes(simulator: Simulator) -> None:
    status, body = await _control(simulator, f"/{SERIAL}/error", {"err": 13})
    assert (status, body) == (200, {"serial": SERIAL, "err": 13})
    assert (await _control(simulator, "/000000/offline", {}))[0] == 404
    assert (await _control(simulator, f"/{SERIAL}/offline", [1]))[0] == 400
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{simulator.base_url}/_sim/goecharger/chargers") as response,
    ):
        listing = await response.json()
    assert set(listing) == {SERIAL, IDLE}
    assert listing[SERIAL]["status"]["err"] == 13
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{simulator.base_url}/_sim/goecharger/{SERIAL}/car", data="not json"
        ) as response,
    ):
        assert response.status == 400


async def test_add_chargers_and_rotate_token(simulator: Simulator) -> None:
    status, body = await _control(simulator, "/chargers", {"count": 2})
    assert (status, body) == (200, {"added": ["100000", "100001"]})
    assert (await _control(simulator, "/chargers", {}))[1] == {"added": ["100002"]}
    assert (await _control(simulator, "/chargers", {"count": 0}))[0] == 400
    status, data, _ = await _get(
        simulator,
        "/100001/api/status",
        {"filter": "car,sse"},
        {"Authorization": "Bearer sim-goe-100001"},
    )
    assert (status, data) == (200, {"car": 2, "sse": "100001"})

    assert (await _control(simulator, f"/{SERIAL}/token", {"token": "new"}))[0] == 200
    assert (await _get(simulator, f"/{SERIAL}/api/status"))[0] == 401
    ok = await _get(simulator, f"/{SERIAL}/api/status", headers={"Authorization": "Bearer new"})
    assert ok[0] == 200
    assert (await _control(simulator, f"/{SERIAL}/token", {"token": ""}))[0] == 400
    simulator.reset()
    assert set(_vendor(simulator).chargers) == {SERIAL, IDLE}


async def test_reset_and_request_log(simulator: Simulator) -> None:
    await _get(simulator, f"/{SERIAL}/api/set", {"amp": "10"})
    assert simulator.log.count("goecharger", "GET /goecharger/{serial}/api/set") == 1
    simulator.reset()
    assert _vendor(simulator).chargers[SERIAL].amp == 16


async def test_set_invalid_json_and_token_param(simulator: Simulator) -> None:
    status, body, _ = await _get(
        simulator, f"/{SERIAL}/api/set", {"token": TOKEN, "fna": "{bad"}, headers=None
    )
    assert status == 422
    assert body == {"fna": "fna: failed: value is not JSON ({bad)"}


def test_dev_entries() -> None:
    from simulator import SimClock

    entries = GoeChargerVendor(SimClock()).dev_entries("http://127.0.0.1:8765")
    assert len(entries) == 1
    assert entries[0].domain == "smartenergy_goecharger"
    assert entries[0].steps[0]["advanced"] == {"api_url": "http://127.0.0.1:8765/goecharger/051215"}
    assert entries[0].steps[0]["serial"] == "051215"


def test_charger_names_differ_from_the_charge_amps_chargers(simulator: Simulator) -> None:
    """The dev Home Assistant runs every integration: equal device names mix entity ids."""
    goe_names = {charger.name.casefold() for charger in _vendor(simulator).chargers.values()}
    charge_amps: Any = simulator.vendor("chargeamps")
    other_names = {point.name.casefold() for point in charge_amps.charge_points.values()}
    assert goe_names
    assert other_names
    assert not goe_names & other_names
