"""Simulated go-e Charger cloud (API v2): ``/goecharger/<serial>/api/status`` and ``/api/set``."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from email.utils import formatdate
import json
from typing import Any, ClassVar

from aiohttp import web

from .core import DevEntry, SimClock, Vendor

OUTDATED = {"success": False, "reason": "Data is outdated"}

READ_ONLY = frozenset(
    {"sse", "typ", "var", "fwv", "oem", "car", "alw", "acu", "pnp", "nrg", "eto", "wh", "tma",
     "err", "modelStatus", "rssi", "cdi", "pha", "cbl", "adi", "fsp", "cco"}
)  # fmt: skip
VOLTAGES = (230.0, 231.0, 229.0)


@dataclass
class Charger:
    """One simulated wallbox and the car behind it."""

    serial: str
    token: str
    name: str
    variant: int
    plugged: bool
    need_wh: float  # energy the car still takes before it is full
    amp: int
    acs: int
    trx: int | None
    psm: int = 0
    frc: int = 0
    mca: int = 6
    wh: float = 0.0
    eto: float = 0.0
    err: int = 0
    offline: bool = False
    offline_since: float = 0.0
    cloud_api: bool = True
    # Firmware that keeps reporting car=2 after a stop (frc=1), as in go-e issue #60.
    stays_charging_when_stopped: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ama_limit(self) -> int:
        """Return the hardware current limit of the variant (11 kW: 16 A, 22 kW: 32 A)."""
        return 16 if self.variant == 11 else 32

    def __post_init__(self) -> None:
        """Start with the absolute maximum at the hardware limit."""
        self.ama = self.ama_limit

    # --- the charging logic -----------------------------------------------------------------

    def state(self) -> tuple[int, bool, int]:
        """Return (car, alw, modelStatus) from the settings and the car."""
        waiting_auth = self.acs == 1 and self.trx is None
        if not self.plugged:
            return 1, not waiting_auth and self.frc != 1, 2 if waiting_auth else 15
        if self.frc == 1:
            return 2 if self.stays_charging_when_stopped else 4, False, 4
        if waiting_auth:
            return 3, False, 2
        if self.need_wh <= 0:
            return 4, True, 3 if self.frc == 2 else 15
        return 2, True, 3 if self.frc == 2 else 15

    @property
    def charging(self) -> bool:
        """Return True while current flows."""
        car, allowed, _ = self.state()
        return car == 2 and allowed

    @property
    def phases(self) -> int:
        """Return the phases in use while charging."""
        if not self.charging:
            return 0
        return 1 if self.psm == 1 else 3

    @property
    def power(self) -> float:
        """Return the total charging power in W."""
        return sum(VOLTAGES[: self.phases]) * self.amp

    def evolve(self, seconds: float) -> None:
        """Charge for ``seconds`` (closed form: constant power until the car is full)."""
        if not self.charging or seconds <= 0:
            return
        energy = min(self.power * seconds / 3600, self.need_wh)
        self.wh += energy
        self.eto += energy
        self.need_wh -= energy

    def unplug(self) -> None:
        """Take the car away: like a real charger, it resets the force state and the transaction."""
        self.plugged = False
        self.frc = 0
        self.trx = None

    def plug(self, need_wh: float) -> None:
        """Plug a car in: a new session starts."""
        self.plugged = True
        self.wh = 0.0
        self.need_wh = need_wh

    def status(self, now: float) -> dict[str, Any]:
        """Return the full status object."""
        car, alw, model_status = self.state()
        phases = self.phases
        currents = [float(self.amp) if i < phases else 0.0 for i in range(3)]
        powers = [round(VOLTAGES[i] * currents[i], 1) for i in range(3)]
        return {
            "sse": self.serial,
            "fna": self.name,
            "typ": "go-eCharger_V4",
            "var": self.variant,
            "oem": "go-e",
            "fwv": "56.11",
            "car": car,
            "modelStatus": model_status,
            "err": self.err,
            "alw": alw,
            "acu": self.amp if phases else None,
            "amp": self.amp,
            "mca": self.mca,
            "ama": self.ama,
            "frc": self.frc,
            "acs": self.acs,
            "trx": self.trx,
            "psm": self.psm,
            "pnp": phases,
            "fsp": self.psm == 1,
            "wh": round(self.wh, 3),
            "eto": round(self.eto),
            "nrg": [*VOLTAGES, 0, *currents, *powers, 0, round(sum(powers), 1), 99, 99, 99, 0],
            "tma": [24.5 + phases, 22.1],
            "cdi": {"type": 0, "value": 1956999} if phases else None,
            "pha": [phases > 0, phases > 1, phases > 1, True, True, True],
            "rssi": -71,
            "cae": self.cloud_api,
            "lmo": 3,
            "ust": 0,
            "dwo": None,
            "fup": False,
            "fmt": 300000,
            "cco": 18,
            "adi": False,
            "clp": [6, 10, 12, 14, 16],
            "tcl": None,
            "lbp": int(now * 1000) % 86400000,
            **self.extra,
        }

    # --- /api/set -----------------------------------------------------------------------------

    def check(self, key: str, value: Any) -> str | None:
        """Return why ``key=value`` is refused, or None if it is accepted."""
        if key in READ_ONLY:
            return f"{key}: failed: read-only key"
        integer = isinstance(value, int) and not isinstance(value, bool)
        ranges = {
            "amp": (self.mca, self.ama),
            "ama": (self.mca, self.ama_limit),
            "mca": (6, self.ama),
            "frc": (0, 2),
            "psm": (0, 2),
            "acs": (0, 1),
            "lmo": (3, 5),
            "ust": (0, 2),
        }
        if key in ranges:
            low, high = ranges[key]
            if not integer or not low <= value <= high:
                return f"{key}: failed: Value {value} exceeds range {low} to {high}"
            return None
        if key == "trx":
            if value is None or (integer and 0 <= value <= 10):
                return None
            return f"trx: failed: Value {value} is not null or 0..10"
        if key == "fna":
            return None if isinstance(value, str) and len(value) <= 32 else "fna: failed: string"
        if key in {"fup", "cae"}:
            return None if isinstance(value, bool) else f"{key}: failed: not a bool"
        if key == "dwo":
            ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
            return None if ok else "dwo: failed: not a number"
        return f"{key}: failed: unknown key"

    def apply(self, key: str, value: Any) -> None:
        """Store an accepted value."""
        if key in {"amp", "ama", "mca", "frc", "psm", "acs", "trx"}:
            setattr(self, key, value)
        elif key == "fna":
            self.name = value
        elif key == "cae":
            self.cloud_api = value
        else:
            self.extra[key] = value


def _initial_chargers() -> dict[str, Charger]:
    # Names no other simulated vendor uses: the dev Home Assistant runs all four integrations,
    # and equal device names would mix their devices and entity ids.
    chargers = [
        Charger(
            serial="051215",
            token="sim-goe-051215",  # noqa: S106 - a simulated token
            name="Driveway",
            variant=22,
            plugged=True,
            need_wh=40000.0,
            amp=16,
            acs=1,
            trx=0,
            wh=1136.361,
            eto=481783.0,
        ),
        Charger(
            serial="072931",
            token="sim-goe-072931",  # noqa: S106 - a simulated token
            name="Barn",
            variant=11,
            plugged=False,
            need_wh=0.0,
            amp=10,
            acs=1,
            trx=None,
            wh=3499.513,
            eto=44052.0,
        ),
    ]
    return {c.serial: c for c in chargers}


def _tokens(request: web.Request) -> set[str]:
    """Return the readings of the token a request carries (empty when it carries none).

    The old library sent the raw token as "Basic"; others send base64("user:token"). A raw
    token may itself be valid base64, so both readings count: decoding it alone would refuse it.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return {value}
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return {value}
        return {value, decoded.partition(":")[2] or decoded}
    token = request.query.get("token")
    return {token} if token else set()


