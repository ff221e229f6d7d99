"""Buttons of the Ohme integration."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import ChargerStatus
from .coordinator import OhmeConfigEntry, OhmeSessionCoordinator, SessionData
from .entity import OhmeEntity, OhmeEntityDescription

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class OhmeButtonEntityDescription(OhmeEntityDescription[SessionData], ButtonEntityDescription):
    """Describes an Ohme button."""


APPROVE = OhmeButtonEntityDescription(
    key="approve",
    translation_key="approve",
    available_fn=lambda data: data.status is ChargerStatus.PENDING_APPROVAL,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OhmeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the approve button on chargers that can require approval."""
    charger = entry.runtime_data.account.data.charger
    if charger is not None and "pluginsRequireApprovalMode" in charger.capabilities:
        async_add_entities([OhmeApproveButton(entry, entry.runtime_data.session, APPROVE)])


class OhmeApproveButton(OhmeEntity[SessionData], ButtonEntity):
    """Approve a charge that waits for approval."""

    coordinator: OhmeSessionCoordinator
    entity_description: OhmeButtonEntityDescription

    async def async_press(self) -> None:
        """Approve the charge."""
        await self.coordinator.async_approve()
