"""Unit tests of the OSO Energy client with aioresponses (wire format and error mapping)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime, timedelta
import json
import logging
from typing import Any

import aiohttp
from aioresponses import aioresponses
import pytest
from yarl import URL

from custom_components.osoenergy.api import (
    DEFAULT_API_URL,
    OSOEnergyAuthError,
    OSOEnergyClient,
    OSOEnergyConnectionError,
    OSOEnergyDevice,
    OSOEnergyEndpointRefusedError,
    OSOEnergyRateLimitError,
    OSOEnergyRejectedError,
    OSOEnergyResponseError,
)

BASE = DEFAULT_API_URL
DEVICE = {
    "deviceId": "osoenergy_water_heater",
    "deviceName": "TEST DEVICE",
    "deviceType": "SAGA S200",
    "connectionState": {"connectionState": "Connected"},
    "control": {
        "heater": "on",
        "mode": "auto",
        "currentTemperature": 60,
        "targetTemperature": 60,
        "targetTemperatureLow": 57,
        "targetTemperatureHigh": 63,
        "minTemperature": 10,
        "maxTemperature": 75,
        "currentTemperatureOne": None,
        "currentTemperatureLow": 40.5,
        "currentTemperatureMid": 55.0,
        "currentTemperatureTop": 68.5,
    },
    "data": {
        "actualLoadKwh": 1.5,
        "tappingCapacitykWh": 6.2,
        "capacityMixedWater40": 270,
        "consumedPowerkWh": 1234.5,
    },
    "volume": 200,
    "v40Min": 240,
    "v40LevelMin": 200,
    "v40LevelMax": 350,
    "optimizationOption": "OSO",
    "profile": [10] + [60] * 23,
    "isInPowerSave": False,
    "isInExtraEnergy": True,
}


@pytest.fixture
async def client() -> AsyncGenerator[OSOEnergyClient]:
    async with aiohttp.ClientSession() as session:
        yield OSOEnergyClient(session, "secret", BASE + "/")


def _only_request(mock: aioresponses) -> tuple[str, URL, Any]:
    ((method, url), calls), *_ = mock.requests.items()
    return method, url, calls[0]


async def test_get_devices_parses_the_cloud_payload(client: OSOEnergyClient) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/Device/All", body=json.dumps([DEVICE]), content_type="text/plain")
        devices = await client.async_get_devices()
        method, url, call = _only_request(mock)
    assert (method, str(url)) == ("GET", f"{BASE}/1/Device/All")
    headers = call.kwargs["headers"]
    assert headers["Ocp-Apim-Subscription-Key"] == "secret"
    assert headers["Content-Type"] == "application/json"
    assert call.kwargs["timeout"].total == 15.0
    device = devices["osoenergy_water_heater"]
    assert device.name == "TEST DEVICE"
    assert device.device_type == "SAGA S200"
    assert device.connected
    assert device.heater_on is True
    assert device.heater_mode == "auto"
    assert device.optimization_mode == "oso"
    assert device.temperature_one is None
    assert device.temperature_top == 68.5
    assert device.power_load == 1.5
    assert device.tapping_capacity == 6.2
    assert device.consumed_energy == 1234.5
    assert device.v40_level_max == 350
    assert device.profile == (10.0,) + (60.0,) * 23
    assert device.power_save is False
    assert device.extra_energy is True


def test_device_tolerates_missing_and_null_fields() -> None:
    device = OSOEnergyDevice.from_json(
        {
            "deviceId": "x",
            "deviceName": None,
            "control": None,
            "optimizationOption": None,
            "profile": [1, 2],
            "isInPowerSave": "yes",
            "volume": True,
        }
    )
    assert device.name == "Water Heater"
    assert device.device_type == "Unknown"
    assert device.connection_state is None
    assert not device.connected
    assert device.heater_on is None
    assert device.heater_mode is None
    assert device.optimization_mode is None
    assert device.current_temperature is None
    assert device.profile is None
    assert device.power_save is None
    assert device.volume is None
    partial_profile = OSOEnergyDevice.from_json({"deviceId": "y", "profile": [1] * 23 + [None]})
    assert partial_profile.profile is None
    disconnected = OSOEnergyDevice.from_json(
        {"deviceId": "z", "connectionState": {"connectionState": "Disconnected"}}
    )
    assert disconnected.connection_state == "disconnected"
    assert not disconnected.connected


async def test_nan_and_infinity_become_none(client: OSOEnergyClient) -> None:
    """The cloud's JSON may carry NaN or Infinity (Python's parser accepts them) and
    numbers too large for a float: none of them is a value."""
    body = (
        '[{"deviceId": "d", "control": {"currentTemperature": NaN, "targetTemperature": '
        'Infinity, "minTemperature": -Infinity, "maxTemperature": 1e999, '
        '"currentTemperatureTop": 1' + "0" * 400 + "}, "
        '"data": {"actualLoadKwh": NaN, "consumedPowerkWh": Infinity}, "v40Min": NaN, '
        '"volume": 200, "profile": [60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, '
        "NaN, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60]}]"
    )
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/Device/All", body=body)
        device = (await client.async_get_devices())["d"]
    assert device.current_temperature is None
    assert device.target_temperature is None
    assert device.min_temperature is None
    assert device.max_temperature is None
    assert device.temperature_top is None
    assert device.power_load is None
    assert device.consumed_energy is None
    assert device.v40_min is None
    assert device.profile is None
    assert device.volume == 200


@pytest.mark.parametrize("body", ["{}", '"text"', "not json"])
async def test_get_devices_bad_payload(client: OSOEnergyClient, body: str) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/Device/All", body=body)
        with pytest.raises(OSOEnergyResponseError):
            await client.async_get_devices()


async def test_get_devices_skips_broken_records(
    client: OSOEnergyClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A record without deviceId or a non-object is skipped; the other heaters are kept."""
    body = [1, None, "x", {"deviceName": "no id"}, {"deviceId": ""}, DEVICE]
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/Device/All", payload=body)
        with caplog.at_level(logging.DEBUG, logger="custom_components.osoenergy.api"):
            devices = await client.async_get_devices()
    assert list(devices) == ["osoenergy_water_heater"]
    skipped = [r for r in caplog.records if r.getMessage().startswith("Skipping")]
    assert len(skipped) == 5
    assert all(record.levelno == logging.DEBUG for record in skipped)


