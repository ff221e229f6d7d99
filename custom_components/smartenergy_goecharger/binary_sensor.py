"""Binary sensors of a go-e charger."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import GoeConfigEntry
from .entity import GoeEntity

PARALLEL_UPDATES = 0

CAR_CONNECTED = BinarySensorEntityDescription(
    key="car_connected",
    translation_key="car_connected",
    device_class=BinarySensorDeviceClass.PLUG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GoeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the car-connected sensor."""
    async_add_entities([GoeCarConnected(entry.runtime_data.coordinator, CAR_CONNECTED)])


class GoeCarConnected(GoeEntity, BinarySensorEntity):
    """On while a car is plugged in."""

    @property
    def is_on(self) -> bool | None:
        """Return True if a car is connected."""
        return self.coordinator.data.car_connected
