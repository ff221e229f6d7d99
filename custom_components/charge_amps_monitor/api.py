"""Async client for the Charge Amps my.charge.space web API.

Email and password log in (``POST /api/auth/login``); the JWT it returns is re-used until
shortly before it expires, because every login adds a token to the account and the account
keeps only a few: logging in too often logs the user's phone app out. All charge points and
their connectors come from one call (``POST /api/users/chargepoints/owned``).

Only the login can refuse the credentials (:class:`ChargeAmpsAuthError`). A 401/403 of the
charge point list is that endpoint's refusal (:class:`ChargeAmpsEndpointRefusedError`) when it
refuses a token it never accepted (one login has just issued); a token it did accept before
(the service may drop tokens) is renewed once before the refusal counts.

This module does not import Home Assistant.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
import json
import logging
import math
import time
from typing import Any

import aiohttp

_LOGGER = logging.getLogger(__name__)

DEFAULT_API_URL = "https://my.charge.space"
DEFAULT_HOST_NAME = "my.charge.space"
DEFAULT_TIMEOUT = 20.0
DEFAULT_TOKEN_LIFETIME = 3600.0
TOKEN_MARGIN = 300.0

LOGIN_PATH = "/api/auth/login"
OWNED_PATH = "/api/users/chargepoints/owned"
OWNED_QUERY = {"expand": "ocppConfig"}

USER_AGENT = "Mozilla/5.0"


class ChargeAmpsError(Exception):
    """Base class of every client error."""


class ChargeAmpsAuthError(ChargeAmpsError):
    """The login refused the credentials (401/403): only a new password helps."""


class ChargeAmpsConnectionError(ChargeAmpsError):
    """The service could not be reached or did not answer in time."""


class ChargeAmpsResponseError(ChargeAmpsError):
    """The service answered with an unexpected status or body."""

    def __init__(self, message: str, status: int | None = None) -> None:
        """Keep the HTTP status (None for a malformed body)."""
        super().__init__(message)
        self.status = status


class ChargeAmpsEndpointRefusedError(ChargeAmpsResponseError):
    """An endpoint other than the login answered 401/403 to a token the login had issued.

    Not a credentials problem: the login accepted them, and logging in again would only add
    tokens to the account (which keeps a few, then logs the phone app out).
    """


class ChargeAmpsServerError(ChargeAmpsConnectionError, ChargeAmpsResponseError):
    """The service answered with a 5xx status: it is not reachable now, like a timeout."""


class ChargeAmpsRateLimitError(ChargeAmpsResponseError):
    """The service answered 429; ``retry_after`` is in seconds when it said so."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        """Keep the Retry-After delay."""
        super().__init__(message, 429)
        self.retry_after = retry_after


class ChargePointStatus(StrEnum):
    """Status of a charge point (seed codes 0-3 or their names)."""

    ONLINE = "online"
    OFFLINE = "offline"
    ERROR = "error"
    UNKNOWN = "unknown"


class ConnectorStatus(StrEnum):
    """OCPP status of a connector (documented codes 1-9 or their names)."""

    AVAILABLE = "available"
    PREPARING = "preparing"
    CHARGING = "charging"
    SUSPENDED_EV = "suspended_ev"
    SUSPENDED_EVSE = "suspended_evse"
    FINISHING = "finishing"
    RESERVED = "reserved"
    UNAVAILABLE = "unavailable"
    FAULTED = "faulted"
    UNKNOWN = "unknown"


CHARGE_POINT_STATUS_CODES: dict[int, ChargePointStatus] = {
    0: ChargePointStatus.UNKNOWN,
    1: ChargePointStatus.ONLINE,
    2: ChargePointStatus.OFFLINE,
    3: ChargePointStatus.ERROR,
}

CONNECTOR_STATUS_CODES: dict[int, ConnectorStatus] = {
    0: ConnectorStatus.UNKNOWN,
    1: ConnectorStatus.AVAILABLE,
    2: ConnectorStatus.PREPARING,
    3: ConnectorStatus.CHARGING,
    4: ConnectorStatus.SUSPENDED_EV,
    5: ConnectorStatus.SUSPENDED_EVSE,
    6: ConnectorStatus.FINISHING,
    7: ConnectorStatus.RESERVED,
    8: ConnectorStatus.UNAVAILABLE,
    9: ConnectorStatus.FAULTED,
}


def _normalise_name(value: str) -> str:
    """Lower-case a status name and drop spaces, underscores and hyphens."""
    return "".join(ch for ch in value.lower() if ch.isalnum())


_CHARGE_POINT_STATUS_NAMES = {_normalise_name(s.value): s for s in ChargePointStatus}
_CONNECTOR_STATUS_NAMES = {_normalise_name(s.value): s for s in ConnectorStatus}


def _parse_status[T](value: Any, codes: Mapping[int, T], names: Mapping[str, T], default: T) -> T:
    """Map an integer, a numeric string or a name to a status; anything else is ``default``."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return codes.get(value, default)
    if isinstance(value, float) and value.is_integer():
        return codes.get(int(value), default)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return codes.get(int(text), default)
        return names.get(_normalise_name(text), default)
    return default


