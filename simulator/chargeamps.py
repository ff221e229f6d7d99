"""Charge Amps my.charge.space web API (the API the ``charge_amps_monitor`` integration uses).

Routes (under ``/chargeamps``):

- ``POST /api/auth/login`` ``{email, password[, hostName]}`` -> ``{token, user, expiresIn}``; the
  token is a real three-part HS256 JWT with ``iat``/``exp`` on the simulated clock. Every login
  is counted; the account keeps at most ``TOKEN_CAP`` tokens (older ones stop working, as the
  real service logs the phone app out).
- ``POST /api/users/chargepoints/owned?expand=...`` (body ``[]``, ``{}`` or none) with
  ``Authorization: Bearer <token>`` -> the JSON array of charge points; 401 for a missing,
  forged, revoked or expired token.

Devices: a Halo (connector 1 = charging cable, three-phase; connector 2 = Schuko, single-phase,
reporting only its L1 fields) and an Aura with two three-phase connectors. Each connector follows
a daily schedule (UTC) of OCPP states; energy is the closed-form integral of its charging power,
so the clock may jump by days at no cost.

Control routes (under ``/_sim/chargeamps``):

- ``GET /state``: logins, active tokens, forms, chargers, offline set.
- ``POST /form`` ``{"status": "integer"|"string", "numbers_as_strings": bool}``: status forms
  (integers as the documentation lists them, or the names the live API sends).
- ``POST /offline`` ``{"charger": id, "offline": bool}``.
- ``POST /chargers`` ``{"product": "Halo"|"Aura", "id"?, "name"?}`` adds a charger (201);
  ``DELETE /chargers/{id}`` removes one.
- ``POST /account`` ``{"password"?, "token_lifetime"?, "revoke_tokens"?}``.
"""

from __future__ import annotations

import base64
from collections import deque
from dataclasses import dataclass, field
import hashlib
import hmac
import itertools
import json
import math
from typing import Any, ClassVar

from aiohttp import web

from .core import DevEntry, SimClock, Vendor

DOMAIN = "charge_amps_monitor"
ACCOUNT_EMAIL = "demo@chargeamps.example"
ACCOUNT_PASSWORD = "charge-amps-demo"  # noqa: S105 - the simulated account
USER_ID = "5f0c6d2e-1b7a-4a43-9d55-0c2a51d8e7a1"
ORGANISATION_ID = "a7e2c1d4-3b5f-4e6a-8c9d-1f2e3a4b5c6d"
TOKEN_LIFETIME = 3600
TOKEN_CAP = 10
NOMINAL_VOLTAGE = 230.0
DAY = 86400.0
_SECRET = b"charge-amps-simulator-signing-key"

STATUS_CODES = {
    "Available": 1,
    "Preparing": 2,
    "Charging": 3,
    "SuspendedEV": 4,
    "SuspendedEVSE": 5,
    "Finishing": 6,
    "Reserved": 7,
    "Unavailable": 8,
    "Faulted": 9,
}
CHARGE_POINT_CODES = {"Online": 1, "Offline": 2}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def make_jwt(claims: dict[str, Any]) -> str:
    """Return an HS256-signed JWT with these claims."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(_SECRET, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def read_jwt(token: str) -> dict[str, Any] | None:
    """Return the claims of a token this simulator signed, or None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    expected = hmac.new(_SECRET, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _b64url_decode(parts[2])):
            return None
        claims = json.loads(_b64url_decode(parts[1]))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


@dataclass(frozen=True)
class Segment:
    """Part of a connector's day: from ``start`` to ``end`` hours (UTC) in one OCPP state."""

    start: float
    end: float
    status: str
    amps: float = 0.0


