"""Base entity of a go-e charger: unique id, device and availability."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_SERIAL, DOMAIN
from .coordinator import GoeCoordinator


def serial_of(coordinator: GoeCoordinator) -> str:
    """Return the serial that identifies the charger."""
    entry = coordinator.config_entry
    return (
        entry.unique_id or entry.data.get(CONF_SERIAL) or coordinator.data.serial or entry.entry_id
    )


class GoeEntity(CoordinatorEntity[GoeCoordinator]):
    """An entity of one go-e charger."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: GoeCoordinator, description: EntityDescription) -> None:
        """Set the unique id and the device."""
        super().__init__(coordinator)
        self.entity_description = description
        serial = serial_of(coordinator)
        status = coordinator.data
        self._attr_unique_id = f"{serial}_{description.key}"
        model = status.model
        if model and status.variant:
            model = f"{model} ({status.variant} kW)"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, serial)},
            manufacturer="go-e",
            model=model,
            name=coordinator.config_entry.title or status.friendly_name,
            serial_number=status.serial or serial,
            sw_version=status.firmware,
        )
