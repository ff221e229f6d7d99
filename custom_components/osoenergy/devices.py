"""Devices that come and go with the cloud's answers, the same way in every integration that has them.

This module is identical in the integrations of this repository whose entry holds several
devices (an account's chargers, an account's water heaters). Edit ``common/devices.py`` at the
repository root and run ``scripts/sync_common``; ``tests/repo/test_common.py`` fails while a
copy differs.

- ``DeviceTracker`` removes the device of an id the cloud stopped listing, with its entities,
  once two answers in a row lack it: one empty or partial answer deletes nothing.
- ``async_add_device_entities`` adds a platform's entities for every listed device now and
  after every answer: a new device brings its entities, a value that a device starts to report
  brings the entity that shows it, and a device that comes back after its removal gets its
  entities again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

_LOGGER = logging.getLogger(__name__)


class DeviceTracker:
    """Keeps the devices of one config entry in step with the ids the cloud lists."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
        """Track the devices of ``entry`` (identified by ``(entry.domain, id)``)."""
        self.hass = hass
        self.entry = entry
        # Ids missing from the last answer whose devices are still kept.
        self.missing: set[str] = set()
        # How often the device of each id was removed: entity adders compare it with the count
        # when they added an id's entities, so an id that comes back gets entities again even
        # when no listener ran while it was away.
        self.removals: Counter[str] = Counter()
        self._last: frozenset[str] | None = None

    def registered(self) -> dict[str, dr.DeviceEntry]:
        """Return the devices of the entry in the device registry, by id."""
        registry = dr.async_get(self.hass)
        return {
            identifier: device
            for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id)
            for domain, identifier in device.identifiers
            if domain == self.entry.domain
        }

    @callback
    def update(self, present: Collection[str]) -> None:
        """Take one answer of the cloud: remove the devices missing from it and the one before.

        At the first answer after setup, ids removed from the account while Home Assistant did
        not run count as missing once, as ids that leave while it runs do.
        """
        listed = frozenset(present)
        if listed == self._last and not self.missing:
            return
        self._last = listed
        registry = dr.async_get(self.hass)
        missing: set[str] = set()
        for identifier, device in self.registered().items():
            if identifier in listed:
                continue
            if identifier in self.missing:
                _LOGGER.debug("Removing device %s: the cloud no longer lists it", device.name)
                registry.async_remove_device(device.id)
                self.removed([identifier])
            else:
                missing.add(identifier)
        self.missing = missing

    @callback
    def removed(self, ids: Iterable[str]) -> None:
        """Record that the devices of these ids were removed (with their entities)."""
        self.removals.update(ids)

    @callback
    def may_remove(self, device: dr.DeviceEntry, present: Collection[str]) -> bool:
        """Tell whether the user may remove a device: only one the cloud no longer lists."""
        ids = {ident for domain, ident in device.identifiers if domain == self.entry.domain}
        if ids & set(present):
            return False
        self.removed(ids)
        return True


@callback
def async_add_device_entities[DataT: Mapping[str, Any]](
    entry: ConfigEntry[Any],
    coordinator: DataUpdateCoordinator[DataT],
    tracker: DeviceTracker,
    async_add_entities: AddConfigEntryEntitiesCallback,
    candidates: Callable[[str], Iterable[tuple[str, Callable[[], Entity]]]],
) -> None:
    """Add the entities of every listed device now and whenever more appear.

    ``candidates(device_id)`` yields, for the entities the device should have now, a key that
    is unique within the platform (its unique id will do) and a function that creates the
    entity: only the entities not added yet are created. An entity once added stays (its
    value unknown while missing) until its device is removed.
    """
    # Key -> removals of its device when the entity was added.
    known: dict[str, int] = {}

    @callback
    def _add_new() -> None:
        new: list[Entity] = []
        for device_id in coordinator.data:
            removals = tracker.removals[device_id]
            for key, create in candidates(device_id):
                if known.get(key) != removals:
                    known[key] = removals
                    new.append(create())
        if new:
            async_add_entities(new)

    _add_new()
    entry.async_on_unload(coordinator.async_add_listener(_add_new))
