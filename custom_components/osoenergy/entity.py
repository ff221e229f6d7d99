"""Base entity of the OSO Energy integration."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import OSOEnergyDevice
from .const import DEFAULT_MAX_TEMP, DEFAULT_MIN_TEMP, DOMAIN, MANUFACTURER
from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator


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


def async_setup_device_entities(
    entry: OSOEnergyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    factory: Callable[[OSOEnergyCoordinator, OSOEnergyDevice], Iterable[Entity]],
) -> None:
    """Add the entities of every heater now, and every entity that appears later.

    After each answer, ``factory`` tells which entities a heater has now (descriptions with
    an ``exists_fn`` depend on the values it reports); those not added yet are added: the
    entities of a new heater, and e.g. a tank sensor of a heater that reported null for it
    at startup and reports a value now. An entity once added stays (unknown while its value
    is missing).
    """
    coordinator = entry.runtime_data.coordinator
    # Unique ids of the entities added, by heater.
    known: dict[str, set[str | None]] = {}

    @callback
    def _add_new_entities() -> None:
        # Forget a heater only once the coordinator removed its device: one missing from a
        # single answer keeps its entities (unavailable) and must not get them a second time.
        for device_id in set(known) - coordinator.tracked_ids:
            del known[device_id]
        new: list[Entity] = []
        for device_id, device in coordinator.data.items():
            added = known.setdefault(device_id, set())
            for entity in factory(coordinator, device):
                if entity.unique_id not in added:
                    added.add(entity.unique_id)
                    new.append(entity)
        if new:
            async_add_entities(new)

    _add_new_entities()
    entry.async_on_unload(coordinator.async_add_listener(_add_new_entities))
