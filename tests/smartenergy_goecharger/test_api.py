"""Client unit tests against payloads shaped like the go-e cloud's (aioresponses)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
import json
import re
from typing import Any

import aiohttp
from aioresponses import aioresponses
import pytest

from custom_components.smartenergy_goecharger.api import (
    STATUS_KEYS,
    GoeAuthError,
    GoeChargerClient,
    GoeCloudDisabledError,
    GoeConnectionError,
    GoeEndpointRefusedError,
    GoeOfflineError,
    GoeRateLimitError,
    GoeRejectedError,
    GoeResponseError,
    GoeStatus,
    GoeUnavailableError,
    encode_value,
)

BASE = "https://051215.api.v3.go-e.io"
STATUS_URL = re.compile(rf"^{re.escape(BASE)}/api/status\?.*$")
SET_URL = re.compile(rf"^{re.escape(BASE)}/api/set\?.*$")
PAYLOAD: dict[str, Any] = {
    "sse": "051215", "fna": "go-eCharger", "typ": "go-eCharger_V5", "var": 22, "fwv": "56.11",
    "car": 2, "modelStatus": 3, "err": 0, "alw": True, "amp": 16, "mca": 6, "ama": 32,
    "frc": 2, "acs": 1, "trx": 0, "psm": 2, "pnp": 3, "wh": 1136.361, "eto": 481783,
    "nrg": [230, 231, 229, 0, 16.0, 15.9, 16.1, 3680.0, 3672.9, 3686.9, 0, 11039.8, 99, 99, 99, 0],
    "tma": [24.5, 26.0, 22.1, 23.4], "rssi": -71,
}  # fmt: skip


@pytest.fixture
async def client() -> AsyncGenerator[GoeChargerClient]:
    async with aiohttp.ClientSession() as session:
        yield GoeChargerClient(session, "051215", "secret")


async def test_status_request_and_parsing(client: GoeChargerClient) -> None:
    with aioresponses() as mock:
        mock.get(
            STATUS_URL, payload=PAYLOAD, headers={"Last-Modified": "Thu, 15 Jan 2026 12:00:00 GMT"}
        )
        status = await client.async_get_status()
        (method, url), calls = next(iter(mock.requests.items()))
    assert method == "GET"
    assert url.query["filter"] == ",".join(STATUS_KEYS)
    assert calls[0].kwargs["headers"]["Authorization"] == "Bearer secret"
    assert calls[0].kwargs["timeout"].total == 15
    assert status.car_state == "charging"
    assert status.model_status == "force_state_on"
    assert status.error == "none"
    assert status.force_state == "on"
    assert status.phase_mode == "three_phase"
    assert status.access_control == "authentication_required"
    assert status.session_energy == 1.136
    assert status.total_energy == 481.783
    assert status.power == 11039.8
    assert status.voltages == (230, 231, 229)
    assert status.currents == (16.0, 15.9, 16.1)
    assert status.powers == (3680.0, 3672.9, 3686.9)
    assert status.temperature == 26.0
    assert status.last_modified is not None
    assert status.last_modified.year == 2026
    assert status.car_connected is True
    assert not status.awaiting_authentication


def test_parsing_tolerates_odd_values() -> None:
    status = GoeStatus.from_json(
        {
            "car": None,
            "err": 77,
            "modelStatus": "x",
            "nrg": [1, 2],
            "tma": [None],
            "fwv": "x.y",
            "amp": True,
            "alw": 1,
            "psm": 9,
            "trx": None,
        }
    )
    assert status.car_state is None
    assert status.car_connected is None
    assert status.error is None
    assert status.model_status is None
    assert status.power is None
    assert status.voltages == (1.0, 2.0, None)
    assert status.temperature is None
    assert status.requested_current is None
    assert status.allowed is None
    assert status.phase_mode is None
    assert GoeStatus.from_json({}).serial is None


@pytest.mark.parametrize("tma", [25, 25.5, {"a": 1}, "hot", True])
def test_parsing_tolerates_temperatures_that_are_no_list(tma: Any) -> None:
    assert GoeStatus.from_json({"tma": tma}).temperature is None


def test_parsing_rejects_non_finite_numbers() -> None:
    """json.loads accepts NaN, Infinity and huge numbers; they become None, not errors."""
    status = GoeStatus.from_json(
        json.loads(
            '{"car": NaN, "amp": Infinity, "mca": -Infinity, "err": NaN, "frc": NaN,'
            ' "wh": 1e400, "eto": ' + "9" * 400 + ","
            ' "nrg": [NaN, 230, Infinity], "tma": [NaN, 30.5, Infinity], "rssi": NaN}'
        )
    )
    assert status.car is None
    assert status.car_state is None
    assert status.requested_current is None
    assert status.min_current is None
    assert status.error is None
    assert status.force_state is None
    assert status.session_energy is None
    assert status.total_energy is None
    assert status.voltages == (None, 230.0, None)
    assert status.temperature == 30.5
    assert status.wifi_signal is None
    assert GoeStatus.from_json({"amp": 16.0, "eto": 10**30}).requested_current == 16


@pytest.mark.parametrize(
    ("fwv", "firmware"),
    [
        ("56.11", "56.11"),
        (56.11, "56.11"),
        (60, "60"),
        (float("nan"), None),
        (True, None),
        ([56], None),
        (None, None),
    ],
)
def test_firmware_and_model_are_strings(fwv: Any, firmware: str | None) -> None:
    """Firmware and model feed DeviceInfo, which takes strings: numbers are converted."""
    status = GoeStatus.from_json({"fwv": fwv, "typ": fwv})
    assert status.firmware == firmware
    assert status.model == firmware


def test_numeric_firmware_selects_the_error_table() -> None:
    assert GoeStatus.from_json({"err": 13, "fwv": 60.4}).error == "lock_stuck_locked"


def test_error_codes_follow_firmware() -> None:
    assert GoeStatus.from_json({"err": 13, "fwv": "56.11"}).error == "overtemp"
    assert GoeStatus.from_json({"err": 13, "fwv": "60.4-beta"}).error == "lock_stuck_locked"
    assert GoeStatus.from_json({"err": 18, "fwv": "59.4"}).error == "cp_invalid"
    assert GoeStatus.from_json({"car": 1}).car_connected is False
    waiting = GoeStatus.from_json({"car": 3, "acs": 1, "trx": None, "modelStatus": 15})
    assert waiting.awaiting_authentication


def test_encode_value() -> None:
    assert encode_value(None) == "null"
    assert encode_value(True) == "true"
    assert encode_value("my charger") == '"my charger"'
    assert encode_value([6, 10]) == "[6,10]"
    assert encode_value(16) == "16"


async def test_local_api_400_with_data(client: GoeChargerClient) -> None:
    with aioresponses() as mock:
        mock.get(STATUS_URL, status=400, payload={"car": 1})
        assert (await client.async_get_status()).car == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"status": 401, "body": ""}, GoeAuthError),
        ({"status": 403, "body": ""}, GoeCloudDisabledError),
        (
            {"status": 404, "payload": {"success": False, "reason": "Data is outdated", "age": 1}},
            GoeOfflineError,
        ),
        ({"status": 404, "body": "Not Found"}, GoeResponseError),
        ({"status": 500, "body": "oops"}, GoeConnectionError),
        ({"status": 503, "payload": {"success": False}}, GoeConnectionError),
        ({"status": 200, "body": '{"car": tru'}, GoeResponseError),
        ({"status": 200, "payload": [1, 2]}, GoeResponseError),
        ({"status": 400, "payload": {"success": False}}, GoeResponseError),
        ({"exception": aiohttp.ClientConnectionError("refused")}, GoeConnectionError),
        ({"exception": TimeoutError()}, GoeConnectionError),
    ],
)
async def test_status_errors(
    client: GoeChargerClient, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with aioresponses() as mock:
        mock.get(STATUS_URL, **kwargs)
        with pytest.raises(error):
            await client.async_get_status()


@pytest.mark.parametrize(("header", "expected"), [("120", 120.0), ("soon", None), (None, None)])
async def test_rate_limit(
    client: GoeChargerClient, header: str | None, expected: float | None
) -> None:
    with aioresponses() as mock:
        mock.get(STATUS_URL, status=429, headers={"Retry-After": header} if header else {})
        with pytest.raises(GoeRateLimitError) as err:
            await client.async_get_status()
    assert err.value.retry_after == expected


async def test_bad_last_modified(client: GoeChargerClient) -> None:
    with aioresponses() as mock:
        mock.get(STATUS_URL, payload={"car": 1}, headers={"Last-Modified": "yesterday"})
        assert (await client.async_get_status()).last_modified is None


async def test_set_encodes_values(client: GoeChargerClient) -> None:
    with aioresponses() as mock:
        mock.get(SET_URL, status=202, payload={"trx": True, "fna": True})
        await client.async_set({"trx": None, "fna": "Driveway"})
        (_, url), _calls = next(iter(mock.requests.items()))
    assert url.query["trx"] == "null"
    assert url.query["fna"] == '"Driveway"'


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": 422, "payload": {"amp": "amp: failed: Value 5 exceeds range 6 to 32 (5)"}},
        {"status": 422, "body": ""},
        {"status": 500, "payload": {"amp": "amp: failed: Value 5 exceeds range 6 to 32 (5)"}},
        {"status": 202, "payload": {"amp": "amp: failed"}},
    ],
)
async def test_set_rejected(client: GoeChargerClient, kwargs: dict[str, Any]) -> None:
    with aioresponses() as mock:
        mock.get(SET_URL, **kwargs)
        with pytest.raises(GoeRejectedError):
            await client.async_set({"amp": 5})


async def test_set_other_errors(client: GoeChargerClient) -> None:
    with aioresponses() as mock:
        mock.get(SET_URL, status=200, body="")
        await client.async_set({"amp": 10})  # the local API may answer 200 without a body
        mock.get(SET_URL, status=404, payload={"success": False, "reason": "Data is outdated"})
        with pytest.raises(GoeOfflineError):
            await client.async_set({"amp": 10})
        mock.get(SET_URL, status=500, body="")
        with pytest.raises(GoeConnectionError):
            await client.async_set({"amp": 10})
        mock.get(SET_URL, status=400, body="")
        with pytest.raises(GoeResponseError):
            await client.async_set({"amp": 10})


@pytest.mark.parametrize("status", [401, 403])
async def test_set_refused_is_not_a_refused_token(client: GoeChargerClient, status: int) -> None:
    """/api/status decides whether the token is valid: a refusal by /api/set is its own."""
    with aioresponses() as mock:
        mock.get(SET_URL, status=status, payload={"success": False, "reason": "refused"})
        with pytest.raises(GoeEndpointRefusedError) as err:
            await client.async_set({"amp": 10})
    assert not isinstance(err.value, GoeAuthError | GoeUnavailableError)
    assert err.value.status == status
    assert "secret" not in str(err.value)


def test_base_url_template() -> None:
    session: Any = None
    assert GoeChargerClient(session, "000123", "t").base_url == "https://000123.api.v3.go-e.io"
    local = GoeChargerClient(session, "000123", "t", "http://192.168.1.5/")
    assert local.base_url == "http://192.168.1.5"
