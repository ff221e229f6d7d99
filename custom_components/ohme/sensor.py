"""Sensors of the Ohme integration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .api import ChargerStatus, CtReading
from .coordinator import OhmeConfigEntry, SessionData, ct_found_signal
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
    return data.session.battery_percent or account_percent


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
        key="energy",
        device_class=SensorDeviceClass.ENERGY,
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

CT_SENSOR: OhmeSensorEntityDescription[CtReading] = OhmeSensorEntityDescription(
    key="ct_current",
    translation_key="ct_current",
    device_class=SensorDeviceClass.CURRENT,
    entity_registry_enabled_default=False,  # as core; enabling it adds 60 requests/hour
    state_class=SensorStateClass.MEASUREMENT,
    native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
    value_fn=lambda data: data.amps,
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
    if runtime.ct is not None:
        entities.append(OhmeSensor(entry, runtime.ct, CT_SENSOR))
    else:

        @callback
        def _add_ct_sensor() -> None:
            """Add the CT sensor when a probe that failed at setup finds a CT later."""
            assert runtime.ct is not None  # noqa: S101 - set before the signal is sent
            async_add_entities([OhmeSensor(entry, runtime.ct, CT_SENSOR)])

        entry.async_on_unload(
            async_dispatcher_connect(hass, ct_found_signal(entry), _add_ct_sensor)
        )
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
