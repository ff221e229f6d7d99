"""The Ohme integration: Ohme EV chargers through the Ohme cloud."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN, PLATFORMS
from .coordinator import (
    OhmeAccountCoordinator,
    OhmeConfigEntry,
    OhmeCtCoordinator,
    OhmeRuntimeData,
    OhmeSessionCoordinator,
)
from .helpers import create_client
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: OhmeConfigEntry) -> bool:
    """Set up an Ohme account (entries made by HA core's ohme load unchanged)."""
    client = create_client(hass, dict(entry.data))
    account = OhmeAccountCoordinator(hass, entry, client)
    await account.async_config_entry_first_refresh()
    charger = account.data.charger
    if charger is None:
        raise ConfigEntryError(translation_domain=DOMAIN, translation_key="no_charger")
    session = OhmeSessionCoordinator(hass, entry, client, charger.serial)
    await session.async_config_entry_first_refresh()
    ct: OhmeCtCoordinator | None = None
    if "advancedSettingsReadable" in charger.capabilities:
        probe = OhmeCtCoordinator(hass, entry, client, charger.serial)
        connected = await probe.async_probe()
        if connected:
            ct = probe
        elif connected is None:  # transient failure: probe again with the next account poll
            account.ct_probe = probe
    entry.runtime_data = OhmeRuntimeData(client, charger.serial, session, account, ct)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: OhmeConfigEntry) -> bool:
    """Unload an entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
