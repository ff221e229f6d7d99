"""Switches of the Ohme integration: charger settings, price cap and solar boost."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Account
from .coordinator import OhmeAccountCoordinator, OhmeConfigEntry
from .entity import OhmeEntity, OhmeEntityDescription

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class OhmeSwitchEntityDescription(OhmeEntityDescription[Account], SwitchEntityDescription):
    """Describes an Ohme switch."""

    supported_fn: Callable[[Account], bool]
    is_on_fn: Callable[[Account], bool | None]
    set_fn: Callable[[OhmeAccountCoordinator, bool], Coroutine[Any, Any, None]]


def _has(capability: str) -> Callable[[Account], bool]:
    return lambda a: a.charger is not None and capability in a.charger.capabilities


def _is_on(key: str) -> Callable[[Account], bool | None]:
    return lambda a: a.charger.setting(key) if a.charger else None


def _set(key: str) -> Callable[[OhmeAccountCoordinator, bool], Coroutine[Any, Any, None]]:
    return lambda coordinator, on: coordinator.async_set_setting(key, on)


SWITCHES: tuple[OhmeSwitchEntityDescription, ...] = (
    OhmeSwitchEntityDescription(
        key="lock_buttons",
        translation_key="lock_buttons",
        entity_category=EntityCategory.CONFIG,
        supported_fn=_has("buttonsLockable"),
        is_on_fn=_is_on("buttonsLocked"),
        set_fn=_set("buttonsLocked"),
    ),
    OhmeSwitchEntityDescription(
        key="require_approval",
        translation_key="require_approval",
        entity_category=EntityCategory.CONFIG,
        supported_fn=_has("pluginsRequireApprovalMode"),
        is_on_fn=_is_on("pluginsRequireApproval"),
        set_fn=_set("pluginsRequireApproval"),
    ),
    OhmeSwitchEntityDescription(
        key="sleep_when_inactive",
        translation_key="sleep_when_inactive",
        entity_category=EntityCategory.CONFIG,
        supported_fn=_has("stealth"),
        is_on_fn=_is_on("stealthEnabled"),
        set_fn=_set("stealthEnabled"),
    ),
    OhmeSwitchEntityDescription(
        key="solar_boost",
        translation_key="solar_boost",
        supported_fn=lambda a: a.charger is not None and a.charger.solar_capable,
        is_on_fn=lambda a: a.charger.solar_boost if a.charger else None,
        set_fn=lambda coordinator, on: coordinator.async_set_setting(
            "solarMode", "ZERO_EXPORT" if on else "IGNORE"
        ),
    ),
    OhmeSwitchEntityDescription(
        key="price_cap",
        translation_key="price_cap",
        supported_fn=lambda a: a.price_cap_available,
        is_on_fn=lambda a: a.price_cap_enabled,
        set_fn=lambda coordinator, on: coordinator.async_set_price_cap(enabled=on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OhmeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the switches the charger supports."""
    account = entry.runtime_data.account
    async_add_entities(
        OhmeSwitch(entry, account, description)
        for description in SWITCHES
        if description.supported_fn(account.data)
    )


class OhmeSwitch(OhmeEntity[Account], SwitchEntity):
    """An Ohme switch."""

    coordinator: OhmeAccountCoordinator
    entity_description: OhmeSwitchEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the setting."""
        return self.entity_description.is_on_fn(self.data)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the setting on."""
        await self.entity_description.set_fn(self.coordinator, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the setting off."""
        await self.entity_description.set_fn(self.coordinator, False)
