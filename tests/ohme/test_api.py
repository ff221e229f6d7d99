"""Unit tests of the Ohme client (aioresponses) and its tolerant models."""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
import json
import re
from typing import Any

import aiohttp
from aioresponses import aioresponses
import pytest

from custom_components.ohme.api import (
    GOOGLE_API_KEY,
    Account,
    ChargerMode,
    ChargerStatus,
    ChargeSession,
    ChargeSummary,
    OhmeApiError,
    OhmeAuthError,
    OhmeClient,
    OhmeConnectionError,
    OhmeEndpointRefusedError,
    OhmeRateLimitError,
    OhmeRejectedError,
    OhmeResponseError,
    OhmeServerError,
)
from simulator import Simulator
from simulator.ohme import EMAIL, PASSWORD, OhmeVendor

LOGIN = re.compile(r"^https://www\.googleapis\.com/identitytoolkit/v3/relyingparty/verifyPassword")
REFRESH = re.compile(r"^https://securetoken\.googleapis\.com/v1/token")
API = "https://api.ohme.io"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def session() -> AsyncGenerator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(session: aiohttp.ClientSession, clock: Clock) -> OhmeClient:
    return OhmeClient("a@b.c", "pw", session, monotonic=clock)


def _login(mock: aioresponses, n: int = 1, **kwargs: Any) -> None:
    mock.post(
        LOGIN,
        payload={"idToken": f"id{n}", "refreshToken": f"r{n}", "localId": "user"},
        **kwargs,
    )


def _calls(mock: aioresponses, method: str, pattern: str) -> list[Any]:
    return [
        call
        for (m, url), calls in mock.requests.items()
        if m == method and pattern in str(url)
        for call in calls
    ]


async def test_login_wire_format_and_headers(client: OhmeClient) -> None:
    """Login posts a form with the public key; requests carry the Firebase token."""
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/chargeSessions", payload=[{"mode": "SMART_CHARGE"}])
        session = await client.async_get_charge_session()
        (login,) = _calls(mock, "POST", "verifyPassword")
        assert login.kwargs["params"] == {"key": GOOGLE_API_KEY}
        assert login.kwargs["data"] == {
            "email": "a@b.c",
            "password": "pw",
            "returnSecureToken": "True",
        }
        (get,) = _calls(mock, "GET", "chargeSessions")
        assert get.kwargs["headers"]["Authorization"] == "Firebase id1"
        assert get.kwargs["headers"]["Content-Type"] == "application/json"
    assert session.status is ChargerStatus.PLUGGED_IN
    assert client.user_id == "user"


async def test_refresh_after_45_minutes(client: OhmeClient, clock: Clock) -> None:
    """The token is refreshed (form body, camelCase keys) once it is 45 minutes old."""
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/users/me/account", payload={}, repeat=True)
        await client.async_get_account()
        clock.now += 2699
        await client.async_get_account()
        assert not _calls(mock, "POST", "securetoken")
        clock.now += 1
        mock.post(REFRESH, payload={"id_token": "id2", "refresh_token": "r2"})
        await client.async_get_account()
        (refresh,) = _calls(mock, "POST", "securetoken")
        assert refresh.kwargs["data"] == {"grantType": "refresh_token", "refreshToken": "r1"}
        assert len(_calls(mock, "POST", "verifyPassword")) == 1
        last = _calls(mock, "GET", "account")[-1]
        assert last.kwargs["headers"]["Authorization"] == "Firebase id2"


async def test_refused_refresh_logs_in_again(client: OhmeClient, clock: Clock) -> None:
    """A refused refresh falls back to a full login."""
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/users/me/account", payload={}, repeat=True)
        await client.async_get_account()
        clock.now += 3000
        mock.post(REFRESH, status=400, payload={"error": {"message": "INVALID_REFRESH_TOKEN"}})
        _login(mock, 2)
        await client.async_get_account()
        assert len(_calls(mock, "POST", "verifyPassword")) == 2


