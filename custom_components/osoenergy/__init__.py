"""The OSO Energy integration: OSO water heaters through the OSO cloud."""

from __future__ import annotations

from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry

from .api import DEFAULT_API_URL, OSOEnergyClient
from .const import CONF_API_URL, CONFIG_MINOR_VERSION, CONFIG_VERSION, DOMAIN, LOGGER
from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator, OSOEnergyRuntimeData

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.WATER_HEATER,
]

# Where version 1.1 stored a custom API URL.
OLD_CONF_BASE_URL: Final = "base_url"

# The actions are entity actions of the water heaters, registered by that platform.
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_migrate_entry(hass: HomeAssistant, entry: OSOEnergyConfigEntry) -> bool:
    """Rename the API URL key of entries of version 1.1 (``base_url`` -> ``api_url``).

    Entries of core osoenergy (version 1.1, only ``api_key``) just get the new version. A
    newer minor version only adds optional keys, so it loads as it is; a newer major version
    is refused.
    """
    if entry.version > CONFIG_VERSION:
        return False
    if entry.minor_version < CONFIG_MINOR_VERSION:
        data = dict(entry.data)
        if OLD_CONF_BASE_URL in data:
            data[CONF_API_URL] = data.pop(OLD_CONF_BASE_URL)
        hass.config_entries.async_update_entry(entry, data=data, minor_version=CONFIG_MINOR_VERSION)
        LOGGER.debug("Migrated OSO Energy entry %s to version 1.2", entry.entry_id)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: OSOEnergyConfigEntry) -> bool:
    """Set up OSO Energy from a config entry (also one created by the core integration)."""
    client = OSOEnergyClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        entry.data.get(CONF_API_URL, DEFAULT_API_URL),
    )
    coordinator = OSOEnergyCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = OSOEnergyRuntimeData(client=client, coordinator=coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: OSOEnergyConfigEntry) -> bool:
    """Unload a config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: OSOEnergyConfigEntry, device: DeviceEntry
) -> bool:
    """Allow removing a device only when the last answer of the cloud did not list its heater.

    While the entry is not loaded (setup failed or is being retried) nothing is known about
    the account, so the user may remove any device; a heater that is still on the account
    gets its device back at the next successful setup (and a removed heater that the cloud
    lists again gets its entities back at once).
    """
    if entry.state is not ConfigEntryState.LOADED:
        return True
    coordinator = entry.runtime_data.coordinator
    return coordinator.devices.may_remove(device, coordinator.data)
