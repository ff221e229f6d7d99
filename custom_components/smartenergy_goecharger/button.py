"""The wallbox control button: stop, authenticate or start depending on the car state."""

from __future__ import annotations

from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import GoeStatus
from .const import DOMAIN
from .coordinator import GoeConfigEntry
from .entity import GoeEntity

PARALLEL_UPDATES = 1

WALLBOX_CONTROL = ButtonEntityDescription(key="wallbox_control", translation_key="wallbox_control")


def control_values(status: GoeStatus) -> dict[str, Any] | None:
    """Return what a press sends: stop while charging, authenticate, or start.

    Some chargers keep reporting ``car`` 2 after a stop (go-e issue #60): a charger that is
    forced off or not allowed to charge is started, not stopped again.
    """
    if status.car == 2:
        if status.force_state == "off" or status.allowed is False:
            return {"frc": 2}
        return {"frc": 1}
    if status.awaiting_authentication:
        return {"trx": 0}
    if status.car in (3, 4):
        return {"frc": 2}
    return None


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GoeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the wallbox control button."""
    async_add_entities([GoeWallboxControl(entry.runtime_data.coordinator, WALLBOX_CONTROL)])


class GoeWallboxControl(GoeEntity, ButtonEntity):
    """Stop, authenticate or start charging."""

    @property
    def available(self) -> bool:
        """Available while the charger is online and a car is connected."""
        return super().available and bool(self.coordinator.data.car_connected)

    async def async_press(self) -> None:
        """Act on the current car state."""
        values = control_values(self.coordinator.data)
        if values is None:
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_car")
        await self.coordinator.async_set(values)