async def test_401_renews_the_token_once(client: OhmeClient) -> None:
    """A 401 renews the token with the refresh token; a second 401 refuses the endpoint."""
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/users/me/account", payload={"user": {"id": "u0"}})
        await client.async_get_account()
        mock.get(f"{API}/v1/users/me/account", status=401)
        mock.post(REFRESH, payload={"id_token": "id2", "refresh_token": "r2"})
        mock.get(f"{API}/v1/users/me/account", payload={"user": {"id": "u"}})
        assert (await client.async_get_account()).user_id == "u"
        (refresh,) = _calls(mock, "POST", "securetoken")
        assert refresh.kwargs["data"] == {"grantType": "refresh_token", "refreshToken": "r1"}
        assert len(_calls(mock, "POST", "verifyPassword")) == 1
        last = _calls(mock, "GET", "account")[-1]
        assert last.kwargs["headers"]["Authorization"] == "Firebase id2"
        # Refresh refused too: log in with the password. The login works, so a 401 to the
        # new token refuses this endpoint, not the credentials: no OhmeAuthError.
        mock.get(f"{API}/v1/users/me/account", status=401)
        mock.post(REFRESH, status=400, payload={"error": {"message": "TOKEN_EXPIRED"}})
        _login(mock, 3)
        mock.get(f"{API}/v1/users/me/account", status=401)
        with pytest.raises(OhmeEndpointRefusedError) as err:
            await client.async_get_account()
        assert not isinstance(err.value, OhmeAuthError)
        assert (err.value.path, err.value.status) == ("/v1/users/me/account", 401)
        assert len(_calls(mock, "POST", "verifyPassword")) == 2


@pytest.mark.parametrize("status", [401, 403])
async def test_endpoint_refusing_a_new_token(client: OhmeClient, status: int) -> None:
    """A refusal of the token the login just issued is the endpoint's: no renewal at all."""
    path = "/v1/chargeDevices/c/advancedSettings"
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}{path}", status=status, body='{"status": 401, "message": "Unauthorised"}')
        with pytest.raises(OhmeEndpointRefusedError) as err:
            await client._request("GET", path)
        assert err.value.status == status
        assert len(_calls(mock, "POST", "verifyPassword")) == 1
        assert not _calls(mock, "POST", "securetoken")


async def test_refusing_endpoint_renews_the_token_only_once(
    client: OhmeClient, clock: Clock
) -> None:
    """An endpoint that keeps refusing costs one token renewal, not one per call.

    The other endpoints keep using the token; once the endpoint answers again, a later 401
    from it renews the token again (it may have expired early).
    """
    path = "/v1/chargeSessions/summary/users/u"
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/chargeSessions", payload=[], repeat=True)
        await client.async_get_charge_session()
        mock.get(f"{API}{path}", status=401, repeat=True)
        mock.post(REFRESH, payload={"id_token": "id2", "refresh_token": "r2"})
        for _ in range(5):
            clock.now += 600
            with pytest.raises(OhmeEndpointRefusedError):
                await client._request("GET", path)
            await client.async_get_charge_session()
        assert len(_calls(mock, "POST", "securetoken")) == 1
        assert len(_calls(mock, "POST", "verifyPassword")) == 1
        assert len(_calls(mock, "GET", path)) == 6  # the first call was retried once
        assert _calls(mock, "GET", "chargeSessions")[-1].kwargs["headers"]["Authorization"] == (
            "Firebase id2"
        )
    with aioresponses() as mock:
        mock.get(f"{API}{path}", payload={})
        await client._request("GET", path)
        mock.get(f"{API}{path}", status=401)
        mock.post(REFRESH, payload={"id_token": "id3", "refresh_token": "r3"})
        mock.get(f"{API}{path}", payload={})
        await client._request("GET", path)
        assert len(_calls(mock, "POST", "securetoken")) == 1


async def test_persistent_403_is_not_an_auth_error(client: OhmeClient) -> None:
    """A 403 with a freshly renewed token refuses the request, not the credentials."""
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/users/me/account", payload={})
        await client.async_get_account()
        mock.get(f"{API}/v1/chargeSessions", status=403)
        mock.post(REFRESH, payload={"id_token": "id2", "refresh_token": "r2"})
        mock.get(f"{API}/v1/chargeSessions", status=403)
        with pytest.raises(OhmeEndpointRefusedError) as err:
            await client.async_get_charge_session()
        assert err.value.status == 403
        assert len(_calls(mock, "POST", "securetoken")) == 1
        assert len(_calls(mock, "POST", "verifyPassword")) == 1


