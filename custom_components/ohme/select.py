"""Selects of the Ohme integration: charger mode and vehicle."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Account, Car, ChargerMode
from .coordinator import (
    OhmeAccountCoordinator,
    OhmeConfigEntry,
    OhmeSessionCoordinator,
    SessionData,
)
from .entity import OhmeEntity, OhmeEntityDescription

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class OhmeModeSelectEntityDescription(OhmeEntityDescription[SessionData], SelectEntityDescription):
    """Describes the charger mode select."""


@dataclass(frozen=True, kw_only=True)
class OhmeVehicleSelectEntityDescription(OhmeEntityDescription[Account], SelectEntityDescription):
    """Describes the vehicle select."""


CHARGE_MODE = OhmeModeSelectEntityDescription(
    key="charge_mode",
    translation_key="charge_mode",
    options=[mode.value for mode in ChargerMode],
    available_fn=lambda data: data.session.mode is not None,
)
VEHICLE = OhmeVehicleSelectEntityDescription(
    key="vehicle",
    translation_key="vehicle",
    available_fn=lambda account: bool(account.cars),
)


def vehicle_labels(cars: tuple[Car, ...]) -> dict[str, str]:
    """Return a distinct label for each car id, in a stable order (by label).

    A car is shown by its name; cars that share a name (two cars of the same model) also
    show the end of their Ohme id, which does not change when another car is selected.
    """
    names = Counter(car.name for car in cars)
    labels = {
        car.id: car.name if names[car.name] == 1 else f"{car.name} #{car.id[-4:]}" for car in cars
    }
    repeated = Counter(labels.values())
    for car in cars:
        if repeated[labels[car.id]] > 1:  # ids that end alike: the whole id
            labels[car.id] = f"{car.name} #{car.id}"
    return dict(sorted(labels.items(), key=lambda item: item[1]))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OhmeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the selects."""
    runtime = entry.runtime_data
    async_add_entities(
        [
            OhmeModeSelect(entry, runtime.session, CHARGE_MODE),
            OhmeVehicleSelect(entry, runtime.account, VEHICLE),
        ]
    )


class OhmeModeSelect(OhmeEntity[SessionData], SelectEntity):
    """Smart charge, max charge or paused; only while a vehicle is plugged in."""

    coordinator: OhmeSessionCoordinator
    entity_description: OhmeModeSelectEntityDescription

    @property
    def current_option(self) -> str | None:
        """Return the current mode."""
        mode = self.data.session.mode
        return mode.value if mode else None

    async def async_select_option(self, option: str) -> None:
        """Change the mode."""
        await self.coordinator.async_set_mode(ChargerMode(option))


class OhmeVehicleSelect(OhmeEntity[Account], SelectEntity):
    """The vehicle being charged, among the account's cars."""

    coordinator: OhmeAccountCoordinator
    entity_description: OhmeVehicleSelectEntityDescription

    @property
    def options(self) -> list[str]:
        """Return the vehicles of the account, each with a label of its own."""
        return list(vehicle_labels(self.data.cars).values())

    @property
    def current_option(self) -> str | None:
        """Return the current vehicle."""
        car = self.data.current_car
        return vehicle_labels(self.data.cars)[car.id] if car else None

    async def async_select_option(self, option: str) -> None:
        """Select the vehicle with this label (by its id)."""
        labels = vehicle_labels(self.data.cars)
        car_id = next(car_id for car_id, label in labels.items() if label == option)
        await self.coordinator.async_select_car(car_id)