def parse_charge_point_status(value: Any) -> ChargePointStatus:
    """Parse ``chargePointStatus`` (0-3, "1", "Online", ...)."""
    return _parse_status(
        value, CHARGE_POINT_STATUS_CODES, _CHARGE_POINT_STATUS_NAMES, ChargePointStatus.UNKNOWN
    )


def parse_connector_status(value: Any) -> ConnectorStatus:
    """Parse ``ocppStatus`` (1-9, "3", "Charging", "Suspended EV", "SuspendedEV", ...)."""
    return _parse_status(
        value, CONNECTOR_STATUS_CODES, _CONNECTOR_STATUS_NAMES, ConnectorStatus.UNKNOWN
    )


def _to_float(value: Any) -> float | None:
    """Return a finite number given as a number or a numeric string, else None.

    NaN and infinity (also "nan", "inf" or "infinity" as strings) are no readings: they would
    make the sensors report them and break the arithmetic of power, token lifetimes and
    Retry-After.
    """
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str):
            number = float(value.strip().replace(",", "."))
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _to_bool(value: Any) -> bool | None:
    """Return a boolean given as a bool, 0/1 or "true"/"false", else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
    return None


def _to_str(value: Any) -> str | None:
    """Return a non-empty string for a string or a number, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    return None


@dataclass(frozen=True, slots=True)
class Connector:
    """One connector of a charge point, with values already converted."""

    connector_id: int
    name: str | None
    status: ConnectorStatus
    status_raw: str | None
    is_charging: bool
    total_consumption_kwh: float | None
    voltages: tuple[float | None, float | None, float | None]
    currents: tuple[float | None, float | None, float | None]
    power_w: float | None
    error_code: str | None
    mode: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any], index: int) -> Connector:
        """Build a connector from the API JSON (``index`` is used when ``connectorId`` is missing)."""
        connector_id = _to_float(data.get("connectorId"))
        voltages = (
            _to_float(data.get("voltage1")),
            _to_float(data.get("voltage2")),
            _to_float(data.get("voltage3")),
        )
        currents = (
            _to_float(data.get("current1")),
            _to_float(data.get("current2")),
            _to_float(data.get("current3")),
        )
        status = parse_connector_status(data.get("ocppStatus"))
        is_charging = _to_bool(data.get("isCharging"))
        return cls(
            connector_id=int(connector_id) if connector_id is not None else index,
            name=_to_str(data.get("name")),
            status=status,
            status_raw=_to_str(data.get("ocppStatus")),
            is_charging=is_charging
            if is_charging is not None
            else status is ConnectorStatus.CHARGING,
            total_consumption_kwh=_to_float(data.get("totalConsumptionKwh")),
            voltages=voltages,
            currents=currents,
            power_w=_power(data, voltages, currents),
            error_code=_to_str(data.get("errorCode")),
            mode=_to_str(data.get("mode")),
        )


def _power(
    data: Mapping[str, Any],
    voltages: tuple[float | None, ...],
    currents: tuple[float | None, ...],
) -> float | None:
    """Return the power in W: the API's own value if it gives one, else the sum of V x I."""
    if (watts := _to_float(data.get("power"))) is not None:
        return watts
    if (kilowatts := _to_float(data.get("chargingPowerKw"))) is not None:
        return kilowatts * 1000
    products = [
        v * i for v, i in zip(voltages, currents, strict=True) if v is not None and i is not None
    ]
    if not products:
        return None
    return round(sum(products), 1)