@dataclass
class SimConnector:
    """A connector following a daily schedule; anything outside a segment is Available."""

    connector_id: int
    name: str
    phases: int
    schedule: tuple[Segment, ...]
    base_energy_kwh: float
    mode: str = "On"

    def segment(self, t: float) -> Segment | None:
        """Return the schedule segment at POSIX time ``t``."""
        hour = (t % DAY) / 3600
        for seg in self.schedule:
            if seg.start <= hour < seg.end:
                return seg
        return None

    def charging(self, t: float) -> bool:
        """Return True while the schedule says Charging."""
        seg = self.segment(t)
        return seg is not None and seg.status == "Charging"

    def _kw(self, seg: Segment) -> float:
        return seg.amps * NOMINAL_VOLTAGE * self.phases / 1000 if seg.status == "Charging" else 0.0

    def energy_kwh(self, t: float) -> float:
        """Return the lifetime energy at ``t``: closed form, O(segments)."""
        days, rest = divmod(t, DAY)
        hour = rest / 3600
        per_day = sum(self._kw(s) * (s.end - s.start) for s in self.schedule)
        today = sum(
            self._kw(s) * (min(hour, s.end) - s.start) for s in self.schedule if hour > s.start
        )
        return self.base_energy_kwh + per_day * (days - _EPOCH_DAYS) + today

    def as_json(self, t: float, *, offline: bool, form: str, as_strings: bool) -> dict[str, Any]:
        """Describe the connector at ``t`` as the owned list does."""
        seg = None if offline else self.segment(t)
        status = "Unavailable" if offline else (seg.status if seg else "Available")
        amps = seg.amps if seg is not None and seg.status == "Charging" else 0.0

        def num(value: float) -> float | str:
            return str(value) if as_strings else value

        data: dict[str, Any] = {
            "connectorId": self.connector_id,
            "name": self.name,
            "mode": self.mode,
            "enabled": True,
            "isCharging": status == "Charging",
            "ocppStatus": STATUS_CODES[status] if form == "integer" else status,
            "errorCode": "NoError",
            "totalConsumptionKwh": num(round(self.energy_kwh(t), 3)),
            "userCurrent": num(16.0),
            "currentCurrent": num(amps),
        }
        for phase in range(1, self.phases + 1):
            wobble = 3.0 * math.sin(2 * math.pi * t / 3600 + phase)
            data[f"voltage{phase}"] = num(round(NOMINAL_VOLTAGE + wobble, 1))
            data[f"current{phase}"] = num(round(amps, 2))
        return data


# Days from the POSIX epoch to 2026-01-01, where every connector's energy counter starts.
_EPOCH_DAYS = 20454


@dataclass
class SimChargePoint:
    """A charge point of the account."""

    id: str
    name: str
    product: str
    connectors: list[SimConnector] = field(default_factory=list)

    def as_json(self, t: float, *, offline: bool, form: str, as_strings: bool) -> dict[str, Any]:
        """Describe the charge point at ``t`` as the owned list does."""
        status = "Offline" if offline else "Online"
        return {
            "id": self.id,
            "name": self.name,
            "serialNumber": self.id,
            "productName": self.product,
            "productType": self.product.upper(),
            "chargePointStatus": CHARGE_POINT_CODES[status] if form == "integer" else status,
            "isCharging": not offline and any(c.charging(t) for c in self.connectors),
            "companyId": ORGANISATION_ID,
            "ownerId": USER_ID,
            "ip": None if offline else "10.0.0.17",
            "ocppConfig": {"ocppVersion": "1.6"},
            "connectors": [
                c.as_json(t, offline=offline, form=form, as_strings=as_strings)
                for c in self.connectors
            ],
        }


def make_halo(cp_id: str, name: str) -> SimChargePoint:
    """Build a Halo: charging connector (three-phase) and a Schuko socket (single-phase)."""
    return SimChargePoint(
        id=cp_id,
        name=name,
        product="Halo",
        connectors=[
            SimConnector(
                1,
                "Charger",
                3,
                (
                    Segment(11.5, 15.5, "Charging", 16.0),
                    Segment(15.5, 17.0, "SuspendedEV"),
                ),
                base_energy_kwh=1250.0,
            ),
            SimConnector(
                2,
                "Schuko",
                1,
                (Segment(8.0, 14.0, "Charging", 8.0),),
                base_energy_kwh=40.0,
            ),
        ],
    )