class GoeChargerVendor(Vendor):
    """The go-e cloud: one charger per serial, routed by path prefix."""

    name: ClassVar[str] = "goecharger"

    def __init__(self, clock: SimClock) -> None:
        """Create the chargers in their initial state."""
        super().__init__(clock)
        self.chargers = _initial_chargers()

    def reset(self) -> None:
        """Restore the initial chargers."""
        super().reset()
        self.chargers = _initial_chargers()

    def evolve(self, start: float, end: float) -> None:
        """Charge every charger for the elapsed time."""
        for charger in self.chargers.values():
            charger.evolve(end - start)

    def add_chargers(self, count: int) -> list[str]:
        """Add ``count`` charging 22 kW wallboxes (serials from 100000 up); return their serials."""
        added: list[str] = []
        number = 100000
        while len(added) < count:
            serial = str(number)
            number += 1
            if serial in self.chargers:
                continue
            self.chargers[serial] = Charger(
                serial=serial,
                token=f"sim-goe-{serial}",
                name=f"Charger {serial}",
                variant=22,
                plugged=True,
                need_wh=40000.0,
                amp=16,
                acs=0,
                trx=None,
            )
            added.append(serial)
        return added

    def dev_entries(self, base_url: str) -> list[DevEntry]:
        """Add the charging wallbox to the dev instance."""
        charger = self.chargers["051215"]
        return [
            DevEntry(
                domain="smartenergy_goecharger",
                steps=[
                    {
                        "name": charger.name,
                        "serial": charger.serial,
                        "api_token": charger.token,
                        # the API URL is in the form's collapsed "advanced" section
                        "advanced": {"api_url": f"{base_url}/{self.name}/{charger.serial}"},
                    }
                ],
            )
        ]

    def routes(self) -> list[web.RouteDef]:
        """Return the cloud API routes."""
        return [
            web.get("/{serial}/api/status", self._status),
            web.get("/{serial}/api/set", self._set),
        ]

    def control_routes(self) -> list[web.RouteDef]:
        """Return the switches: chargers, token, offline, cloud API, car plug, error, quirks."""
        return [
            web.get("/chargers", self._list),
            web.post("/chargers", self._add),
            web.post("/{serial}/token", self._token),
            web.post("/{serial}/offline", self._offline),
            web.post("/{serial}/cloud_api", self._cloud_api),
            web.post("/{serial}/car", self._car),
            web.post("/{serial}/error", self._error),
            web.post("/{serial}/quirks", self._quirks),
        ]

    # --- API --------------------------------------------------------------------------------------

    def _authorize(self, request: web.Request) -> Charger:
        charger = self.chargers.get(request.match_info["serial"])
        if charger is None:
            raise web.HTTPNotFound(
                text=json.dumps({"success": False, "reason": "Unknown device"}),
                content_type="application/json",
            )
        if charger.token not in _tokens(request):
            raise web.HTTPUnauthorized(
                text=json.dumps({"success": False, "reason": "Invalid token"}),
                content_type="application/json",
            )
        if not charger.cloud_api:
            raise web.HTTPForbidden(
                text=json.dumps({"success": False, "reason": "Cloud API is not enabled"}),
                content_type="application/json",
            )
        if charger.offline:
            age = round(self.clock.timestamp() - charger.offline_since, 2)
            raise web.HTTPNotFound(
                text=json.dumps({**OUTDATED, "age": age}), content_type="application/json"
            )
        return charger

    async def _status(self, request: web.Request) -> web.Response:
        charger = self._authorize(request)
        now = self.clock.timestamp()
        status = charger.status(now)
        wanted = request.query.get("filter")
        if wanted:
            keys = [k.strip() for k in wanted.split(",") if k.strip()]
            status = {k: status[k] for k in keys if k in status}
        return web.json_response(
            status,
            headers={"Last-Modified": formatdate(int(now), usegmt=True)},
            dumps=lambda d: json.dumps(d, separators=(",", ":")),
        )

    async def _set(self, request: web.Request) -> web.Response:
        charger = self._authorize(request)
        results: dict[str, Any] = {}
        accepted: dict[str, Any] = {}
        for key, raw in request.query.items():
            if key == "token":
                continue
            try:
                value = json.loads(raw)
            except ValueError:
                results[key] = f"{key}: failed: value is not JSON ({raw})"
                continue
            error = charger.check(key, value)
            results[key] = error if error is not None else True
            if error is None:
                accepted[key] = value
        for key, value in accepted.items():
            charger.apply(key, value)
        return web.json_response(results, status=202 if accepted else 422)

    # --- control ----------------------------------------------------------------------------------

    def _charger(self, request: web.Request) -> Charger:
        charger = self.chargers.get(request.match_info["serial"])
        if charger is None:
            raise web.HTTPNotFound(
                text='{"error": "unknown serial"}', content_type="application/json"
            )
        return charger

    async def _list(self, _: web.Request) -> web.Response:
        now = self.clock.timestamp()
        return web.json_response(
            {
                serial: {
                    "offline": c.offline,
                    "cloud_api": c.cloud_api,
                    "plugged": c.plugged,
                    "status": c.status(now),
                }
                for serial, c in self.chargers.items()
            }
        )

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(
                text='{"error": "a JSON object is expected"}', content_type="application/json"
            )
        return data

    async def _add(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        count = data.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1000:
            raise web.HTTPBadRequest(
                text='{"error": "count must be 1..1000"}', content_type="application/json"
            )
        return web.json_response({"added": self.add_chargers(count)})

    async def _token(self, request: web.Request) -> web.Response:
        """Replace the API token, as generating a new one in the go-e app does (the old: 401)."""
        charger = self._charger(request)
        data = await self._body(request)
        token = data.get("token")
        if not isinstance(token, str) or not token:
            raise web.HTTPBadRequest(
                text='{"error": "a token is expected"}', content_type="application/json"
            )
        charger.token = token
        return web.json_response({"serial": charger.serial})

    async def _offline(self, request: web.Request) -> web.Response:
        charger = self._charger(request)
        data = await self._body(request)
        offline = bool(data.get("offline", True))
        if offline and not charger.offline:
            charger.offline_since = self.clock.timestamp()
        charger.offline = offline
        return web.json_response({"serial": charger.serial, "offline": charger.offline})

    async def _cloud_api(self, request: web.Request) -> web.Response:
        charger = self._charger(request)
        data = await self._body(request)
        charger.cloud_api = bool(data.get("enabled", True))
        return web.json_response({"serial": charger.serial, "cloud_api": charger.cloud_api})

    async def _car(self, request: web.Request) -> web.Response:
        charger = self._charger(request)
        data = await self._body(request)
        if data.get("connected", True):
            charger.plug(float(data.get("need_wh", 20000.0)))
        else:
            charger.unplug()
        return web.json_response({"serial": charger.serial, "plugged": charger.plugged})

    async def _error(self, request: web.Request) -> web.Response:
        charger = self._charger(request)
        data = await self._body(request)
        charger.err = int(data.get("err", 0))
        return web.json_response({"serial": charger.serial, "err": charger.err})

    async def _quirks(self, request: web.Request) -> web.Response:
        """Switch firmware quirks: ``stays_charging_when_stopped`` (car stays 2 after frc=1)."""
        charger = self._charger(request)
        data = await self._body(request)
        charger.stays_charging_when_stopped = bool(data.get("stays_charging_when_stopped", True))
        return web.json_response(
            {
                "serial": charger.serial,
                "stays_charging_when_stopped": charger.stays_charging_when_stopped,
            }
        )


VENDOR = GoeChargerVendor
