"""Sensors of an OSO Energy heater."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    EntityCategory,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTemperature,
    UnitOfVolume,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import OSOEnergyDevice
from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator
from .devices import async_add_device_entities
from .entity import OSOEnergyEntity

PARALLEL_UPDATES = 0

HEATER_MODES = [
    "auto",
    "manual",
    "off",
    "legionella",
    "powersave",
    "extraenergy",
    "voltage",
    "ffr",
]
OPTIMIZATION_MODES = ["off", "oso", "gridcompany", "smartcompany", "advanced", "nettleie"]


def _enum(value: str | None, options: list[str]) -> str | None:
    """Return a known enum value, or None (state unknown) for a value we do not know."""
    return value if value in options else None


@dataclass(frozen=True, kw_only=True)
class OSOEnergySensorEntityDescription(SensorEntityDescription):
    """Describes an OSO Energy sensor."""

    value_fn: Callable[[OSOEnergyDevice], StateType]
    exists_fn: Callable[[OSOEnergyDevice], bool] = lambda _: True


SENSORS: tuple[OSOEnergySensorEntityDescription, ...] = (
    OSOEnergySensorEntityDescription(
        key="heater_mode",
        translation_key="heater_mode",
        device_class=SensorDeviceClass.ENUM,
        options=HEATER_MODES,
        value_fn=lambda device: _enum(device.heater_mode, HEATER_MODES),
    ),
    OSOEnergySensorEntityDescription(
        key="optimization_mode",
        translation_key="optimization_mode",
        device_class=SensorDeviceClass.ENUM,
        options=OPTIMIZATION_MODES,
        value_fn=lambda device: _enum(device.optimization_mode, OPTIMIZATION_MODES),
    ),
    OSOEnergySensorEntityDescription(
        key="power_load",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        value_fn=lambda device: device.power_load,
    ),
    OSOEnergySensorEntityDescription(
        key="tapping_capacity",
        translation_key="tapping_capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        value_fn=lambda device: device.tapping_capacity,
    ),
    OSOEnergySensorEntityDescription(
        key="consumed_energy",
        translation_key="consumed_energy",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        value_fn=lambda device: device.consumed_energy,
        exists_fn=lambda device: device.consumed_energy is not None,
    ),
    OSOEnergySensorEntityDescription(
        key="capacity_mixed_water_40",
        translation_key="capacity_mixed_water_40",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        value_fn=lambda device: device.capacity_mixed_water_40,
    ),
    OSOEnergySensorEntityDescription(
        key="v40_min",
        translation_key="v40_min",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        value_fn=lambda device: device.v40_min,
    ),
    OSOEnergySensorEntityDescription(
        key="v40_level_min",
        translation_key="v40_level_min",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda device: device.v40_level_min,
    ),
    OSOEnergySensorEntityDescription(
        key="v40_level_max",
        translation_key="v40_level_max",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda device: device.v40_level_max,
    ),
    OSOEnergySensorEntityDescription(
        key="volume",
        translation_key="volume",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        entity_category=EntityCategory.DIAGNOSTIC,
        # A constant of the model: rarely worth a history.
        entity_registry_enabled_default=False,
        value_fn=lambda device: device.volume,
    ),
    OSOEnergySensorEntityDescription(
        key="temperature_top",
        translation_key="temperature_top",
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        value_fn=lambda device: device.temperature_top,
        # As core: a tank sensor exists only when the heater reports it.
        exists_fn=lambda device: device.temperature_top is not None,
    ),
    OSOEnergySensorEntityDescription(
        key="temperature_mid",
        translation_key="temperature_mid",
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        value_fn=lambda device: device.temperature_mid,
        # As core: a tank sensor exists only when the heater reports it.
        exists_fn=lambda device: device.temperature_mid is not None,
    ),
    OSOEnergySensorEntityDescription(
        key="temperature_low",
        translation_key="temperature_low",
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        value_fn=lambda device: device.temperature_low,
        # As core: a tank sensor exists only when the heater reports it.
        exists_fn=lambda device: device.temperature_low is not None,
    ),
    OSOEnergySensorEntityDescription(
        key="temperature_one",
        translation_key="temperature_one",
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        value_fn=lambda device: device.temperature_one,
        # As core: a tank sensor exists only when the heater reports it.
        exists_fn=lambda device: device.temperature_one is not None,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OSOEnergyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every heater, now and whenever a heater or a value appears.

    A sensor with an ``exists_fn`` is added at the first answer in which its heater reports
    the value (e.g. a tank temperature that was null at startup), and stays afterwards.
    """
    coordinator = entry.runtime_data.coordinator

    def candidates(device_id: str) -> Iterator[tuple[str, Callable[[], Entity]]]:
        device = coordinator.data[device_id]
        for description in SENSORS:
            if description.exists_fn(device):
                yield (
                    f"{device_id}_{description.key}",
                    partial(OSOEnergySensor, coordinator, device_id, description),
                )

    async_add_device_entities(
        entry, coordinator, coordinator.devices, async_add_entities, candidates
    )


class OSOEnergySensor(OSOEnergyEntity, SensorEntity):
    """A sensor of an OSO Energy heater."""

    entity_description: OSOEnergySensorEntityDescription

    def __init__(
        self,
        coordinator: OSOEnergyCoordinator,
        device_id: str,
        description: OSOEnergySensorEntityDescription,
    ) -> None:
        """Create the sensor ``description`` of ``device_id``."""
        super().__init__(coordinator, device_id, description)

    @property
    def native_value(self) -> StateType:
        """Return the value reported by the cloud."""
        return self.entity_description.value_fn(self.device)
