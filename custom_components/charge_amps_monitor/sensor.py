"""Sensors of the Charge Amps Monitor integration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import ChargePoint, ChargePointStatus, Connector, ConnectorStatus
from .coordinator import ChargeAmpsConfigEntry
from .devices import async_add_device_entities
from .entity import (
    ChargeAmpsConnectorEntity,
    ChargeAmpsConnectorEntityDescription,
    ChargeAmpsEntity,
    charge_point_candidates,
)

PARALLEL_UPDATES = 0

CHARGER_STATUS_OPTIONS = [
    status.value for status in ChargePointStatus if status is not ChargePointStatus.UNKNOWN
]
CONNECTOR_STATUS_OPTIONS = [
    status.value for status in ConnectorStatus if status is not ConnectorStatus.UNKNOWN
]


@dataclass(frozen=True, kw_only=True)
class ChargerSensorEntityDescription(SensorEntityDescription):
    """A sensor of a charge point."""

    value_fn: Callable[[ChargePoint], StateType]


@dataclass(frozen=True, kw_only=True)
class ConnectorSensorEntityDescription(
    ChargeAmpsConnectorEntityDescription, SensorEntityDescription
):
    """A sensor of a connector."""

    value_fn: Callable[[Connector], StateType]


def _status_value(status: ChargePointStatus | ConnectorStatus) -> str | None:
    """Return the enum option, or None (state unknown) for an unknown status."""
    return None if status.value == "unknown" else status.value


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


CHARGER_SENSORS: tuple[ChargerSensorEntityDescription, ...] = (
    ChargerSensorEntityDescription(
        key="charger_status",
        translation_key="charger_status",
        device_class=SensorDeviceClass.ENUM,
        options=CHARGER_STATUS_OPTIONS,
        value_fn=lambda point: _status_value(point.status),
    ),
)


CONNECTOR_SENSORS: tuple[ConnectorSensorEntityDescription, ...] = (
    ConnectorSensorEntityDescription(
        key="power",
        translation_key="power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda connector: _round(connector.power_w, 1),
    ),
    ConnectorSensorEntityDescription(
        key="total_consumption",
        translation_key="total_consumption",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
        value_fn=lambda connector: _round(connector.total_consumption_kwh, 3),
    ),
    ConnectorSensorEntityDescription(
        key="connector_status",
        translation_key="connector_status",
        device_class=SensorDeviceClass.ENUM,
        options=CONNECTOR_STATUS_OPTIONS,
        value_fn=lambda connector: _status_value(connector.status),
    ),
    ConnectorSensorEntityDescription(
        key="current_l1",
        translation_key="current_l1",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda connector: connector.currents[0] is not None,
        value_fn=lambda connector: _round(connector.currents[0], 2),
    ),
    ConnectorSensorEntityDescription(
        key="current_l2",
        translation_key="current_l2",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda connector: connector.currents[1] is not None,
        value_fn=lambda connector: _round(connector.currents[1], 2),
    ),
    ConnectorSensorEntityDescription(
        key="current_l3",
        translation_key="current_l3",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda connector: connector.currents[2] is not None,
        value_fn=lambda connector: _round(connector.currents[2], 2),
    ),
    ConnectorSensorEntityDescription(
        key="voltage_l1",
        translation_key="voltage_l1",
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=lambda connector: connector.voltages[0] is not None,
        value_fn=lambda connector: _round(connector.voltages[0], 1),
    ),
    ConnectorSensorEntityDescription(
        key="voltage_l2",
        translation_key="voltage_l2",
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=lambda connector: connector.voltages[1] is not None,
        value_fn=lambda connector: _round(connector.voltages[1], 1),
    ),
    ConnectorSensorEntityDescription(
        key="voltage_l3",
        translation_key="voltage_l3",
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=lambda connector: connector.voltages[2] is not None,
        value_fn=lambda connector: _round(connector.voltages[2], 1),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ChargeAmpsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every charger and connector, now and as they appear."""

    coordinator = entry.runtime_data.coordinator
    async_add_device_entities(
        entry,
        coordinator,
        coordinator.devices,
        async_add_entities,
        charge_point_candidates(
            coordinator,
            charger_entity=ChargerSensor,
            charger_descriptions=CHARGER_SENSORS,
            connector_entity=ConnectorSensor,
            connector_descriptions=CONNECTOR_SENSORS,
        ),
    )


class ChargerSensor(ChargeAmpsEntity, SensorEntity):
    """A sensor of a charge point."""

    entity_description: ChargerSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Return the value from the latest poll."""
        point = self.charge_point
        return None if point is None else self.entity_description.value_fn(point)


class ConnectorSensor(ChargeAmpsConnectorEntity, SensorEntity):
    """A sensor of a connector."""

    entity_description: ConnectorSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Return the value from the latest poll."""
        connector = self.connector
        return None if connector is None else self.entity_description.value_fn(connector)
