"""Base entities of the Charge Amps Monitor integration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import ChargePoint, ChargePointStatus, Connector
from .const import DOMAIN, MANUFACTURER
from .coordinator import ChargeAmpsCoordinator


def _always(_: Connector) -> bool:
    return True


def _charger_unique_id(charge_point_id: str, key: str) -> str:
    return f"{charge_point_id}_{key}"


def _connector_unique_id(charge_point_id: str, connector_id: int, key: str) -> str:
    """Return a connector entity's unique id; it does not depend on the number of connectors."""
    return f"{charge_point_id}_c{connector_id}_{key}"


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
        self._attr_unique_id = _charger_unique_id(charge_point_id, description.key)
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
        """Describe the entity and the connector it shows."""
        super().__init__(coordinator, charge_point_id, description)
        self._connector_id = connector_id
        self._attr_unique_id = _connector_unique_id(charge_point_id, connector_id, description.key)
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


def charge_point_candidates[
    ChargerT: EntityDescription,
    ConnectorT: ChargeAmpsConnectorEntityDescription,
](
    coordinator: ChargeAmpsCoordinator,
    *,
    charger_entity: Callable[[ChargeAmpsCoordinator, str, ChargerT], Entity],
    charger_descriptions: tuple[ChargerT, ...],
    connector_entity: Callable[[ChargeAmpsCoordinator, str, int, ConnectorT], Entity],
    connector_descriptions: tuple[ConnectorT, ...],
) -> Callable[[str], Iterator[tuple[str, Callable[[], Entity]]]]:
    """Return the ``candidates`` of a platform for ``async_add_device_entities``.

    For a charge point they are its charger entities and, for each of its connectors, the
    connector entities whose ``exists_fn`` says yes now: a reading the connector starts to
    report brings its entity at the next poll. Each is keyed by its unique id.
    """

    def candidates(charge_point_id: str) -> Iterator[tuple[str, Callable[[], Entity]]]:
        for description in charger_descriptions:
            yield (
                _charger_unique_id(charge_point_id, description.key),
                partial(charger_entity, coordinator, charge_point_id, description),
            )
        for connector in coordinator.data[charge_point_id].connectors:
            connector_id = connector.connector_id
            for connector_description in connector_descriptions:
                if connector_description.exists_fn(connector):
                    yield (
                        _connector_unique_id(
                            charge_point_id, connector_id, connector_description.key
                        ),
                        partial(
                            connector_entity,
                            coordinator,
                            charge_point_id,
                            connector_id,
                            connector_description,
                        ),
                    )

    return candidates
