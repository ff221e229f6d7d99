"""Sensors of the Ohme integration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .api import ChargerStatus
from .coordinator import OhmeConfigEntry, OhmeSessionCoordinator, SessionData
from .energy import DeliveredEnergy
from .entity import OhmeEntity, OhmeEntityDescription

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OhmeSensorEntityDescription[DataT](OhmeEntityDescription[DataT], SensorEntityDescription):
    """Describes an Ohme sensor."""

    value_fn: Callable[[DataT], StateType | datetime]


def _slot_list(data: SessionData) -> str | None:
    """Return the merged slots as ``HH:MM-HH:MM`` in local time, None without slots."""
    spans = [
        f"{dt_util.as_local(s.start):%H:%M}-{dt_util.as_local(s.end):%H:%M}" for s in data.slots
    ]
    return ", ".join(spans) or None


def _next_slot_start(data: SessionData) -> datetime | None:
    now = dt_util.utcnow()
    return min((s.start for s in data.slots if s.start > now), default=None)


def _next_slot_end(data: SessionData) -> datetime | None:
    now = dt_util.utcnow()
    return min((s.end for s in data.slots if s.end > now), default=None)


def _battery(data: SessionData, account_percent: int | None) -> int | None:
    """Return the session's battery reading (a real 0 % included), else the account's."""
    percent = data.session.battery_percent
    return percent if percent is not None else account_percent


SESSION_SENSORS: tuple[OhmeSensorEntityDescription[SessionData], ...] = (
    OhmeSensorEntityDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in ChargerStatus],
        value_fn=lambda data: data.status.value,
    ),
    OhmeSensorEntityDescription(
        key="power",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_unit_of_measurement=UnitOfPower.KILO_WATT,
        suggested_display_precision=1,
        value_fn=lambda data: data.session.power_w,
    ),
    OhmeSensorEntityDescription(
        key="current",
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        value_fn=lambda data: data.session.current_a,
    ),
    OhmeSensorEntityDescription(
        key="voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        value_fn=lambda data: data.session.voltage_v,
    ),
    OhmeSensorEntityDescription(
        # Ohme's own figure for the session, often its estimate of the energy in the car's
        # battery: not a meter (see "Energy delivered"). Key kept: unique id <serial>_energy.
        key="energy",
        translation_key="session_energy",
        device_class=SensorDeviceClass.ENERGY,
        entity_registry_enabled_default=False,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.WATT_HOUR,
        suggested_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda data: data.energy_wh,
    ),
    OhmeSensorEntityDescription(
        key="slot_list",
        translation_key="slot_list",
        value_fn=_slot_list,
    ),
    OhmeSensorEntityDescription(
        key="next_slot_start",
        translation_key="next_slot_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_next_slot_start,
    ),
    OhmeSensorEntityDescription(
        key="next_slot_end",
        translation_key="next_slot_end",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_next_slot_end,
    ),
)

BATTERY_SENSOR: OhmeSensorEntityDescription[SessionData] = OhmeSensorEntityDescription(
    key="battery",
    translation_key="vehicle_battery",
    device_class=SensorDeviceClass.BATTERY,
    state_class=SensorStateClass.MEASUREMENT,
    native_unit_of_measurement=PERCENTAGE,
    suggested_display_precision=0,
    value_fn=lambda data: data.session.battery_percent,
)

ENERGY_DELIVERED: OhmeSensorEntityDescription[SessionData] = OhmeSensorEntityDescription(
    key="energy_delivered",
    translation_key="energy_delivered",
    device_class=SensorDeviceClass.ENERGY,
    state_class=SensorStateClass.TOTAL_INCREASING,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    suggested_display_precision=2,
    value_fn=lambda _: None,  # the entity reads its total from the coordinator's meter
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OhmeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the sensors."""
    runtime = entry.runtime_data
    entities: list[SensorEntity] = [
        OhmeSensor(entry, runtime.session, description) for description in SESSION_SENSORS
    ]
    entities.append(OhmeBatterySensor(entry, runtime.session, BATTERY_SENSOR))
    entities.append(OhmeEnergyDeliveredSensor(entry, runtime.session, ENERGY_DELIVERED))
    async_add_entities(entities)


class OhmeSensor[DataT](OhmeEntity[DataT], SensorEntity):
    """An Ohme sensor."""

    entity_description: OhmeSensorEntityDescription[DataT]

    @property
    def native_value(self) -> StateType | datetime:
        """Return the value from the coordinator data."""
        return self.entity_description.value_fn(self.data)


class OhmeBatterySensor(OhmeSensor[SessionData]):
    """Vehicle battery: the live session value, else the account's value for the car."""

    @property
    def native_value(self) -> StateType | datetime:
        """Return the vehicle state of charge."""
        car = self._entry.runtime_data.account.data.current_car
        return _battery(self.data, car.battery_percent if car else None)


@dataclass
class DeliveredEnergyStoredData(ExtraStoredData):
    """What the energy delivered sensor keeps across restarts: the meter's buckets."""

    energy: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return {"delivered_energy": self.energy}


class OhmeEnergyDeliveredSensor(OhmeSensor[SessionData], RestoreEntity):
    """Energy the charger delivered, a total that only grows (Energy dashboard ready).

    The total lives in the session coordinator's meter; this entity restores it at start
    (the meter reads nothing before), then adds what Ohme's hourly summary reports.
    """

    coordinator: OhmeSessionCoordinator

    async def async_added_to_hass(self) -> None:
        """Restore the total, then let the coordinator catch up with the summary."""
        await super().async_added_to_hass()
        stored = await self.async_get_last_extra_data()
        energy = DeliveredEnergy.from_dict(
            stored.as_dict().get("delivered_energy") if stored is not None else None
        )
        if energy is None:  # a new sensor, or the stored buckets are unreadable
            last = await self.async_get_last_state()
            try:
                total_wh = float(last.state) * 1000 if last is not None else 0.0
            except ValueError:
                total_wh = 0.0
            now_ms = int(dt_util.utcnow().timestamp() * 1000)
            energy = DeliveredEnergy.start(now_ms, total_wh if total_wh >= 0 else 0.0)
        self.coordinator.energy.energy = energy
        self._entry.async_create_background_task(
            self.hass, self.coordinator.async_read_energy(), "ohme energy delivered"
        )

    @property
    def extra_restore_state_data(self) -> DeliveredEnergyStoredData | None:
        """Store the meter's buckets with the state."""
        energy = self.coordinator.energy.energy
        return DeliveredEnergyStoredData(energy.as_dict()) if energy is not None else None

    @property
    def available(self) -> bool:
        """Unavailable while Ohme refuses the summary to this account."""
        return super().available and self.coordinator.energy.available

    @property
    def native_value(self) -> float | None:
        """Return the energy delivered since the sensor was added (kWh)."""
        energy = self.coordinator.energy.energy
        return round(energy.total_wh / 1000, 3) if energy is not None else None
