"""The Ohme integration: Ohme EV chargers through the Ohme cloud."""

from __future__ import annotations

from typing import Any

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import DEFAULT_API_URL, OhmeClient
from .const import CONF_API_URL, DOMAIN
from .coordinator import (
    OhmeAccountCoordinator,
    OhmeConfigEntry,
    OhmeRuntimeData,
    OhmeSessionCoordinator,
)
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]

# Entities of earlier versions that the cloud no longer serves (removed from the registry).
# CT current read GET advancedSettings, which Ohme refuses to every account since 2025-11-18.
REMOVED_ENTITIES = ((Platform.SENSOR, "ct_current"),)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions."""
    async_setup_services(hass)
    return True


def create_client(hass: HomeAssistant, data: dict[str, Any]) -> OhmeClient:
    """Build a client from entry data; a custom API URL also serves login and token refresh."""
    session = async_get_clientsession(hass)
    api_url = str(data.get(CONF_API_URL) or DEFAULT_API_URL).rstrip("/")
    if api_url == DEFAULT_API_URL:
        return OhmeClient(data[CONF_EMAIL], data[CONF_PASSWORD], session)
    return OhmeClient(
        data[CONF_EMAIL],
        data[CONF_PASSWORD],
        session,
        identity_url=api_url,
        securetoken_url=f"{api_url}/securetoken",
        api_url=api_url,
    )


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
    _remove_retired_entities(hass, charger.serial)
    entry.runtime_data = OhmeRuntimeData(client, charger.serial, session, account)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


def _remove_retired_entities(hass: HomeAssistant, serial: str) -> None:
    """Remove the registry entries of entities this version no longer provides."""
    registry = er.async_get(hass)
    for platform, key in REMOVED_ENTITIES:
        if entity_id := registry.async_get_entity_id(platform, DOMAIN, f"{serial}_{key}"):
            registry.async_remove(entity_id)


async def async_unload_entry(hass: HomeAssistant, entry: OhmeConfigEntry) -> bool:
    """Unload an entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
