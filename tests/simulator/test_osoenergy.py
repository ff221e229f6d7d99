"""Fidelity of the simulated OSO Energy cloud: paths, key header, JSON shapes and status codes."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import aiohttp
import pytest

from simulator import Simulator
from simulator.osoenergy import (
    API_KEY,
    EMAIL,
    OTHER_API_KEY,
    OTHER_EMAIL,
    OSOEnergyVendor,
)

S200 = "oso-s200-0001"
S300 = "oso-s300-0002"
KEY = {"Ocp-Apim-Subscription-Key": API_KEY}


@pytest.fixture
async def http(simulator: Simulator) -> AsyncGenerator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=simulator.base_url) as session:
        yield session


@pytest.fixture
def oso(simulator: Simulator) -> OSOEnergyVendor:
    vendor = simulator.vendor("osoenergy")
    assert isinstance(vendor, OSOEnergyVendor)
    return vendor


async def call(
    http: aiohttp.ClientSession,
    method: str,
    path: str,
    headers: dict[str, str] | None = KEY,
    **kwargs: Any,
) -> tuple[int, Any]:
    async with http.request(method, f"/osoenergy{path}", headers=headers, **kwargs) as resp:
        text = await resp.text()
        return resp.status, (await resp.json(content_type=None)) if text else None


async def devices(http: aiohttp.ClientSession) -> dict[str, dict[str, Any]]:
    status, body = await call(http, "GET", "/1/Device/All")
    assert status == 200
    return {device["deviceId"]: device for device in body}


async def test_auth(http: aiohttp.ClientSession, oso: OSOEnergyVendor) -> None:
    assert await call(http, "GET", "/1/User/Details") == (200, {"email": EMAIL})
    status, body = await call(http, "GET", "/1/User/Details", headers=None)
    assert status == 401
    assert "missing subscription key" in body["message"]
    status, _ = await call(
        http, "GET", "/1/Device/All", headers={"Ocp-Apim-Subscription-Key": "nope"}
    )
    assert status == 401
    oso.expired.add(API_KEY)
    status, body = await call(http, "GET", "/1/Device/All")
    assert status == 403
    other = {"Ocp-Apim-Subscription-Key": OTHER_API_KEY}
    assert await call(http, "GET", "/1/User/Details", headers=other) == (
        200,
        {"email": OTHER_EMAIL},
    )
    assert await call(http, "GET", "/1/Device/All", headers=other) == (200, [])


@pytest.mark.parametrize(
    "path", ["/1/Device/All", "/1/Device/all", "/1/device/ALL/", "/1/Device/All/"]
)
async def test_case_insensitive_paths(http: aiohttp.ClientSession, path: str) -> None:
    status, body = await call(http, "GET", path)
    assert status == 200
    assert [device["deviceType"] for device in body] == ["SAGA S200", "SAGA S300"]


async def test_unknown_path_and_method(http: aiohttp.ClientSession) -> None:
    assert (await call(http, "GET", "/1/Device/Nothing"))[0] == 404
    assert (await call(http, "POST", "/1/Device/all/"))[0] == 405
    assert (await call(http, "POST", "/1/Device/unknown/TurnOn"))[0] == 404


async def test_device_shape(http: aiohttp.ClientSession) -> None:
    heaters = await devices(http)
    s200, s300 = heaters[S200], heaters[S300]
    assert s200["connectionState"] == {"connectionState": "Connected"}
    assert s200["control"]["currentTemperatureOne"] is None
    assert s300["control"]["currentTemperatureOne"] is not None
    assert (s200["v40LevelMin"], s200["v40LevelMax"], s200["volume"]) == (200, 350, 200)
    assert (s300["v40LevelMin"], s300["v40LevelMax"], s300["volume"]) == (300, 550, 300)
    assert len(s200["profile"]) == 24
    assert s200["control"]["heater"] == "on"  # 52 degC, heating towards 65
    assert s200["data"]["actualLoadKwh"] == 3.0
    assert s300["optimizationOption"] == "GridCompany"
    assert s300["control"]["targetTemperature"] == 70  # 12:00 UTC


async def test_heating_evolves_on_the_clock(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    before = (await devices(http))[S200]
    simulator.clock.advance(3600)
    after = (await devices(http))[S200]
    assert after["control"]["currentTemperature"] > before["control"]["currentTemperature"]
    assert after["data"]["consumedPowerkWh"] > before["data"]["consumedPowerkWh"]
    assert after["data"]["tappingCapacitykWh"] > before["data"]["tappingCapacitykWh"]
    # A week later the tank sits at its target, the element is off, energy stopped growing.
    simulator.clock.advance(7 * 86400)
    settled = (await devices(http))[S200]
    assert 64 < settled["control"]["currentTemperature"] <= 65
    assert settled["control"]["heater"] == "off"
    simulator.clock.advance(86400)
    assert (await devices(http))[S200]["data"]["consumedPowerkWh"] == pytest.approx(
        settled["data"]["consumedPowerkWh"], abs=0.01
    )


async def test_profile_sets_target_of_current_utc_hour(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    hours = [40.0] * 12 + [45] + [50] * 11
    assert await call(http, "PUT", f"/1/Device/{S300}/Profile", json={"hours": hours}) == (
        200,
        None,
    )
    heater = (await devices(http))[S300]
    assert heater["profile"] == hours
    assert heater["control"]["targetTemperature"] == 45  # 12:00 UTC
    simulator.clock.advance(3600)
    assert (await devices(http))[S300]["control"]["targetTemperature"] == 50
    for bad in ({"hours": [40] * 23}, {"hours": [5] * 24}, {"hours": ["a"] * 24}, [1]):
        assert (await call(http, "PUT", f"/1/Device/{S300}/Profile", json=bad))[0] == 400
    status, _ = await call(http, "PUT", f"/1/Device/{S300}/Profile", data="{")
    assert status == 400


async def test_turn_on_and_off(http: aiohttp.ClientSession, simulator: Simulator) -> None:
    path = f"/1/Device/{S300}"
    assert (await call(http, "POST", f"{path}/TurnOff?fullUtilizationParam=False"))[0] == 200
    heater = (await devices(http))[S300]
    assert (heater["control"]["heater"], heater["control"]["mode"]) == ("off", "PowerSave")
    # Homey's spelling of the flag, lower case, for one hour.
    assert (await call(http, "POST", f"{path}/turnon?fullUtilization=true"))[0] == 200
    heater = (await devices(http))[S300]
    assert (heater["control"]["heater"], heater["control"]["mode"]) == ("on", "ExtraEnergy")
    simulator.clock.advance(6 * 3600)
    heater = (await devices(http))[S300]
    assert heater["control"]["mode"] == "auto"
    assert heater["control"]["currentTemperature"] > 72
    # A missing flag is false: one hour.
    assert (await call(http, "POST", f"{path}/TurnOn"))[0] == 200
    simulator.clock.advance(1800)
    assert (await devices(http))[S300]["control"]["mode"] == "ExtraEnergy"
    simulator.clock.advance(1800)
    assert (await devices(http))[S300]["control"]["mode"] == "auto"
    assert (await call(http, "POST", f"{path}/TurnOn?fullUtilizationParam=maybe"))[0] == 400
    assert (await call(http, "POST", f"{path}/TurnOff?fullUtilizationParam=maybe"))[0] == 400


async def test_v40_min(http: aiohttp.ClientSession) -> None:
    assert (await call(http, "PUT", f"/1/Device/{S200}/V40Min/300.0"))[0] == 200
    assert (await devices(http))[S200]["v40Min"] == 300
    status, body = await call(http, "PUT", f"/1/Device/{S200}/V40Min/400")
    assert status == 400
    assert "between 200 and 350" in body["message"]
    assert (await call(http, "PUT", f"/1/Device/{S200}/V40Min/abc"))[0] == 400
    assert (await devices(http))[S200]["v40Min"] == 300


async def test_get_v40_min(http: aiohttp.ClientSession, oso: OSOEnergyVendor) -> None:
    """GET V40Min (an endpoint of the early API): the value as a bare JSON number."""
    assert await call(http, "GET", f"/1/Device/{S300}/V40Min") == (200, 350.0)
    assert (await call(http, "PUT", f"/1/Device/{S300}/V40Min/400"))[0] == 200
    assert await call(http, "GET", f"/1/device/{S300}/v40min/") == (200, 400.0)
    assert (await call(http, "GET", "/1/Device/nope/V40Min"))[0] == 404
    assert (await call(http, "GET", f"/1/Device/{S300}/V40Min", headers=None))[0] == 401
    assert (await call(http, "POST", f"/1/Device/{S300}/V40Min"))[0] == 405


async def test_optimization_mode(http: aiohttp.ClientSession, oso: OSOEnergyVendor) -> None:
    """PUT OptimizationMode: the option by number (its position in OSO's list of options)
    and the sub option, shown by GET /1/Device/All; invalid bodies are refused."""
    path = f"/1/Device/{S200}/OptimizationMode"
    body = {"optimizationOptions": 2, "optimizationSubOptions": 1}
    assert await call(http, "PUT", path, json=body) == (200, None)
    heater = (await devices(http))[S200]
    assert (heater["optimizationOption"], heater["optimizationSubOption"]) == ("GridCompany", 1)
    # The body pyosoenergyapi writes by hand (spaces before the commas).
    text = '{"optimizationOptions": 5 ,"optimizationSubOptions": 0 }'
    assert (await call(http, "PUT", path.lower(), data=text))[0] == 200
    heater = (await devices(http))[S200]
    assert (heater["optimizationOption"], heater["optimizationSubOption"]) == ("Nettleie", 0)
    assert (await call(http, "PUT", path, json={"optimizationOptions": 1}))[0] == 200
    assert (await devices(http))[S200]["optimizationSubOption"] is None
    for bad in (
        {"optimizationOptions": 6},
        {"optimizationOptions": -1},
        {"optimizationOptions": True},
        {"optimizationOptions": "OSO"},
        {"optimizationOptions": 1, "optimizationSubOptions": "x"},
        [1],
    ):
        assert (await call(http, "PUT", path, json=bad))[0] == 400, bad
    # pyosoenergyapi writes a None sub option as ``None``: not JSON.
    text = '{"optimizationOptions": 1 ,"optimizationSubOptions": None }'
    assert (await call(http, "PUT", path, data=text))[0] == 400
    assert (await devices(http))[S200]["optimizationOption"] == "OSO"
    assert (await devices(http))[S300]["optimizationOption"] == "GridCompany"
    oso.heaters[S200].connected = False
    status, body = await call(http, "PUT", path, json=body)
    assert (status, body["message"]) == (400, "Device is not connected")


async def test_profile_within_the_heaters_limits(
    http: aiohttp.ClientSession, oso: OSOEnergyVendor
) -> None:
    """minTemperature/maxTemperature are the heater's; a profile outside them is refused."""
    oso.heaters[S200].min_temperature = 20
    oso.heaters[S200].max_temperature = 70
    heater = (await devices(http))[S200]
    assert (heater["control"]["minTemperature"], heater["control"]["maxTemperature"]) == (20, 70)
    path = f"/1/Device/{S200}/Profile"
    status, body = await call(http, "PUT", path, json={"hours": [71] * 24})
    assert (status, body["message"]) == (400, "hours must be 24 temperatures between 20 and 70")
    assert (await call(http, "PUT", path, json={"hours": [15] * 24}))[0] == 400
    assert (await call(http, "PUT", path, json={"hours": [20] * 12 + [70] * 12}))[0] == 200


async def test_holiday_and_high_demand(http: aiohttp.ClientSession) -> None:
    path = f"/1/Device/{S200}"
    assert (await call(http, "POST", f"{path}/HighDemand/"))[0] == 200
    assert (await devices(http))[S200]["isInExtraEnergy"] is True
    holiday = "2026-01-15T12:00:00.123456Z/2026-01-22T00:00:00.000Z"
    assert (await call(http, "POST", f"{path}/HolidayMode/{holiday}"))[0] == 200
    heater = (await devices(http))[S200]
    assert heater["isInPowerSave"] is True
    assert heater["isInExtraEnergy"] is False
    assert heater["control"]["mode"] == "PowerSave"
    # Sleeping heaters refuse to be forced on.
    status, body = await call(http, "POST", f"{path}/TurnOn?fullUtilizationParam=true")
    assert (status, body["message"]) == (400, "Heater cannot be forced on at the moment")
    assert (await call(http, "POST", f"{path}/HighDemand"))[0] == 400
    backwards = "2026-01-22T00:00:00Z/2026-01-15T00:00:00Z"
    assert (await call(http, "POST", f"{path}/HolidayMode/{backwards}"))[0] == 400
    assert (await call(http, "POST", f"{path}/HolidayMode/x/y"))[0] == 400
    assert (await call(http, "DELETE", f"{path}/HolidayMode/"))[0] == 200
    assert (await call(http, "DELETE", f"{path}/HighDemand"))[0] == 200
    heater = (await devices(http))[S200]
    assert (heater["isInPowerSave"], heater["isInExtraEnergy"]) == (False, False)


async def test_control_routes(http: aiohttp.ClientSession, simulator: Simulator) -> None:
    async def ctl(method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        async with http.request(method, f"/_sim/osoenergy{path}", **kwargs) as resp:
            return resp.status, await resp.json()

    assert (await ctl("POST", f"/heaters/{S300}/disconnect"))[1] == {"connected": False}
    heater = (await devices(http))[S300]
    assert heater["connectionState"]["connectionState"] == "Disconnected"
    status, body = await call(http, "POST", f"/1/Device/{S300}/TurnOn")
    assert (status, body["message"]) == (400, "Device is not connected")
    assert (await ctl("POST", f"/heaters/{S300}/connect"))[1] == {"connected": True}
    assert (await ctl("POST", "/heaters/nope/connect"))[0] == 404

    status, body = await ctl("POST", "/heaters", json={"deviceType": "SAGA S300"})
    assert status == 201
    assert body["deviceId"] == "oso-sim-0003"
    assert (await ctl("POST", "/heaters", json={"deviceType": "SAGA X"}))[0] == 400
    assert (await ctl("POST", "/heaters", json=[1]))[0] == 400
    assert len(await devices(http)) == 3
    assert (await ctl("DELETE", "/heaters/oso-sim-0003"))[0] == 200
    assert (await ctl("DELETE", "/heaters/oso-sim-0003"))[0] == 404
    assert len((await ctl("GET", "/heaters"))[1]) == 2

    assert (await ctl("POST", f"/heaters/{S200}/raw", json={"optimizationOption": "Nettleie"}))[
        0
    ] == 200
    assert (await devices(http))[S200]["optimizationOption"] == "Nettleie"
    assert (await ctl("POST", f"/heaters/{S200}/raw", json=[1]))[0] == 400
    assert (await ctl("POST", "/heaters/nope/raw", json={}))[0] == 404

    assert (await ctl("POST", f"/keys/{API_KEY}/expire"))[1]["expired"] is True
    assert (await call(http, "GET", "/1/Device/All"))[0] == 403
    assert (await ctl("POST", f"/keys/{API_KEY}/renew"))[1]["expired"] is False
    assert (await ctl("POST", "/keys/nope/renew"))[0] == 404

    simulator.reset()
    assert (await devices(http))[S200]["optimizationOption"] == "OSO"


async def test_request_counting_and_dev_entry(
    http: aiohttp.ClientSession, simulator: Simulator, oso: OSOEnergyVendor
) -> None:
    await devices(http)
    await call(http, "GET", "/1/device/all/")
    assert simulator.log.count("osoenergy", "GET /osoenergy/1/Device/All") == 1
    assert simulator.log.count("osoenergy") == 2
    (entry,) = oso.dev_entries("http://127.0.0.1:8765")
    assert entry.domain == "osoenergy"
    assert entry.steps == [
        {"api_key": API_KEY, "advanced": {"api_url": "http://127.0.0.1:8765/osoenergy"}}
    ]