async def test_get_devices_empty_body(client: OSOEnergyClient) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/Device/All", body="")
        assert await client.async_get_devices() == {}


async def test_get_user_email(client: OSOEnergyClient) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/User/Details", payload={"email": "a@b.c", "name": "x"})
        mock.get(f"{BASE}/1/User/Details", payload={"email": ""})
        assert await client.async_get_user_email() == "a@b.c"
        with pytest.raises(OSOEnergyResponseError):
            await client.async_get_user_email()


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        # A command endpoint's 401/403 is that endpoint's refusal, never "key refused".
        (
            401,
            '{"statusCode": 401, "message": "invalid key"}',
            OSOEnergyEndpointRefusedError,
            "TurnOn refused \\(HTTP 401\\)",
        ),
        (403, "", OSOEnergyEndpointRefusedError, "403"),
        (400, '{"message": "Heater cannot be forced on"}', OSOEnergyRejectedError, "forced on"),
        (400, '{"title": "Bad thing"}', OSOEnergyRejectedError, "Bad thing"),
        (400, '"plain json string"', OSOEnergyRejectedError, "plain json string"),
        (400, "[1]", OSOEnergyRejectedError, "[1]"),
        (400, "plain text", OSOEnergyRejectedError, "plain text"),
        (400, "", OSOEnergyRejectedError, "rejected by the cloud"),
        (500, "oops", OSOEnergyConnectionError, "500"),
        (404, "", OSOEnergyResponseError, "404"),
    ],
)
async def test_write_errors(
    client: OSOEnergyClient, status: int, body: str, error: type[Exception], text: str
) -> None:
    with aioresponses() as mock:
        mock.post(f"{BASE}/1/Device/d1/TurnOn?fullUtilizationParam=true", status=status, body=body)
        with pytest.raises(error, match=text):
            await client.async_turn_on("d1", True)


