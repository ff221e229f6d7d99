"""The charging current number (min ``mca``, max ``ama``)."""

from __future__ import annotations

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
)
from homeassistant.const import UnitOfElectricCurrent
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import GoeConfigEntry
from .entity import GoeEntity

PARALLEL_UPDATES = 1

CHARGING_CURRENT = NumberEntityDescription(
    key="charger_max_current",
    translation_key="charging_current",
    device_class=NumberDeviceClass.CURRENT,
    native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
    native_step=1,
)
FALLBACK_MIN = 6
FALLBACK_MAX = 32


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GoeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the charging current number."""
    async_add_entities([GoeChargingCurrent(entry.runtime_data.coordinator, CHARGING_CURRENT)])


class GoeChargingCurrent(GoeEntity, NumberEntity):
    """The current the charger offers the car (``amp``)."""

    @property
    def available(self) -> bool:
        """Available while online and the charger reports its current."""
        return super().available and self.coordinator.data.requested_current is not None

    @property
    def native_min_value(self) -> float:
        """Return the minimum charging current of the charger."""
        return float(self.coordinator.data.min_current or FALLBACK_MIN)

    @property
    def native_max_value(self) -> float:
        """Return the absolute maximum current of the charger."""
        return float(self.coordinator.data.max_current or FALLBACK_MAX)

    @property
    def native_value(self) -> float | None:
        """Return the requested current."""
        current = self.coordinator.data.requested_current
        return float(current) if current is not None else None

    async def async_set_native_value(self, value: float) -> None:
        """Set the requested current."""
        await self.coordinator.async_set({"amp": round(value)})
