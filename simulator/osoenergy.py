"""Simulated OSO Energy water-heater cloud (``/osoenergy``).

Serves OSO's cloud API as OSO documents it and as its clients use it: the
``Ocp-Apim-Subscription-Key`` header (401 when missing or unknown, 403 when expired),
case-insensitive paths with an optional trailing slash,
``GET /1/User/Details``, ``GET /1/Device/All``, ``GET /1/Device/<id>/V40Min`` and the write
endpoints (``TurnOn``, ``TurnOff``, ``Profile``, ``V40Min/<value>``, ``OptimizationMode``,
``HolidayMode``, ``HighDemand``), which answer 200 with an empty body and mutate the heater, or
400 with a message when they are rejected. OSO's own Python library (pyosoenergyapi) runs
against it as a judge in tests/judges.

Two heaters (SAGA S200 and SAGA S300) heat towards the target temperature of the current UTC
hour of their profile, or cool down when heating is off, in closed form over simulated time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
import math
import re
from typing import Any, ClassVar

from aiohttp import web

from .core import DevEntry, SimClock, Vendor

API_KEY = "oso-sim-key"
OTHER_API_KEY = "oso-sim-key-other"
EMAIL = "owner@example.com"
OTHER_EMAIL = "someone.else@example.com"

AMBIENT = 20.0
HEAT_TAU = 3600.0  # seconds: time constant of heating towards the target
COOL_TAU = 2 * 86400.0  # seconds: time constant of cooling towards the ambient
HYSTERESIS = 0.5
ELEMENT_KW = 3.0
FORCE_SECONDS = 3600.0
FORCE_OFF_LIMIT_SECONDS = 86400.0
# ``PUT /1/Device/<id>/OptimizationMode`` takes the option as a number. The mapping is not
# published: the number is taken as the position in the order OSO's own apps list the options
# (the Homey app's enum; "Nettleie" was added last, in 2025-09).
OPTIMIZATION_OPTIONS: tuple[str, ...] = (
    "Off",
    "OSO",
    "GridCompany",
    "SmartCompany",
    "Advanced",
    "Nettleie",
)
MODELS: dict[str, tuple[int, int, int]] = {
    # deviceType: (volume, v40LevelMin, v40LevelMax)
    "SAGA S200": (200, 200, 350),
    "SAGA S300": (300, 300, 550),
}

Handler = Callable[[web.Request, dict[str, str]], Awaitable[web.StreamResponse]]


@dataclass
class Heater:
    """The state of one simulated heater."""

    device_id: str
    name: str
    device_type: str
    temperature: float
    profile: list[float]
    v40_min: float
    optimization: str = "OSO"
    optimization_sub: int | None = None
    min_temperature: int = 10
    max_temperature: int = 75
    connected: bool = True
    power_save: bool = False
    extra_energy: bool = False
    forced: str | None = None  # "on" / "off" while forced by TurnOn / TurnOff
    forced_until: float | None = None  # POSIX end of a forced period (None: until the limit)
    forced_limit: bool = False
    energy: float = 0.0
    heating: bool = False
    sensors: tuple[str, ...] = ("Top", "Mid", "Low")
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def volume(self) -> int:
        """Tank volume in litres."""
        return MODELS.get(self.device_type, (200, 200, 350))[0]

    def setpoint(self, at: float) -> float:
        """Target temperature at an instant: the profile value of that UTC hour."""
        return self.profile[datetime.fromtimestamp(at, UTC).hour]

    def mode(self) -> str:
        """Return the ``control.mode`` value."""
        if self.forced == "on":
            return "ExtraEnergy"
        if self.forced == "off" or self.power_save:
            return "PowerSave"
        return "auto"

    def _segment(self, start: float, end: float) -> None:
        """Evolve over an interval with a constant setpoint."""
        duration = end - start
        if duration <= 0:
            return
        heating_allowed = self.forced != "off" and not self.power_save
        top = float(self.max_temperature)
        target = top if self.forced == "on" and self.forced_limit else self.setpoint(start)
        if self.forced == "on":
            target = max(target, self.setpoint(start))
        if self.extra_energy:
            target = max(target, top)
        t0 = self.temperature
        if heating_allowed and t0 < target:
            self.temperature = target + (t0 - target) * math.exp(-duration / HEAT_TAU)
            if t0 < target - HYSTERESIS:
                on_time = HEAT_TAU * math.log((target - t0) / HYSTERESIS)
                self.energy += ELEMENT_KW * min(duration, on_time) / 3600.0
            self.heating = self.temperature < target - HYSTERESIS
        else:
            floor = target if heating_allowed else AMBIENT
            self.temperature = floor + (t0 - floor) * math.exp(-duration / COOL_TAU)
            self.heating = False

    def evolve(self, start: float, end: float) -> None:
        """Evolve from ``start`` to ``end``: one segment per UTC hour, at most two days."""
        start = max(start, end - 2 * 86400.0)
        while start < end:
            stop = min(end, (math.floor(start / 3600.0) + 1) * 3600.0)
            if self.forced is not None and self.forced_until is not None:
                stop = min(stop, max(self.forced_until, start))
            self._segment(start, stop)
            start = stop
            if self.forced_until is not None and start >= self.forced_until:
                self.forced = self.forced_until = None
            elif (
                self.forced == "on"
                and self.forced_limit
                and self.temperature >= self.max_temperature - 1
            ):
                self.forced = None

    def as_json(self, now: float) -> dict[str, Any]:
        """Return the ``GET /1/Device/All`` object of this heater."""
        _, level_min, level_max = MODELS.get(self.device_type, (200, 200, 350))
        temp = round(self.temperature, 1)
        target = self.setpoint(now)
        sensors = {
            "Top": round(min(temp + 3.0, 80.0), 1),
            "Mid": temp,
            "Low": round(max(temp - 15.0, 10.0), 1),
            "One": temp,
        }
        control: dict[str, Any] = {
            "heater": "on" if self.heating else "off",
            "mode": self.mode(),
            "currentTemperature": temp,
            "targetTemperature": target,
            "targetTemperatureLow": target - 3,
            "targetTemperatureHigh": target + 3,
            "minTemperature": self.min_temperature,
            "maxTemperature": self.max_temperature,
        }
        for name in ("One", "Low", "Mid", "Top"):
            control[f"currentTemperature{name}"] = sensors[name] if name in self.sensors else None
        usable = max(self.temperature - 10.0, 0.0)
        return {
            "deviceId": self.device_id,
            "deviceName": self.name,
            "deviceType": self.device_type,
            "connectionState": {
                "connectionState": "Connected" if self.connected else "Disconnected"
            },
            "control": control,
            "data": {
                "actualLoadKwh": ELEMENT_KW if self.heating else 0.0,
                "tappingCapacitykWh": round(self.volume * usable * 4.186 / 3600.0, 2),
                "capacityMixedWater40": round(self.volume * usable / 30.0),
                "consumedPowerkWh": round(self.energy, 3),
            },
            "powerConsumption": ELEMENT_KW if self.heating else 0.0,
            "volume": self.volume,
            "v40Min": self.v40_min,
            "v40LevelMin": level_min,
            "v40LevelMax": level_max,
            "optimizationOption": self.optimization,
            "optimizationSubOption": self.optimization_sub,
            "profile": list(self.profile),
            "isInPowerSave": self.power_save,
            "isInExtraEnergy": self.extra_energy,
            **self.extra,
        }


def _initial_heaters() -> dict[str, Heater]:
    return {
        heater.device_id: heater
        for heater in (
            Heater(
                device_id="oso-s200-0001",
                name="Bathroom heater",
                device_type="SAGA S200",
                temperature=52.0,
                profile=[65.0] * 24,
                v40_min=240.0,
            ),
            Heater(
                device_id="oso-s300-0002",
                name="Basement heater",
                device_type="SAGA S300",
                temperature=70.0,
                profile=[55.0] * 6 + [70.0] * 18,
                v40_min=350.0,
                optimization="GridCompany",
                sensors=("One", "Top", "Mid", "Low"),
            ),
        )
    }


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"statusCode": status, "message": message}, status=status)


def _parse_bool(value: str | None) -> bool | None:
    if value is None:
        return False
    lowered = value.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    return None


class OSOEnergyVendor(Vendor):
    """The OSO Energy cloud."""

    name: ClassVar[str] = "osoenergy"

    def __init__(self, clock: SimClock) -> None:
        """Create the account with its two heaters."""
        super().__init__(clock)
        self.keys: dict[str, str] = {}
        self.expired: set[str] = set()
        self.heaters: dict[str, Heater] = {}
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", re.compile(r"/1/user/details", re.IGNORECASE), self._user_details),
            ("GET", re.compile(r"/1/device/all", re.IGNORECASE), self._device_all),
            ("POST", self._device_path(r"turnon"), self._turn_on),
            ("POST", self._device_path(r"turnoff"), self._turn_off),
            ("PUT", self._device_path(r"profile"), self._profile),
            ("PUT", self._device_path(r"v40min/(?P<value>[^/]+)"), self._v40_min),
            ("GET", self._device_path(r"v40min"), self._get_v40_min),
            ("PUT", self._device_path(r"optimizationmode"), self._optimization_mode),
            (
                "POST",
                self._device_path(r"holidaymode/(?P<start>[^/]+)/(?P<end>[^/]+)"),
                self._holiday_on,
            ),
            ("DELETE", self._device_path(r"holidaymode"), self._holiday_off),
            ("POST", self._device_path(r"highdemand"), self._high_demand),
            ("DELETE", self._device_path(r"highdemand"), self._high_demand),
        ]
        self.reset()

    @staticmethod
    def _device_path(rest: str) -> re.Pattern[str]:
        return re.compile(rf"/1/device/(?P<device_id>[^/]+)/{rest}", re.IGNORECASE)

    def reset(self) -> None:
        """Restore the two heaters and the keys."""
        super().reset()
        self.keys = {API_KEY: EMAIL, OTHER_API_KEY: OTHER_EMAIL}
        self.expired = set()
        self.heaters = _initial_heaters()
        now = self.clock.timestamp()
        for heater in self.heaters.values():
            heater.heating = heater.temperature < heater.setpoint(now) - HYSTERESIS

    def evolve(self, start: float, end: float) -> None:
        """Heat or cool every heater over the interval."""
        for heater in self.heaters.values():
            heater.evolve(start, end)

    def dev_entries(self, base_url: str) -> list[DevEntry]:
        """One entry with the simulator key, pointed at this vendor."""
        return [
            DevEntry(
                domain="osoenergy",
                # The API URL sits in the config flow's collapsed "advanced" section.
                steps=[{"api_key": API_KEY, "advanced": {"api_url": f"{base_url}/{self.name}"}}],
            )
        ]

    # --- routing -------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        """Canonical spellings as the official clients send them, plus a catch-all."""
        canonical = [
            web.get("/1/User/Details", self._dispatch),
            web.get("/1/Device/All", self._dispatch),
            web.post("/1/Device/{device_id}/TurnOn", self._dispatch),
            web.post("/1/Device/{device_id}/TurnOff", self._dispatch),
            web.put("/1/Device/{device_id}/Profile", self._dispatch),
            web.put("/1/Device/{device_id}/V40Min/{value}", self._dispatch),
            web.get("/1/Device/{device_id}/V40Min", self._dispatch),
            web.put("/1/Device/{device_id}/OptimizationMode", self._dispatch),
            web.post("/1/Device/{device_id}/HolidayMode/{start}/{end}", self._dispatch),
            web.delete("/1/Device/{device_id}/HolidayMode", self._dispatch),
            web.post("/1/Device/{device_id}/HighDemand", self._dispatch),
            web.delete("/1/Device/{device_id}/HighDemand", self._dispatch),
            # OSO's Homey client, the one client that sends HighDemand, adds a trailing slash.
            web.post("/1/Device/{device_id}/HighDemand/", self._dispatch),
            web.delete("/1/Device/{device_id}/HighDemand/", self._dispatch),
        ]
        return [*canonical, web.route("*", "/{tail:.*}", self._dispatch)]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        """Match the path case-insensitively (optional trailing slash), then check the key."""
        path = request.path.removeprefix(f"/{self.name}")
        if len(path) > 1:
            path = path.rstrip("/")
        allowed = False
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            allowed = True
            if method == request.method:
                denied = self._check_key(request)
                if denied is not None:
                    return denied
                return await handler(request, match.groupdict())
        if allowed:
            return _json_error(405, "Method not allowed")
        return _json_error(404, "Resource not found")

    def _check_key(self, request: web.Request) -> web.Response | None:
        key = request.headers.get("Ocp-Apim-Subscription-Key")
        if not key:
            return _json_error(
                401, "Access denied due to missing subscription key. Include the key."
            )
        if key not in self.keys:
            return _json_error(401, "Access denied due to invalid subscription key.")
        if key in self.expired:
            return _json_error(403, "The subscription key has expired. Renew it in the portal.")
        request["email"] = self.keys[key]
        return None

    def _heater(self, request: web.Request, params: dict[str, str]) -> Heater | web.Response:
        heater = self._account(request).get(params["device_id"])
        if heater is None:
            return _json_error(404, "Device not found")
        if not heater.connected:
            return _json_error(400, "Device is not connected")
        return heater

    def _account(self, request: web.Request) -> dict[str, Heater]:
        return self.heaters if request.get("email") == EMAIL else {}

    # --- handlers ------------------------------------------------------------------------

    async def _user_details(self, request: web.Request, _: dict[str, str]) -> web.Response:
        return web.json_response({"email": request["email"]})

    async def _device_all(self, request: web.Request, _: dict[str, str]) -> web.Response:
        now = self.clock.timestamp()
        return web.json_response(
            [heater.as_json(now) for heater in self._account(request).values()]
        )

    def _force_flag(self, request: web.Request) -> bool | None:
        value = request.query.get("fullUtilizationParam", request.query.get("fullUtilization"))
        return _parse_bool(value)

    async def _turn_on(self, request: web.Request, params: dict[str, str]) -> web.Response:
        heater = self._heater(request, params)
        if isinstance(heater, web.Response):
            return heater
        flag = self._force_flag(request)
        if flag is None:
            return _json_error(400, "Invalid fullUtilizationParam")
        if heater.power_save:
            return _json_error(400, "Heater cannot be forced on at the moment")
        now = self.clock.timestamp()
        heater.forced, heater.forced_limit = "on", flag
        heater.forced_until = None if flag else now + FORCE_SECONDS
        heater.heating = heater.temperature < heater.max_temperature - 1
        return web.Response(status=200)

    async def _turn_off(self, request: web.Request, params: dict[str, str]) -> web.Response:
        heater = self._heater(request, params)
        if isinstance(heater, web.Response):
            return heater
        flag = self._force_flag(request)
        if flag is None:
            return _json_error(400, "Invalid fullUtilizationParam")
        now = self.clock.timestamp()
        heater.forced, heater.forced_limit = "off", flag
        heater.forced_until = now + (FORCE_OFF_LIMIT_SECONDS if flag else FORCE_SECONDS)
        heater.heating = False
        return web.Response(status=200)

    async def _profile(self, request: web.Request, params: dict[str, str]) -> web.Response:
        heater = self._heater(request, params)
        if isinstance(heater, web.Response):
            return heater
        try:
            body = await request.json()
        except ValueError:
            return _json_error(400, "Invalid JSON body")
        hours = body.get("hours") if isinstance(body, dict) else None
        low, high = heater.min_temperature, heater.max_temperature
        if (
            not isinstance(hours, list)
            or len(hours) != 24
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high
                for v in hours
            )
        ):
            return _json_error(400, f"hours must be 24 temperatures between {low} and {high}")
        heater.profile = [float(v) for v in hours]
        now = self.clock.timestamp()
        heater.heating = heater.temperature < heater.setpoint(now) - HYSTERESIS
        return web.Response(status=200)

    async def _v40_min(self, request: web.Request, params: dict[str, str]) -> web.Response:
        heater = self._heater(request, params)
        if isinstance(heater, web.Response):
            return heater
        try:
            value = float(params["value"])
        except ValueError:
            return _json_error(400, "Invalid V40 min")
        _, level_min, level_max = MODELS.get(heater.device_type, (200, 200, 350))
        if not level_min <= value <= level_max:
            return _json_error(400, f"V40 min must be between {level_min} and {level_max}")
        heater.v40_min = value
        return web.Response(status=200)

    async def _get_v40_min(self, request: web.Request, params: dict[str, str]) -> web.Response:
        """Answer the V40 min of a heater as a bare JSON number (an endpoint of the early API)."""
        heater = self._account(request).get(params["device_id"])
        if heater is None:
            return _json_error(404, "Device not found")
        return web.json_response(heater.v40_min)

    async def _optimization_mode(
        self, request: web.Request, params: dict[str, str]
    ) -> web.Response:
        """Set the optimization option (a number, see OPTIMIZATION_OPTIONS) and sub option."""
        heater = self._heater(request, params)
        if isinstance(heater, web.Response):
            return heater
        try:
            body = await request.json()
        except ValueError:
            return _json_error(400, "Invalid JSON body")
        if not isinstance(body, dict):
            return _json_error(400, "A JSON object is required")
        option = body.get("optimizationOptions")
        sub_option = body.get("optimizationSubOptions")
        if (
            not isinstance(option, int)
            or isinstance(option, bool)
            or not 0 <= option < len(OPTIMIZATION_OPTIONS)
        ):
            return _json_error(400, "Invalid optimizationOptions")
        if sub_option is not None and (
            not isinstance(sub_option, int) or isinstance(sub_option, bool)
        ):
            return _json_error(400, "Invalid optimizationSubOptions")
        heater.optimization = OPTIMIZATION_OPTIONS[option]
        heater.optimization_sub = sub_option
        return web.Response(status=200)

    async def _holiday_on(self, request: web.Request, params: dict[str, str]) -> web.Response:
        heater = self._heater(request, params)
        if isinstance(heater, web.Response):
            return heater
        try:
            start = datetime.fromisoformat(params["start"])
            end = datetime.fromisoformat(params["end"])
        except ValueError:
            return _json_error(400, "Invalid holiday period")
        if end <= start:
            return _json_error(400, "Could not turn on sleep mode")
        heater.power_save = True
        heater.extra_energy = False
        heater.heating = False
        return web.Response(status=200)

    async def _holiday_off(self, request: web.Request, params: dict[str, str]) -> web.Response:
        heater = self._heater(request, params)
        if isinstance(heater, web.Response):
            return heater
        heater.power_save = False
        return web.Response(status=200)

    async def _high_demand(self, request: web.Request, params: dict[str, str]) -> web.Response:
        heater = self._heater(request, params)
        if isinstance(heater, web.Response):
            return heater
        enable = request.method == "POST"
        if enable and heater.power_save:
            return _json_error(400, "Could not turn on high demand")
        heater.extra_energy = enable
        return web.Response(status=200)

    # --- control API ---------------------------------------------------------------------

    def control_routes(self) -> list[web.RouteDef]:
        """Connect/disconnect, add/remove heaters, expire keys, read the state."""
        return [
            web.get("/heaters", self._ctl_list),
            web.post("/heaters", self._ctl_add),
            web.delete("/heaters/{device_id}", self._ctl_remove),
            web.post("/heaters/{device_id}/disconnect", self._ctl_connection),
            web.post("/heaters/{device_id}/connect", self._ctl_connection),
            web.post("/heaters/{device_id}/raw", self._ctl_raw),
            web.post("/keys/{key}/expire", self._ctl_key),
            web.post("/keys/{key}/renew", self._ctl_key),
        ]

    async def _ctl_list(self, _: web.Request) -> web.Response:
        self.sync()
        now = self.clock.timestamp()
        return web.json_response([heater.as_json(now) for heater in self.heaters.values()])

    async def _ctl_add(self, request: web.Request) -> web.Response:
        self.sync()
        try:
            data = await request.json()
            device_type = str(data.get("deviceType", "SAGA S200"))
            device_id = str(data.get("deviceId", f"oso-sim-{len(self.heaters) + 1:04d}"))
            name = str(data.get("deviceName", f"Heater {len(self.heaters) + 1}"))
        except (ValueError, AttributeError) as err:
            return web.json_response({"error": str(err)}, status=400)
        if device_type not in MODELS or device_id in self.heaters:
            return web.json_response({"error": "unknown type or duplicate id"}, status=400)
        heater = Heater(
            device_id=device_id,
            name=name,
            device_type=device_type,
            temperature=AMBIENT,
            profile=[60.0] * 24,
            v40_min=float(MODELS[device_type][1]),
        )
        heater.heating = True
        self.heaters[device_id] = heater
        return web.json_response(heater.as_json(self.clock.timestamp()), status=201)

    async def _ctl_remove(self, request: web.Request) -> web.Response:
        if self.heaters.pop(request.match_info["device_id"], None) is None:
            return web.json_response({"error": "no such heater"}, status=404)
        return web.json_response({"removed": request.match_info["device_id"]})

    async def _ctl_connection(self, request: web.Request) -> web.Response:
        heater = self.heaters.get(request.match_info["device_id"])
        if heater is None:
            return web.json_response({"error": "no such heater"}, status=404)
        self.sync()
        heater.connected = request.path.endswith("/connect")
        return web.json_response({"connected": heater.connected})

    async def _ctl_raw(self, request: web.Request) -> web.Response:
        """Override top-level fields of a heater's JSON (e.g. an unknown optimization)."""
        heater = self.heaters.get(request.match_info["device_id"])
        if heater is None:
            return web.json_response({"error": "no such heater"}, status=404)
        data = await request.json()
        if not isinstance(data, dict):
            return web.json_response({"error": "a JSON object is required"}, status=400)
        heater.extra.update(copy.deepcopy(data))
        return web.json_response(heater.extra)

    async def _ctl_key(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if key not in self.keys:
            return web.json_response({"error": "no such key"}, status=404)
        if request.path.endswith("/expire"):
            self.expired.add(key)
        else:
            self.expired.discard(key)
        return web.json_response({"key": key, "expired": key in self.expired})


VENDOR = OSOEnergyVendor
