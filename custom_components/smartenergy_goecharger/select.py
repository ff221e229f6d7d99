"""Selects: phase switch mode (``psm``) and force state (``frc``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import FORCE_STATES, PHASE_MODES, GoeStatus
from .coordinator import GoeConfigEntry
from .entity import GoeEntity

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class GoeSelectEntityDescription(SelectEntityDescription):
    """A select, the key it writes and its codes."""

    api_key: str
    codes: dict[int, str]
    value_fn: Callable[[GoeStatus], str | None]


SELECTS: tuple[GoeSelectEntityDescription, ...] = (
    GoeSelectEntityDescription(
        key="phase_switch_mode",
        translation_key="phase_switch_mode",
        api_key="psm",
        codes=PHASE_MODES,
        options=list(PHASE_MODES.values()),
        value_fn=lambda s: s.phase_mode,
    ),
    GoeSelectEntityDescription(
        key="force_state",
        translation_key="force_state",
        api_key="frc",
        codes=FORCE_STATES,
        options=list(FORCE_STATES.values()),
        value_fn=lambda s: s.force_state,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GoeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the selects."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(GoeSelect(coordinator, description) for description in SELECTS)


class GoeSelect(GoeEntity, SelectEntity):
    """A setting of the charger with a few options."""

    entity_description: GoeSelectEntityDescription

    @property
    def current_option(self) -> str | None:
        """Return the current option."""
        return self.entity_description.value_fn(self.coordinator.data)

    async def async_select_option(self, option: str) -> None:
        """Write the code of the option."""
        codes = {name: code for code, name in self.entity_description.codes.items()}
        await self.coordinator.async_set({self.entity_description.api_key: codes[option]})
