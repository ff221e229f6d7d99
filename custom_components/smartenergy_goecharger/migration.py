"""Migration of stored entries: 0.6.0's entries (version 1) and the ``url`` key (version 2.1).

The old ``smartenergy_goecharger`` 0.6.0 stored ``name``, ``host``, ``api_token`` and
``scan_interval`` in data and options, gave its entries no unique id, allowed one charger twice
and named the unique ids of its button, number and select ``<entry_id>_<key>``. Version 2.1
stored the API URL as ``url``; version 2.2 stores it as ``api_url``, like every integration of
this repository. The renamed key is optional (the cloud's URL is the default), so an older
version of this integration still loads a migrated entry.
"""

from __future__ import annotations

import re
from typing import Any, Final

from homeassistant.const import CONF_NAME, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import entity_registry as er

from .const import (
    CONF_API_TOKEN,
    CONF_API_URL,
    CONF_SERIAL,
    CONFIG_MINOR_VERSION,
    CONFIG_VERSION,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from .coordinator import GoeConfigEntry

# Where version 2.1 stored the API URL.
OLD_CONF_URL: Final = "url"

_CLOUD_HOST = re.compile(r"^https?://(\d{6})\.api\.v3\.go-e\.io/?$", re.IGNORECASE)
# Unique ids of the 0.6.0 button/number/select: "<entry_id>_<key>".
_OLD_KEYS = ("wallbox_control", "charger_max_current", "phase_switch_mode")


async def async_migrate_entry(hass: HomeAssistant, entry: GoeConfigEntry) -> bool:
    """Bring an entry of 0.6.0 or of an older version of this integration up to date."""
    if entry.version > CONFIG_VERSION:
        return False
    if entry.version == 1:
        _migrate_from_0_6_0(hass, entry)
    elif entry.minor_version < CONFIG_MINOR_VERSION:
        data = dict(entry.data)
        if OLD_CONF_URL in data:
            data[CONF_API_URL] = data.pop(OLD_CONF_URL)
        hass.config_entries.async_update_entry(entry, data=data, minor_version=CONFIG_MINOR_VERSION)
        LOGGER.debug("Migrated go-e charger entry %s to version 2.2", entry.title)
    # A newer minor version only adds optional keys: this version loads it as it is.
    return True


def _migrate_from_0_6_0(hass: HomeAssistant, entry: GoeConfigEntry) -> None:
    """Take over an entry of the old 0.6.0 integration (version 1)."""
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
        data[CONF_API_URL] = host.rstrip("/")
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
        version=CONFIG_VERSION,
        minor_version=CONFIG_MINOR_VERSION,
    )
    LOGGER.info("Migrated go-e charger entry %s from 0.6.0", entry.title)


@callback
def async_claim_serial(hass: HomeAssistant, entry: GoeConfigEntry, reported: str | None) -> None:
    """Give a migrated entry its serial as unique id; refuse a second entry of one charger.

    0.6.0 allowed the same charger twice and stored no serial for local URLs: such an entry
    learns the serial from the charger's first answer (``reported``).
    """
    if entry.unique_id:
        return
    serial = entry.data.get(CONF_SERIAL) or reported
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