async def test_login_refused(client: OhmeClient) -> None:
    """Google's 400 on verifyPassword is an auth error."""
    with aioresponses() as mock:
        mock.post(LOGIN, status=400, payload={"error": {"message": "INVALID_PASSWORD"}})
        with pytest.raises(OhmeAuthError):
            await client.async_login()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"status": 404}, OhmeApiError),
        ({"status": 500}, OhmeServerError),
        ({"status": 429, "headers": {"Retry-After": "120"}}, OhmeRateLimitError),
        ({"exception": aiohttp.ClientConnectionError()}, OhmeConnectionError),
        ({"exception": TimeoutError()}, OhmeConnectionError),
        ({"body": "{not json", "content_type": "application/json"}, OhmeResponseError),
    ],
)
async def test_errors(client: OhmeClient, kwargs: dict[str, Any], error: type[Exception]) -> None:
    """HTTP, network, timeout and JSON failures are wrapped in the client's errors.

    A 5xx is an outage (a connection error) that still carries the path and status.
    """
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/chargeSessions", **kwargs)
        with pytest.raises(error) as err:
            await client.async_get_charge_session()
    if isinstance(err.value, OhmeRateLimitError):
        assert err.value.retry_after == 120
    if isinstance(err.value, OhmeServerError):  # an outage, and still an API status
        assert isinstance(err.value, OhmeConnectionError)
        assert (err.value.path, err.value.status) == ("/v1/chargeSessions", 500)


@pytest.mark.parametrize("status", [400, 422])
async def test_refused_write_values(client: OhmeClient, status: int) -> None:
    """A write answered 400/422 had its values refused; a read answered 400 did not write."""
    with aioresponses() as mock:
        _login(mock)
        mock.put(f"{API}/v1/car/car1/select", status=status)
        with pytest.raises(OhmeRejectedError) as err:
            await client.async_select_car("car1")
        assert (err.value.path, err.value.status) == ("/v1/car/car1/select", status)
        mock.get(f"{API}/v1/chargeSessions", status=status)
        with pytest.raises(OhmeApiError) as read_err:
            await client.async_get_charge_session()
        assert not isinstance(read_err.value, OhmeRejectedError)


