"""Switches of an OSO Energy heater."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator
from .devices import async_add_device_entities
from .entity import OSOEnergyEntity

PARALLEL_UPDATES = 1

HIGH_DEMAND = SwitchEntityDescription(key="high_demand", translation_key="high_demand")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OSOEnergyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the high demand switch of every heater, now and as heaters appear."""
    coordinator = entry.runtime_data.coordinator

    def candidates(device_id: str) -> Iterator[tuple[str, Callable[[], Entity]]]:
        yield (
            f"{device_id}_{HIGH_DEMAND.key}",
            partial(OSOEnergyHighDemandSwitch, coordinator, device_id, HIGH_DEMAND),
        )

    async_add_device_entities(
        entry, coordinator, coordinator.devices, async_add_entities, candidates
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
        await self.coordinator.async_command(client.async_set_high_demand(self.device_id, True))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn extra energy mode off."""
        client = self.coordinator.client
        await self.coordinator.async_command(client.async_set_high_demand(self.device_id, False))
