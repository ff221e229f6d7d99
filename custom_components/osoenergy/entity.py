"""Base entity of the OSO Energy integration."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import OSOEnergyDevice
from .const import DEFAULT_MAX_TEMP, DEFAULT_MIN_TEMP, DOMAIN, MANUFACTURER
from .coordinator import OSOEnergyCoordinator


def temperature_range(device: OSOEnergyDevice) -> tuple[float, float]:
    """Return the settable temperature range the heater reports (10-75 degC if it does not)."""
    low, high = device.min_temperature, device.max_temperature
    return (
        DEFAULT_MIN_TEMP if low is None else low,
        DEFAULT_MAX_TEMP if high is None else high,
    )


class OSOEnergyEntity(CoordinatorEntity[OSOEnergyCoordinator]):
    """An entity of one heater, fed by the account coordinator."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: OSOEnergyCoordinator,
        device_id: str,
        description: EntityDescription | None = None,
    ) -> None:
        """Attach the entity to the heater ``device_id``."""
        super().__init__(coordinator)
        self.device_id = device_id
        if description is not None:
            self.entity_description = description
            self._attr_unique_id = f"{device_id}_{description.key}"
        else:
            self._attr_unique_id = device_id
        device = coordinator.data[device_id]
        self._last_device = device
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, device_id)},
            manufacturer=MANUFACTURER,
            model=device.device_type,
            name=device.name,
        )

    @property
    def device(self) -> OSOEnergyDevice:
        """Return the latest state of the heater (the last known one while it is missing)."""
        device = self.coordinator.data.get(self.device_id)
        if device is None:
            return self._last_device
        self._last_device = device
        return device

    @property
    def available(self) -> bool:
        """Available while polling works and the cloud reports the heater connected."""
        return (
            super().available
            and self.device_id in self.coordinator.data
            and self.coordinator.data[self.device_id].connected
        )
