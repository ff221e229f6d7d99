"""Simulated Ohme cloud: Google Identity Toolkit login/refresh and the api.ohme.io endpoints.

One account (``demo@ohme.example`` / ``ohme-demo``) with one Ohme Home Pro and two cars. The
session follows the simulated clock: unplugged for 10 minutes, plugged in, smart charging in
planned 30-minute slots at 7 kW, finished when the target is reached, unplugged two hours
later, plugged in again four hours after that (the car lost 30 % driving).

It answers as Ohme does today, with controls (under ``/_sim/ohme``) for the older answers:
- ``GET /v1/chargeDevices/<serial>/advancedSettings`` is refused with 401 and Ohme's body to
  every account, as since 2025-11-18 (``POST /advanced-settings {"allowed": true}``: 200);
- ``POST /v1/chargeSessions/<serial>/stop`` (pause) is refused with 403, how Ohme refuses is
  not public (``POST /pause {"status": 400-599}`` picks another, ``{"allowed": true}`` pauses);
- each session has a rule of its own (a copy of the schedule with its own id); a rule id that
  is unknown (an ended session's) answers 404 "ChargeRuleDB ... not found";
- the charge summary is served from the energy the simulated charger delivered (HOUR buckets
  in UTC, DAY buckets from midnight in London), and errors carry Spring's body
  (``timestamp``, ``status``, ``error``, ``message``, ``path``).
Other controls: ``/offline``, ``/online``, ``/plug``, ``/unplug``, ``/new-session``,
``/password``, ``/revoke``, ``/expire``, ``/unlink``, ``/link``, ``GET /state``.
"""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
import itertools
import json
import math
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

from aiohttp import web

from .core import DevEntry, SimClock, Vendor

API_KEY = "AIzaSyC8ZeZngm33tpOXLpbXeKfwtyZ1WrkbdBY"
EMAIL = "demo@ohme.example"
PASSWORD = "ohme-demo"  # noqa: S105 - simulator demo account
USER_ID = "sim-user-0001"
SERIAL = "OHME-SIM-0001"
RULE_ID = "rule-schedule-1"
FIREBASE_PROJECT = "ohme-sim"
TOKEN_LIFETIME = 3600.0
CHARGE_W = 7000.0
VOLTS = 230.0
SLOT_S = 1800.0
PLUG_DELAY = 600.0
UNPLUG_AFTER_FINISH = 7200.0
REPLUG_AFTER = 14400.0
SLOT_LEAD = 900.0
SLOT_GAP = 3600.0
HOUSE_AMPS = 3.2
_FAR = math.inf

ACTIVE_MODES = ("SMART_CHARGE", "MAX_CHARGE", "STOPPED")
TIME_ZONE = ZoneInfo("Europe/London")  # DAY buckets of the charge summary are local days
TARIFF_GBP = 0.07  # per kWh, the smart tariff of the simulated account
STANDARD_GBP = 0.245
PAUSE_REFUSAL = 403  # how the simulated cloud refuses POST .../stop by default


def spring_error(when: float, path: str, status: int, message: str) -> dict[str, Any]:
    """Return the body api.ohme.io (Spring Boot) sends with an error status."""
    stamp = datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds")
    return {
        "timestamp": stamp,
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "path": path,
    }


