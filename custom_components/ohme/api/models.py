"""Typed models of the Ohme cloud answers; parsing tolerates null and missing fields."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
import math
from typing import Any


class ChargerStatus(StrEnum):
    """Status of the charger, derived from the session mode and power."""

    UNPLUGGED = "unplugged"
    PENDING_APPROVAL = "pending_approval"
    CHARGING = "charging"
    PLUGGED_IN = "plugged_in"
    PAUSED = "paused"
    FINISHED = "finished"


class ChargerMode(StrEnum):
    """Charge mode the user can choose while a vehicle is plugged in."""

    SMART_CHARGE = "smart_charge"
    MAX_CHARGE = "max_charge"
    PAUSED = "paused"


_MODES = {
    "SMART_CHARGE": ChargerMode.SMART_CHARGE,
    "MAX_CHARGE": ChargerMode.MAX_CHARGE,
    "STOPPED": ChargerMode.PAUSED,
}
_FIXED_STATUS = {
    "PENDING_APPROVAL": ChargerStatus.PENDING_APPROVAL,
    "DISCONNECTED": ChargerStatus.UNPLUGGED,
    "STOPPED": ChargerStatus.PAUSED,
    "FINISHED_CHARGE": ChargerStatus.FINISHED,
}


def _dict(value: Any) -> dict[str, Any]:
    """Return ``value`` if it is a JSON object, else an empty dict."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """Return ``value`` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def _num(value: Any) -> float | None:
    """Return a finite number (bools, strings, NaN and infinities are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    """Return an int from a JSON number."""
    number = _num(value)
    return None if number is None else int(number)


def _str(value: Any) -> str | None:
    """Return a string or None."""
    return value if isinstance(value, str) else None


@dataclass(frozen=True, kw_only=True)
class ChargeRule:
    """A charge rule: target percentage, target time and preconditioning."""

    id: str | None = None
    target_percent: int | None = None
    target_time: int | None = None  # seconds after local midnight
    preconditioning_enabled: bool = False
    precondition_length_mins: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> ChargeRule | None:
        """Parse a rule object; None if it is not an object."""
        if not isinstance(data, dict):
            return None
        return cls(
            id=_str(data.get("id")),
            target_percent=_int(data.get("targetPercent")),
            target_time=_int(data.get("targetTime")),
            preconditioning_enabled=data.get("preconditioningEnabled") is True,
            precondition_length_mins=_int(data.get("preconditionLengthMins")),
        )

    @property
    def preconditioning_minutes(self) -> int:
        """Return the preconditioning length, 0 when preconditioning is off."""
        if not self.preconditioning_enabled:
            return 0
        return self.precondition_length_mins or 0


@dataclass(frozen=True, kw_only=True)
class ChargeSlot:
    """A planned charge slot (adjacent slots merged)."""

    start: datetime
    end: datetime
    energy: float  # kWh

    @property
    def power(self) -> float:
        """Return the mean power of the slot in kW."""
        hours = (self.end - self.start).total_seconds() / 3600
        return round(self.energy / hours, 2) if hours > 0 else 0.0


def parse_slots(data: Any) -> tuple[ChargeSlot, ...]:
    """Parse ``allSessionSlots`` into time-ordered, merged slots (UTC datetimes, kWh)."""
    raw: list[tuple[datetime, datetime, float]] = []
    for item in _list(data):
        slot = _dict(item)
        start_ms, end_ms = _num(slot.get("startTimeMs")), _num(slot.get("endTimeMs"))
        if start_ms is None or end_ms is None or end_ms <= start_ms:
            continue
        watts = _num(slot.get("watts")) or 0.0
        start = datetime.fromtimestamp(int(start_ms // 1000), UTC)
        end = datetime.fromtimestamp(int(end_ms // 1000), UTC)
        hours = (end_ms - start_ms) / 3_600_000
        raw.append((start, end, watts * hours / 1000))
    raw.sort(key=lambda slot: slot[0])
    merged: list[ChargeSlot] = []
    for start, end, energy in raw:
        if merged and merged[-1].end == start:
            last = merged[-1]
            merged[-1] = ChargeSlot(start=last.start, end=end, energy=last.energy + energy)
        else:
            merged.append(ChargeSlot(start=start, end=end, energy=energy))
    return tuple(ChargeSlot(start=s.start, end=s.end, energy=round(s.energy, 3)) for s in merged)


@dataclass(frozen=True, kw_only=True)
class ChargeSession:
    """The live charge session (``GET /v1/chargeSessions``, first element)."""

    session_id: str | None = None
    mode_raw: str | None = None
    power_w: float = 0.0
    current_a: float = 0.0
    voltage_v: float | None = None
    battery_wh: float | None = None
    battery_percent: int | None = None
    energy_charged_wh: float | None = None
    online: bool = False
    applied_rule: ChargeRule | None = None
    suspended_rule: ChargeRule | None = None
    slots: tuple[ChargeSlot, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> ChargeSession:
        """Parse the answer of ``GET /v1/chargeSessions`` (an array; empty -> unplugged)."""
        items = _list(data)
        session = _dict(items[0]) if items else {"mode": "DISCONNECTED"}
        power = _dict(session.get("power"))
        soc = _dict(session.get("batterySoc"))
        car_soc = _dict(_dict(session.get("car")).get("batterySoc"))
        status = _dict(session.get("chargerStatus"))
        stats = _dict(session.get("chargeStats"))
        percent = _int(car_soc.get("percent"))
        parsed = cls(
            session_id=_str(session.get("sessionId")),
            mode_raw=_str(session.get("mode")),
            power_w=_num(power.get("watt")) or 0.0,
            current_a=_num(power.get("amp")) or 0.0,
            voltage_v=_num(power.get("volt")),
            battery_wh=_num(soc.get("wh")) if soc else None,
            battery_percent=_int(soc.get("percent")) if percent is None else percent,
            energy_charged_wh=_num(stats.get("energyChargedTotalWh")),
            online=status.get("online") is True,
            applied_rule=ChargeRule.from_json(session.get("appliedRule")),
            suspended_rule=ChargeRule.from_json(session.get("suspendedRule")),
            slots=parse_slots(session.get("allSessionSlots")),
        )
        # Without a session Ohme answers a placeholder battery of 0 %: not a reading.
        return parsed if parsed.in_progress else replace(parsed, battery_percent=None)

    @property
    def status(self) -> ChargerStatus:
        """Return the charger status, derived from the mode and the power.

        Ohme has no status field: the modes DISCONNECTED (unplugged), PENDING_APPROVAL,
        STOPPED (paused) and FINISHED_CHARGE fix it; any other mode, or none, means plugged
        in, and charging while power flows.
        """
        if (fixed := _FIXED_STATUS.get(self.mode_raw or "")) is not None:
            return fixed
        return ChargerStatus.CHARGING if self.power_w > 0 else ChargerStatus.PLUGGED_IN

    @property
    def mode(self) -> ChargerMode | None:
        """Return the charge mode, None when no mode applies (unplugged, finished...)."""
        return _MODES.get(self.mode_raw or "")

    @property
    def in_progress(self) -> bool:
        """Return True while a vehicle is plugged in and approved."""
        return self.status not in (ChargerStatus.UNPLUGGED, ChargerStatus.PENDING_APPROVAL)

    @property
    def energy_wh(self) -> float:
        """Return the energy delivered in this session (Wh), 0 when none is in progress."""
        if not self.in_progress:
            return 0.0
        if self.energy_charged_wh is not None:
            return max(0.0, self.energy_charged_wh)
        return max(0.0, self.battery_wh or 0.0)


@dataclass(frozen=True, kw_only=True)
class Car:
    """A vehicle of the account."""

    id: str
    name: str  # the user's name for the car, else its model
    model: str | None = None  # brand, model and years, when Ohme knows them
    battery_percent: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> Car | None:
        """Parse a car; None without an id."""
        car = _dict(data)
        if (car_id := _str(car.get("id"))) is None:
            return None
        model = _dict(car.get("model"))
        brand = _str(_dict(model.get("brand")).get("name")) or _str(model.get("make"))
        model_name = _str(model.get("modelName"))
        description = f"{brand or 'Unknown'} {model_name or 'Unknown'}"
        if (year_from := _int(model.get("availableFromYear"))) is not None:
            year_to = _int(model.get("availableToYear"))
            description += f" ({year_from}-{'' if year_to is None else year_to})"
        return cls(
            id=car_id,
            name=_str(car.get("name")) or description,
            model=description if brand or model_name else None,
            battery_percent=_int(_dict(car.get("batterySoc")).get("percent")),
        )


@dataclass(frozen=True, kw_only=True)
class Charger:
    """The first charge device of the account."""

    serial: str
    name: str
    model: str
    firmware: str | None
    capabilities: frozenset[str] = frozenset()
    settings: dict[str, Any] = field(default_factory=dict)
    solar_capable: bool = False

    @classmethod
    def from_json(cls, data: Any) -> Charger | None:
        """Parse a charge device; None without an id."""
        device = _dict(data)
        if (serial := _str(device.get("id"))) is None:
            return None
        caps = _dict(device.get("modelCapabilities"))
        name = _str(device.get("modelTypeDisplayName")) or "Ohme charger"
        return cls(
            serial=serial,
            name=name,
            model=name.removeprefix("Ohme ").strip() or name,
            firmware=_str(device.get("firmwareVersionLabel")),
            capabilities=frozenset(key for key, value in caps.items() if value is True),
            settings=dict(_dict(device.get("optionalSettings"))),
            solar_capable=len(_list(caps.get("solarModes"))) == 1,
        )

    def setting(self, key: str) -> bool:
        """Return a boolean charger setting (``optionalSettings``)."""
        return bool(self.settings.get(key))

    @property
    def solar_boost(self) -> bool:
        """Return True when solar boost (zero export) is on."""
        return self.settings.get("solarMode") == "ZERO_EXPORT"


@dataclass(frozen=True, kw_only=True)
class Account:
    """The account (``GET /v1/users/me/account``)."""

    user_id: str | None = None
    charger: Charger | None = None
    cars: tuple[Car, ...] = ()
    price_cap_enabled: bool | None = None
    price_cap: float | None = None
    price_cap_available: bool = True
    currency: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Account:
        """Parse the account answer."""
        account = _dict(data)
        devices = _list(account.get("chargeDevices"))
        settings = _dict(account.get("userSettings"))
        charge_settings = _list(settings.get("chargeSettings"))
        cap = _dict(charge_settings[0]) if charge_settings else {}
        tariff = account.get("tariff")
        cap_enabled = cap.get("enabled")
        return cls(
            user_id=_str(_dict(account.get("user")).get("id")),
            charger=Charger.from_json(devices[0]) if devices else None,
            cars=tuple(c for c in map(Car.from_json, _list(account.get("cars"))) if c),
            price_cap_enabled=cap_enabled if isinstance(cap_enabled, bool) else None,
            price_cap=_num(cap.get("value")),
            price_cap_available=not (isinstance(tariff, dict) and bool(tariff.get("dsrTariff"))),
            currency=_str(settings.get("currencyCode")),
        )

    @property
    def current_car(self) -> Car | None:
        """Return the selected vehicle (the first car of the account)."""
        return self.cars[0] if self.cars else None


@dataclass(frozen=True, kw_only=True)
class ChargeStat:
    """One bucket of the charge summary: the energy the charger delivered in it."""

    start_ms: int  # epoch milliseconds
    end_ms: int
    energy_wh: float


@dataclass(frozen=True, kw_only=True)
class ChargeSummary:
    """``GET /v1/chargeSessions/summary/users/<userId>``: energy per bucket (DAY or HOUR)."""

    granularity: str | None = None
    stats: tuple[ChargeStat, ...] = ()
    total_wh: float | None = None

    @classmethod
    def from_json(cls, data: Any) -> ChargeSummary:
        """Parse the summary; buckets without a start, an end or a usable energy are skipped."""
        summary = _dict(data)
        stats = []
        for item in _list(summary.get("stats")):
            stat = _dict(item)
            start, end = _int(stat.get("startTime")), _int(stat.get("endTime"))
            energy = _num(stat.get("energyChargedTotalWh"))
            if start is None or end is None or energy is None or energy < 0:
                continue
            stats.append(ChargeStat(start_ms=start, end_ms=end, energy_wh=energy))
        total = _num(_dict(summary.get("totalStats")).get("energyChargedTotalWh"))
        return cls(
            granularity=_str(summary.get("granularity")),
            stats=tuple(sorted(stats, key=lambda stat: stat.start_ms)),
            total_wh=total,
        )
