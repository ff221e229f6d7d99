"""The OSO Energy integration: OSO water heaters through the OSO cloud."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry

from .api import DEFAULT_BASE_URL, OSOEnergyClient
from .const import CONF_BASE_URL, DOMAIN
from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator, OSOEnergyData

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.WATER_HEATER,
]

# The actions are entity actions of the water heaters, registered by that platform.
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup_entry(hass: HomeAssistant, entry: OSOEnergyConfigEntry) -> bool:
    """Set up OSO Energy from a config entry (also one created by the core integration)."""
    client = OSOEnergyClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        entry.data.get(CONF_BASE_URL, DEFAULT_BASE_URL),
    )
    coordinator = OSOEnergyCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = OSOEnergyData(client=client, coordinator=coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: OSOEnergyConfigEntry) -> bool:
    """Unload a config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: OSOEnergyConfigEntry, device: DeviceEntry
) -> bool:
    """Allow removing a device only once its heater has left the account.

    While the entry is not loaded (setup failed or is being retried) nothing is known about
    the account, so the user may remove any device; a heater that is still on the account
    gets its device back at the next successful setup.
    """
    if entry.state is not ConfigEntryState.LOADED:
        return True
    tracked = entry.runtime_data.coordinator.tracked_ids
    return not any(
        identifier[0] == DOMAIN and identifier[1] in tracked for identifier in device.identifiers
    )
