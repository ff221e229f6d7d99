"""The Charge Amps Monitor integration: Charge Amps EV chargers from the my.charge.space cloud."""

from __future__ import annotations

from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_SCAN_INTERVAL, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import ChargeAmpsClient
from .const import (
    CONF_API_URL,
    CONF_HOST_NAME,
    CONF_TOKEN,
    CONF_TOKEN_ACCEPTED,
    CONF_TOKEN_VALID_UNTIL,
    DEFAULT_API_URL,
    DEFAULT_HOST_NAME,
    LOGGER,
)
from .coordinator import (
    ChargeAmpsConfigEntry,
    ChargeAmpsCoordinator,
    ChargeAmpsRuntimeData,
)

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.SENSOR]

# The names entries of version 1.1 stored the API URL (data) and the interval (options) under.
OLD_CONF_BASE_URL: Final = "base_url"
OLD_CONF_UPDATE_INTERVAL: Final = "update_interval"


async def async_setup_entry(hass: HomeAssistant, entry: ChargeAmpsConfigEntry) -> bool:
    """Log in (or resume the saved token), fetch the charge points and set up the platforms."""

    def _save_token(token: str, valid_until: float, accepted: bool) -> None:
        hass.config_entries.async_update_entry(
            entry,
            data={
                **entry.data,
                CONF_TOKEN: token,
                CONF_TOKEN_VALID_UNTIL: valid_until,
                CONF_TOKEN_ACCEPTED: accepted,
            },
        )

    client = ChargeAmpsClient(
        async_get_clientsession(hass),
        entry.data[CONF_EMAIL],
        entry.data[CONF_PASSWORD],
        api_url=entry.data.get(CONF_API_URL, DEFAULT_API_URL),
        host_name=entry.data.get(CONF_HOST_NAME, DEFAULT_HOST_NAME),
        token=entry.data.get(CONF_TOKEN),
        token_valid_until=entry.data.get(CONF_TOKEN_VALID_UNTIL),
        token_accepted=bool(entry.data.get(CONF_TOKEN_ACCEPTED, True)),
        on_token=_save_token,
    )
    coordinator = ChargeAmpsCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = ChargeAmpsRuntimeData(client=client, coordinator=coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ChargeAmpsConfigEntry) -> bool:
    """Unload the platforms."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_migrate_entry(hass: HomeAssistant, entry: ChargeAmpsConfigEntry) -> bool:
    """Rename the keys of version 1.1 entries; refuse entries of a newer major version.

    Version 1.2 stores the API URL as ``api_url`` (was ``base_url``) and the polling interval
    as the option ``scan_interval`` (was ``update_interval``), with their values. Both keys
    are optional (their defaults apply without them), so a version that knows only 1.1 still
    sets up a 1.2 entry.
    """
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        data = dict(entry.data)
        options = dict(entry.options)
        if OLD_CONF_BASE_URL in data:
            data[CONF_API_URL] = data.pop(OLD_CONF_BASE_URL)
        if OLD_CONF_UPDATE_INTERVAL in options:
            options[CONF_SCAN_INTERVAL] = options.pop(OLD_CONF_UPDATE_INTERVAL)
        hass.config_entries.async_update_entry(entry, data=data, options=options, minor_version=2)
        LOGGER.debug("Migrated entry %s to version 1.2", entry.entry_id)
    return True


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: ChargeAmpsConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Allow removing a device only when its charger is no longer on the account.

    While the entry is not loaded (setup failed or is being retried) nothing is known about
    the account, so any device may go: a charger still on the account gets its device back
    when the entry is set up.
    """
    if entry.state is not ConfigEntryState.LOADED:
        return True
    coordinator = entry.runtime_data.coordinator
    return coordinator.devices.may_remove(device, coordinator.data)
