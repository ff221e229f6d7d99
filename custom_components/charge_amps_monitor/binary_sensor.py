"""Binary sensors of the Charge Amps Monitor integration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import ChargePoint, ChargePointStatus, Connector
from .coordinator import ChargeAmpsConfigEntry
from .devices import async_add_device_entities
from .entity import (
    ChargeAmpsConnectorEntity,
    ChargeAmpsConnectorEntityDescription,
    ChargeAmpsEntity,
    charge_point_candidates,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ChargerBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor of a charge point."""

    is_on_fn: Callable[[ChargePoint], bool | None]


@dataclass(frozen=True, kw_only=True)
class ConnectorBinarySensorEntityDescription(
    ChargeAmpsConnectorEntityDescription, BinarySensorEntityDescription
):
    """A binary sensor of a connector."""

    is_on_fn: Callable[[Connector], bool | None]


def _online(point: ChargePoint) -> bool | None:
    if point.status is ChargePointStatus.UNKNOWN:
        return None
    return point.status is ChargePointStatus.ONLINE


CHARGER_BINARY_SENSORS: tuple[ChargerBinarySensorEntityDescription, ...] = (
    ChargerBinarySensorEntityDescription(
        key="online",
        translation_key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=_online,
    ),
)

CONNECTOR_BINARY_SENSORS: tuple[ConnectorBinarySensorEntityDescription, ...] = (
    ConnectorBinarySensorEntityDescription(
        key="charging",
        translation_key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        is_on_fn=lambda connector: connector.is_charging,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ChargeAmpsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of every charger and connector, now and as they appear."""

    coordinator = entry.runtime_data.coordinator
    async_add_device_entities(
        entry,
        coordinator,
        coordinator.devices,
        async_add_entities,
        charge_point_candidates(
            coordinator,
            charger_entity=ChargerBinarySensor,
            charger_descriptions=CHARGER_BINARY_SENSORS,
            connector_entity=ConnectorBinarySensor,
            connector_descriptions=CONNECTOR_BINARY_SENSORS,
        ),
    )


class ChargerBinarySensor(ChargeAmpsEntity, BinarySensorEntity):
    """A binary sensor of a charge point."""

    entity_description: ChargerBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the state from the latest poll."""
        point = self.charge_point
        return None if point is None else self.entity_description.is_on_fn(point)


class ConnectorBinarySensor(ChargeAmpsConnectorEntity, BinarySensorEntity):
    """A binary sensor of a connector."""

    entity_description: ConnectorBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the state from the latest poll."""
        connector = self.connector
        return None if connector is None else self.entity_description.is_on_fn(connector)