@pytest.mark.parametrize("header", [None, "soon"])
async def test_rate_limit_without_usable_header(client: OhmeClient, header: str | None) -> None:
    """A 429 without a numeric Retry-After leaves the wait to the caller."""
    with aioresponses() as mock:
        _login(mock)
        mock.get(
            f"{API}/v1/chargeSessions",
            status=429,
            headers={"Retry-After": header} if header else {},
        )
        with pytest.raises(OhmeRateLimitError) as err:
            await client.async_get_charge_session()
    assert err.value.retry_after is None


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"exception": aiohttp.ClientConnectionError()}, OhmeConnectionError),
        ({"status": 500}, OhmeApiError),
        ({"payload": {"kind": "no tokens"}}, OhmeResponseError),
        ({"payload": ["not", "an", "object"]}, OhmeResponseError),
        ({"body": "<html>", "content_type": "text/html"}, OhmeResponseError),
    ],
)
async def test_login_failures(
    client: OhmeClient, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    """Login failures other than refused credentials are not auth errors."""
    with aioresponses() as mock:
        mock.post(LOGIN, **kwargs)
        with pytest.raises(error):
            await client.async_login()


async def test_writes_wire_format(client: OhmeClient) -> None:
    """Every write uses Ohme's path, query and body (as ohmepy sends them); any 2xx succeeds."""
    with aioresponses() as mock:
        _login(mock)
        rule = f"{API}/v2/users/me/charge-rules/rule1?persist=true&recalculateSession=true"
        mock.patch(rule, payload={}, repeat=True)
        await client.async_update_rule("rule1", target_percent=70)
        await client.async_update_rule("rule1", target_time=27900, preconditioning_mins=0)
        max_url = f"{API}/v2/charge-devices/c/charge-sessions/active/c/max-charge"
        mock.put(f"{max_url}?enabled=true", status=204)
        await client.async_set_max_charge("c", True)
        mock.put(f"{max_url}?enabled=false", status=200)
        await client.async_set_max_charge("c", False)
        mock.post(f"{API}/v1/chargeSessions/c/stop", body="")
        await client.async_pause("c")
        mock.post(f"{API}/v1/chargeSessions/c/resume", body="OK", content_type="text/plain")
        await client.async_resume("c")
        mock.put(f"{API}/v1/chargeSessions/c/approve?approve=true", status=202)
        await client.async_approve("c")
        mock.get(
            f"{API}/v1/users/me/settings",
            payload={"chargeSettings": [{"enabled": False, "value": 1}], "x": 1},
        )
        mock.put(f"{API}/v1/users/me/settings")
        await client.async_set_price_cap(enabled=True, value=12.5)
        mock.put(f"{API}/v1/chargeDevices/c/appSettings")
        await client.async_set_app_settings("c", {"buttonsLocked": False})
        mock.put(f"{API}/v1/car/car2/select")
        await client.async_select_car("car2")
        mock.put(f"{API}/v1/car/car1/state-of-charge")
        await client.async_set_car_soc("car1", 42)
        bodies = [c.kwargs["data"] for c in _calls(mock, "PATCH", "charge-rules")]
        assert bodies == [
            '{"targetPercent": 70}',
            '{"targetTime": 27900, "preconditioning": {"enabled": false, "lengthMins": 15, "temperature": null}}',
        ]
        (settings,) = _calls(mock, "PUT", "settings")
        assert (
            settings.kwargs["data"]
            == '{"chargeSettings": [{"enabled": true, "value": 12.5}], "x": 1}'
        )
        (soc,) = _calls(mock, "PUT", "state-of-charge")
        assert soc.kwargs["data"] == '{"currentChargePercent": 42}'
        (select,) = _calls(mock, "PUT", "select")
        assert select.kwargs["data"] is None
        (resume,) = _calls(mock, "POST", "/v1/chargeSessions/c/resume")
        assert resume.kwargs["data"] is None


async def test_reads(client: OhmeClient) -> None:
    """nextSessionInfo is parsed; an answer without a rule gives none."""
    with aioresponses() as mock:
        _login(mock)
        mock.get(
            f"{API}/v1/chargeSessions/nextSessionInfo",
            payload={"rule": {"id": "r", "targetPercent": 52}},
        )
        rule = await client.async_get_next_rule()
        assert rule is not None
        assert rule.target_percent == 52
        mock.get(f"{API}/v1/chargeSessions/nextSessionInfo", payload=[])
        assert await client.async_get_next_rule() is None


# -- models ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "watt", "status", "charge_mode"),
    [
        ("PENDING_APPROVAL", 100, ChargerStatus.PENDING_APPROVAL, None),
        ("DISCONNECTED", 0, ChargerStatus.UNPLUGGED, None),
        ("STOPPED", 0, ChargerStatus.PAUSED, ChargerMode.PAUSED),
        ("FINISHED_CHARGE", 0, ChargerStatus.FINISHED, None),
        ("SMART_CHARGE", 7000, ChargerStatus.CHARGING, ChargerMode.SMART_CHARGE),
        ("MAX_CHARGE", 0, ChargerStatus.PLUGGED_IN, ChargerMode.MAX_CHARGE),
        ("CALCULATING", 0, ChargerStatus.PLUGGED_IN, None),
        ("SOMETHING_NEW", 10, ChargerStatus.CHARGING, None),
        (None, 0, ChargerStatus.PLUGGED_IN, None),
    ],
)
def test_status_and_mode(
    mode: str | None, watt: int, status: ChargerStatus, charge_mode: ChargerMode | None
) -> None:
    """Ohme derives the status from the mode, and from the power while plugged in.

    DISCONNECTED, PENDING_APPROVAL, STOPPED and FINISHED_CHARGE fix the status; any other
    mode, or none, means plugged in, or charging while power flows. The charge mode is None
    outside smart charge, max charge and paused (STOPPED).
    """
    session = ChargeSession.from_json([{"mode": mode, "power": {"watt": watt}}])
    assert session.status is status
    assert session.mode is charge_mode


