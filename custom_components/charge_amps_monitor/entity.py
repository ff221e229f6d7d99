"""Base entities of the Charge Amps Monitor integration."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import ChargePoint, ChargePointStatus, Connector
from .const import DOMAIN, MANUFACTURER
from .coordinator import ChargeAmpsConfigEntry, ChargeAmpsCoordinator


def _always(_: Connector) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class ChargeAmpsConnectorEntityDescription(EntityDescription):
    """An entity of a connector, created once the connector reports what it shows.

    ``exists_fn`` is asked at every poll until it says yes: a reading the connector does not
    report (such as L2 and L3 of a single-phase socket) gets no entity that would stay
    unknown forever, and gets one as soon as the connector starts reporting it.
    """

    exists_fn: Callable[[Connector], bool] = _always


class ChargeAmpsEntity(CoordinatorEntity[ChargeAmpsCoordinator]):
    """An entity of one charge point; stays available while the charger is offline."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: ChargeAmpsCoordinator,
        charge_point_id: str,
        description: EntityDescription,
    ) -> None:
        """Describe the entity and its charger device."""
        super().__init__(coordinator)
        self.entity_description = description
        self._charge_point_id = charge_point_id
        self._attr_unique_id = f"{charge_point_id}_{description.key}"
        point = coordinator.data[charge_point_id]
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, charge_point_id)},
            manufacturer=MANUFACTURER,
            model=point.product_name,
            name=point.name or point.product_name or charge_point_id,
            serial_number=point.serial_number,
        )

    @property
    def charge_point(self) -> ChargePoint | None:
        """Return the charge point, or None once it left the account."""
        return self.coordinator.data.get(self._charge_point_id)

    @property
    def available(self) -> bool:
        """Return True while the account lists the charge point."""
        return super().available and self.charge_point is not None


class ChargeAmpsConnectorEntity(ChargeAmpsEntity):
    """An entity of one connector; unavailable while its charger is offline."""

    def __init__(
        self,
        coordinator: ChargeAmpsCoordinator,
        charge_point_id: str,
        connector_id: int,
        description: EntityDescription,
    ) -> None:
        """Describe the entity; the unique id does not depend on the number of connectors."""
        super().__init__(coordinator, charge_point_id, description)
        self._connector_id = connector_id
        self._attr_unique_id = f"{charge_point_id}_c{connector_id}_{description.key}"
        self._attr_translation_placeholders = {"connector": str(connector_id)}

    @property
    def connector(self) -> Connector | None:
        """Return the connector, or None if the charger no longer reports it."""
        point = self.charge_point
        return point.connector(self._connector_id) if point is not None else None

    @property
    def available(self) -> bool:
        """Return True while the connector is reported and its charger is not offline."""
        point = self.charge_point
        return (
            super().available
            and point is not None
            and point.status is not ChargePointStatus.OFFLINE
            and self.connector is not None
        )


def async_add_entities_dynamically[
    ChargerT: EntityDescription,
    ConnectorT: ChargeAmpsConnectorEntityDescription,
](
    entry: ChargeAmpsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *,
    charger_entity: Callable[[ChargeAmpsCoordinator, str, ChargerT], Entity],
    charger_descriptions: Iterable[ChargerT],
    connector_entity: Callable[[ChargeAmpsCoordinator, str, int, ConnectorT], Entity],
    connector_descriptions: Iterable[ConnectorT],
) -> None:
    """Add entities for every charger and connector now and whenever new ones appear.

    A connector entity whose ``exists_fn`` says no is not added yet: it is asked again at
    every poll, so a reading the connector starts to report brings its entity.
    """
    coordinator = entry.runtime_data.coordinator
    connector_descriptions = tuple(connector_descriptions)
    # What has entities: (charger id, connector id or None for the charger itself, key or
    # None for all the charger's entities) -> how often the charger's device had been
    # removed when they were added. A removal since (the device registry also drops the
    # entities) means the entities must be added anew when the charger is listed again; the
    # count is compared here rather than the charger forgotten on removal, because the
    # coordinator calls no listener when the answer after the removal equals the one before
    # (e.g. two empty lists).
    known: dict[tuple[str, int | None, str | None], int] = {}

    def _add_new() -> None:
        entities: list[Entity] = []
        for point in coordinator.data.values():
            removals = coordinator.removals[point.id]
            if known.get((point.id, None, None)) != removals:
                known[(point.id, None, None)] = removals
                entities.extend(
                    charger_entity(coordinator, point.id, d) for d in charger_descriptions
                )
            for connector in point.connectors:
                for description in connector_descriptions:
                    key = (point.id, connector.connector_id, description.key)
                    if known.get(key) != removals and description.exists_fn(connector):
                        known[key] = removals
                        entities.append(
                            connector_entity(
                                coordinator, point.id, connector.connector_id, description
                            )
                        )
        if entities:
            async_add_entities(entities)

    _add_new()
    entry.async_on_unload(coordinator.async_add_listener(_add_new))
