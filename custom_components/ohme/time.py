"""Time entity of the Ohme integration: target time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OhmeConfigEntry, OhmeSessionCoordinator, SessionData
from .entity import OhmeEntity, OhmeEntityDescription

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class OhmeTimeEntityDescription(OhmeEntityDescription[SessionData], TimeEntityDescription):
    """Describes an Ohme time entity."""


TARGET_TIME = OhmeTimeEntityDescription(key="target_time", translation_key="target_time")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OhmeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the target time entity."""
    async_add_entities([OhmeTargetTime(entry, entry.runtime_data.session, TARGET_TIME)])


class OhmeTargetTime(OhmeEntity[SessionData], TimeEntity):
    """Time the vehicle must be charged by."""

    coordinator: OhmeSessionCoordinator
    entity_description: OhmeTimeEntityDescription

    @property
    def native_value(self) -> time | None:
        """Return the target time of the applicable rule."""
        rule = self.data.target_rule
        if rule is None or rule.target_time is None:
            return None
        seconds = rule.target_time % 86400
        return time(seconds // 3600, (seconds % 3600) // 60)

    async def async_set_value(self, value: time) -> None:
        """Change the target time."""
        seconds = value.hour * 3600 + value.minute * 60
        await self.coordinator.async_set_target(seconds=seconds)
