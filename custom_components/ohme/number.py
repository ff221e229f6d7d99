"""Numbers of the Ohme integration: target percentage, preconditioning, vehicle SoC."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.number import NumberEntity, NumberEntityDescription
from homeassistant.const import PERCENTAGE, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import ChargerStatus
from .const import DOMAIN
from .coordinator import OhmeConfigEntry, OhmeSessionCoordinator, SessionData
from .entity import OhmeEntity, OhmeEntityDescription

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class OhmeNumberEntityDescription(OhmeEntityDescription[SessionData], NumberEntityDescription):
    """Describes an Ohme number."""

    value_fn: Callable[[SessionData], float | None]
    set_fn: Callable[[OhmeConfigEntry, int], Coroutine[Any, Any, None]]


def _target_percent(data: SessionData) -> float | None:
    rule = data.target_rule
    return rule.target_percent if rule else None


def _preconditioning(data: SessionData) -> float | None:
    rule = data.target_rule
    return rule.preconditioning_minutes if rule else None


async def _set_soc(entry: OhmeConfigEntry, value: int) -> None:
    car = entry.runtime_data.account.data.current_car
    if car is None:
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="no_vehicle")
    await entry.runtime_data.session.async_set_battery(car.id, value)


NUMBERS: tuple[OhmeNumberEntityDescription, ...] = (
    OhmeNumberEntityDescription(
        key="target_percentage",
        translation_key="target_percentage",
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=_target_percent,
        set_fn=lambda entry, value: entry.runtime_data.session.async_set_target(percent=value),
    ),
    OhmeNumberEntityDescription(
        key="preconditioning_duration",
        translation_key="preconditioning_duration",
        native_min_value=0,
        native_max_value=60,
        native_step=5,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=_preconditioning,
        set_fn=lambda entry, value: entry.runtime_data.session.async_set_target(
            preconditioning=value
        ),
    ),
    OhmeNumberEntityDescription(
        key="state_of_charge_input",
        translation_key="state_of_charge_input",
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        native_unit_of_measurement=PERCENTAGE,
        entity_registry_enabled_default=False,
        available_fn=lambda data: data.status is not ChargerStatus.UNPLUGGED,
        value_fn=lambda data: data.session.battery_percent,
        set_fn=_set_soc,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OhmeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the numbers."""
    async_add_entities(
        OhmeNumber(entry, entry.runtime_data.session, description) for description in NUMBERS
    )


class OhmeNumber(OhmeEntity[SessionData], NumberEntity):
    """An Ohme number."""

    coordinator: OhmeSessionCoordinator
    entity_description: OhmeNumberEntityDescription

    @property
    def native_value(self) -> float | None:
        """Return the value."""
        return self.entity_description.value_fn(self.data)

    async def async_set_native_value(self, value: float) -> None:
        """Write the value to Ohme; the state updates at once."""
        await self.entity_description.set_fn(self._entry, round(value))
