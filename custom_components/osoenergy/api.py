"""Async client for the OSO Energy water-heater cloud API (no Home Assistant imports)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import logging
import math
from typing import Any

import aiohttp

_LOGGER = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.osoenergy.no/water-heater-api"
DEFAULT_TIMEOUT = 15.0
AUTH_HEADER = "Ocp-Apim-Subscription-Key"


class OSOEnergyError(Exception):
    """Base error of the OSO Energy client."""


class OSOEnergyAuthError(OSOEnergyError):
    """The subscription key is missing, invalid or expired.

    Raised only for a 401/403 of the endpoints that judge the key: ``GET /1/Device/All``
    (every poll needs it) and ``GET /1/User/Details`` (the config flow checks a key with it).
    """


class OSOEnergyEndpointRefusedError(OSOEnergyError):
    """One command endpoint refused the key (HTTP 401/403).

    OSO has no login: the key is judged by ``GET /1/Device/All``. A 401/403 from a command
    (e.g. ``OptimizationMode``, ``V40Min``, ``Profile``, ``HighDemand``) is that endpoint's
    refusal (a feature the account or the heater does not offer), not proof that the key
    expired.
    """

    def __init__(self, message: str, status: int) -> None:
        """Store the HTTP status of the refusal."""
        super().__init__(message)
        self.status = status


class OSOEnergyConnectionError(OSOEnergyError):
    """The cloud could not be reached, timed out or failed (network error, 5xx)."""


class OSOEnergyRateLimitError(OSOEnergyConnectionError):
    """The cloud throttles us (HTTP 429)."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        """Store the delay the server asked for, in seconds (None when not given)."""
        super().__init__(message)
        self.retry_after = retry_after


class OSOEnergyResponseError(OSOEnergyError):
    """The cloud answered with something we cannot understand."""


class OSOEnergyRejectedError(OSOEnergyError):
    """The cloud rejected a command (HTTP 400), e.g. "cannot be forced on at the moment"."""


def _float(value: Any) -> float | None:
    """Return a finite number as float; None when missing, not a number, NaN or infinite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) else None


def _str(value: Any) -> str | None:
    """Return a string, or None when it is missing or not a string."""
    return value if isinstance(value, str) and value else None


def _bool(value: Any) -> bool | None:
    """Return a boolean, or None when it is missing or not a boolean."""
    return value if isinstance(value, bool) else None


def _obj(value: Any) -> Mapping[str, Any]:
    """Return a JSON object, or an empty mapping."""
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True, slots=True)
class OSOEnergyDevice:
    """One water heater as reported by ``GET /1/Device/All``, parsed and normalised."""

    device_id: str
    name: str
    device_type: str
    connection_state: str | None
    heater_on: bool | None
    heater_mode: str | None
    optimization_mode: str | None
    current_temperature: float | None
    target_temperature: float | None
    target_temperature_low: float | None
    target_temperature_high: float | None
    min_temperature: float | None
    max_temperature: float | None
    temperature_one: float | None
    temperature_low: float | None
    temperature_mid: float | None
    temperature_top: float | None
    power_load: float | None
    tapping_capacity: float | None
    capacity_mixed_water_40: float | None
    consumed_energy: float | None
    volume: float | None
    v40_min: float | None
    v40_level_min: float | None
    v40_level_max: float | None
    profile: tuple[float, ...] | None
    power_save: bool | None
    extra_energy: bool | None

    @property
    def connected(self) -> bool:
        """Return True when the cloud reports the heater as connected."""
        return self.connection_state == "connected"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OSOEnergyDevice:
        """Build a device from its JSON object; missing or null fields become None."""
        device_id = data.get("deviceId")
        if not isinstance(device_id, str) or not device_id:
            raise OSOEnergyResponseError("device without deviceId")
        control = _obj(data.get("control"))
        values = _obj(data.get("data"))
        heater = _str(control.get("heater"))
        profile = data.get("profile")
        hours: tuple[float, ...] | None = None
        if isinstance(profile, list) and len(profile) == 24:
            parsed = [_float(value) for value in profile]
            if all(value is not None for value in parsed):
                hours = tuple(value for value in parsed if value is not None)
        connection = _str(_obj(data.get("connectionState")).get("connectionState"))
        mode = _str(control.get("mode"))
        optimization = _str(data.get("optimizationOption"))
        return cls(
            device_id=device_id,
            name=_str(data.get("deviceName")) or "Water Heater",
            device_type=_str(data.get("deviceType")) or "Unknown",
            connection_state=connection.lower() if connection else None,
            heater_on=None if heater is None else heater.lower() == "on",
            heater_mode=mode.lower() if mode else None,
            optimization_mode=optimization.lower() if optimization else None,
            current_temperature=_float(control.get("currentTemperature")),
            target_temperature=_float(control.get("targetTemperature")),
            target_temperature_low=_float(control.get("targetTemperatureLow")),
            target_temperature_high=_float(control.get("targetTemperatureHigh")),
            min_temperature=_float(control.get("minTemperature")),
            max_temperature=_float(control.get("maxTemperature")),
            temperature_one=_float(control.get("currentTemperatureOne")),
            temperature_low=_float(control.get("currentTemperatureLow")),
            temperature_mid=_float(control.get("currentTemperatureMid")),
            temperature_top=_float(control.get("currentTemperatureTop")),
            # ``actualLoadKwh`` is an instantaneous power in kW despite its name.
            power_load=_float(values.get("actualLoadKwh")),
            tapping_capacity=_float(values.get("tappingCapacitykWh")),
            capacity_mixed_water_40=_float(values.get("capacityMixedWater40")),
            consumed_energy=_float(values.get("consumedPowerkWh")),
            volume=_float(data.get("volume")),
            v40_min=_float(data.get("v40Min")),
            v40_level_min=_float(data.get("v40LevelMin")),
            v40_level_max=_float(data.get("v40LevelMax")),
            profile=hours,
            power_save=_bool(data.get("isInPowerSave")),
            extra_energy=_bool(data.get("isInExtraEnergy")),
        )