def _google_error(message: str) -> web.Response:
    """Answer like Google Identity Toolkit does for refused requests."""
    return web.json_response(
        {
            "error": {
                "code": 400,
                "message": message,
                "errors": [{"message": message, "domain": "global", "reason": "invalid"}],
            }
        },
        status=400,
    )


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _is_int(value: Any) -> TypeGuard[int]:
    """Return True for a JSON integer (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _buckets(start: float, end: float, granularity: str) -> list[tuple[float, float]]:
    """Return the buckets covering [start, end): UTC hours, or days from local midnight."""
    buckets: list[tuple[float, float]] = []
    if granularity == "HOUR":
        a = start - start % 3600
        while a < end:
            buckets.append((a, a + 3600))
            a += 3600
        return buckets
    day = datetime.fromtimestamp(start, TIME_ZONE).date()
    while True:
        a = datetime.combine(day, datetime.min.time(), TIME_ZONE).timestamp()
        day += timedelta(days=1)
        b = datetime.combine(day, datetime.min.time(), TIME_ZONE).timestamp()
        if a >= end:
            return buckets
        buckets.append((a, b))


class OhmeVendor(Vendor):
    """The simulated Ohme cloud."""

    name = "ohme"

    def __init__(self, clock: SimClock) -> None:
        """Create the account in its initial state."""
        super().__init__(clock)
        self._counter = itertools.count(1)
        self._session_numbers = itertools.count(1)  # numbers the session rules, never reused
        self._init_state()

    def reset(self) -> None:
        """Return to the initial state."""
        super().reset()
        self._init_state()

    def _init_state(self) -> None:
        now = self.clock.timestamp()
        self.password = PASSWORD
        self.id_tokens: dict[str, float] = {}
        self.refresh_tokens: set[str] = set()
        self.online = True
        self.linked = True  # False: the charger vanished from the account
        self.advanced_settings = False  # True: answer advancedSettings as before 2025-11-18
        self.pause_refusal: int | None = PAUSE_REFUSAL  # None: stop pauses, as before 2025-11
        self.cars: list[dict[str, Any]] = [
            # "name": the user's name for the car (None: the app shows the model)
            {
                "id": "car-leaf",
                "name": None,
                "brand": "Nissan",
                "model": "Leaf",
                "from": 2018,
                "wh": 40000.0,
            },
            {
                "id": "car-tesla",
                "name": None,
                "brand": "Tesla",
                "model": "Model 3",
                "from": 2019,
                "wh": 60000.0,
            },
        ]
        self.soc = {"car-leaf": 40.0, "car-tesla": 55.0}
        self.rule: dict[str, Any] = {
            "id": RULE_ID,
            "name": "Weekday",
            "enabled": True,
            "maxPwrW": None,
            "targetPercent": 80,
            "targetTime": 7 * 3600,
            "repeatDow": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
            "preconditioningEnabled": False,
            "preconditionLengthMins": 30,
            "preconditionTemperature": None,
            "isMaxCharge": False,
            "settings": None,
            "ephemeral": False,
            "ruleNameDisplay": None,
        }
        self.optional_settings: dict[str, Any] = {
            "buttonsLocked": False,
            "stealthEnabled": True,
            "pluginsRequireApproval": False,
            "avoidPeakCharging": False,
            "randomisedDelaySeconds": 600,
            "allowInstallerMode": False,
            "solarMode": "IGNORE",
        }
        self.user_settings: dict[str, Any] = {
            "pushNotificationsEnabled": True,
            "unitSystem": "METRIC",
            "countryCode": "GB",
            "currencyCode": "GBP",
            "chargeSettings": [
                {
                    "enabled": False,
                    "value": 25,
                    "svalue1": None,
                    "svalue2": None,
                    "type": "MAX_PRICE",
                }
            ],
        }
        self.tariff: dict[str, Any] | None = None  # {"dsrTariff": true}: no price cap
        self.mode = "DISCONNECTED"
        self.session_rule: dict[str, Any] | None = None
        self.plug_at = now + PLUG_DELAY
        self.session_id = f"session-{int(self.plug_at)}"
        self.unplug_at = _FAR
        self.delivered = 0.0
        self.needed = 0.0
        self.soc_start = 0.0
        self.slots: list[tuple[float, float]] = []
        # What the charger delivered: (start, end, watts), for the charge summary.
        self.charge_log: list[tuple[float, float, float]] = []
        self.summary_queries: list[str] = []  # raw query strings, in the order received

    # -- the charge, on the simulated clock --------------------------------------------

    @property
    def car(self) -> dict[str, Any]:
        """Return the selected car."""
        return self.cars[0]

    def _power(self, t: float) -> float:
        """Return the charging power (W) at ``t``; constant until the next event."""
        if self.delivered >= self.needed:
            return 0.0
        if self.mode == "MAX_CHARGE":
            return CHARGE_W
        if self.mode == "SMART_CHARGE" and any(a <= t < b for a, b in self.slots):
            return CHARGE_W
        return 0.0

    def _next_event(self, t: float) -> float:
        if self.mode == "DISCONNECTED":
            return self.plug_at
        if self.mode == "FINISHED_CHARGE":
            return self.unplug_at
        events = [b for s in self.slots for b in s if b > t] if self.mode == "SMART_CHARGE" else []
        if (power := self._power(t)) > 0:
            events.append(t + (self.needed - self.delivered) / power * 3600)
        return min(events, default=_FAR)

    def evolve(self, start: float, end: float) -> None:
        """Advance the charge from ``start`` to ``end`` event by event."""
        t = start
        while t < end:
            event = max(self._next_event(t), t)
            stop = min(end, event)
            power = self._power(t)
            before = self.delivered
            self.delivered = min(self.needed, self.delivered + power * (stop - t) / 3600)
            if power > 0 and self.needed - self.delivered < 1e-6:
                self.delivered = self.needed  # float dust must not stall the finish event
            if self.delivered > before and stop > t:
                self.charge_log.append((t, stop, (self.delivered - before) * 3600 / (stop - t)))
            self._update_soc()
            t = stop
            if t >= event:
                self._on_event(t)

    def _update_soc(self) -> None:
        if self.mode in (*ACTIVE_MODES, "FINISHED_CHARGE"):
            gained = self.delivered / self.car["wh"] * 100
            self.soc[self.car["id"]] = min(100.0, self.soc_start + gained)

    def _on_event(self, t: float) -> None:
        if self.mode == "DISCONNECTED":
            self.mode = "PENDING_APPROVAL"
            if not self.optional_settings["pluginsRequireApproval"]:
                self._start_session(t)
        elif self.mode == "FINISHED_CHARGE":
            self.mode = "DISCONNECTED"
            self.soc[self.car["id"]] = max(10.0, self.soc[self.car["id"]] - 30)
            self.plug_at = t + REPLUG_AFTER
            self.slots = []
            self.session_rule = None
        elif self.delivered >= self.needed:
            self._finish(t)

    def _start_session(self, t: float) -> None:
        """Start a session with its own rule: a copy of the schedule with a new id."""
        self.mode = "SMART_CHARGE"
        self.session_id = f"session-{int(t)}"
        self.session_rule = {
            **copy.deepcopy(self.rule),
            "id": f"rule-session-{next(self._session_numbers)}",
            "name": "Session Specific Rule",
        }
        self.delivered = 0.0
        self.soc_start = self.soc[self.car["id"]]
        self._plan(t)

    def _plan(self, t: float) -> None:
        """(Re)plan the slots from ``t`` for what is still needed to reach the target."""
        target = self.applied_rule["targetPercent"]
        self.needed = max(self.delivered, (target - self.soc_start) / 100 * self.car["wh"])
        remaining = self.needed - self.delivered
        count = math.ceil(remaining / (CHARGE_W * SLOT_S / 3600) - 1e-9)
        first = math.ceil(count / 2)
        start = t + SLOT_LEAD
        self.slots = [(start + i * SLOT_S, start + (i + 1) * SLOT_S) for i in range(first)]
        start += first * SLOT_S + SLOT_GAP
        self.slots += [(start + i * SLOT_S, start + (i + 1) * SLOT_S) for i in range(count - first)]
        if remaining <= 0:
            self._finish(t)

    def _retarget(self, t: float) -> None:
        """Apply a new target or state of charge to the active session."""
        if self.mode == "SMART_CHARGE":
            self._plan(t)
        elif self.mode in ACTIVE_MODES:
            target = self.applied_rule["targetPercent"]
            self.needed = max(self.delivered, (target - self.soc_start) / 100 * self.car["wh"])
            if self.delivered >= self.needed:
                self._finish(t)

    @property
    def applied_rule(self) -> dict[str, Any]:
        """Return the rule of the session (the schedule's values when there is none)."""
        return self.session_rule if self.session_rule is not None else self.rule

    def _finish(self, t: float) -> None:
        self.mode = "FINISHED_CHARGE"
        self.slots = []
        self.unplug_at = t + UNPLUG_AFTER_FINISH

    # -- JSON views ----------------------------------------------------------------------

    def _car_json(self, car: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": car["id"],
            "name": car["name"],
            "model": {
                "brand": {"name": car["brand"]},
                "make": car["brand"],
                "modelName": car["model"],
                "availableFromYear": car["from"],
                "availableToYear": None,
            },
            "batterySoc": {"percent": round(self.soc[car["id"]])},
        }

    def _device_json(self) -> dict[str, Any]:
        return {
            "id": SERIAL,
            "firmwareVersion": 202405071,
            "modelType": "HOME_PRO",
            "modelTypeDisplayName": "Ohme Home Pro",
            "modelCapabilities": {
                "stealth": True,
                "buttonsLockable": True,
                "pluginsRequireApprovalMode": True,
                "peakChargingAvoidable": True,
                "randomisedDelay": True,
                "remotelyServiceable": True,
                "advancedSettingsReadable": True,
                "solarModes": ["ZERO_EXPORT"],
                "wifiSupport": False,
                "wifiType": "null",
            },
            "optionalSettings": dict(self.optional_settings),
            "provisioningTs": 0,
            "firmwareVersionLabel": "v2.65",
        }

    def account_json(self) -> dict[str, Any]:
        """Return ``GET /v1/users/me/account``."""
        return {
            "user": {"id": USER_ID, "email": EMAIL, "firstName": "Demo", "lastName": "User"},
            "cars": [self._car_json(car) for car in self.cars],
            "chargeDevices": [self._device_json()] if self.linked else [],
            "userSettings": copy.deepcopy(self.user_settings),
            "tariff": copy.deepcopy(self.tariff),
        }

    def session_json(self) -> list[dict[str, Any]]:
        """Return ``GET /v1/chargeSessions`` (empty while the charger is not on the account)."""
        if not self.linked:
            return []
        t = self.clock.timestamp()
        active = self.mode in (*ACTIVE_MODES, "FINISHED_CHARGE")
        watts = self._power(t) if self.mode in ACTIVE_MODES else 0.0
        car = self.car
        soc = self.soc[car["id"]]
        rule = (
            dict(self.session_rule)
            if active and self.session_rule is not None
            else {**self.rule, "id": None, "name": "Session Specific Rule"}
        )
        slots = self.slots if self.mode == "SMART_CHARGE" else []
        if self.mode == "MAX_CHARGE" and watts > 0:
            finish = t + (self.needed - self.delivered) / watts * 3600
            slots = [(t, finish)]
        return [
            {
                "sessionId": self.session_id,
                "mode": self.mode,
                "appliedRule": rule,
                "suspendedRule": dict(rule) if self.mode == "STOPPED" else None,
                "batterySoc": {"wh": round(soc * car["wh"] / 100), "percent": round(soc)}
                if active
                else {"wh": 0, "percent": 0},
                "car": {"id": car["id"], "batterySoc": {"percent": round(soc)}} if active else {},
                "power": {"watt": watts, "amp": round(watts / VOLTS, 2), "volt": VOLTS}
                if active
                else None,
                "chargeStats": {
                    "energyChargedTotalWh": round(self.delivered),
                    "currencyCode": "GBP",
                },
                "chargerStatus": {"online": self.online, "pluggedIn": self.mode != "DISCONNECTED"},
                "allSessionSlots": [
                    {"startTimeMs": int(a * 1000), "endTimeMs": int(b * 1000), "watts": CHARGE_W}
                    for a, b in slots
                ]
                or None,
                "currentTimeMs": int(t * 1000),
            }
        ]

    # -- HTTP ------------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        """Return the Google auth and api.ohme.io routes."""
        serial = "{serial}"
        return [
            web.post("/identitytoolkit/v3/relyingparty/verifyPassword", self._login),
            web.post("/securetoken/v1/token", self._refresh),
            web.get("/v1/users/me/account", self._account),
            web.get("/v1/chargeSessions", self._sessions),
            web.get("/v1/chargeSessions/nextSessionInfo", self._next_session),
            web.get("/v1/chargeSessions/summary/users/{user_id}", self._summary),
            web.patch("/v2/users/me/charge-rules/{rule_id}", self._patch_rule),
            web.put("/v1/chargeRules/{rule_id}", self._put_rule),
            web.put(f"/v1/chargeSessions/{serial}/rule", self._put_session_rule),
            web.put(
                f"/v2/charge-devices/{serial}/charge-sessions/active/{{serial2}}/max-charge",
                self._max_charge,
            ),
            web.post(f"/v1/chargeSessions/{serial}/stop", self._stop),
            web.post(f"/v1/chargeSessions/{serial}/resume", self._resume),
            web.put(f"/v1/chargeSessions/{serial}/approve", self._approve),
            web.get("/v1/users/me/settings", self._get_settings),
            web.put("/v1/users/me/settings", self._put_settings),
            web.put(f"/v1/chargeDevices/{serial}/appSettings", self._app_settings),
            web.get(f"/v1/chargeDevices/{serial}/advancedSettings", self._advanced),
            web.put("/v1/car/{car_id}/select", self._select_car),
            web.put("/v1/car/{car_id}/state-of-charge", self._car_soc),
        ]

    def _new_tokens(self) -> tuple[str, str]:
        n = next(self._counter)
        now = self.clock.timestamp()
        header = _b64({"alg": "RS256", "kid": "sim-key-1", "typ": "JWT"})
        payload = _b64(  # the claims of a Firebase ID token, base64url without padding
            {
                "iss": f"https://securetoken.google.com/{FIREBASE_PROJECT}",
                "aud": FIREBASE_PROJECT,
                "auth_time": int(now),
                "user_id": USER_ID,
                "sub": USER_ID,
                "iat": int(now),
                "exp": int(now + TOKEN_LIFETIME),
                "email": EMAIL,
                "email_verified": True,
                "firebase": {"identities": {"email": [EMAIL]}, "sign_in_provider": "password"},
            }
        )
        id_token = f"{header}.{payload}.sig{n}"
        refresh = f"refresh-{n}"
        self.id_tokens[id_token] = now + TOKEN_LIFETIME
        self.refresh_tokens.add(refresh)
        return id_token, refresh

    async def _form(self, request: web.Request) -> dict[str, str] | None:
        if request.query.get("key") != API_KEY:
            return None
        if request.content_type != "application/x-www-form-urlencoded":
            return {}
        return {k: str(v) for k, v in (await request.post()).items()}

    async def _login(self, request: web.Request) -> web.Response:
        form = await self._form(request)
        if form is None:
            return _google_error("API key not valid. Please pass a valid API key.")
        if not form.get("email"):
            return _google_error("MISSING_EMAIL")
        if form["email"].lower() != EMAIL or form.get("password") != self.password:
            return _google_error("INVALID_LOGIN_CREDENTIALS")
        id_token, refresh = self._new_tokens()
        return web.json_response(
            {
                "kind": "identitytoolkit#VerifyPasswordResponse",
                "localId": USER_ID,
                "email": EMAIL,
                "displayName": "",
                "idToken": id_token,
                "registered": True,
                "refreshToken": refresh,
                "expiresIn": str(int(TOKEN_LIFETIME)),
            }
        )

    async def _refresh(self, request: web.Request) -> web.Response:
        form = await self._form(request)
        if form is None:
            return _google_error("API key not valid. Please pass a valid API key.")
        if form.get("grantType") != "refresh_token":
            return _google_error("INVALID_GRANT_TYPE")
        if form.get("refreshToken") not in self.refresh_tokens:
            return _google_error("INVALID_REFRESH_TOKEN")
        self.refresh_tokens.discard(form["refreshToken"])
        id_token, refresh = self._new_tokens()
        return web.json_response(
            {
                "access_token": id_token,
                "expires_in": str(int(TOKEN_LIFETIME)),
                "token_type": "Bearer",
                "refresh_token": refresh,
                "id_token": id_token,
                "user_id": USER_ID,
                "project_id": "1234567890",
            }
        )

    def _authorised(self, request: web.Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expiry = self.id_tokens.get(token)
        return scheme == "Firebase" and expiry is not None and self.clock.timestamp() < expiry

    def _error(self, request: web.Request, status: int, message: str) -> web.Response:
        """Answer like api.ohme.io does for errors (the path without the simulator prefix)."""
        path = request.path.removeprefix(f"/{self.name}")
        return web.json_response(
            spring_error(self.clock.timestamp(), path, status, message), status=status
        )

    async def _json_body(self, request: web.Request) -> Any:
        try:
            return json.loads(await request.text())
        except ValueError:
            return None

    def _check(self, request: web.Request, *serial_keys: str) -> web.Response | None:
        """Return an error response if unauthorised or the serial is unknown."""
        if not self._authorised(request):
            return self._error(request, 401, "Unauthorized")
        if any(request.match_info[key] != SERIAL or not self.linked for key in serial_keys):
            return self._error(request, 404, "Charge device not found")
        return None

    async def _account(self, request: web.Request) -> web.Response:
        if (error := self._check(request)) is not None:
            return error
        return web.json_response(self.account_json())

    async def _sessions(self, request: web.Request) -> web.Response:
        if (error := self._check(request)) is not None:
            return error
        return web.json_response(self.session_json())

    async def _next_session(self, request: web.Request) -> web.Response:
        if (error := self._check(request)) is not None:
            return error
        return web.json_response({"rule": dict(self.rule)})

    async def _summary(self, request: web.Request) -> web.Response:
        """Serve the charge summary from the energy the simulated charger delivered."""
        if (error := self._check(request)) is not None:
            return error
        if request.match_info["user_id"] != USER_ID:
            return self._error(request, 403, "Access Denied")
        try:
            start_ms, end_ms = int(request.query["startTs"]), int(request.query["endTs"])
            granularity = request.query["granularity"]
        except (KeyError, ValueError):
            return self._error(request, 400, "startTs, endTs and granularity are required")
        if granularity not in ("DAY", "HOUR") or end_ms < start_ms:
            return self._error(request, 400, "Invalid summary request")
        self.summary_queries.append(request.query_string)
        start, end = start_ms / 1000, min(end_ms / 1000, self.clock.timestamp())
        stats = [
            self._charge_stat(a, b, max(a, start), min(b, end))
            for a, b in _buckets(start, end_ms / 1000, granularity)
        ]
        return web.json_response(
            {
                "totalStats": self._charge_stat(start, end_ms / 1000, start, end),
                "stats": stats,
                "granularity": granularity,
            }
        )

    def delivered_between(self, start: float, end: float) -> tuple[float, float]:
        """Return the energy (Wh) delivered and the seconds spent charging in [start, end)."""
        energy = seconds = 0.0
        for a, b, watts in self.charge_log:
            overlap = min(b, end) - max(a, start)
            if overlap > 0:
                energy += watts * overlap / 3600
                seconds += overlap
        return energy, seconds

    def _charge_stat(self, a: float, b: float, start: float, end: float) -> dict[str, Any]:
        """Return one ``ChargeStat`` for the bucket [a, b), counting [start, end) of it."""
        wh, seconds = self.delivered_between(start, end) if end > start else (0.0, 0.0)

        def money(amount: float) -> dict[str, str]:
            return {"currencyCode": "GBP", "amount": f"{amount:.2f}"}

        return {
            "ownerUserId": USER_ID,
            "deviceId": SERIAL,
            "energyChargedTotalWh": round(wh),
            "solarEnergyChargedWh": 0,
            "startTime": int(a * 1000),
            "endTime": int(b * 1000),
            "activeChargeMs": int(seconds * 1000),
            "location": None,
            "locationType": "HOME",
            "carbonStats": {
                "carbonReleasedGreenScore": 4.2,
                "carbonReleasedPerKmGrams": 12,
                "carbonReleasedGrams": round(wh * 0.15),
                "carbonReleasedRegularCableGrams": round(wh * 0.2),
                "carbonSavedVsRegularCableGrams": round(wh * 0.05),
                "carbonReleasedGasCarGrams": round(wh * 0.6),
                "carbonSavedVsGasCarGrams": round(wh * 0.45),
                "comparedGasCarLabel": None,
            },
            "costStats": {
                "moneyCostTotal": money(wh / 1000 * TARIFF_GBP),
                "moneyCostStandardTariff": money(wh / 1000 * STANDARD_GBP),
                "moneySavedVsStandardTariff": money(wh / 1000 * (STANDARD_GBP - TARIFF_GBP)),
                "moneyCostPerKm": money(TARIFF_GBP / 6),
                "averageKwhPrice": money(TARIFF_GBP),
            },
            "batteryStats": {
                "batteryScore": 4.5,
                "batteryCycleUsePercent": round(wh / 400),
                "rangeAddedKm": round(wh / 160, 1),
            },
        }

    async def _patch_rule(self, request: web.Request) -> web.Response:
        if (error := self._check(request)) is not None:
            return error
        if (rule := self._find_rule(request)) is None:
            return self._rule_not_found(request)
        body = await self._json_body(request)
        if not isinstance(body, dict) or not body:
            return self._error(request, 400, "Invalid rule")
        percent, target, pre = (
            body.get("targetPercent"),
            body.get("targetTime"),
            body.get("preconditioning"),
        )
        if percent is not None and (not isinstance(percent, int) or not 0 <= percent <= 100):
            return self._error(request, 400, "targetPercent must be 0-100")
        if target is not None and (not isinstance(target, int) or not 0 <= target < 86400):
            return self._error(request, 400, "targetTime must be seconds after midnight")
        if pre is not None and not isinstance(pre, dict):
            return self._error(request, 400, "Invalid preconditioning")
        if percent is not None:
            rule["targetPercent"] = percent
        if target is not None:
            rule["targetTime"] = target
        if pre is not None:
            rule["preconditioningEnabled"] = bool(pre.get("enabled"))
            rule["preconditionLengthMins"] = int(pre.get("lengthMins") or 15)
        if rule is self.session_rule and request.query.get("recalculateSession") == "true":
            self._retarget(self.clock.timestamp())
        return web.json_response(dict(rule))

    async def _put_rule(self, request: web.Request) -> web.Response:
        """``PUT /v1/chargeRules/<id>`` with the whole rule (ohmepy's async_update_schedule)."""
        if (error := self._check(request)) is not None:
            return error
        if (rule := self._find_rule(request)) is None:
            return self._rule_not_found(request)
        body = await self._json_body(request)
        if not isinstance(body, dict) or body.get("id", rule["id"]) != rule["id"]:
            return self._error(request, 400, "Invalid rule")
        limits = {"targetPercent": 101, "targetTime": 86400, "preconditionLengthMins": 1441}
        for key, limit in limits.items():
            value = body.get(key)
            if key in body and not (_is_int(value) and 0 <= value < limit):
                return self._error(request, 400, f"Invalid {key}")
        if not isinstance(body.get("preconditioningEnabled", False), bool):
            return self._error(request, 400, "Invalid preconditioningEnabled")
        keys = (*limits, "preconditioningEnabled", "name", "repeatDow")
        rule.update({key: body[key] for key in keys if key in body})
        if rule is self.session_rule:
            self._retarget(self.clock.timestamp())
        return web.json_response(dict(rule))

    async def _put_session_rule(self, request: web.Request) -> web.Response:
        """Change the session with the older write of ohmepy <= 1.6 (query only, no body).

        ``?maxCharge=<true|false>``, or ``?enableMaxPrice=&targetTs=<epoch ms>&
        enablePreconditioning=&toPercent=&preconditionLengthMins=``.
        """
        if (error := self._check_active(request, "serial")) is not None:
            return error
        query = request.query
        if "maxCharge" in query:
            if query["maxCharge"] not in ("true", "false"):
                return self._error(request, 400, "maxCharge must be true or false")
            self.mode = "MAX_CHARGE" if query["maxCharge"] == "true" else "SMART_CHARGE"
            if self.mode == "SMART_CHARGE":
                self._plan(self.clock.timestamp())
            return web.Response(status=200)
        try:
            percent = int(query["toPercent"])
            target_ts = int(query["targetTs"])
            length = int(query.get("preconditionLengthMins", "30"))
        except (KeyError, ValueError):
            return self._error(request, 400, "toPercent and targetTs are required")
        flags = {k: query.get(k, "false") for k in ("enablePreconditioning", "enableMaxPrice")}
        if not 0 <= percent <= 100 or set(flags.values()) - {"true", "false"} or length < 0:
            return self._error(request, 400, "Invalid rule")
        assert self.session_rule is not None  # noqa: S101 - a session is active
        local = datetime.fromtimestamp(target_ts / 1000, TIME_ZONE)
        self.session_rule.update(
            {
                "targetPercent": percent,
                "targetTime": local.hour * 3600 + local.minute * 60,
                "preconditioningEnabled": flags["enablePreconditioning"] == "true",
                "preconditionLengthMins": length,
            }
        )
        self.user_settings["chargeSettings"][0]["enabled"] = flags["enableMaxPrice"] == "true"
        self._retarget(self.clock.timestamp())
        return web.Response(status=200)

    def _find_rule(self, request: web.Request) -> dict[str, Any] | None:
        """Return the schedule or the current session's rule named in the path.

        Each session has its own rule id; once the session is over its id is unknown. The
        schedule's id changes the next sessions only, the session's id this session only.
        """
        rule_id = request.match_info["rule_id"]
        for rule in (self.rule, self.session_rule):
            if rule is not None and rule["id"] == rule_id:
                return rule
        return None

    def _rule_not_found(self, request: web.Request) -> web.Response:
        """Answer an unknown rule id as Ohme does (core issue #165310)."""
        rule_id = request.match_info["rule_id"]
        return self._error(
            request,
            404,
            f"Entity of type: 'ChargeRuleDB' with hashKey: '{USER_ID}' and "
            f"rangeKey: '{rule_id}' not found",
        )

    def _check_active(self, request: web.Request, *serial_keys: str) -> web.Response | None:
        if (error := self._check(request, *serial_keys)) is not None:
            return error
        if self.mode not in ACTIVE_MODES:
            return self._error(request, 400, "No active charge session")
        return None

    async def _max_charge(self, request: web.Request) -> web.Response:
        if (error := self._check_active(request, "serial", "serial2")) is not None:
            return error
        enabled = request.query.get("enabled")
        if enabled not in ("true", "false"):
            return self._error(request, 400, "enabled must be true or false")
        if enabled == "true":
            self.mode = "MAX_CHARGE"
        else:
            self.mode = "SMART_CHARGE"
            self._plan(self.clock.timestamp())
        return web.Response(status=200)

    async def _stop(self, request: web.Request) -> web.Response:
        if (error := self._check_active(request, "serial")) is not None:
            return error
        if self.pause_refusal is not None:
            # Ohme blocked pausing around 2025-11 (core #157029, #161896); how it refuses is
            # not public. By default: 403 with Spring Security's message.
            status = self.pause_refusal
            message = "Access Denied" if status == 403 else HTTPStatus(status).phrase
            return self._error(request, status, message)
        self.mode = "STOPPED"
        # What Ohme answers is not public; ohmepy reports success only for a non-empty body.
        return web.json_response(self.session_json()[0])

    async def _resume(self, request: web.Request) -> web.Response:
        if (error := self._check_active(request, "serial")) is not None:
            return error
        self.mode = "SMART_CHARGE"
        self._plan(self.clock.timestamp())
        return web.json_response(self.session_json()[0])

    async def _approve(self, request: web.Request) -> web.Response:
        if (error := self._check(request, "serial")) is not None:
            return error
        if self.mode != "PENDING_APPROVAL" or request.query.get("approve") != "true":
            return self._error(request, 400, "No charge waiting for approval")
        self._start_session(self.clock.timestamp())
        return web.Response(status=200)

    async def _get_settings(self, request: web.Request) -> web.Response:
        if (error := self._check(request)) is not None:
            return error
        return web.json_response(copy.deepcopy(self.user_settings))

    async def _put_settings(self, request: web.Request) -> web.Response:
        if (error := self._check(request)) is not None:
            return error
        body = await self._json_body(request)
        caps = body.get("chargeSettings") if isinstance(body, dict) else None
        if not isinstance(caps, list) or not caps or not isinstance(caps[0], dict):
            return self._error(request, 400, "chargeSettings missing")
        value = caps[0].get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            return self._error(request, 400, "Invalid price cap")
        self.user_settings = body
        return web.Response(status=200)

    async def _app_settings(self, request: web.Request) -> web.Response:
        if (error := self._check(request, "serial")) is not None:
            return error
        body = await self._json_body(request)
        if not isinstance(body, dict) or not body or set(body) - set(self.optional_settings):
            return self._error(request, 400, "Unknown setting")
        if body.get("solarMode", "IGNORE") not in ("IGNORE", "ZERO_EXPORT"):
            return self._error(request, 400, "Invalid solar mode")
        self.optional_settings.update(body)
        return web.Response(status=200)

    async def _advanced(self, request: web.Request) -> web.Response:
        if (error := self._check(request, "serial")) is not None:
            return error
        if not self.advanced_settings:
            # Since 2025-11-18 Ohme refuses this endpoint to every account, valid token or not.
            return self._error(request, 401, "Unauthorised")
        amps = HOUSE_AMPS + self._power(self.clock.timestamp()) / VOLTS
        return web.json_response(
            {
                "model": "Home Pro V1.0-Single",
                "firmwareVersion": "v2.65",
                "online": self.online,
                "pluggedIn": self.mode != "DISCONNECTED",
                "clampAmps": round(amps, 2),
                "clampConnected": True,
                "mainMaxAmps": 60,
                "phases": 1,
            }
        )

    def _find_car(self, request: web.Request) -> dict[str, Any] | None:
        return next((c for c in self.cars if c["id"] == request.match_info["car_id"]), None)

    async def _select_car(self, request: web.Request) -> web.Response:
        if (error := self._check(request)) is not None:
            return error
        if (car := self._find_car(request)) is None:
            return self._error(request, 404, "Car not found")
        self.cars.remove(car)
        self.cars.insert(0, car)
        if self.mode in (*ACTIVE_MODES, "FINISHED_CHARGE"):
            # The car charging now is another one: it keeps its own state of charge, and the
            # energy still needed is worked out for its battery.
            self.soc_start = self.soc[car["id"]] - self.delivered / car["wh"] * 100
            self._retarget(self.clock.timestamp())
        return web.Response(status=200)

    async def _car_soc(self, request: web.Request) -> web.Response:
        if (error := self._check(request)) is not None:
            return error
        if (car := self._find_car(request)) is None:
            return self._error(request, 404, "Car not found")
        body = await self._json_body(request)
        percent = body.get("currentChargePercent") if isinstance(body, dict) else None
        if not isinstance(percent, int) or not 0 <= percent <= 100:
            return self._error(request, 400, "currentChargePercent must be 0-100")
        self.soc[car["id"]] = float(percent)
        if car is self.car and self.mode in ACTIVE_MODES:
            self.soc_start = percent - self.delivered / car["wh"] * 100
            self._retarget(self.clock.timestamp())
        return web.Response(status=200)

    # -- control API -------------------------------------------------------------------------

    def control_routes(self) -> list[web.RouteDef]:
        """Routes under /_sim/ohme: online, plug, new session, password, tokens, link, state."""
        return [
            web.post("/offline", self._ctl_offline),
            web.post("/online", self._ctl_online),
            web.post("/plug", self._ctl_plug),
            web.post("/unplug", self._ctl_unplug),
            web.post("/new-session", self._ctl_new_session),
            web.post("/password", self._ctl_password),
            web.post("/revoke", self._ctl_revoke),
            web.post("/expire", self._ctl_expire),
            web.post("/unlink", self._ctl_unlink),
            web.post("/link", self._ctl_link),
            web.post("/advanced-settings", self._ctl_advanced_settings),
            web.post("/pause", self._ctl_pause),
            web.get("/state", self._ctl_state),
        ]

    async def _ctl_pause(self, request: web.Request) -> web.Response:
        """Choose how ``stop`` answers: ``{"allowed": true}`` or ``{"status": 400..599}``."""
        data = await self._json_body(request)
        status = data.get("status") if isinstance(data, dict) else None
        if isinstance(data, dict) and data.get("allowed") is True:
            self.pause_refusal = None
        elif isinstance(status, int) and 400 <= status <= 599:
            self.pause_refusal = status
        else:
            msg = 'send {"allowed": true} or {"status": <400-599>}'
            return web.json_response({"error": msg}, status=400)
        return await self._ctl_state(request)

    async def _ctl_advanced_settings(self, request: web.Request) -> web.Response:
        """Answer advancedSettings with 200 as before 2025-11-18 after ``{"allowed": true}``."""
        data = await self._json_body(request)
        allowed = data.get("allowed") if isinstance(data, dict) else None
        if not isinstance(allowed, bool):
            return web.json_response({"error": "allowed (true or false) required"}, status=400)
        self.advanced_settings = allowed
        return await self._ctl_state(request)

    async def _ctl_offline(self, _: web.Request) -> web.Response:
        self.sync()
        self.online = False
        return await self._ctl_state(_)

    async def _ctl_online(self, _: web.Request) -> web.Response:
        self.sync()
        self.online = True
        return await self._ctl_state(_)

    async def _ctl_plug(self, _: web.Request) -> web.Response:
        self.plug()
        return await self._ctl_state(_)

    async def _ctl_unplug(self, _: web.Request) -> web.Response:
        self.unplug()
        return await self._ctl_state(_)

    def plug(self) -> None:
        """Plug the car in now."""
        self.sync()
        if self.mode == "DISCONNECTED":
            self.plug_at = self.clock.timestamp()
            self._on_event(self.plug_at)

    def unplug(self) -> None:
        """Unplug the car now (the session and its rule end); it comes back in four hours."""
        self.sync()
        if self.mode != "DISCONNECTED":
            self.mode = "DISCONNECTED"
            self.slots = []
            self.session_rule = None
            self.plug_at = self.clock.timestamp() + REPLUG_AFTER

    async def _ctl_new_session(self, _: web.Request) -> web.Response:
        self.new_session()
        return await self._ctl_state(_)

    def new_session(self) -> None:
        """Start another session without an unplug (Ohme does so, e.g. for the next schedule).

        The new session has its own ``sessionId`` and its energy counter starts from 0.
        """
        self.sync()
        if self.mode in (*ACTIVE_MODES, "FINISHED_CHARGE"):
            self.unplug_at = _FAR
            self._start_session(self.clock.timestamp())

    async def _ctl_password(self, request: web.Request) -> web.Response:
        data = await self._json_body(request)
        if not isinstance(data, dict) or not isinstance(data.get("password"), str):
            return web.json_response({"error": "password required"}, status=400)
        self.password = data["password"]
        return await self._ctl_revoke(request)

    async def _ctl_revoke(self, _: web.Request) -> web.Response:
        self.id_tokens.clear()
        self.refresh_tokens.clear()
        return await self._ctl_state(_)

    async def _ctl_expire(self, _: web.Request) -> web.Response:
        """Let every ID token expire now (refresh tokens stay valid), as an hour would."""
        now = self.clock.timestamp()
        self.id_tokens = dict.fromkeys(self.id_tokens, now)
        return await self._ctl_state(_)

    async def _ctl_unlink(self, _: web.Request) -> web.Response:
        """Remove the charger from the account (no session, device endpoints 404)."""
        self.sync()
        self.linked = False
        return await self._ctl_state(_)

    async def _ctl_link(self, _: web.Request) -> web.Response:
        """Put the charger back on the account."""
        self.sync()
        self.linked = True
        return await self._ctl_state(_)

    async def _ctl_state(self, _: web.Request) -> web.Response:
        return web.json_response(
            {
                "mode": self.mode,
                "session_id": self.session_id,
                "online": self.online,
                "linked": self.linked,
                "advanced_settings": self.advanced_settings,
                "pause_refusal": self.pause_refusal,
                "delivered_wh": round(self.delivered),
                "delivered_total_wh": round(self.delivered_between(0.0, _FAR)[0]),
                "needed_wh": round(self.needed),
                "soc": {k: round(v, 1) for k, v in self.soc.items()},
                "slots": len(self.slots),
                "rule": self.rule,
                "session_rule": self.session_rule,
                "car": self.car["id"],
                "settings": self.optional_settings,
                "price_cap": self.user_settings["chargeSettings"][0],
            }
        )

    def dev_entries(self, base_url: str) -> list[DevEntry]:
        """Add the demo account, with the API URL pointing at this simulator."""
        return [
            DevEntry(
                "ohme",
                [
                    {
                        "email": EMAIL,
                        "password": PASSWORD,
                        "advanced": {"api_url": f"{base_url}/{self.name}"},
                    }
                ],
            )
        ]


VENDOR = OhmeVendor
