"""The go-e Charger Cloud integration."""

from __future__ import annotations

import re
from typing import Any

from homeassistant.const import CONF_NAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import DEFAULT_BASE_URL, GoeChargerClient
from .const import (
    CONF_API_TOKEN,
    CONF_SCAN_INTERVAL,
    CONF_SERIAL,
    CONF_URL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from .coordinator import (
    UNREACHABLE_SINCE,
    GoeConfigEntry,
    GoeCoordinator,
    GoeRuntimeData,
    async_delete_issues,
)
from .services import async_setup_services

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

_CLOUD_HOST = re.compile(r"^https?://(\d{6})\.api\.v3\.go-e\.io/?$", re.IGNORECASE)
# Unique ids of the 0.6.0 button/number/select: "<entry_id>_<key>".
_OLD_KEYS = ("wallbox_control", "charger_max_current", "phase_switch_mode")


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
        entry.data.get(CONF_URL) or DEFAULT_BASE_URL,
    )
    coordinator = GoeCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    _claim_serial(hass, entry, coordinator)
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


@callback
def _claim_serial(hass: HomeAssistant, entry: GoeConfigEntry, coordinator: GoeCoordinator) -> None:
    """Give a migrated entry its serial as unique id; refuse a second entry of one charger.

    The old integration allowed the same charger twice and stored no serial for local URLs.
    """
    if entry.unique_id:
        return
    serial = entry.data.get(CONF_SERIAL) or coordinator.data.serial
    if not serial:
        return
    other = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, serial)
    if other is not None:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="duplicate_charger",
            translation_placeholders={"title": other.title},
        )
    hass.config_entries.async_update_entry(
        entry, unique_id=serial, data={**entry.data, CONF_SERIAL: serial}
    )
    _adopt_old_unique_ids(hass, entry, serial)


@callback
def _adopt_old_unique_ids(hass: HomeAssistant, entry: GoeConfigEntry, serial: str) -> None:
    """Rename the 0.6.0 ``<entry_id>_<key>`` unique ids of an entry that claimed ``serial``.

    An id that is already registered (another entry owns the charger's entities) is kept.
    """
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        for key in _OLD_KEYS:
            new_unique_id = f"{serial}_{key}"
            if entity.unique_id == f"{entry.entry_id}_{key}" and not registry.async_get_entity_id(
                entity.domain, entity.platform, new_unique_id
            ):
                registry.async_update_entity(entity.entity_id, new_unique_id=new_unique_id)


async def async_migrate_entry(hass: HomeAssistant, entry: GoeConfigEntry) -> bool:
    """Take over entries of the old 0.6.0 integration (version 1)."""
    if entry.version > 2:
        return False
    old: dict[str, Any] = {**entry.data, **entry.options}
    host = str(old.get("host", "")).strip()
    match = _CLOUD_HOST.match(host)
    serial = match.group(1) if match else ""
    data: dict[str, Any] = {
        CONF_NAME: old.get(CONF_NAME) or entry.title,
        CONF_SERIAL: serial,
        CONF_API_TOKEN: old.get(CONF_API_TOKEN, ""),
    }
    if not match:
        data[CONF_URL] = host.rstrip("/")
    try:
        interval = int(old.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL))
    except (TypeError, ValueError):
        interval = DEFAULT_SCAN_INTERVAL
    interval = min(max(interval, MIN_SCAN_INTERVAL), MAX_SCAN_INTERVAL)
    unique_id = entry.unique_id
    if serial and not hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, serial):
        # This entry claims the charger; a duplicate keeps its ids and fails at setup.
        unique_id = serial
        _adopt_old_unique_ids(hass, entry, serial)
    hass.config_entries.async_update_entry(
        entry,
        data=data,
        options={CONF_SCAN_INTERVAL: interval},
        unique_id=unique_id,
        version=2,
    )
    LOGGER.info("Migrated go-e charger entry %s to version 2", entry.title)
    return True