@dataclass(frozen=True, slots=True)
class ChargePoint:
    """One charge point of the account."""

    id: str
    name: str | None
    serial_number: str | None
    product_name: str | None
    status: ChargePointStatus
    status_raw: str | None
    connectors: tuple[Connector, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChargePoint:
        """Build a charge point from the API JSON; raise ValueError without an id."""
        cp_id = _to_str(data.get("id"))
        if cp_id is None:
            msg = "charge point without id"
            raise ValueError(msg)
        raw_connectors = data.get("connectors")
        connectors: list[Connector] = []
        if isinstance(raw_connectors, list):
            connectors.extend(
                Connector.from_json(item, index)
                for index, item in enumerate(raw_connectors, start=1)
                if isinstance(item, Mapping)
            )
        return cls(
            id=cp_id,
            name=_to_str(data.get("name")),
            serial_number=_to_str(data.get("serialNumber")),
            product_name=_to_str(data.get("productName")) or _to_str(data.get("productType")),
            status=parse_charge_point_status(data.get("chargePointStatus")),
            status_raw=_to_str(data.get("chargePointStatus")),
            connectors=tuple(connectors),
        )

    def connector(self, connector_id: int) -> Connector | None:
        """Return a connector by id."""
        for connector in self.connectors:
            if connector.connector_id == connector_id:
                return connector
        return None


def parse_charge_points(payload: Any) -> list[ChargePoint]:
    """Parse the owned list; raise ChargeAmpsResponseError if it is not a list."""
    if not isinstance(payload, list):
        msg = "charge point list is not a JSON array"
        raise ChargeAmpsResponseError(msg)
    points: list[ChargePoint] = []
    for item in payload:
        if not isinstance(item, Mapping):
            continue
        try:
            points.append(ChargePoint.from_json(item))
        except ValueError:
            _LOGGER.debug("Skipping a charge point without id")
    return points


def _b64url_json(segment: str) -> Any:
    """Decode one base64url JWT segment (padding optional) as JSON."""
    padded = segment + "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))


def token_lifetime(token: str, expires_in: Any, now: float) -> float:
    """Return how many seconds a token stays valid, measured from ``now``.

    The JWT ``exp`` claim decides; when the token also has ``iat``, the lifetime is
    ``exp - iat``, so a skewed local clock does not make a fresh token look expired.
    Without a usable ``exp`` the ``expiresIn`` field of the login answer is used, then one hour.
    """
    claims: Any = None
    parts = token.split(".")
    if len(parts) == 3:
        try:
            claims = _b64url_json(parts[1])
        except (ValueError, binascii.Error, UnicodeDecodeError):
            claims = None
    if isinstance(claims, dict):
        exp = _to_float(claims.get("exp"))
        iat = _to_float(claims.get("iat"))
        if exp is not None:
            lifetime = exp - iat if iat is not None else exp - now
            if lifetime > 0:
                return lifetime
    seconds = _to_float(expires_in)
    if seconds is not None and seconds > 0:
        return seconds
    return DEFAULT_TOKEN_LIFETIME


def _retry_after(value: str | None) -> float | None:
    """Parse a Retry-After header given in seconds."""
    seconds = _to_float(value)
    if seconds is None or seconds < 0:
        return None
    return seconds


def _now() -> float:
    """Return the current POSIX time (looked up at each call)."""
    return time.time()


class ChargeAmpsClient:
    """Client of one Charge Amps account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        email: str,
        password: str,
        *,
        api_url: str = DEFAULT_API_URL,
        host_name: str = DEFAULT_HOST_NAME,
        request_timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] | None = None,
        token: str | None = None,
        token_valid_until: float | None = None,
        token_accepted: bool = True,
        on_token: Callable[[str, float, bool], None] | None = None,
    ) -> None:
        """Keep the credentials; nothing is sent until the first call.

        ``token`` and ``token_valid_until`` (local POSIX time) resume a token saved earlier, so
        a restart does not cost a login; ``token_accepted`` says whether the charge point list
        has answered to it yet. ``on_token(token, valid_until, accepted)`` is called after each
        login and when the list first accepts a token, to save them.
        """
        self._session = session
        self._email = email.strip()
        self._password = password
        self._api_url = api_url.strip().rstrip("/")
        self._host_name = host_name.strip()
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._clock = clock or _now
        self._token: str | None = token if token and token_valid_until else None
        self._token_valid_until = token_valid_until or 0.0
        # Whether the charge point list has answered to the current token: a refusal of a
        # token it accepted before is worth one new login (the service may have dropped the
        # token); a refusal of one it never accepted is the list's own.
        self._token_accepted = token_accepted
        self._on_token = on_token
        self._lock = asyncio.Lock()
        self.login_count = 0
        self.request_count = 0

    @property
    def api_url(self) -> str:
        """Return the API URL (the address every path is appended to)."""
        return self._api_url

    @property
    def token(self) -> str | None:
        """Return the current token, if any."""
        return self._token

    @property
    def token_valid_until(self) -> float | None:
        """Return when the current token will be renewed (local POSIX time), if any."""
        return self._token_valid_until if self._token is not None else None

    @property
    def token_accepted(self) -> bool:
        """Return whether the charge point list has answered to the current token."""
        return self._token is not None and self._token_accepted

    def _saved(self) -> None:
        """Tell the owner the token or its state changed, so that it is saved."""
        if self._on_token is not None and self._token is not None:
            self._on_token(self._token, self._token_valid_until, self._token_accepted)

    def _headers(self, page: str) -> dict[str, str]:
        """Return the browser-like headers the web API expects."""
        origin = f"https://{self._host_name}"
        return {
            "Accept": "*/*",
            "Content-Type": "application/json",
            "Origin": origin,
            "Referer": f"{origin}/userapp/{page}",
            "User-Agent": USER_AGENT,
        }

    async def _request(
        self,
        path: str,
        *,
        body: Any,
        headers: dict[str, str],
        params: Mapping[str, str] | None = None,
    ) -> Any:
        """POST JSON and return the decoded answer; map failures to client errors."""
        url = f"{self._api_url}{path}"
        self.request_count += 1
        try:
            async with self._session.post(
                url, json=body, headers=headers, params=params, timeout=self._timeout
            ) as response:
                if response.status in (401, 403):
                    raise ChargeAmpsEndpointRefusedError(
                        f"{path} answered {response.status}", response.status
                    )
                if response.status == 429:
                    raise ChargeAmpsRateLimitError(
                        f"{path} answered 429", _retry_after(response.headers.get("Retry-After"))
                    )
                if response.status >= 500:
                    raise ChargeAmpsServerError(
                        f"{path} answered {response.status}", response.status
                    )
                if response.status >= 300:
                    raise ChargeAmpsResponseError(
                        f"{path} answered {response.status}", response.status
                    )
                text = await response.text()
        except TimeoutError as err:
            raise ChargeAmpsConnectionError(f"timeout on {path}") from err
        except aiohttp.ClientError as err:
            raise ChargeAmpsConnectionError(f"{path}: {type(err).__name__}") from err
        try:
            return json.loads(text)
        except ValueError as err:
            raise ChargeAmpsResponseError(f"{path} answered malformed JSON") from err

    async def _login(self) -> str:
        """Log in and keep the token; caller holds the lock."""
        try:
            payload = await self._request(
                LOGIN_PATH,
                body={
                    "email": self._email,
                    "password": self._password,
                    "hostName": self._host_name,
                },
                headers=self._headers("login"),
            )
        except ChargeAmpsEndpointRefusedError as err:
            # The one refusal that means the credentials: reauthentication.
            raise ChargeAmpsAuthError(f"login answered {err.status}") from err
        self.login_count += 1
        token = payload.get("token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            raise ChargeAmpsResponseError("login answer without token")
        now = self._clock()
        lifetime = token_lifetime(token, payload.get("expiresIn"), now)
        margin = min(TOKEN_MARGIN, lifetime / 10)
        self._token = token
        self._token_valid_until = now + lifetime - margin
        self._token_accepted = False
        self._saved()
        _LOGGER.debug("Logged in to %s; token renewed in %.0f s", self._api_url, lifetime - margin)
        return token

    async def _valid_token(self, *, stale: str | None = None) -> str:
        """Return a usable token, logging in only when there is none or it is about to expire."""
        async with self._lock:
            if stale is not None and self._token == stale:
                self._token = None
            if self._token is None or self._clock() >= self._token_valid_until:
                self._token = None
                return await self._login()
            return self._token

    async def async_login(self) -> None:
        """Check the credentials by logging in (keeps the token for later calls)."""
        async with self._lock:
            self._token = None
            await self._login()

    async def async_get_charge_points(self) -> list[ChargePoint]:
        """Return every charge point of the account (one request with a valid token).

        A token the list accepted before and now refuses is renewed once (the service drops
        tokens, e.g. beyond the account's token cap). A refusal of a token the list never
        accepted (just issued by a login, or renewed after such a refusal) is the list's
        own: :class:`ChargeAmpsEndpointRefusedError`, and that token is not renewed again
        for it, only when it expires.
        """
        token = await self._valid_token()
        try:
            payload = await self._owned(token)
        except ChargeAmpsEndpointRefusedError:
            if not self._token_accepted:
                raise
            _LOGGER.debug("The charge point list refused a token it had accepted; logging in")
            token = await self._valid_token(stale=token)
            payload = await self._owned(token)
        if self._token == token and not self._token_accepted:
            self._token_accepted = True
            self._saved()
        return parse_charge_points(payload)

    async def _owned(self, token: str) -> Any:
        headers = self._headers("dashboard")
        headers["Authorization"] = f"Bearer {token}"
        return await self._request(OWNED_PATH, body=[], headers=headers, params=OWNED_QUERY)