@pytest.mark.parametrize("status", [401, 403])
async def test_key_refused_only_by_the_endpoints_that_judge_it(
    client: OSOEnergyClient, status: int
) -> None:
    """401/403 from GET /1/Device/All (every poll) or GET /1/User/Details (the config flow)
    is the key refused; from any command endpoint it is that endpoint's refusal, with its
    status, and no subclass of the key error."""
    assert not issubclass(OSOEnergyEndpointRefusedError, OSOEnergyAuthError)
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/Device/All", status=status)
        mock.get(f"{BASE}/1/User/Details", status=status)
        with pytest.raises(OSOEnergyAuthError):
            await client.async_get_devices()
        with pytest.raises(OSOEnergyAuthError):
            await client.async_get_user_email()
    start = datetime(2026, 7, 1, tzinfo=UTC)
    commands = [
        ("POST", "/TurnOn?fullUtilizationParam=false", client.async_turn_on("d1", False)),
        ("POST", "/TurnOff?fullUtilizationParam=true", client.async_turn_off("d1", True)),
        ("PUT", "/Profile", client.async_set_profile("d1", [50] * 24)),
        ("PUT", "/V40Min/300", client.async_set_v40_min("d1", 300)),
        (
            "POST",
            "/HolidayMode/2026-07-01T00:00:00.000000Z/2026-07-02T00:00:00.000000Z",
            client.async_enable_holiday_mode("d1", start, start + timedelta(days=1)),
        ),
        ("DELETE", "/HolidayMode", client.async_disable_holiday_mode("d1")),
        ("POST", "/HighDemand/", client.async_set_high_demand("d1", True)),
        ("DELETE", "/HighDemand/", client.async_set_high_demand("d1", False)),
    ]
    with aioresponses() as mock:
        for method, path, command in commands:
            mock.add(f"{BASE}/1/Device/d1{path}", method, status=status)
            with pytest.raises(OSOEnergyEndpointRefusedError) as err:
                await command
            assert err.value.status == status


async def test_rate_limit(client: OSOEnergyClient) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/Device/All", status=429, headers={"Retry-After": "120"})
        mock.get(f"{BASE}/1/Device/All", status=429, headers={"Retry-After": "soon"})
        mock.get(f"{BASE}/1/Device/All", status=429)
        # Numbers no wait can be computed from (timedelta refuses them).
        for value in ("nan", "inf"):
            mock.get(f"{BASE}/1/Device/All", status=429, headers={"Retry-After": value})
        with pytest.raises(OSOEnergyRateLimitError) as err:
            await client.async_get_devices()
        assert err.value.retry_after == 120
        for _ in range(4):
            with pytest.raises(OSOEnergyRateLimitError) as err:
                await client.async_get_devices()
            assert err.value.retry_after is None


@pytest.mark.parametrize(
    "exception", [TimeoutError(), aiohttp.ClientConnectionError("refused"), OSError("down")]
)
async def test_network_errors(client: OSOEnergyClient, exception: Exception) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/1/Device/All", exception=exception)
        with pytest.raises(OSOEnergyConnectionError):
            await client.async_get_devices()


async def test_write_wire_format(client: OSOEnergyClient) -> None:
    """Every write goes to the path, with the method and body, that OSO's clients send."""
    start = datetime(2026, 7, 1, 8, 30, 15, 123456, tzinfo=UTC)
    end = datetime(2026, 7, 8, 8, 30, 15, 123456, tzinfo=UTC)
    with aioresponses() as mock:
        mock.post(f"{BASE}/1/Device/d1/TurnOn?fullUtilizationParam=false")
        mock.post(f"{BASE}/1/Device/d1/TurnOff?fullUtilizationParam=true")
        mock.put(f"{BASE}/1/Device/d1/Profile")
        mock.put(f"{BASE}/1/Device/d1/V40Min/300")
        mock.put(f"{BASE}/1/Device/d1/V40Min/312.5")
        holiday = "2026-07-01T08:30:15.123456Z/2026-07-08T08:30:15.123456Z"
        mock.post(f"{BASE}/1/Device/d1/HolidayMode/{holiday}")
        mock.delete(f"{BASE}/1/Device/d1/HolidayMode")
        # HighDemand with the trailing slash, as OSO's Homey client (its one user) sends it.
        mock.post(f"{BASE}/1/Device/d1/HighDemand/")
        mock.delete(f"{BASE}/1/Device/d1/HighDemand/")
        await client.async_turn_on("d1", False)
        await client.async_turn_off("d1", True)
        await client.async_set_profile("d1", [45.0] * 23 + [50.5])
        await client.async_set_v40_min("d1", 300.0)
        await client.async_set_v40_min("d1", 312.5)
        await client.async_enable_holiday_mode("d1", start, end)
        await client.async_disable_holiday_mode("d1")
        await client.async_set_high_demand("d1", True)
        await client.async_set_high_demand("d1", False)
        assert len(mock.requests) == 9
        profile_call = mock.requests[("PUT", URL(f"{BASE}/1/Device/d1/Profile"))][0]
        assert json.loads(profile_call.kwargs["data"]) == {"hours": [45] * 23 + [50.5]}
    with pytest.raises(ValueError):
        await client.async_set_profile("d1", [45] * 23)
