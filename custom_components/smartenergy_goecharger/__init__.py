"""The go-e Charger Cloud integration."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from . import migration
from .api import DEFAULT_BASE_URL, GoeChargerClient
from .const import CONF_API_TOKEN, CONF_API_URL, CONF_SERIAL, DOMAIN
from .coordinator import (
    UNREACHABLE_SINCE,
    GoeConfigEntry,
    GoeCoordinator,
    GoeRuntimeData,
    async_delete_issues,
)
from .services import async_setup_services

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: GoeConfigEntry) -> bool:
    """Set up one charger."""
    client = GoeChargerClient(
        async_get_clientsession(hass),
        entry.data[CONF_SERIAL],
        entry.data[CONF_API_TOKEN],
        entry.data.get(CONF_API_URL) or DEFAULT_BASE_URL,
    )
    coordinator = GoeCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    migration.async_claim_serial(hass, entry, coordinator.data.serial)
    entry.runtime_data = GoeRuntimeData(client, coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: GoeConfigEntry) -> bool:
    """Unload a charger."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: GoeConfigEntry) -> None:
    """Forget the outage and the repair issues of a removed charger."""
    hass.data.get(UNREACHABLE_SINCE, {}).pop(entry.entry_id, None)
    async_delete_issues(hass, entry.entry_id)


async def async_migrate_entry(hass: HomeAssistant, entry: GoeConfigEntry) -> bool:
    """Take over 0.6.0's entries and rename old keys (``migration.py``)."""
    return await migration.async_migrate_entry(hass, entry)