def make_aura(cp_id: str, name: str) -> SimChargePoint:
    """Build an Aura: two three-phase charging connectors."""
    return SimChargePoint(
        id=cp_id,
        name=name,
        product="Aura",
        connectors=[
            SimConnector(
                1,
                "Left",
                3,
                (
                    Segment(0.0, 6.0, "Charging", 10.0),
                    Segment(6.0, 8.0, "SuspendedEVSE"),
                    Segment(18.0, 24.0, "Charging", 10.0),
                ),
                base_energy_kwh=3400.0,
            ),
            SimConnector(
                2,
                "Right",
                3,
                (
                    Segment(9.0, 10.0, "Preparing"),
                    Segment(10.0, 13.0, "Charging", 16.0),
                    Segment(13.0, 14.0, "Finishing"),
                ),
                base_energy_kwh=980.0,
            ),
        ],
    )


PRODUCTS = {"halo": make_halo, "aura": make_aura}
HALO_ID = "2211072179M"
AURA_ID = "2306150042A"


class ChargeAmpsVendor(Vendor):
    """The my.charge.space web API with one account."""

    name: ClassVar[str] = "chargeamps"

    def __init__(self, clock: SimClock) -> None:
        """Create the account with its two chargers."""
        super().__init__(clock)
        self._jti = itertools.count(1)
        self._init_state()

    def _init_state(self) -> None:
        self.password = ACCOUNT_PASSWORD
        self.token_lifetime = TOKEN_LIFETIME
        self.logins = 0
        self.active_tokens: deque[int] = deque(maxlen=TOKEN_CAP)
        self.status_form = "integer"
        self.numbers_as_strings = False
        self.offline: set[str] = set()
        self.last_login: dict[str, Any] = {}
        self.charge_points: dict[str, SimChargePoint] = {
            HALO_ID: make_halo(HALO_ID, "Garage"),
            AURA_ID: make_aura(AURA_ID, "Carport"),
        }
        # Numbers of the chargers added through the control API: never re-used, so adding,
        # removing and adding again gives each charger its own id.
        self._charger_numbers = itertools.count(12)

    def reset(self) -> None:
        """Return to the initial account, chargers and forms."""
        super().reset()
        self._init_state()

    def dev_entries(self, base_url: str) -> list[DevEntry]:
        """Create one account entry: one step, the simulator's URL in the advanced section."""
        return [
            DevEntry(
                DOMAIN,
                [
                    {
                        "email": ACCOUNT_EMAIL,
                        "password": ACCOUNT_PASSWORD,
                        "advanced": {
                            "host_name": "my.charge.space",
                            "api_url": f"{base_url}/{self.name}",
                            "scan_interval": 60,
                        },
                    }
                ],
            )
        ]

    def routes(self) -> list[web.RouteDef]:
        """Return the web API routes."""
        return [
            web.post("/api/auth/login", self._login),
            web.post("/api/users/chargepoints/owned", self._owned),
        ]

    def control_routes(self) -> list[web.RouteDef]:
        """Return the control routes."""
        return [
            web.get("/state", self._state),
            web.post("/form", self._form),
            web.post("/offline", self._offline),
            web.post("/chargers", self._add_charger),
            web.delete("/chargers/{charger_id}", self._remove_charger),
            web.post("/account", self._account),
        ]

    # -- web API -------------------------------------------------------------------------------

    async def _login(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400, text="Invalid JSON")
        if not isinstance(body, dict):
            return web.Response(status=400, text="Invalid request")
        email, password = body.get("email"), body.get("password")
        if not isinstance(email, str) or not isinstance(password, str):
            return web.Response(status=400, text="Email and password are required")
        if email.strip().lower() != ACCOUNT_EMAIL or password != self.password:
            return web.Response(status=401, text="Invalid username or password")
        now = int(self.clock.timestamp())
        jti = next(self._jti)
        self.active_tokens.append(jti)
        self.logins += 1
        self.last_login = {
            "hostName": body.get("hostName"),
            "origin": request.headers.get("Origin"),
            "referer": request.headers.get("Referer"),
            "userAgent": request.headers.get("User-Agent"),
        }
        token = make_jwt(
            {
                "sub": USER_ID,
                "unique_name": ACCOUNT_EMAIL,
                "jti": jti,
                "iat": now,
                "nbf": now,
                "exp": now + self.token_lifetime,
            }
        )
        return web.json_response(
            {
                "token": token,
                "user": {
                    "id": USER_ID,
                    "email": ACCOUNT_EMAIL,
                    "claims": [f"{ORGANISATION_ID}:Owner"],
                },
                "expiresIn": self.token_lifetime,
            }
        )

    def _authorised(self, request: web.Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer":
            return False
        claims = read_jwt(token.strip())
        if claims is None or claims.get("jti") not in self.active_tokens:
            return False
        exp = claims.get("exp")
        return isinstance(exp, int) and exp > self.clock.timestamp()

    async def _owned(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.Response(status=401, text="Unauthorized")
        t = self.clock.timestamp()
        return web.json_response(
            [
                cp.as_json(
                    t,
                    offline=cp.id in self.offline,
                    form=self.status_form,
                    as_strings=self.numbers_as_strings,
                )
                for cp in self.charge_points.values()
            ]
        )

    # -- control -------------------------------------------------------------------------------

    def _state_json(self) -> dict[str, Any]:
        return {
            "logins": self.logins,
            "active_tokens": len(self.active_tokens),
            "token_lifetime": self.token_lifetime,
            "status_form": self.status_form,
            "numbers_as_strings": self.numbers_as_strings,
            "chargers": sorted(self.charge_points),
            "offline": sorted(self.offline),
            "last_login": self.last_login,
        }

    async def _state(self, _: web.Request) -> web.Response:
        return web.json_response(self._state_json())

    @staticmethod
    async def _json_object(request: web.Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError as err:
            raise web.HTTPBadRequest(text="invalid JSON") from err
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="a JSON object is required")
        return data

    async def _form(self, request: web.Request) -> web.Response:
        data = await self._json_object(request)
        status = data.get("status", self.status_form)
        if status not in ("integer", "string"):
            return web.json_response({"error": "status is integer or string"}, status=400)
        self.status_form = status
        self.numbers_as_strings = bool(data.get("numbers_as_strings", self.numbers_as_strings))
        return web.json_response(self._state_json())

    async def _offline(self, request: web.Request) -> web.Response:
        data = await self._json_object(request)
        charger = data.get("charger")
        if charger not in self.charge_points:
            return web.json_response({"error": f"unknown charger {charger!r}"}, status=404)
        if data.get("offline", True):
            self.offline.add(charger)
        else:
            self.offline.discard(charger)
        return web.json_response(self._state_json())

    async def _add_charger(self, request: web.Request) -> web.Response:
        data = await self._json_object(request)
        product = str(data.get("product", "Halo")).lower()
        if product not in PRODUCTS:
            return web.json_response({"error": "product is Halo or Aura"}, status=400)
        cp_id = str(data.get("id") or self._new_charger_id(product))
        if cp_id in self.charge_points:
            return web.json_response({"error": f"charger {cp_id} exists"}, status=409)
        self.charge_points[cp_id] = PRODUCTS[product](
            cp_id, str(data.get("name") or product.capitalize())
        )
        return web.json_response({"id": cp_id, **self._state_json()}, status=201)

    def _new_charger_id(self, product: str) -> str:
        """Return a serial no charger of the account has (nor had through this API)."""
        while True:
            cp_id = f"23{next(self._charger_numbers):08d}{product[0].upper()}"
            if cp_id not in self.charge_points:
                return cp_id

    async def _remove_charger(self, request: web.Request) -> web.Response:
        cp_id = request.match_info["charger_id"]
        if self.charge_points.pop(cp_id, None) is None:
            return web.json_response({"error": f"unknown charger {cp_id!r}"}, status=404)
        self.offline.discard(cp_id)
        return web.json_response(self._state_json())

    async def _account(self, request: web.Request) -> web.Response:
        data = await self._json_object(request)
        if "password" in data:
            self.password = str(data["password"])
        if "token_lifetime" in data:
            self.token_lifetime = int(data["token_lifetime"])
        if data.get("revoke_tokens"):
            self.active_tokens.clear()
        return web.json_response(self._state_json())


VENDOR = ChargeAmpsVendor
