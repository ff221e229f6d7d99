"""Binary sensors of an OSO Energy heater."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import OSOEnergyDevice
from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator
from .devices import async_add_device_entities
from .entity import OSOEnergyEntity

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OSOEnergyBinarySensorEntityDescription(BinarySensorEntityDescription):
    """Describes an OSO Energy binary sensor."""

    value_fn: Callable[[OSOEnergyDevice], bool | None]
    # The connection sensor must stay available to tell that the heater is offline.
    always_available: bool = False


BINARY_SENSORS: tuple[OSOEnergyBinarySensorEntityDescription, ...] = (
    OSOEnergyBinarySensorEntityDescription(
        key="power_save",
        translation_key="power_save",
        value_fn=lambda device: device.power_save,
    ),
    OSOEnergyBinarySensorEntityDescription(
        key="extra_energy",
        translation_key="extra_energy",
        value_fn=lambda device: device.extra_energy,
    ),
    OSOEnergyBinarySensorEntityDescription(
        key="heating",
        translation_key="heating",
        device_class=BinarySensorDeviceClass.RUNNING,
        value_fn=lambda device: device.heater_on,
    ),
    OSOEnergyBinarySensorEntityDescription(
        key="connection_state",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda device: device.connected,
        always_available=True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OSOEnergyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of every heater, now and as heaters appear."""
    coordinator = entry.runtime_data.coordinator

    def candidates(device_id: str) -> Iterator[tuple[str, Callable[[], Entity]]]:
        for description in BINARY_SENSORS:
            yield (
                f"{device_id}_{description.key}",
                partial(OSOEnergyBinarySensor, coordinator, device_id, description),
            )

    async_add_device_entities(
        entry, coordinator, coordinator.devices, async_add_entities, candidates
    )


class OSOEnergyBinarySensor(OSOEnergyEntity, BinarySensorEntity):
    """A binary sensor of an OSO Energy heater."""

    entity_description: OSOEnergyBinarySensorEntityDescription

    def __init__(
        self,
        coordinator: OSOEnergyCoordinator,
        device_id: str,
        description: OSOEnergyBinarySensorEntityDescription,
    ) -> None:
        """Create the binary sensor ``description`` of ``device_id``."""
        super().__init__(coordinator, device_id, description)

    @property
    def available(self) -> bool:
        """The connection sensor is available whenever the cloud answers."""
        if self.entity_description.always_available:
            return self.coordinator.last_update_success and self.device_id in self.coordinator.data
        return super().available

    @property
    def is_on(self) -> bool | None:
        """Return the state reported by the cloud."""
        return self.entity_description.value_fn(self.device)