def _timestamp(when: datetime) -> str:
    """Format an instant as the API expects it in HolidayMode paths."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _number(value: float) -> str:
    """Format a number for a path segment (``300`` rather than ``300.0``)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _retry_after(value: str | None) -> float | None:
    """Parse a Retry-After header given in seconds (None unless a finite number)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    # "nan" and "inf" parse as floats, but no wait can be computed from them.
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _message(text: str) -> str:
    """Extract a human readable message from an error body."""
    try:
        body = json.loads(text)
    except ValueError:
        return text.strip()[:200]
    if isinstance(body, Mapping):
        for key in ("message", "title", "detail", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    if isinstance(body, str):
        return body
    return text.strip()[:200]


class OSOEnergyClient:
    """Client of the OSO Energy cloud, authenticated by a subscription key."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        api_url: str = DEFAULT_API_URL,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Use ``session`` (not owned) to talk to ``api_url`` with ``api_key``."""
        self._session = session
        self._api_key = api_key
        self._api_url = api_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _request(
        self, method: str, path: str, *, body: Any = None, judges_key: bool = False
    ) -> str:
        """Send one request and return the body text of a 2xx answer.

        ``judges_key``: this endpoint decides whether the key is valid, so its 401/403 is
        :class:`OSOEnergyAuthError`; elsewhere a 401/403 is
        :class:`OSOEnergyEndpointRefusedError`.
        """
        headers = {
            AUTH_HEADER: self._api_key,
            "Accept": "*/*",
            "Content-Type": "application/json",
        }
        url = f"{self._api_url}{path}"
        try:
            async with self._session.request(
                method,
                url,
                headers=headers,
                data=None if body is None else json.dumps(body),
                timeout=self._timeout,
            ) as resp:
                text = await resp.text()
                status = resp.status
                retry_after = _retry_after(resp.headers.get("Retry-After"))
        except TimeoutError as err:
            raise OSOEnergyConnectionError(f"timeout on {method} {path}") from err
        except (aiohttp.ClientError, OSError) as err:
            raise OSOEnergyConnectionError(f"{method} {path} failed: {err}") from err
        _LOGGER.debug("%s %s -> %s", method, path, status)
        if status in (401, 403):
            if judges_key:
                raise OSOEnergyAuthError(f"subscription key refused (HTTP {status})")
            raise OSOEnergyEndpointRefusedError(
                f"{method} {path.partition('?')[0]} refused (HTTP {status})", status
            )
        if status == 429:
            raise OSOEnergyRateLimitError("too many requests (HTTP 429)", retry_after)
        if status == 400:
            raise OSOEnergyRejectedError(_message(text) or "rejected by the cloud")
        if status >= 500:
            raise OSOEnergyConnectionError(f"{method} {path}: HTTP {status}")
        if not 200 <= status < 300:
            raise OSOEnergyResponseError(f"{method} {path}: unexpected HTTP {status}")
        return text

    async def _get_json(self, path: str) -> Any:
        """GET an endpoint that judges the key; parse its JSON body (an empty body is None)."""
        text = await self._request("GET", path, judges_key=True)
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError as err:
            raise OSOEnergyResponseError(f"invalid JSON from {path}") from err

    async def async_get_user_email(self) -> str:
        """Return the e-mail address of the account the key belongs to."""
        body = await self._get_json("/1/User/Details")
        email = _obj(body).get("email")
        if not isinstance(email, str) or not email:
            raise OSOEnergyResponseError("no email in /1/User/Details")
        return email

    async def async_get_devices(self) -> dict[str, OSOEnergyDevice]:
        """Return every heater of the account with its full state, by device id."""
        body = await self._get_json("/1/Device/All")
        if body is None:
            return {}
        if not isinstance(body, list):
            raise OSOEnergyResponseError("/1/Device/All is not a list")
        devices: dict[str, OSOEnergyDevice] = {}
        for item in body:
            # One broken record must not hide the other heaters: skip it.
            if not isinstance(item, Mapping):
                _LOGGER.debug("Skipping a non-object in /1/Device/All: %.100r", item)
                continue
            try:
                device = OSOEnergyDevice.from_json(item)
            except OSOEnergyResponseError as err:
                _LOGGER.debug("Skipping a record of /1/Device/All: %s", err)
                continue
            devices[device.device_id] = device
        return devices

    async def async_turn_on(self, device_id: str, until_temp_limit: bool) -> None:
        """Force heating on for one hour, or until the maximum temperature."""
        flag = "true" if until_temp_limit else "false"
        await self._request("POST", f"/1/Device/{device_id}/TurnOn?fullUtilizationParam={flag}")

    async def async_turn_off(self, device_id: str, until_temp_limit: bool) -> None:
        """Force heating off for one hour, or until the minimum temperature."""
        flag = "true" if until_temp_limit else "false"
        await self._request("POST", f"/1/Device/{device_id}/TurnOff?fullUtilizationParam={flag}")

    async def async_set_profile(self, device_id: str, hours: Sequence[float]) -> None:
        """Replace the 24-hour target temperature profile (indexed by UTC hour)."""
        if len(hours) != 24:
            raise ValueError("a profile has 24 hours")
        values = [int(value) if float(value).is_integer() else value for value in hours]
        await self._request("PUT", f"/1/Device/{device_id}/Profile", body={"hours": values})

    async def async_set_v40_min(self, device_id: str, v40_min: float) -> None:
        """Set the minimum volume of 40 degC mixed water to keep, in litres."""
        await self._request("PUT", f"/1/Device/{device_id}/V40Min/{_number(v40_min)}")

    async def async_enable_holiday_mode(
        self, device_id: str, start: datetime, end: datetime
    ) -> None:
        """Enable holiday (away) mode from ``start`` to ``end``."""
        await self._request(
            "POST", f"/1/Device/{device_id}/HolidayMode/{_timestamp(start)}/{_timestamp(end)}"
        )

    async def async_disable_holiday_mode(self, device_id: str) -> None:
        """Disable holiday (away) mode."""
        await self._request("DELETE", f"/1/Device/{device_id}/HolidayMode")

    async def async_set_high_demand(self, device_id: str, enabled: bool) -> None:
        """Turn extra energy (high demand) mode on or off."""
        # With the trailing slash, as OSO's own (Homey) client sends it.
        await self._request("POST" if enabled else "DELETE", f"/1/Device/{device_id}/HighDemand/")


__all__ = [
    "DEFAULT_API_URL",
    "OSOEnergyAuthError",
    "OSOEnergyClient",
    "OSOEnergyConnectionError",
    "OSOEnergyDevice",
    "OSOEnergyEndpointRefusedError",
    "OSOEnergyError",
    "OSOEnergyRateLimitError",
    "OSOEnergyRejectedError",
    "OSOEnergyResponseError",
]