def test_session_tolerates_nulls() -> None:
    """Null or missing power, appliedRule, chargerStatus and slots do not crash."""
    session = ChargeSession.from_json(
        [{"mode": "SMART_CHARGE", "power": None, "appliedRule": None, "allSessionSlots": None}]
    )
    assert session.power_w == 0
    assert session.voltage_v is None
    assert session.applied_rule is None
    assert session.online is False
    assert session.slots == ()
    assert session.energy_wh == 0
    assert session.session_id is None
    assert ChargeSession.from_json([{"sessionId": "s1"}]).session_id == "s1"
    assert ChargeSession.from_json([]).status is ChargerStatus.UNPLUGGED
    assert ChargeSession.from_json(None).status is ChargerStatus.UNPLUGGED


def test_energy() -> None:
    """Energy comes from the session's delivered energy, else the battery estimate."""
    stats = ChargeSession.from_json(
        [
            {
                "mode": "SMART_CHARGE",
                "chargeStats": {"energyChargedTotalWh": 1500},
                "batterySoc": {"wh": 20000},
            }
        ]
    )
    assert stats.energy_wh == 1500
    estimate = ChargeSession.from_json([{"mode": "SMART_CHARGE", "batterySoc": {"wh": 900}}])
    assert estimate.energy_wh == 900


def test_slots_merged() -> None:
    """Adjacent slots merge, energy adds up, bad slots are skipped, order is by start."""
    base = int(datetime(2024, 12, 30, 4, tzinfo=UTC).timestamp() * 1000)
    half = 1_800_000
    session = ChargeSession.from_json(
        [
            {
                "mode": "SMART_CHARGE",
                "allSessionSlots": [
                    {"startTimeMs": base + 4 * half, "endTimeMs": base + 5 * half, "watts": 3000},
                    {"startTimeMs": base, "endTimeMs": base + half, "watts": 7000},
                    {"startTimeMs": base + half, "endTimeMs": base + 2 * half, "watts": 7000},
                    {"startTimeMs": base, "endTimeMs": base, "watts": 7000},
                    {"startTimeMs": None, "endTimeMs": base, "watts": 7000},
                    "junk",
                ],
            }
        ]
    )
    first, second = session.slots
    assert (first.start, first.end) == (
        datetime(2024, 12, 30, 4, tzinfo=UTC),
        datetime(2024, 12, 30, 5, tzinfo=UTC),
    )
    assert first.energy == 7.0
    assert first.power == 7.0
    assert second.energy == 1.5
    assert second.power == 3.0


def test_account_tolerates_missing_fields() -> None:
    """Null cars, tariff, capabilities and settings do not crash."""
    account = Account.from_json(
        {
            "cars": None,
            "tariff": None,
            "chargeDevices": [
                {"id": "c", "modelCapabilities": None, "modelTypeDisplayName": "Ohme Go"}
            ],
        }
    )
    assert account.cars == ()
    assert account.current_car is None
    assert account.price_cap_available is True
    assert account.price_cap_enabled is None
    assert account.charger is not None
    assert account.charger.model == "Go"
    assert account.charger.capabilities == frozenset()
    assert account.charger.solar_capable is False
    assert Account.from_json(None).charger is None
    assert Account.from_json({"chargeDevices": [{"no": "id"}]}).charger is None


def test_account_details() -> None:
    """Vehicle names, DSR tariffs and price cap as ohmepy derives them."""
    account = Account.from_json(
        {
            "cars": [
                {"id": "1", "name": "My car"},
                {
                    "id": "2",
                    "model": {"make": "Kia", "availableFromYear": 2020, "availableToYear": 2023},
                },
                {"id": "3", "model": None},
                {"name": "no id"},
            ],
            "tariff": {"dsrTariff": True},
            "userSettings": {"chargeSettings": [{"enabled": True, "value": 15}]},
            "chargeDevices": [
                {
                    "id": "c",
                    "modelCapabilities": {"solarModes": ["ZERO_EXPORT"]},
                    "optionalSettings": {"solarMode": "ZERO_EXPORT"},
                }
            ],
        }
    )
    assert [car.name for car in account.cars] == [
        "My car",
        "Kia Unknown (2020-2023)",
        "Unknown Unknown",
    ]
    assert [car.model for car in account.cars] == [None, "Kia Unknown (2020-2023)", None]
    assert account.price_cap_available is False
    assert account.price_cap_enabled is True
    assert account.price_cap == 15
    assert account.charger is not None
    assert account.charger.solar_capable
    assert account.charger.solar_boost
    assert account.charger.name == "Ohme charger"


