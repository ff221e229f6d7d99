"""Unit tests of the Charge Amps client (aioresponses, payloads shaped like the web API's)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import aiohttp
from aioresponses import CallbackResult, aioresponses
import pytest

from custom_components.charge_amps_monitor.api import (
    ChargeAmpsAuthError,
    ChargeAmpsClient,
    ChargeAmpsConnectionError,
    ChargeAmpsEndpointRefusedError,
    ChargeAmpsRateLimitError,
    ChargeAmpsResponseError,
    ChargeAmpsServerError,
    ChargePoint,
    ChargePointStatus,
    ConnectorStatus,
    parse_charge_point_status,
    parse_charge_points,
    parse_connector_status,
    token_lifetime,
)

BASE = "https://my.charge.space"
LOGIN = f"{BASE}/api/auth/login"
OWNED = re.compile(r"^https://my\.charge\.space/api/users/chargepoints/owned\?expand=ocppConfig$")


def jwt(claims: dict[str, Any]) -> str:
    def seg(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{seg({'alg': 'HS256'})}.{seg(claims)}.c2ln"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


OWNED_PAYLOAD = [
    {
        "id": "020100004457L",
        "name": "Garage",
        "serialNumber": "SN1",
        "productName": "Halo",
        "chargePointStatus": "Online",
        "connectors": [
            {
                "connectorId": 1,
                "isCharging": True,
                "ocppStatus": "Charging",
                "totalConsumptionKwh": "12.5",
                "voltage1": 230.0,
                "voltage2": "231.0",
                "voltage3": 229.0,
                "current1": 10.0,
                "current2": 10.0,
                "current3": "10",
                "errorCode": "NoError",
                "mode": "On",
            },
            {
                "connectorId": 2,
                "ocppStatus": "Available",
                "totalConsumptionKwh": 0.0,
                "voltage1": 230.0,
                "current1": 0.0,
            },
        ],
    }
]


@pytest.fixture
async def session() -> Any:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(session: aiohttp.ClientSession, clock: FakeClock) -> ChargeAmpsClient:
    return ChargeAmpsClient(session, " owner@example.com ", "secret", clock=clock)


def login_body(lifetime: int = 3600, iat: float = 1_000_000) -> dict[str, Any]:
    return {"token": jwt({"iat": int(iat), "exp": int(iat) + lifetime}), "user": {"id": "u"}}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, ChargePointStatus.ONLINE),
        (2, ChargePointStatus.OFFLINE),
        (3, ChargePointStatus.ERROR),
        (0, ChargePointStatus.UNKNOWN),
        (7, ChargePointStatus.UNKNOWN),
        ("1", ChargePointStatus.ONLINE),
        (" 2 ", ChargePointStatus.OFFLINE),
        ("Online", ChargePointStatus.ONLINE),
        ("OFFLINE", ChargePointStatus.OFFLINE),
        ("error", ChargePointStatus.ERROR),
        ("Rebooting", ChargePointStatus.UNKNOWN),
        (None, ChargePointStatus.UNKNOWN),
        (True, ChargePointStatus.UNKNOWN),
        (1.0, ChargePointStatus.ONLINE),
        (1.5, ChargePointStatus.UNKNOWN),
        ([1], ChargePointStatus.UNKNOWN),
    ],
)
def test_charge_point_status(raw: Any, expected: ChargePointStatus) -> None:
    assert parse_charge_point_status(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, ConnectorStatus.AVAILABLE),
        (2, ConnectorStatus.PREPARING),
        (3, ConnectorStatus.CHARGING),
        (4, ConnectorStatus.SUSPENDED_EV),
        (5, ConnectorStatus.SUSPENDED_EVSE),
        (6, ConnectorStatus.FINISHING),
        (7, ConnectorStatus.RESERVED),
        (8, ConnectorStatus.UNAVAILABLE),
        (9, ConnectorStatus.FAULTED),
        (0, ConnectorStatus.UNKNOWN),
        (10, ConnectorStatus.UNKNOWN),
        ("3", ConnectorStatus.CHARGING),
        ("Charging", ConnectorStatus.CHARGING),
        ("SuspendedEV", ConnectorStatus.SUSPENDED_EV),
        ("Suspended EV", ConnectorStatus.SUSPENDED_EV),
        ("suspended_evse", ConnectorStatus.SUSPENDED_EVSE),
        ("SUSPENDEDEVSE", ConnectorStatus.SUSPENDED_EVSE),
        ("Faulted", ConnectorStatus.FAULTED),
        ("Connected", ConnectorStatus.UNKNOWN),
        ("", ConnectorStatus.UNKNOWN),
        ("-1", ConnectorStatus.UNKNOWN),
    ],
)
def test_connector_status(raw: Any, expected: ConnectorStatus) -> None:
    assert parse_connector_status(raw) is expected


def test_parse_owned_list() -> None:
    points = parse_charge_points([*OWNED_PAYLOAD, "junk", {"name": "no id"}])
    assert len(points) == 1
    point = points[0]
    assert point.id == "020100004457L"
    assert point.status is ChargePointStatus.ONLINE
    assert point.product_name == "Halo"
    first, second = point.connectors
    assert first.status is ConnectorStatus.CHARGING
    assert first.is_charging is True
    assert first.total_consumption_kwh == 12.5
    assert first.voltages == (230.0, 231.0, 229.0)
    assert first.currents == (10.0, 10.0, 10.0)
    assert first.power_w == 6900.0
    assert first.error_code == "NoError"
    # Phases that are not reported stay unknown, not zero.
    assert second.voltages == (230.0, None, None)
    assert second.currents == (0.0, None, None)
    assert second.power_w == 0.0
    assert second.is_charging is False
    assert point.connector(2) is second
    assert point.connector(3) is None


def test_parse_defensive_fields() -> None:
    point = ChargePoint.from_json(
        {
            "id": 42,
            "productType": "AURA",
            "chargePointStatus": 1,
            "connectors": [
                {"ocppStatus": 3, "isCharging": "false", "power": "7400"},
                {"ocppStatus": "3", "chargingPowerKw": 3.7, "isCharging": "yes"},
                {"ocppStatus": 3, "voltage1": "n/a", "current1": {}, "isCharging": 1},
                {"ocppStatus": "Charging", "isCharging": "maybe", "name": "  "},
                "junk",
            ],
        }
    )
    assert point.id == "42"
    assert point.product_name == "AURA"
    assert point.name is None
    c1, c2, c3, c4 = point.connectors
    assert [c.connector_id for c in point.connectors] == [1, 2, 3, 4]
    assert (c1.power_w, c1.is_charging) == (7400.0, False)
    assert (c2.power_w, c2.is_charging) == (3700.0, True)
    assert (c3.power_w, c3.voltages[0], c3.currents[0], c3.is_charging) == (None, None, None, True)
    # No isCharging flag the client understands: the OCPP status decides.
    assert c4.is_charging is True
    assert c4.name is None
    with pytest.raises(ChargeAmpsResponseError):
        parse_charge_points({"not": "a list"})


def test_parse_non_finite_numbers() -> None:
    """NaN and infinity, as strings or numbers, are no readings."""
    point = ChargePoint.from_json(
        {
            "id": "x",
            "connectors": [
                {
                    "connectorId": "inf",
                    "ocppStatus": 3,
                    "voltage1": "nan",
                    "voltage2": "Infinity",
                    "voltage3": " -inf ",
                    "current1": float("nan"),
                    "current2": float("inf"),
                    "current3": 10**400,
                    "totalConsumptionKwh": "NaN",
                    "power": "infinity",
                },
                {
                    "connectorId": float("nan"),
                    "voltage1": 230,
                    "current1": "1e400",
                    "errorCode": {"code": 1},
                },
            ],
        }
    )
    c1, c2 = point.connectors
    assert c1.connector_id == 1
    assert c1.voltages == (None, None, None)
    assert c1.currents == (None, None, None)
    assert (c1.total_consumption_kwh, c1.power_w) == (None, None)
    assert (c2.connector_id, c2.currents[0], c2.power_w, c2.error_code) == (2, None, None, None)
    assert token_lifetime("opaque-token", "inf", 0.0) == 3600
    assert token_lifetime(jwt({"iat": "nan", "exp": 1900}), None, 100.0) == 1800


def test_token_lifetime() -> None:
    now = 5_000.0
    # iat/exp decide, whatever the local clock says (a skewed clock does not matter).
    assert token_lifetime(jwt({"iat": 100, "exp": 1900}), None, now) == 1800
    # exp without iat: relative to now.
    assert token_lifetime(jwt({"exp": 6000}), None, now) == 1000
    # exp in the past without iat, or no exp: expiresIn, then one hour.
    assert token_lifetime(jwt({"exp": 10}), 900, now) == 900
    assert token_lifetime(jwt({"sub": "x"}), "1200", now) == 1200
    assert token_lifetime("opaque-token", None, now) == 3600
    assert token_lifetime("a.%%%.c", None, now) == 3600
    assert token_lifetime(jwt([1, 2]), 0, now) == 3600  # type: ignore[arg-type]


async def test_login_request_shape(client: ChargeAmpsClient) -> None:
    seen: dict[str, Any] = {}

    def on_login(url: Any, **kwargs: Any) -> CallbackResult:
        seen.update(kwargs)
        return CallbackResult(payload=login_body())

    with aioresponses() as mock:
        mock.post(LOGIN, callback=on_login)
        await client.async_login()
    assert seen["json"] == {
        "email": "owner@example.com",
        "password": "secret",
        "hostName": "my.charge.space",
    }
    headers = seen["headers"]
    assert headers["Origin"] == "https://my.charge.space"
    assert headers["Referer"] == "https://my.charge.space/userapp/login"
    assert headers["User-Agent"] == "Mozilla/5.0"
    assert headers["Accept"] == "*/*"
    assert seen["timeout"].total == 20.0
    assert client.login_count == 1
    assert client.token_valid_until == 1_000_000 + 3600 - 300


async def test_token_reused_until_expiry(client: ChargeAmpsClient, clock: FakeClock) -> None:
    owned_calls: list[dict[str, Any]] = []

    def on_owned(url: Any, **kwargs: Any) -> CallbackResult:
        owned_calls.append(kwargs)
        return CallbackResult(payload=OWNED_PAYLOAD)

    with aioresponses() as mock:
        mock.post(LOGIN, payload=login_body(iat=clock.now), repeat=True)
        mock.post(OWNED, callback=on_owned, repeat=True)
        for _ in range(55):  # 55 minutes of polling: one login
            points = await client.async_get_charge_points()
            clock.now += 60
        assert client.login_count == 1
        assert points[0].id == "020100004457L"
        # 3300 s after the login the token is renewed before it expires.
        await client.async_get_charge_points()
        assert client.login_count == 2
    assert owned_calls[0]["json"] == []
    assert owned_calls[0]["headers"]["Authorization"].startswith("Bearer ")
    assert owned_calls[0]["headers"]["Referer"] == "https://my.charge.space/userapp/dashboard"


async def test_short_token_margin(client: ChargeAmpsClient, clock: FakeClock) -> None:
    with aioresponses() as mock:
        mock.post(LOGIN, payload=login_body(lifetime=600, iat=clock.now))
        await client.async_login()
    # The margin is at most a tenth of the lifetime.
    assert client.token_valid_until == clock.now + 540


async def test_relogin_once_on_401(client: ChargeAmpsClient) -> None:
    """A token the list accepted before and now refuses (dropped by the service): renewed once."""
    with aioresponses() as mock:
        mock.post(LOGIN, payload=login_body(), repeat=True)
        mock.post(OWNED, payload=OWNED_PAYLOAD)
        mock.post(OWNED, status=401)
        mock.post(OWNED, payload=OWNED_PAYLOAD)
        await client.async_get_charge_points()
        assert client.token_accepted
        points = await client.async_get_charge_points()
    assert len(points) == 1
    assert client.login_count == 2
    assert client.token_accepted


@pytest.mark.parametrize("status", [401, 403])
async def test_fresh_token_refused_is_the_endpoints_refusal(
    client: ChargeAmpsClient, clock: FakeClock, status: int
) -> None:
    """The list refuses the token the login has just issued: no reauth, no second login.

    Polls keep asking the list with the same token (one request each) and never log in again
    for it; only the token's expiry costs a login, and once the list answers, the token counts
    as accepted, so a later refusal of it is worth one new login again.
    """
    with aioresponses() as mock:
        mock.post(LOGIN, payload=login_body(iat=clock.now), repeat=True)
        for _ in range(5):
            mock.post(OWNED, status=status, body="Forbidden")
        for _ in range(5):
            with pytest.raises(ChargeAmpsEndpointRefusedError) as err:
                await client.async_get_charge_points()
            assert not isinstance(err.value, ChargeAmpsAuthError)
            assert err.value.status == status
            clock.now += 60
        assert client.login_count == 1
        assert client.request_count == 6  # one login, five list requests
        assert not client.token_accepted

        # The list answers again: same token, no login.
        mock.post(OWNED, payload=OWNED_PAYLOAD)
        assert len(await client.async_get_charge_points()) == 1
        assert client.login_count == 1
        assert client.token_accepted

        # The token the list has accepted is refused (dropped by the service): one new login;
        # the list refuses the renewed token too: its own refusal, nothing more.
        mock.post(OWNED, status=status)
        mock.post(OWNED, status=status)
        mock.post(OWNED, status=status)
        with pytest.raises(ChargeAmpsEndpointRefusedError):
            await client.async_get_charge_points()
        assert client.login_count == 2
        with pytest.raises(ChargeAmpsEndpointRefusedError):
            await client.async_get_charge_points()
        assert client.login_count == 2

        # The renewed token expires: renewed once, as any token, then refused again.
        clock.now += 3300
        mock.post(OWNED, status=status)
        with pytest.raises(ChargeAmpsEndpointRefusedError):
            await client.async_get_charge_points()
        assert client.login_count == 3


@pytest.mark.parametrize("status", [401, 403])
async def test_login_refusal_is_auth_error(client: ChargeAmpsClient, status: int) -> None:
    """Only the login can refuse the credentials."""
    with aioresponses() as mock:
        mock.post(LOGIN, status=status, body="Invalid username or password")
        with pytest.raises(ChargeAmpsAuthError) as err:
            await client.async_get_charge_points()
    assert str(status) in str(err.value)
    assert client.token is None


async def test_relogin_refused_is_auth_error(client: ChargeAmpsClient) -> None:
    """A dropped token whose renewal the login refuses: the credentials are refused."""
    with aioresponses() as mock:
        mock.post(LOGIN, payload=login_body())
        mock.post(OWNED, payload=OWNED_PAYLOAD)
        mock.post(OWNED, status=401)
        mock.post(LOGIN, status=401)
        await client.async_get_charge_points()
        with pytest.raises(ChargeAmpsAuthError):
            await client.async_get_charge_points()
    assert client.login_count == 1


async def test_bad_credentials(client: ChargeAmpsClient) -> None:
    with aioresponses() as mock:
        mock.post(LOGIN, status=401, body="Invalid username or password")
        with pytest.raises(ChargeAmpsAuthError):
            await client.async_login()
    assert client.token_valid_until is None


async def test_login_without_token(client: ChargeAmpsClient) -> None:
    with aioresponses() as mock:
        mock.post(LOGIN, payload={"user": {}})
        with pytest.raises(ChargeAmpsResponseError):
            await client.async_login()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"status": 500}, ChargeAmpsServerError),
        ({"status": 503}, ChargeAmpsServerError),
        ({"status": 404}, ChargeAmpsResponseError),
        ({"body": '{"malformed": tru'}, ChargeAmpsResponseError),
        ({"payload": {"not": "a list"}}, ChargeAmpsResponseError),
        ({"exception": TimeoutError()}, ChargeAmpsConnectionError),
        ({"exception": aiohttp.ClientConnectionError()}, ChargeAmpsConnectionError),
    ],
)
async def test_owned_errors(
    client: ChargeAmpsClient, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with aioresponses() as mock:
        mock.post(LOGIN, payload=login_body())
        mock.post(OWNED, **kwargs)
        with pytest.raises(error) as raised:
            await client.async_get_charge_points()
    # A 5xx answer means the service cannot be reached now, as a timeout does.
    assert isinstance(raised.value, ChargeAmpsConnectionError) is (
        error is not ChargeAmpsResponseError
    )
    if error is ChargeAmpsServerError:
        assert raised.value.status == kwargs["status"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("120", 120.0), ("soon", None), ("-5", None), ("inf", None), ("nan", None)],
)
async def test_rate_limit(client: ChargeAmpsClient, header: str, expected: float | None) -> None:
    with aioresponses() as mock:
        mock.post(LOGIN, payload=login_body())
        mock.post(OWNED, status=429, headers={"Retry-After": header})
        with pytest.raises(ChargeAmpsRateLimitError) as err:
            await client.async_get_charge_points()
    assert err.value.retry_after == expected
    assert err.value.status == 429


async def test_api_url_and_host(session: aiohttp.ClientSession) -> None:
    client = ChargeAmpsClient(
        session, "a@b.c", "pw", api_url="http://127.0.0.1:9/chargeamps/", host_name=" example.org "
    )
    assert client.api_url == "http://127.0.0.1:9/chargeamps"
    seen: dict[str, Any] = {}

    def on_login(url: Any, **kwargs: Any) -> CallbackResult:
        seen.update(kwargs)
        return CallbackResult(payload=login_body())

    with aioresponses() as mock:
        mock.post("http://127.0.0.1:9/chargeamps/api/auth/login", callback=on_login)
        await client.async_login()
    assert seen["json"]["hostName"] == "example.org"
    assert seen["headers"]["Origin"] == "https://example.org"


async def test_resumed_token(session: aiohttp.ClientSession, clock: FakeClock) -> None:
    saved: list[tuple[str, float, bool]] = []
    client = ChargeAmpsClient(
        session,
        "a@b.c",
        "pw",
        clock=clock,
        token="saved-token",
        token_valid_until=clock.now + 100,
        on_token=lambda token, until, accepted: saved.append((token, until, accepted)),
    )
    assert client.token == "saved-token"
    assert client.token_accepted  # saved by an older version: taken as accepted
    seen: list[str] = []

    def on_owned(url: Any, **kwargs: Any) -> CallbackResult:
        seen.append(kwargs["headers"]["Authorization"])
        return CallbackResult(payload=[])

    with aioresponses() as mock:
        mock.post(OWNED, callback=on_owned, repeat=True)
        mock.post(LOGIN, payload=login_body(iat=clock.now + 100))
        await client.async_get_charge_points()
        assert saved == []  # nothing changed
        clock.now += 100
        await client.async_get_charge_points()
        await client.async_get_charge_points()
    assert seen[0] == "Bearer saved-token"
    assert seen[1] != "Bearer saved-token"
    assert client.login_count == 1
    # Saved at the login, and once more when the list first accepted the new token.
    assert saved == [
        (client.token, clock.now + 3300, False),
        (client.token, clock.now + 3300, True),
    ]


@pytest.mark.parametrize(("accepted", "logins"), [(True, 1), (False, 0)])
async def test_resumed_token_refused(
    session: aiohttp.ClientSession, clock: FakeClock, accepted: bool, logins: int
) -> None:
    """A saved token the list had accepted is renewed once when refused; one it never
    accepted (a setup retried after the list refused it) is not renewed for the list."""
    client = ChargeAmpsClient(
        session,
        "a@b.c",
        "pw",
        clock=clock,
        token="saved-token",
        token_valid_until=clock.now + 1000,
        token_accepted=accepted,
    )
    assert client.token_accepted is accepted
    with aioresponses() as mock:
        mock.post(LOGIN, payload=login_body(iat=clock.now), repeat=True)
        mock.post(OWNED, status=403, repeat=True)
        for _ in range(3):
            with pytest.raises(ChargeAmpsEndpointRefusedError):
                await client.async_get_charge_points()
    assert client.login_count == logins
    assert not client.token_accepted
