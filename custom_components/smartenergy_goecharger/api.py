"""Async client for the go-e Charger cloud API v2 (no Home Assistant imports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
import json
import math
from typing import Any, Final

import aiohttp

DEFAULT_BASE_URL: Final = "https://{serial}.api.v3.go-e.io"
# Every poll reads it and the config flow validates the token with it: only its refusal
# means the token itself is refused.
STATUS_PATH: Final = "/api/status"
SET_PATH: Final = "/api/set"
REQUEST_TIMEOUT: Final = aiohttp.ClientTimeout(total=15)

# Only the keys the integration reads; the unfiltered status holds hundreds.
STATUS_KEYS: Final = (
    "sse",
    "fna",
    "typ",
    "var",
    "fwv",
    "car",
    "modelStatus",
    "err",
    "alw",
    "amp",
    "mca",
    "ama",
    "frc",
    "acs",
    "trx",
    "psm",
    "pnp",
    "wh",
    "eto",
    "nrg",
    "tma",
    "rssi",
)

CAR_STATES: Final = {
    1: "idle",
    2: "charging",
    3: "waiting",
    4: "complete",
    5: "error",
    6: "initializing",
}
FORCE_STATES: Final = {0: "neutral", 1: "off", 2: "on"}
PHASE_MODES: Final = {0: "auto", 1: "one_phase", 2: "three_phase"}
ACCESS_MODES: Final = {0: "open", 1: "authentication_required", 2: "evcms"}

_ERRORS_COMMON: Final = {
    0: "none",
    1: "fi_ac",
    2: "fi_dc",
    3: "phase",
    4: "overvolt",
    5: "overamp",
    6: "diode",
    7: "pp_invalid",
    8: "gnd_invalid",
    9: "contactor_stuck",
    10: "contactor_miss",
    11: "fi_unknown",
}
# The error codes above 11 were renumbered with firmware 59.
_ERRORS_BEFORE_59: Final = {
    **_ERRORS_COMMON,
    12: "unknown_error",
    13: "overtemp",
    14: "no_comm",
    15: "lock_stuck_open",
    16: "lock_stuck_locked",
}
_ERRORS_SINCE_59: Final = {
    **_ERRORS_COMMON,
    12: "lock_stuck_open",
    13: "lock_stuck_locked",
    14: "fi_unknown",
    15: "unknown_error",
    16: "overtemp",
    17: "no_comm",
    18: "cp_invalid",
    23: "rdc_self_test_failed",
}
ERROR_STATES: Final = sorted(set(_ERRORS_BEFORE_59.values()) | set(_ERRORS_SINCE_59.values()))

MODEL_STATUSES: Final = {
    0: "no_charge_ctrl_data",
    1: "overtemperature",
    2: "access_control_wait",
    3: "force_state_on",
    4: "force_state_off",
    5: "scheduler",
    6: "energy_limit",
    7: "awattar_price_low",
    8: "automatic_stop_test_charging",
    9: "automatic_stop_not_enough_time",
    10: "automatic_stop",
    11: "automatic_stop_no_clock",
    12: "pv_surplus",
    13: "fallback_go_e_default",
    14: "fallback_go_e_scheduler",
    15: "fallback_default",
    16: "fallback_go_e_awattar",
    17: "fallback_awattar",
    18: "fallback_automatic_stop",
    19: "car_compatibility_keep_alive",
    20: "charge_pause_not_allowed",
    22: "simulate_unplugging",
    23: "phase_switch",
    24: "min_pause_duration",
    26: "error",
    27: "load_management",
    28: "ocpp",
    29: "reconnect_delay",
    30: "adapter_blocking",
    31: "underfrequency_control",
    32: "unbalanced_load",
    33: "discharging_pv_battery",
    34: "grid_monitoring",
    35: "ocpp_fallback",
    36: "floor_detected",
    37: "ocpp_inoperable",
    38: "undervoltage_control",
    39: "zero_setpoint",
}


class GoeError(Exception):
    """Base error of the go-e client."""


class GoeConnectionError(GoeError):
    """The cloud could not be reached (network error, timeout or HTTP 5xx)."""


class GoeResponseError(GoeError):
    """The cloud answered with an unexpected status or body."""


class GoeAuthError(GoeError):
    """The token was refused by /api/status (HTTP 401)."""


class GoeEndpointRefusedError(GoeError):
    """An endpoint other than /api/status refused the request (HTTP 401 or 403).

    go-e has no login: /api/status, which every poll needs, decides whether the token is
    valid. A refusal by another endpoint (``/api/set``) is that endpoint's, not the token's.
    """

    def __init__(self, path: str, status: int) -> None:
        """Remember which endpoint refused, and how."""
        super().__init__(f"{path} refused the request (HTTP {status})")
        self.path = path
        self.status = status


class GoeUnavailableError(GoeError):
    """The charger cannot be reached through the cloud right now."""


class GoeOfflineError(GoeUnavailableError):
    """The charger has not sent data recently (HTTP 404 "Data is outdated")."""


class GoeCloudDisabledError(GoeUnavailableError):
    """The cloud API of the charger is disabled in the go-e app (HTTP 403 from /api/status)."""


class GoeRateLimitError(GoeError):
    """Too many requests (HTTP 429)."""

    def __init__(self, retry_after: float | None) -> None:
        """Remember how long the cloud asked us to wait."""
        super().__init__(f"rate limited, retry after {retry_after}")
        self.retry_after = retry_after


class GoeRejectedError(GoeError):
    """The charger rejected a value that was set (HTTP 422 or a per-key error)."""


def _float(value: Any) -> float | None:
    """Return a finite number as float; json.loads also accepts NaN and Infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the float range
        return None
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _float(value)
    return int(number) if number is not None else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _text(value: Any) -> str | None:
    """Return a string, also for a value that arrives as a number (e.g. a firmware 56.11)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _firmware_major(firmware: str | None) -> int | None:
    if not firmware:
        return None
    head = firmware.split("-", 1)[0].split(".", 1)[0]
    return int(head) if head.isdigit() else None


def _nrg(values: Any, index: int) -> float | None:
    if not isinstance(values, list) or len(values) <= index:
        return None
    return _float(values[index])


@dataclass(frozen=True, slots=True)
class GoeStatus:
    """The parsed status of one charger (API v2 units: V, A, W, kWh, °C, dBm)."""

    serial: str | None
    friendly_name: str | None
    model: str | None
    variant: int | None
    firmware: str | None
    car: int | None
    car_state: str | None
    model_status: str | None
    error: str | None
    allowed: bool | None
    requested_current: int | None
    min_current: int | None
    max_current: int | None
    force_state: str | None
    access_control: str | None
    transaction: int | None
    phase_mode: str | None
    phases_in_use: int | None
    session_energy: float | None
    total_energy: float | None
    power: float | None
    voltages: tuple[float | None, float | None, float | None]
    currents: tuple[float | None, float | None, float | None]
    powers: tuple[float | None, float | None, float | None]
    temperature: float | None
    wifi_signal: int | None
    last_modified: datetime | None

    @property
    def car_connected(self) -> bool | None:
        """Return True while a car is plugged in (charging, waiting or complete)."""
        if self.car in (2, 3, 4):
            return True
        if self.car == 1:
            return False
        return None

    @property
    def awaiting_authentication(self) -> bool:
        """Return True if a plugged car waits for access control."""
        return self.car == 3 and (
            self.model_status == "access_control_wait"
            or (self.access_control == "authentication_required" and self.transaction is None)
        )

    @classmethod
    def from_json(cls, data: dict[str, Any], last_modified: datetime | None = None) -> GoeStatus:
        """Parse a (filtered) status object; missing or odd values become None."""
        firmware = _text(data.get("fwv"))
        errors = _ERRORS_SINCE_59 if (_firmware_major(firmware) or 0) >= 59 else _ERRORS_BEFORE_59
        car = _int(data.get("car"))
        wh = _float(data.get("wh"))
        eto = _float(data.get("eto"))
        nrg = data.get("nrg")
        tma = data.get("tma")
        temperatures = [
            t for t in (_float(v) for v in (tma if isinstance(tma, list) else [])) if t is not None
        ]
        return cls(
            serial=_str(data.get("sse")),
            friendly_name=_str(data.get("fna")),
            model=_text(data.get("typ")),
            variant=_int(data.get("var")),
            firmware=firmware,
            car=car,
            car_state=CAR_STATES.get(car) if car is not None else None,
            model_status=_lookup(MODEL_STATUSES, data.get("modelStatus")),
            error=_lookup(errors, data.get("err")),
            allowed=_bool(data.get("alw")),
            requested_current=_int(data.get("amp")),
            min_current=_int(data.get("mca")),
            max_current=_int(data.get("ama")),
            force_state=_lookup(FORCE_STATES, data.get("frc")),
            access_control=_lookup(ACCESS_MODES, data.get("acs")),
            transaction=_int(data.get("trx")),
            phase_mode=_lookup(PHASE_MODES, data.get("psm")),
            phases_in_use=_int(data.get("pnp")),
            session_energy=round(wh / 1000, 3) if wh is not None else None,
            total_energy=round(eto / 1000, 3) if eto is not None else None,
            power=_nrg(nrg, 11),
            voltages=(_nrg(nrg, 0), _nrg(nrg, 1), _nrg(nrg, 2)),
            currents=(_nrg(nrg, 4), _nrg(nrg, 5), _nrg(nrg, 6)),
            powers=(_nrg(nrg, 7), _nrg(nrg, 8), _nrg(nrg, 9)),
            temperature=max(temperatures) if temperatures else None,
            wifi_signal=_int(data.get("rssi")),
            last_modified=last_modified,
        )


def _lookup(table: dict[int, str], value: Any) -> str | None:
    code = _int(value)
    return table.get(code) if code is not None else None


def encode_value(value: Any) -> str:
    """Encode a value for /api/set: compact JSON (``null``, ``true``, quoted strings)."""
    return json.dumps(value, separators=(",", ":"))


class GoeChargerClient:
    """One charger behind the go-e cloud (or a local API v2 base URL)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        serial: str,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        """Build the client; ``{serial}`` in ``base_url`` is replaced by the serial."""
        self._session = session
        self.serial = serial
        self._token = token
        self.base_url = base_url.replace("{serial}", serial).rstrip("/")

    async def _request(
        self, path: str, params: dict[str, str]
    ) -> tuple[Any, aiohttp.ClientResponse]:
        url = f"{self.base_url}{path}"
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        try:
            async with self._session.get(
                url, params=params, headers=headers, timeout=REQUEST_TIMEOUT
            ) as response:
                text = await response.text()
        except TimeoutError as err:
            raise GoeConnectionError(f"timeout talking to {path}") from err
        except aiohttp.ClientError as err:
            raise GoeConnectionError(f"cannot reach the go-e cloud: {err}") from err
        try:
            body: Any = json.loads(text) if text else None
        except ValueError:
            body = None
            if response.status < 300:
                raise GoeResponseError(f"{path}: malformed JSON") from None
        return body, response

    @staticmethod
    def _raise_for_status(path: str, status: int, body: Any, headers: Any) -> None:
        if status in (401, 403) and path != STATUS_PATH:
            raise GoeEndpointRefusedError(path, status)
        if status == 401:
            raise GoeAuthError("the API token was refused")
        if status == 403:
            raise GoeCloudDisabledError("the cloud API of the charger is disabled")
        if status == 404 and isinstance(body, dict) and body.get("success") is False:
            raise GoeOfflineError(str(body.get("reason") or "charger offline"))
        if status == 429:
            raise GoeRateLimitError(_retry_after(headers.get("Retry-After")))
        if status >= 500:
            raise GoeConnectionError(f"{path}: the go-e cloud answered HTTP {status}")
        raise GoeResponseError(f"{path}: unexpected HTTP {status}")

    async def async_get_status(self, keys: tuple[str, ...] = STATUS_KEYS) -> GoeStatus:
        """Read the status, filtered to ``keys``: one request."""
        body, response = await self._request(STATUS_PATH, {"filter": ",".join(keys)})
        # The local API answers HTTP 400 with the data when a filtered key is unknown.
        if response.status not in (200, 400) or not isinstance(body, dict) or "success" in body:
            self._raise_for_status(STATUS_PATH, response.status, body, response.headers)
        assert isinstance(body, dict)  # noqa: S101 - narrowed by the check above
        return GoeStatus.from_json(body, _last_modified(response.headers.get("Last-Modified")))

    async def async_set(self, values: dict[str, Any]) -> None:
        """Set one or more keys in one request; raise GoeRejectedError if any is refused.

        A 401/403 raises GoeEndpointRefusedError: /api/status judges the token.
        """
        params = {key: encode_value(value) for key, value in values.items()}
        body, response = await self._request(SET_PATH, params)
        status = response.status
        refused: dict[str, Any] = {}
        if isinstance(body, dict):
            refused = {k: v for k, v in body.items() if k in values and v is not True}
        if status in (200, 202) and not refused:
            return
        if status in (200, 202, 422, 500) and (refused or status == 422):
            detail = "; ".join(f"{k}: {v}" for k, v in refused.items()) or "all values rejected"
            raise GoeRejectedError(detail)
        self._raise_for_status(SET_PATH, status, body, response.headers)


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _last_modified(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
