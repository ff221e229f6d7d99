"""Diagnostics of the OSO Energy integration."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant

from .coordinator import OSOEnergyConfigEntry

TO_REDACT = {CONF_API_KEY, "title", "unique_id", "email"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: OSOEnergyConfigEntry
) -> dict[str, Any]:
    """Return the entry (redacted) and the last state of every heater."""
    coordinator = entry.runtime_data.coordinator
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "last_update_success": coordinator.last_update_success,
        "update_interval": coordinator.update_interval.total_seconds()
        if coordinator.update_interval
        else None,
        "devices": [asdict(device) for device in coordinator.data.values()],
    }
