"""Base entity of the Ohme integration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import OhmeConfigEntry, OhmeCoordinator


@dataclass(frozen=True, kw_only=True)
class OhmeEntityDescription[DataT](EntityDescription):
    """Description shared by every Ohme entity; functions take the coordinator data."""

    available_fn: Callable[[DataT], bool] = lambda _: True


class OhmeEntity[DataT](CoordinatorEntity[OhmeCoordinator[DataT]]):
    """An Ohme entity: one device per charger, unique_id ``<serial>_<key>`` as in core."""

    _attr_has_entity_name = True
    entity_description: OhmeEntityDescription[DataT]

    def __init__(
        self,
        entry: OhmeConfigEntry,
        coordinator: OhmeCoordinator[DataT],
        description: OhmeEntityDescription[DataT],
    ) -> None:
        """Create the entity for the entry's charger."""
        super().__init__(coordinator)
        self.entity_description = description
        self._entry = entry
        runtime = entry.runtime_data
        charger = runtime.account.data.charger
        assert charger is not None  # noqa: S101 - setup refuses accounts without a charger
        self._attr_unique_id = f"{runtime.serial}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, runtime.serial)},
            manufacturer="Ohme",
            model=charger.model,
            name=charger.name,
            serial_number=runtime.serial,
            sw_version=charger.firmware,
        )

    async def async_added_to_hass(self) -> None:
        """Also follow the charge session: it says whether the charger is online."""
        await super().async_added_to_hass()
        session = self._entry.runtime_data.session
        if self.coordinator is not session:
            self.async_on_remove(session.async_add_listener(self._handle_session_update))

    @callback
    def _handle_session_update(self) -> None:
        """Write the state only when the session poll changes the availability."""
        state = self.hass.states.get(self.entity_id)
        if state is None or (state.state == STATE_UNAVAILABLE) == self.available:
            self.async_write_ha_state()

    @property
    def data(self) -> DataT:
        """Return the coordinator data."""
        return self.coordinator.data

    @property
    def available(self) -> bool:
        """Available when polling works, the charger is online and the description agrees."""
        session = self._entry.runtime_data.session.data
        return (
            super().available
            and session is not None
            and session.session.online
            and self.entity_description.available_fn(self.coordinator.data)
        )
