"""Binary sensors of the Ohme integration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import OhmeConfigEntry, SessionData
from .entity import OhmeEntity, OhmeEntityDescription

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OhmeBinarySensorEntityDescription(
    OhmeEntityDescription[SessionData], BinarySensorEntityDescription
):
    """Describes an Ohme binary sensor."""

    is_on_fn: Callable[[SessionData], bool]


def _slot_active(data: SessionData) -> bool:
    now = dt_util.utcnow()
    return any(slot.start <= now < slot.end for slot in data.slots)


BINARY_SENSORS: tuple[OhmeBinarySensorEntityDescription, ...] = (
    OhmeBinarySensorEntityDescription(
        key="slot_active",
        translation_key="slot_active",
        is_on_fn=_slot_active,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OhmeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the binary sensors."""
    async_add_entities(
        OhmeBinarySensor(entry, entry.runtime_data.session, description)
        for description in BINARY_SENSORS
    )


class OhmeBinarySensor(OhmeEntity[SessionData], BinarySensorEntity):
    """An Ohme binary sensor."""

    entity_description: OhmeBinarySensorEntityDescription

    @property
    def is_on(self) -> bool:
        """Return True when the description says so."""
        return self.entity_description.is_on_fn(self.data)
