"""Switches of an OSO Energy heater."""

from __future__ import annotations

from functools import partial
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator
from .entity import OSOEnergyEntity, async_setup_device_entities

PARALLEL_UPDATES = 1

HIGH_DEMAND = SwitchEntityDescription(key="high_demand", translation_key="high_demand")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OSOEnergyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the extra energy (high demand) switch of every heater."""
    async_setup_device_entities(
        entry,
        async_add_entities,
        lambda coordinator, device: [
            OSOEnergyHighDemandSwitch(coordinator, device.device_id, HIGH_DEMAND)
        ],
    )


class OSOEnergyHighDemandSwitch(OSOEnergyEntity, SwitchEntity):
    """Extra energy (high demand): heat to the maximum now."""

    def __init__(
        self,
        coordinator: OSOEnergyCoordinator,
        device_id: str,
        description: SwitchEntityDescription,
    ) -> None:
        """Create the switch of ``device_id``."""
        super().__init__(coordinator, device_id, description)

    @property
    def is_on(self) -> bool | None:
        """Return True while extra energy mode is on."""
        return self.device.extra_energy

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn extra energy mode on."""
        client = self.coordinator.client
        await self.coordinator.async_write(partial(client.set_high_demand, self.device_id, True))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn extra energy mode off."""
        client = self.coordinator.client
        await self.coordinator.async_write(partial(client.set_high_demand, self.device_id, False))