async def test_rate_limit_gate(client: OhmeClient, clock: Clock) -> None:
    """After a 429 no request is sent until Retry-After has passed."""
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/chargeSessions", status=429, headers={"Retry-After": "120"})
        with pytest.raises(OhmeRateLimitError):
            await client.async_get_charge_session()
        clock.now += 100
        with pytest.raises(OhmeRateLimitError) as err:
            await client.async_get_account()
        assert err.value.retry_after == pytest.approx(20)
        assert not _calls(mock, "GET", "account")
        clock.now += 21
        mock.get(f"{API}/v1/users/me/account", payload={})
        await client.async_get_account()
        assert len(_calls(mock, "GET", "account")) == 1


async def test_charge_summary_wire_format(simulator: Simulator) -> None:
    """The summary query goes out in ohmepy's order: endTs, granularity, startTs."""
    vendor = simulator.vendor("ohme")
    assert isinstance(vendor, OhmeVendor)
    async with aiohttp.ClientSession() as session:
        base = simulator.url("ohme")
        client = OhmeClient(
            EMAIL,
            PASSWORD,
            session,
            identity_url=base,
            securetoken_url=f"{base}/securetoken",
            api_url=base,
        )
        end = int(simulator.clock.timestamp() * 1000)
        summary = await client.async_get_charge_summary(end - 7_200_000, end)
    assert client.user_id == "sim-user-0001"
    assert vendor.summary_queries == [f"endTs={end}&granularity=HOUR&startTs={end - 7_200_000}"]
    assert summary.granularity == "HOUR"
    assert [stat.energy_wh for stat in summary.stats] == [0.0, 0.0]  # two whole hours
    assert summary.total_wh == 0


def test_charge_summary_model() -> None:
    """Buckets are sorted; those without times or with unusable energy are skipped."""
    summary = ChargeSummary.from_json(
        {
            "granularity": "DAY",
            "totalStats": {"energyChargedTotalWh": 1500},
            "stats": [
                {"startTime": 2000, "endTime": 3000, "energyChargedTotalWh": 1000},
                {"startTime": 1000, "endTime": 2000, "energyChargedTotalWh": 500},
                {"startTime": 3000, "endTime": 4000, "energyChargedTotalWh": float("nan")},
                {"startTime": 4000, "endTime": 5000, "energyChargedTotalWh": -1},
                {"startTime": None, "endTime": 5000, "energyChargedTotalWh": 1},
                "junk",
            ],
        }
    )
    assert summary.granularity == "DAY"
    assert [(s.start_ms, s.energy_wh) for s in summary.stats] == [(1000, 500), (2000, 1000)]
    assert summary.total_wh == 1500
    assert ChargeSummary.from_json(None) == ChargeSummary()


async def test_user_id_from_the_token_when_the_answer_lacks_it(client: OhmeClient) -> None:
    """The summary needs the user id: from the login answer, else the ID token's claim."""
    claims = base64.urlsafe_b64encode(json.dumps({"user_id": "u-42"}).encode()).decode()
    with aioresponses() as mock:
        mock.post(LOGIN, payload={"idToken": f"h.{claims.rstrip('=')}.s", "refreshToken": "r"})
        await client.async_login()
    assert client.user_id == "u-42"


async def test_summary_without_a_user_id(client: OhmeClient) -> None:
    """A login whose answer and token name no user: the summary is a response error."""
    with aioresponses() as mock:
        mock.post(LOGIN, payload={"idToken": "not-a-jwt", "refreshToken": "r"})
        with pytest.raises(OhmeResponseError):
            await client.async_get_charge_summary(0, 1)
        assert not _calls(mock, "GET", "summary")


async def test_refresh_keeps_the_user_id(client: OhmeClient, clock: Clock) -> None:
    with aioresponses() as mock:
        _login(mock)
        mock.get(f"{API}/v1/users/me/account", payload={}, repeat=True)
        await client.async_get_account()
        clock.now += 3000
        mock.post(REFRESH, payload={"id_token": "id2", "refresh_token": "r2", "user_id": "user2"})
        await client.async_get_account()
    assert client.user_id == "user2"
